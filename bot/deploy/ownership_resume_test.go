package deploy

import (
	"errors"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/arrakis-bot/arrakis/drift"
	"github.com/arrakis-bot/arrakis/internal/fakediscord"
)

// TestResumeClaimsOnlyOwnCreations: a deploy stops between a create and recording it. A
// same-named resource an admin made before the deploy (an hour before, or seconds before
// but outside the clock margin) is never taken for the one the deploy made: the resume
// claims exactly the new one, through the create journal and the snowflake time. Inside
// the margin (the deploy's clock runs 1.5 s ahead of Discord's) its own creation is still
// recognised.
func TestResumeClaimsOnlyOwnCreations(t *testing.T) {
	cases := []struct {
		name     string
		kind     drift.OpKind // the create the deploy is cut after
		twinAge  time.Duration
		clockAdv time.Duration // how far the deploy's clock is ahead of Discord's
	}{
		{"role, twin an hour older", drift.OpCreateRole, time.Hour, 0},
		{"category, twin an hour older", drift.OpCreateChannel, time.Hour, 0},
		{"role, deploy clock inside the margin, twin just outside", drift.OpCreateRole, 2 * time.Second, 1500 * time.Millisecond},
		{"category, deploy clock inside the margin, twin just outside", drift.OpCreateChannel, 2 * time.Second, 1500 * time.Millisecond},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, withGuild(fakediscord.GuildOptions{Bare: true}))
			ctx := ctxT(t)
			m := loadManifest(t, "community.yaml", e.guild.ID)
			rev, err := e.svc.Review(ctx, e.guild.ID, m)
			if err != nil {
				t.Fatal(err)
			}
			k, name := 0, ""
			for i, op := range rev.Plan {
				if op.Kind == tc.kind {
					k, name = i+1, op.Name
					break
				}
			}
			if k == 0 {
				t.Fatalf("the plan has no %s", tc.kind)
			}
			// The admin's own resource with the same name, made before the deploy.
			born := time.Now().Add(-tc.twinAge)
			var twin string
			if tc.kind == drift.OpCreateRole {
				twin = e.fd.CreateRoleAt(e.guild.ID, discordgo.Role{Name: name, Color: 0x123456, Permissions: discordgo.PermissionKickMembers}, born)
			} else {
				twin = e.fd.CreateChannelAt(e.guild.ID, discordgo.Channel{Name: name, Type: discordgo.ChannelTypeGuildCategory}, born)
			}
			twinBefore := e.fd.Role(e.guild.ID, twin)
			twinChanBefore := e.fd.Channel(twin)
			before := ids(e.fd, e.guild.ID)

			now := func() time.Time { return time.Now().Add(tc.clockAdv) }
			cut := e.newService(func(c *Config) {
				c.Now = now
				c.afterWrite = func(i int, recorded bool) error {
					if i == k && !recorded {
						return errCut
					}
					return nil
				}
			})
			if _, err := cut.Deploy(ctx, Request{GuildID: e.guild.ID, Manifest: m, By: "tester"}); !errors.Is(err, errCut) {
				t.Fatalf("cut deploy: %v", err)
			}
			var made string
			for id := range ids(e.fd, e.guild.ID) {
				if before[id] {
					continue
				}
				if tc.kind == drift.OpCreateRole {
					if r := e.fd.Role(e.guild.ID, id); r != nil && r.Name == name {
						made = id
					}
				} else if c := e.fd.Channel(id); c != nil && c.Name == name && c.Type == discordgo.ChannelTypeGuildCategory {
					made = id
				}
			}
			if made == "" {
				t.Fatalf("the cut deploy did not make %q", name)
			}

			res, err := e.newService(func(c *Config) { c.Now = now }).Deploy(ctx, Request{GuildID: e.guild.ID, Manifest: m, By: "tester"})
			if err != nil {
				t.Fatalf("resume: %v", err)
			}
			key := rev.Plan[k-1].Key
			got := res.Resources.Roles[key]
			if tc.kind == drift.OpCreateChannel {
				got = res.Resources.Channels[key]
			}
			if got != made {
				t.Errorf("resume claimed %s for %s, want %s (the one the deploy made; the admin's is %s)", got, key, made, twin)
			}
			n := 0
			for _, r := range e.fd.Roles(e.guild.ID) {
				if r.Name == name && tc.kind == drift.OpCreateRole {
					n++
				}
			}
			for _, c := range e.fd.Channels(e.guild.ID) {
				if c.Name == name && c.Type == discordgo.ChannelTypeGuildCategory && tc.kind == drift.OpCreateChannel {
					n++
				}
			}
			if n != 2 {
				t.Errorf("%d resources named %q, want 2 (the admin's and the deploy's)", n, name)
			}
			if tc.kind == drift.OpCreateRole {
				after := e.fd.Role(e.guild.ID, twin)
				if after == nil || after.Name != twinBefore.Name || after.Color != twinBefore.Color || after.Permissions != twinBefore.Permissions {
					t.Errorf("the admin's role changed: %+v, was %+v", after, twinBefore)
				}
			} else {
				after := e.fd.Channel(twin)
				if after == nil || after.Name != twinChanBefore.Name || len(after.PermissionOverwrites) != len(twinChanBefore.PermissionOverwrites) {
					t.Errorf("the admin's category changed: %+v, was %+v", after, twinChanBefore)
				}
			}
			t.Logf("resume claimed %s (made by the cut deploy) and left the admin's %s, made %s before the journal entry", got, twin, tc.twinAge+tc.clockAdv)
			view, err := e.svc.Drift(ctx, e.guild.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !view.Report.Empty() {
				t.Errorf("drift after resume: %s", FormatReport(view.Report))
			}
		})
	}
}

// ids is every role and channel id of the guild.
func ids(fd *fakediscord.Server, guildID string) map[string]bool {
	out := map[string]bool{}
	for _, r := range fd.Roles(guildID) {
		out[r.ID] = true
	}
	for _, c := range fd.Channels(guildID) {
		out[c.ID] = true
	}
	return out
}
