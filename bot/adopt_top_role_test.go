package bot

import (
	"testing"

	"github.com/bwmarrin/discordgo"
)

// Discord lets the bot manage roles below its highest role, whichever role that is. Here
// the bot's integration role sits at the bottom and the bot also has Admin, the top role:
// Moderator (between the two) can be adopted, and Admin itself cannot.
func TestAdoptCheckUsesTheBotsHighestRole(t *testing.T) {
	e := newE2E(t, newHTTPTransport)
	g := e.Seed.ID
	e.FD.AddMember(g, e.FD.BotUserID(), "arrakis", e.Seed.BotRoleID, e.Seed.AdminRoleID)
	if _, err := e.DG.GuildRoleReorder(g, []*discordgo.Role{{ID: e.Seed.BotRoleID, Position: 1}, {ID: e.Seed.ModeratorRoleID, Position: 2}}); err != nil {
		t.Fatalf("reorder: %v", err)
	}
	if bot, mod := e.FD.Role(g, e.Seed.BotRoleID), e.FD.Role(g, e.Seed.ModeratorRoleID); bot.Position >= mod.Position {
		t.Fatalf("setup: integration role at %d is not below Moderator at %d", bot.Position, mod.Position)
	}
	runWalk(t, e, walkUntil(t, "adopt for gold"))
	r := e.Click("sel:adopt", e.Seed.ModeratorRoleID)
	mustContain(t, "adopted", r.Text(), "adopting the existing role <@&"+e.Seed.ModeratorRoleID+">")
	if got := e.Session().Data.Tiers[1].Role.Adopt; got != e.Seed.ModeratorRoleID {
		t.Fatalf("adopt = %q, want Moderator", got)
	}
	before := e.storedSession()
	r = e.Click("sel:adopt", e.Seed.AdminRoleID)
	if string(before) != string(e.storedSession()) {
		t.Fatalf("adopting the bot's own top role was accepted")
	}
	mustContain(t, "refused", r.Text(), "⚠️")
}
