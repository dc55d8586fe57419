package bot

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/arrakis-bot/arrakis/bot/deploy"
)

// stubLinks makes fake web view links and records whom for.
type stubLinks struct {
	mu    sync.Mutex
	calls []string // "guild/user"
}

func (s *stubLinks) WebLink(_ context.Context, guildID, userID string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, guildID+"/"+userID)
	return "https://arrakis.example.com/web/signin/tok" + userID, nil
}

// linkButton returns the "Open in browser" button of a message, or nil.
func linkButton(m *discordgo.Message) *discordgo.Button {
	if m == nil {
		return nil
	}
	for _, rc := range m.Components {
		row, _ := asRow(rc)
		for _, c := range row.Components {
			if b, ok := c.(*discordgo.Button); ok && b.Style == discordgo.LinkButton {
				return b
			}
			if b, ok := c.(discordgo.Button); ok && b.Style == discordgo.LinkButton {
				return &b
			}
		}
	}
	return nil
}

// /drift and /setup offer "Open in browser" (a URL button with a link made for the admin who
// ran the command) once the guild has a deployment, and only when there is a web view.
func TestOpenInBrowserButton(t *testing.T) {
	e := newE2E(t, newHTTPTransport)
	links := &stubLinks{}
	e.Bot.d.WebLinks = links
	if b := linkButton(e.Command("drift").Message); b != nil {
		t.Fatalf("/drift before any deploy offers %+v", b)
	}
	if b := linkButton(e.Command("setup").Message); b != nil {
		t.Fatalf("/setup in a guild with no deployment offers %+v", b)
	}
	if _, err := e.Deploy.Deploy(context.Background(), deploy.Request{GuildID: e.Seed.ID, Manifest: deployedManifest(t, e), By: e.Owner.ID}); err != nil {
		t.Fatalf("deploy: %v", err)
	}
	want := "https://arrakis.example.com/web/signin/tok" + e.Owner.ID
	for _, cmd := range []string{"drift", "setup"} {
		r := e.Command(cmd)
		b := linkButton(r.Message)
		if b == nil || b.URL != want || b.Label != "Open in browser" || b.CustomID != "" {
			t.Fatalf("/%s after a deploy: button %+v; message:\n%s", cmd, b, r.Text())
		}
		if err := CheckResponse(&discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource,
			Data: &discordgo.InteractionResponseData{Components: r.Message.Components}}); err != nil {
			t.Fatalf("/%s with the button breaks a limit: %v", cmd, err)
		}
	}
	if got := strings.Join(links.calls, ","); got != e.Seed.ID+"/"+e.Owner.ID+","+e.Seed.ID+"/"+e.Owner.ID {
		t.Fatalf("links made for %s", got)
	}

	e.Bot.d.WebLinks = nil
	if b := linkButton(e.Command("drift").Message); b != nil {
		t.Fatalf("/drift without a web view offers %+v", b)
	}
}
