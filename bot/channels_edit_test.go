package bot

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/arrakis-bot/arrakis/wizard"
)

// mutate changes the stored session and shows the wizard again, as /setup would.
func (r *handlerRig) mutate(f func(s *wizard.Session)) {
	r.t.Helper()
	s := r.session()
	f(s)
	if _, err := r.sessions.Update(context.Background(), s); err != nil {
		r.t.Fatalf("update: %v", err)
	}
	r.send(r.interaction(discordgo.InteractionApplicationCommand, discordgo.ApplicationCommandInteractionData{ID: "1", Name: cmdSetup}))
}

// sentSelect returns the select whose custom_id has the arg, from the last message.
func (r *handlerRig) sentSelect(arg string) discordgo.SelectMenu {
	r.t.Helper()
	for _, c := range sentComponents(r.sent) {
		if m, ok := c.(discordgo.SelectMenu); ok {
			if id, err := parseCustomID(m.CustomID); err == nil && id.Arg == arg {
				return m
			}
		}
	}
	r.t.Fatalf("no select %q sent: %v", arg, r.sentIDs())
	return discordgo.SelectMenu{}
}

// The category choice reaches every category of the layout however many there are: with
// 30, the select pages, none is dropped, and a channel lands in the 30th.
func TestParentChoiceReachesThirtyCategories(t *testing.T) {
	r := newHandlerRig(t)
	r.prepare(6)
	r.mutate(func(s *wizard.Session) {
		s.Data.CustomChannels = nil
		for i := 1; i <= 30; i++ {
			s.Data.CustomChannels = append(s.Data.CustomChannels, wizard.Channel{Key: fmt.Sprintf("chan-%d", i), Name: fmt.Sprintf("Cat %d", i), Type: wizard.ChannelCategory})
		}
	})
	seen := map[string]bool{}
	for page := 0; page < 5; page++ {
		m := r.sentSelect("parent")
		if len(m.Options) > maxSelectOptions {
			t.Fatalf("page %d has %d options", page, len(m.Options))
		}
		next := ""
		for _, o := range m.Options {
			if strings.HasPrefix(o.Value, pageValuePref) {
				if strings.HasPrefix(o.Label, "More") {
					next = o.Value
				}
				continue
			}
			seen[o.Value] = true
		}
		if next == "" {
			break
		}
		r.click("sel:parent", next)
	}
	for i := 1; i <= 30; i++ {
		if !seen[fmt.Sprintf("chan-%d", i)] {
			t.Fatalf("category chan-%d is not reachable; seen %v", i, seen)
		}
	}
	r.click("sel:parent", "chan-30")
	r.click("open:channel")
	r.submit(map[string]string{"name": "deep-chat"})
	s := r.session()
	last := s.Data.CustomChannels[len(s.Data.CustomChannels)-1]
	if last.Name != "deep-chat" || last.Parent != "chan-30" {
		t.Fatalf("new channel %+v, want it in chan-30", last)
	}
}

// Any custom channel can be edited or removed, not just the last.
func TestRemoveOrEditAnyCustomChannel(t *testing.T) {
	r := newHandlerRig(t)
	r.prepare(6)
	r.mutate(func(s *wizard.Session) {
		s.Data.CustomChannels = []wizard.Channel{
			{Key: "chan-1", Name: "Holders", Type: wizard.ChannelCategory},
			{Key: "chan-2", Name: "first", Type: wizard.ChannelText, Parent: "chan-1"},
			{Key: "chan-3", Name: "middle", Type: wizard.ChannelText, Parent: "chan-1", MinTier: "tier-1"},
			{Key: "chan-4", Name: "last", Type: wizard.ChannelText},
		}
	})
	r.click("ch_edit")
	r.click("sel:chpick", "chan-3")
	r.click("open:channel")
	if r.modal == nil {
		t.Fatalf("Rename opened no form")
	}
	r.submit(map[string]string{"name": "renamed", "topic": "now with a topic"})
	r.click("sel:ctier", noneValue)
	r.click("sel:parent", noneValue)
	s := r.session()
	if ch := s.Data.CustomChannels[2]; ch.Name != "renamed" || ch.Topic != "now with a topic" || ch.MinTier != "" || ch.Parent != "" || ch.Key != "chan-3" {
		t.Fatalf("edited channel %+v", ch)
	}
	r.click("sel:chpick", "chan-2")
	r.click("rm_chan:chan-2")
	s = r.session()
	var keys []string
	for _, c := range s.Data.CustomChannels {
		keys = append(keys, c.Key)
	}
	if !slices.Equal(keys, []string{"chan-1", "chan-3", "chan-4"}) {
		t.Fatalf("after removing the second channel: %v", keys)
	}
}
