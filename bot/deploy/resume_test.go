package deploy

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/arrakis-bot/arrakis/internal/fakediscord"
	"github.com/arrakis-bot/arrakis/store/dir"
	"github.com/arrakis-bot/arrakis/store/memory"
)

var errCut = errors.New("cut off by the test")

// TestDeployResume cuts a deploy off after k of its n writes, for every k, both before
// and after the k-th result is recorded, then resumes it with a fresh instance: the guild
// must equal a one-shot deploy's, with no duplicate role or channel.
func TestDeployResume(t *testing.T) {
	fd := fakediscord.New(t)
	ctx := ctxT(t)

	ref := newEnv(t, func(c *envConfig) { c.fd = fd })
	m := loadManifest(t, "community.yaml", ref.guild.ID)
	fd.ResetCounts()
	oneShot, err := ref.svc.Deploy(ctx, Request{GuildID: ref.guild.ID, Manifest: m, By: "tester"})
	if err != nil {
		t.Fatalf("one-shot deploy: %v", err)
	}
	n := fd.WriteCount()
	if n != len(oneShot.Done) || n < 10 {
		t.Fatalf("one-shot deploy made %d writes for %d ops; want one write per op and at least 10", n, len(oneShot.Done))
	}
	want := layout(fd, ref.guild.ID)

	for k := 1; k <= n; k++ {
		for _, recorded := range []bool{false, true} {
			t.Run(fmt.Sprintf("k=%d/recorded=%v", k, recorded), func(t *testing.T) {
				sh, err := dir.NewShadow(t.TempDir())
				if err != nil {
					t.Fatal(err)
				}
				e := newEnv(t, func(c *envConfig) { c.fd = fd }, withStores(sh, memory.NewCoordination(time.Now)))
				mk := loadManifest(t, "community.yaml", e.guild.ID)
				cut := e.newService(func(c *Config) {
					c.afterWrite = func(i int, rec bool) error {
						if i == k && rec == recorded {
							return errCut
						}
						return nil
					}
				})
				_, err = cut.Deploy(ctx, Request{GuildID: e.guild.ID, Manifest: mk, By: "tester"})
				if !errors.Is(err, errCut) || ErrorCode(err) != CodeInterrupted {
					t.Fatalf("cut deploy: err = %v, want the cut (interrupted)", err)
				}
				var de *Error
				errors.As(err, &de)
				if de.Result == nil || len(de.Result.Done)+len(de.Result.Remaining) == 0 {
					t.Fatalf("cut deploy says nothing about what was done: %+v", de.Result)
				}

				res, err := e.newService(nil).Deploy(ctx, Request{GuildID: e.guild.ID, Manifest: mk, By: "tester"})
				if err != nil {
					t.Fatalf("resume: %v", err)
				}
				if dups := duplicates(fd, e.guild.ID); len(dups) > 0 {
					t.Fatalf("duplicates after resume: %v", dups)
				}
				if got := layout(fd, e.guild.ID); got != want {
					t.Fatalf("resumed guild differs from a one-shot deploy:\n got:\n%s\nwant:\n%s", got, want)
				}
				// Totals count the whole deploy: what the cut run did and what the resume did.
				whole := len(res.Done) + res.Resumed
				says := strings.Contains(res.Report, fmt.Sprintf("(%d change%s in all)", whole, plural(whole)))
				if res.Resumed != len(de.Result.Done) || says != (res.Resumed > 0) {
					t.Errorf("resumed result counts %d earlier changes (the cut run made %d); report %q does not say %d in all", res.Resumed, len(de.Result.Done), res.Report, whole)
				}
				if res.SnapshotID != "v00000001" {
					t.Errorf("resume made snapshot %s, want v00000001 reused", res.SnapshotID)
				}
				if len(res.Resources.Roles) != len(mk.Tiers) || len(res.Resources.Channels) != len(mk.Channels) {
					t.Errorf("resource map has %d roles, %d channels; want %d, %d", len(res.Resources.Roles), len(res.Resources.Channels), len(mk.Tiers), len(mk.Channels))
				}
				view, err := e.svc.Drift(ctx, e.guild.ID)
				if err != nil {
					t.Fatalf("drift: %v", err)
				}
				if !view.Report.Empty() {
					t.Errorf("drift after resume: %s", FormatReport(view.Report))
				}
			})
		}
	}
}
