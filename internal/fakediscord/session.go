package fakediscord

import (
	"net/http"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/arrakis-bot/arrakis/bot/restbase"
)

// NewSession returns a discordgo session wired to the fake: the bot token,
// Session.Client with the restbase RoundTripper (so discordgo's
// https://discord.com/api/v9 URLs reach the fake), intents Guilds, and no
// reconnect on error. Open() works: it learns the gateway URL from GET
// /gateway. The session is closed at t.Cleanup (before the fake closes).
func (s *Server) NewSession(t testing.TB) *discordgo.Session {
	t.Helper()
	ds, err := discordgo.New("Bot " + s.botToken)
	if err != nil {
		t.Fatalf("fakediscord: discordgo.New: %v", err)
	}
	rt, err := restbase.New(s.RESTBase(), s.http.Client().Transport)
	if err != nil {
		t.Fatalf("fakediscord: restbase.New: %v", err)
	}
	ds.Client = &http.Client{Transport: rt, Timeout: 20 * time.Second}
	ds.Identify.Intents = discordgo.IntentsGuilds
	ds.ShouldReconnectOnError = false
	ds.LogLevel = discordgo.LogWarning
	t.Cleanup(func() { _ = ds.Close() })
	return ds
}
