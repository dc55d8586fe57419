package bot

import "testing"

// Adopting a role the bot cannot manage (above its own, or managed by an integration) is
// refused on the wizard message with the reason; the tier keeps its role.
func TestAdoptRefusesRolesTheBotCannotManage(t *testing.T) {
	e := newE2E(t, newHTTPTransport)
	runWalk(t, e, walkUntil(t, "adopt for gold"))
	before := e.Session()

	r := e.Click("sel:adopt", e.Seed.AdminRoleID)
	mustContain(t, "above the bot", r.Text(), "Step 5 of 8", "Existing role", "not below the bot's highest role")
	r = e.Click("sel:adopt", e.Seed.BotRoleID)
	mustContain(t, "managed", r.Text(), "managed by an integration")
	if after := e.Session(); !sameAnswers(before.Data, after.Data) {
		t.Fatalf("a refused adoption changed the answers")
	}

	r = e.Click("sel:adopt", e.Seed.ModeratorRoleID)
	mustContain(t, "adoptable", r.Text(), "existing role <@&"+e.Seed.ModeratorRoleID+">")
	r = e.Click("sel:adopt") // clearing the select goes back to creating a role
	if e.Session().Data.Tiers[1].Role.Adopt != "" {
		t.Fatalf("clearing the role select kept the adoption")
	}
}
