package drift

import (
	"testing"

	"github.com/arrakis-bot/arrakis/wizard"
)

// The hash of a plan changes with anything an op would do differently, and only then.
func TestPlanHashBindsEveryOp(t *testing.T) {
	base := []Op{
		{Kind: OpCreateRole, Key: "tier-1", Name: "Bronze", Role: &wizard.RoleSpec{Name: "Bronze"}},
		{Kind: OpDeleteChannel, Key: "chan-9", ID: "1234", Name: "old"},
	}
	h := PlanHash(base)
	if len(h) != HashLen || PlanHash(append([]Op(nil), base...)) != h {
		t.Fatalf("hash %q is not stable or not %d long", h, HashLen)
	}
	variants := map[string][]Op{
		"another id":       {base[0], {Kind: OpDeleteChannel, Key: "chan-9", ID: "1235", Name: "old"}},
		"another colour":   {{Kind: OpCreateRole, Key: "tier-1", Name: "Bronze", Role: &wizard.RoleSpec{Name: "Bronze", Color: 1}}, base[1]},
		"one more delete":  append(append([]Op(nil), base...), Op{Kind: OpDeleteRole, Key: "tier-3", ID: "77", Name: "x"}),
		"another order":    {base[1], base[0]},
		"nothing to do":    nil,
		"only the creates": base[:1],
	}
	for name, ops := range variants {
		if PlanHash(ops) == h {
			t.Errorf("%s: same hash as the original plan", name)
		}
	}
	if PlanHash(nil) != PlanHash([]Op{}) {
		t.Errorf("an empty plan hashes differently as nil and as []Op{}")
	}
}

// The fingerprint of a guild ignores the order Discord lists things in, not their values.
func TestGuildFingerprint(t *testing.T) {
	g := Guild{ID: "1", Roles: []Role{{ID: "1"}, {ID: "2", Name: "a", Position: 1}},
		Channels: []Channel{{ID: "5", Name: "x", Overwrites: []Overwrite{{ID: "1", Deny: 1024}, {ID: "2", Allow: 1024}}}, {ID: "4", Name: "y"}}}
	f := GuildFingerprint(g)
	shuffled := Guild{ID: "1", Roles: []Role{g.Roles[1], g.Roles[0]},
		Channels: []Channel{g.Channels[1], {ID: "5", Name: "x", Overwrites: []Overwrite{g.Channels[0].Overwrites[1], g.Channels[0].Overwrites[0]}}}}
	if GuildFingerprint(shuffled) != f {
		t.Errorf("listing order changed the fingerprint")
	}
	if g.Channels[0].Overwrites[0].ID != "1" {
		t.Errorf("GuildFingerprint reordered its input")
	}
	moved := cloneGuild(g)
	moved.Roles[1].Position = 2
	if GuildFingerprint(moved) == f {
		t.Errorf("a moved role kept the fingerprint")
	}
}

func TestReportHash(t *testing.T) {
	r := Report{Items: []Item{{Type: RoleMismatch, Key: "tier-1", Field: "name", Expected: "a", Actual: "b"}}}
	if ReportHash("v1", r) == ReportHash("v2", r) {
		t.Errorf("the basis does not change the hash")
	}
	r2 := Report{Items: []Item{{Type: RoleMismatch, Key: "tier-1", Field: "name", Expected: "a", Actual: "c"}}}
	if ReportHash("v1", r) == ReportHash("v1", r2) {
		t.Errorf("another live value kept the hash")
	}
}
