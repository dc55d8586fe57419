package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/arrakis-bot/arrakis/store/memory"
	"github.com/arrakis-bot/arrakis/wizard"
)

// handlerRig is the bot on the memory stores, driven by direct calls to Handle: what the
// bot sent is read from its replies (and from the edits their Later made).
type handlerRig struct {
	t        testing.TB
	b        *Bot
	sessions *memory.Sessions
	guild    string
	user     string
	// sent is the last wizard message's components, as the bot sent them.
	sent  []discordgo.MessageComponent
	modal *discordgo.InteractionResponseData // the last modal the bot opened
}

const rigGuild, rigUser = "700000000000000001", "700000000000000002"

func newHandlerRig(t testing.TB) *handlerRig {
	s := memory.NewSessions(memory.Options{})
	b := New(Deps{Sessions: s, Coordination: memory.NewCoordination(time.Now)})
	return &handlerRig{t: t, b: b, sessions: s, guild: rigGuild, user: rigUser}
}

func (r *handlerRig) interaction(typ discordgo.InteractionType, data discordgo.InteractionData) *discordgo.Interaction {
	return &discordgo.Interaction{
		ID: "1", AppID: "3", Type: typ, GuildID: r.guild, ChannelID: "4", Token: "tok",
		Member: &discordgo.Member{User: &discordgo.User{ID: r.user, Username: "owner"}, Permissions: discordgo.PermissionAdministrator},
		Data:   data,
	}
}

// send runs one interaction and records what the bot showed: a message's components
// become the offered ones, a modal becomes the open modal.
func (r *handlerRig) send(i *discordgo.Interaction) Reply {
	rep := r.b.Handle(context.Background(), i)
	r.b.Wait()
	if rep.Response == nil {
		return rep
	}
	d := rep.Response.Data
	switch rep.Response.Type {
	case discordgo.InteractionResponseModal:
		r.modal = d
		return rep
	case discordgo.InteractionResponseUpdateMessage, discordgo.InteractionResponseDeferredMessageUpdate,
		discordgo.InteractionResponseDeferredChannelMessageWithSource:
		if d != nil {
			r.sent = d.Components
		}
	case discordgo.InteractionResponseChannelMessageWithSource:
		if d != nil && len(d.Components) > 0 {
			r.sent = d.Components
		}
	}
	if rep.Later != nil {
		rep.Later(context.Background(), func(_ context.Context, e *discordgo.WebhookEdit) error {
			if e.Components != nil {
				r.sent = *e.Components
			}
			return nil
		})
	}
	return rep
}

func (r *handlerRig) stored() []byte {
	s, err := r.sessions.GetByGuild(context.Background(), r.guild)
	if err != nil {
		return nil
	}
	s.UpdatedAt = time.Time{} // not part of what an input may change
	b, _ := json.Marshal(s)
	return b
}

// prepare starts /setup and moves the session to the given step with complete answers.
func (r *handlerRig) prepare(step int) {
	ctx := context.Background()
	r.send(r.interaction(discordgo.InteractionApplicationCommand, discordgo.ApplicationCommandInteractionData{ID: "1", Name: cmdSetup}))
	s, err := r.sessions.GetByGuild(ctx, r.guild)
	if err != nil {
		r.t.Fatalf("session: %v", err)
	}
	dec := 6
	s.Data = wizard.SessionData{
		CommunityName: "Honey Jar", Chains: []string{"ethereum"},
		Assets: []wizard.Asset{{ID: "asset-1", Type: wizard.AssetERC20, Chain: "ethereum", Contract: usdc, Name: "USD Coin", Symbol: "USDC", Decimals: &dec}},
		Tiers: []wizard.Tier{{ID: "tier-1", Name: "Bronze", Rules: []wizard.Rule{{Type: wizard.RuleMinBalance, Asset: "asset-1", Amount: "1"}},
			Role: wizard.RoleSpec{Name: "Bronze"}}},
		ChannelTemplate: wizard.TemplateCustom,
		CustomChannels: []wizard.Channel{{Key: "chan-1", Name: "Holders", Type: wizard.ChannelCategory},
			{Key: "chan-2", Name: "chat", Type: wizard.ChannelText, Parent: "chan-1", MinTier: "tier-1"}},
	}
	if s, err = r.sessions.Update(ctx, s); err != nil {
		r.t.Fatalf("update: %v", err)
	}
	for s.State.Step() < step && s.State != wizard.StateReview {
		next, _ := s.State.Next()
		if s, err = r.sessions.Transition(ctx, s.ID, s.Version, next); err != nil {
			r.t.Fatalf("transition: %v", err)
		}
	}
	r.sent = r.b.frame(ctx, s, "", nil).Components
	// What the bot sent for this state: a click it offered re-renders the message.
	if c, ok := findComponent(r.sent, idFor(s, actBack)); ok {
		_ = c
	}
	r.send(r.interaction(discordgo.InteractionApplicationCommand, discordgo.ApplicationCommandInteractionData{ID: "1", Name: cmdSetup}))
}

// sentComponents lists the buttons and selects of the last message.
func sentComponents(rows []discordgo.MessageComponent) []discordgo.MessageComponent {
	var out []discordgo.MessageComponent
	for _, rc := range rows {
		row, ok := asRow(rc)
		if !ok {
			continue
		}
		out = append(out, row.Components...)
	}
	return out
}

// wasOffered reports whether a click was one the sent components offered.
func wasOffered(rows []discordgo.MessageComponent, d discordgo.MessageComponentInteractionData) bool {
	for _, c := range sentComponents(rows) {
		switch v := c.(type) {
		case discordgo.Button:
			if v.CustomID == d.CustomID {
				return !v.Disabled && d.ComponentType == discordgo.ButtonComponent && len(d.Values) == 0
			}
		case discordgo.SelectMenu:
			if v.CustomID != d.CustomID || v.Disabled || d.ComponentType != v.Type() {
				continue
			}
			if len(d.Values) > max(1, v.MaxValues) {
				return false
			}
			for _, val := range d.Values {
				if v.MenuType == discordgo.StringSelectMenu && !slices.ContainsFunc(v.Options, func(o discordgo.SelectMenuOption) bool { return o.Value == val }) {
					return false
				}
			}
			return true
		}
	}
	return false
}

func customIDOf(c discordgo.MessageComponent) (string, discordgo.ComponentType) {
	switch v := c.(type) {
	case discordgo.Button:
		return v.CustomID, discordgo.ButtonComponent
	case discordgo.SelectMenu:
		return v.CustomID, v.Type()
	}
	return "", 0
}

// FuzzHandleComponent sends random custom_ids, values and modal fields through the
// handler: it never panics, and the stored session changes only when the input was one
// the message the bot sent offered.
func FuzzHandleComponent(f *testing.F) {
	f.Add(uint8(1), uint8(0), "", "", "Honey Jar", false)
	f.Add(uint8(2), uint8(0), "", "polygon\x00base", "", false)
	f.Add(uint8(2), uint8(0), "", "solana", "", false)
	f.Add(uint8(3), uint8(0), "", "erc721", "", false)
	f.Add(uint8(3), uint8(1), "", "polygon", "", false)
	f.Add(uint8(3), uint8(3), "", "", "", false)
	f.Add(uint8(3), uint8(2), "", "", "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48\x00Coin\x00C\x00+6", true)
	f.Add(uint8(4), uint8(2), "", "asset-9", "", false)
	f.Add(uint8(4), uint8(4), ":zz", "", "", false)
	f.Add(uint8(4), uint8(5), "", "", "-0", true)
	f.Add(uint8(5), uint8(1), "", "123456789012345678", "", false)
	f.Add(uint8(5), uint8(3), "", "", "@\u200beveryone", true)
	f.Add(uint8(6), uint8(0), "", "custom", "", false)
	f.Add(uint8(6), uint8(2), "", "~p5", "", false)
	f.Add(uint8(6), uint8(5), "", "", "\u200b\u2060", true)
	f.Add(uint8(7), uint8(0), "", "", "", false)
	f.Add(uint8(7), uint8(9), "confirm", "", "", false)
	f.Add(uint8(3), uint8(0), strings.Repeat("x", 200), strings.Repeat("v", 3000), "", false)
	f.Add(uint8(1), uint8(0), "arr:1.x:1v1:next:a:b:c", "", "", false)
	f.Fuzz(func(t *testing.T, step, pick uint8, tamper, values, fields string, asModal bool) {
		r := newHandlerRig(t)
		r.prepare(int(step%7) + 1)
		comps := sentComponents(r.sent)
		if len(comps) == 0 {
			t.Fatalf("the bot sent no components at step %d", step%7+1)
		}
		id, kind := customIDOf(comps[int(pick)%len(comps)])
		switch {
		case strings.HasPrefix(tamper, "arr"):
			id = tamper // a whole forged custom_id
		case tamper != "" && strings.HasPrefix(tamper, ":"):
			id += tamper
		case tamper != "":
			if c, err := parseCustomID(id); err == nil {
				c.Action = tamper
				id = c.String()
			}
		}
		var vals []string
		if values != "" {
			vals = strings.Split(values, "\x00")
		}
		before := r.stored()
		sent := r.sent
		if !asModal {
			d := discordgo.MessageComponentInteractionData{CustomID: id, ComponentType: kind, Values: vals}
			r.send(r.interaction(discordgo.InteractionMessageComponent, d))
			if after := r.stored(); !bytes.Equal(before, after) && !wasOffered(sent, d) {
				t.Fatalf("a click that was not offered changed the session:\nclick %+v\nbefore %s\nafter  %s", d, before, after)
			}
			return
		}
		// A modal: open it with the clicked button, then submit fuzzed fields.
		r.modal = nil
		r.send(r.interaction(discordgo.InteractionMessageComponent, discordgo.MessageComponentInteractionData{CustomID: id, ComponentType: kind}))
		opened := r.modal
		before = r.stored()
		modalID := id
		var inputs []string
		if opened != nil {
			modalID = opened.CustomID
			for _, rc := range opened.Components {
				row, _ := asRow(rc)
				for _, c := range row.Components {
					if ti, ok := c.(discordgo.TextInput); ok {
						inputs = append(inputs, ti.CustomID)
					}
				}
			}
		}
		fv := strings.Split(fields, "\x00")
		var rows []discordgo.MessageComponent
		for k, v := range fv {
			in := "name"
			if k < len(inputs) {
				in = inputs[k]
			} else if k > 0 {
				in = "extra" + v
			}
			rows = append(rows, discordgo.ActionsRow{Components: []discordgo.MessageComponent{&discordgo.TextInput{CustomID: in, Value: v}}})
		}
		if tamper != "" && opened != nil {
			modalID += ":" + tamper
		}
		r.send(r.interaction(discordgo.InteractionModalSubmit, discordgo.ModalSubmitInteractionData{CustomID: modalID, Components: rows}))
		if after := r.stored(); !bytes.Equal(before, after) {
			ok := opened != nil && modalID == opened.CustomID && len(fv) <= len(inputs)
			if !ok {
				t.Fatalf("a modal submit that was not offered changed the session:\nid %q fields %q (modal inputs %v)\nbefore %s\nafter  %s",
					modalID, fv, inputs, before, after)
			}
		}
	})
}
