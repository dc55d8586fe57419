package deploy

import (
	"net/http"
	"testing"
	"time"
)

// TestFaultRecovery (Discord 5xx): Discord applies a write and still answers 500, then
// answers 500 to everything for 20 s. The deploy backs off (capped, with jitter) within its
// 5xx budget and completes by itself soon after the outage, with nothing made twice and
// totals that count every change.
func TestFaultRecovery(t *testing.T) {
	t.Run("discord 5xx outage", func(t *testing.T) {
		e := newEnv(t, withConfig(func(c *Config) {
			c.Retry = RetryPolicy{Budget: 2 * time.Second, BaseBackoff: 250 * time.Millisecond, MaxBackoff: 5 * time.Second, Budget5xx: 60 * time.Second}
		}))
		m := loadManifest(t, "community.yaml", e.guild.ID)
		const outage = 20 * time.Second
		window := e.fd.LoseThenFailFor(http.MethodPost, "/guilds/"+e.guild.ID+"/roles", http.StatusInternalServerError, outage)
		res, err := e.svc.Deploy(ctxT(t), Request{GuildID: e.guild.ID, Manifest: m, By: "tester"})
		finished := time.Now()
		if err != nil {
			t.Fatalf("deploy through the outage: %v", err)
		}
		began, ended := window()
		if began.IsZero() {
			t.Fatal("the outage never started")
		}
		if ended.Sub(began) != outage || finished.Before(ended) {
			t.Fatalf("the deploy finished at %v, before the outage (%v – %v) ended", finished, began, ended)
		}
		if after := finished.Sub(ended); after > 15*time.Second {
			t.Fatalf("the deploy completed %s after the outage, want within 15s", after)
		}
		if dups := duplicates(e.fd, e.guild.ID); len(dups) > 0 {
			t.Fatalf("duplicates after the outage: %v", dups)
		}
		if len(res.Resources.Roles) != len(m.Tiers) || len(res.Resources.Channels) != len(m.Channels) {
			t.Fatalf("resource map has %d roles, %d channels; want %d, %d", len(res.Resources.Roles), len(res.Resources.Channels), len(m.Tiers), len(m.Channels))
		}
		view, err := e.svc.Drift(ctxT(t), e.guild.ID)
		if err != nil || !view.Report.Empty() {
			t.Fatalf("drift after the outage: %v %v", err, view)
		}
		p, err := e.coord.Progress(ctxT(t), e.guild.ID)
		if err != nil || p.Done != p.Total || p.RolesDone != p.RolesTotal || p.ChannelsDone != p.ChannelsTotal {
			t.Fatalf("progress totals are not whole: %+v (%v)", p, err)
		}
	})
}
