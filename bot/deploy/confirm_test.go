package deploy

import (
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/arrakis-bot/arrakis/drift"
)

// A deploy bound to the hash of a plan runs only that plan: a guild changed since the
// plan was shown makes it refuse before any write; the current hash runs.
func TestDeployRunsOnlyTheConfirmedPlan(t *testing.T) {
	e := newEnv(t)
	ctx := ctxT(t)
	m := loadManifest(t, "community.yaml", e.guild.ID)
	first, err := e.svc.Deploy(ctx, Request{GuildID: e.guild.ID, Manifest: m, By: "tester"})
	if err != nil {
		t.Fatal(err)
	}
	role := first.Resources.Roles[m.Tiers[0].ID]
	e.fd.UpdateRole(e.guild.ID, role, func(r *discordgo.Role) { r.Color = 0x111111 })
	rev, err := e.svc.Review(ctx, e.guild.ID, m)
	if err != nil || len(rev.Plan) != 1 || rev.PlanHash != drift.PlanHash(rev.Plan) {
		t.Fatalf("review: %v, plan %v, hash %s", err, rev.Plan, rev.PlanHash)
	}
	e.fd.UpdateRole(e.guild.ID, role, func(r *discordgo.Role) { r.Name = "Renamed" })
	e.fd.ResetCounts()
	_, err = e.svc.Deploy(ctx, Request{GuildID: e.guild.ID, Manifest: m, By: "tester", PlanHash: rev.PlanHash})
	if ErrorCode(err) != CodePlanChanged || e.fd.WriteCount() != 0 {
		t.Fatalf("deploy of a changed plan: %v, %d writes; want CodePlanChanged and none", err, e.fd.WriteCount())
	}
	rev, err = e.svc.Review(ctx, e.guild.ID, m)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Deploy(ctx, Request{GuildID: e.guild.ID, Manifest: m, By: "tester", PlanHash: rev.PlanHash}); err != nil {
		t.Fatalf("deploy of the current plan: %v", err)
	}
	if n := e.fd.WriteCount(); n != len(rev.Plan) {
		t.Fatalf("%d writes for a plan of %d", n, len(rev.Plan))
	}
}

func TestWithinPlan(t *testing.T) {
	a := drift.Op{Kind: drift.OpDeleteRole, ID: "1", Name: "a"}
	b := drift.Op{Kind: drift.OpDeleteRole, ID: "2", Name: "b"}
	if !withinPlan([]drift.Op{b}, []drift.Op{a, b}) || !withinPlan(nil, []drift.Op{a}) {
		t.Errorf("a rest of the confirmed plan is refused")
	}
	if withinPlan([]drift.Op{b, b}, []drift.Op{a, b}) || withinPlan([]drift.Op{{Kind: drift.OpDeleteRole, ID: "3"}}, []drift.Op{a, b}) {
		t.Errorf("an op that was not confirmed passes")
	}
}
