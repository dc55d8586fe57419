package bot

// Checks the end-to-end driver applies to everything the bot sends: Discord's limits,
// ephemeral flags and empty allowed mentions; and small assertion helpers.

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/arrakis-bot/arrakis/internal/fakediscord"
	"github.com/arrakis-bot/arrakis/wizard"
)

func checkCallbackLimits(t testing.TB, cb fakediscord.Callback) {
	t.Helper()
	resp := &discordgo.InteractionResponse{Type: cb.Type}
	switch cb.Type {
	case discordgo.InteractionResponseModal:
		m, err := cb.Modal()
		if err != nil {
			t.Fatalf("decode modal: %v", err)
		}
		resp.Data = &discordgo.InteractionResponseData{CustomID: m.CustomID, Title: m.Title, Components: m.Components}
	case discordgo.InteractionResponsePong, discordgo.InteractionResponseDeferredMessageUpdate:
	default:
		m, err := cb.Message()
		if err != nil {
			t.Fatalf("decode response: %v", err)
		}
		resp.Data = &discordgo.InteractionResponseData{Content: m.Content, Embeds: m.Embeds, Components: m.Components}
		checkEphemeralNoMentions(t, cb)
	}
	if err := CheckResponse(resp); err != nil {
		t.Errorf("response breaks Discord's limits: %v\n%s", err, cb.Raw)
	}
}

// checkEphemeralNoMentions asserts flags 64 on new messages and empty allowed mentions.
func checkEphemeralNoMentions(t testing.TB, cb fakediscord.Callback) {
	t.Helper()
	var d struct {
		Flags           int `json:"flags"`
		AllowedMentions *struct {
			Parse []string `json:"parse"`
		} `json:"allowed_mentions"`
	}
	_ = json.Unmarshal(cb.Data, &d)
	if cb.Type == discordgo.InteractionResponseChannelMessageWithSource || cb.Type == discordgo.InteractionResponseDeferredChannelMessageWithSource {
		if d.Flags&int(discordgo.MessageFlagsEphemeral) == 0 {
			t.Errorf("response is not ephemeral: %s", cb.Raw)
		}
	}
	if cb.Type != discordgo.InteractionResponseDeferredChannelMessageWithSource && (d.AllowedMentions == nil || d.AllowedMentions.Parse == nil || len(d.AllowedMentions.Parse) != 0) {
		t.Errorf("allowed_mentions must be {parse: []}: %s", cb.Raw)
	}
}

func checkMessageLimits(t testing.TB, m *discordgo.Message) {
	t.Helper()
	err := CheckResponse(&discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseUpdateMessage,
		Data: &discordgo.InteractionResponseData{Content: m.Content, Embeds: m.Embeds, Components: m.Components},
	})
	if err != nil {
		t.Errorf("message breaks Discord's limits: %v", err)
	}
}

func mustContain(t testing.TB, what, got string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Fatalf("%s: want %q in:\n%s", what, w, got)
		}
	}
}

func (e *E2E) mustState(want wizard.State) *wizard.Session {
	e.t.Helper()
	s := e.Session()
	if s == nil {
		e.t.Fatalf("session: none in the store, want state %s", want)
	}
	if s.State != want {
		e.t.Fatalf("session state %s, want %s", s.State, want)
	}
	return s
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}
