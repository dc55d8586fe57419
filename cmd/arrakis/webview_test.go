package main

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/arrakis-bot/arrakis/internal/config"
	"github.com/arrakis-bot/arrakis/internal/fakediscord"
	"github.com/arrakis-bot/arrakis/web"
)

// The web view's Access asks Discord: the owner, a member whose role has Administrator or
// Manage Server may manage the guild; a moderator and a stranger may not; a guild the bot
// was removed from is unknown.
func TestDiscordAccess(t *testing.T) {
	fd := fakediscord.New(t)
	g := fd.Seed(fakediscord.GuildOptions{Name: "Dune Traders Guild"})
	managers := fd.CreateRole(g.ID, discordgo.Role{Name: "Managers", Permissions: discordgo.PermissionManageGuild})
	fd.AddMember(g.ID, "1180000000000000501", "manager", managers)
	fd.AddMember(g.ID, "1180000000000000502", "plain")
	a := discordAccess{fd.NewSession(t)}
	ctx := context.Background()
	for _, tc := range []struct {
		who, user string
		want      bool
	}{
		{"the owner (Admin role)", g.OwnerID, true},
		{"a Manage Server role", "1180000000000000501", true},
		{"the moderator", g.ModeratorUserID, false},
		{"a plain member", "1180000000000000502", false},
		{"someone not in the guild", "1180000000000000503", false},
	} {
		m, err := a.Member(ctx, g.ID, tc.user)
		if err != nil || m.CanManage != tc.want || m.GuildName != "Dune Traders Guild" {
			t.Errorf("%s: %+v, %v; want CanManage %v", tc.who, m, err, tc.want)
		}
	}
	fd.RemoveBot(g.ID)
	if _, err := a.Member(ctx, g.ID, g.OwnerID); !errors.Is(err, web.ErrUnknownGuild) {
		t.Errorf("after the bot was removed: %v, want web.ErrUnknownGuild", err)
	}
}

// Without web.base_url there is no web view: /web/ is not served.
func TestServeWithoutWebBaseURL(t *testing.T) {
	f := startServe(t, config.ModeHTTP)
	if code := f.get(t, "/web/static/style.css"); code != http.StatusNotFound {
		t.Fatalf("/web/static/style.css without web.base_url: %d, want 404", code)
	}
}
