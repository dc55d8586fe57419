package bot

import (
	"context"
	"fmt"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/arrakis-bot/arrakis/wizard"
)

// Step 6, CHANNEL_STRUCTURE: a template, or custom channels. For a custom channel the
// type, category and minimum tier are picked with selects, then a modal asks for the
// name and topic. The guild's alert channel (alerts.channel) is chosen here too, with a
// channel select; in custom mode, whose selects fill the message, it has a view of its own
// (the layout select's last option).

const (
	uiChanType   = "ch.type"
	uiChanParent = "ch.parent" // a category key, or "" for none
	uiChanTier   = "ch.tier"   // a tier id, or "" for everyone
	noneValue    = "-"         // select value for "no category" / "everyone"
	uiChanView   = "ch.view"   // "alerts": custom mode shows the alert channel picker
	alertsValue  = "@alerts"   // layout select option that opens the alert channel view
)

func channelsStep() stepDef {
	return stepDef{ui: channelsUI, actions: map[string]actionFunc{
		actSelect + ":tmpl":   (*Bot).selectTemplate,
		actSelect + ":ctype":  selectChannelPick(uiChanType),
		actSelect + ":parent": selectChannelPick(uiChanParent),
		actSelect + ":ctier":  selectChannelPick(uiChanTier),
		"rm_chan":             (*Bot).removeLastChannel,
		actSelect + ":alerts": (*Bot).pickAlertChannel,
		"no_alerts":           (*Bot).clearAlertChannel,
		"alerts_done":         (*Bot).closeAlertView,
	}}
}

func pickedChannelType(s *wizard.Session) wizard.ChannelType {
	if t := wizard.ChannelType(s.UI[uiChanType]); t.Valid() {
		return t
	}
	return wizard.ChannelText
}

func channelsUI(sc *stepCtx) stepUI {
	s := sc.s
	ui := stepUI{
		Body:    "Choose how Arrakis lays out your gated channels. A channel open to a tier is open to every higher tier.",
		Selects: []discordgo.SelectMenu{templateSelect(s)},
	}
	custom := s.Data.ChannelTemplate == wizard.TemplateCustom
	if !custom || s.UI[uiChanView] == "alerts" {
		if chs, ps := wizard.ExpandChannels(s.Data.ChannelTemplate, nil, s.Data.Tiers); !custom && len(ps) == 0 && len(chs) > 0 {
			ui.Body += fmt.Sprintf("\n\nThis layout makes %d channels and categories:\n", len(chs)) + templateList(chs, s.Data.Tiers)
		}
		ui.Body += "\n\n" + alertChannelText(s.Data.AlertChannel)
		ui.Selects = append(ui.Selects, alertChannelSelect(s))
		if s.Data.AlertChannel != "" {
			ui.Buttons = append(ui.Buttons, button(s, "No alert channel", discordgo.SecondaryButton, "no_alerts"))
		}
		if custom {
			ui.Buttons = append(ui.Buttons, button(s, "Back to channels", discordgo.PrimaryButton, "alerts_done"))
		}
		return ui
	}
	ui.Body += "\n\nPick the type, category and minimum tier of the next channel, then **Add channel…**."
	ui.Selects = append(ui.Selects, channelTypeSelect(s), parentSelect(s), minTierSelect(s))
	ui.Buttons = []discordgo.Button{button(s, "Add channel…", discordgo.SuccessButton, actOpen, "channel")}
	if len(s.Data.CustomChannels) > 0 {
		ui.Buttons = append(ui.Buttons, button(s, "Remove last", discordgo.SecondaryButton, "rm_chan"))
	}
	return ui
}

func templateSelect(s *wizard.Session) discordgo.SelectMenu {
	var opts []discordgo.SelectMenuOption
	for _, t := range wizard.Templates {
		opts = append(opts, discordgo.SelectMenuOption{Label: wizard.TemplateTitle(t), Value: t, Default: t == s.Data.ChannelTemplate})
	}
	if s.Data.ChannelTemplate == wizard.TemplateCustom {
		// Custom mode's selects leave no room for the alert channel's: it opens a view.
		opts = append(opts, discordgo.SelectMenuOption{Label: "Alert channel…", Value: alertsValue,
			Description: "Where this server's deploy results and drift reports go"})
	}
	return selectMenu(s, "tmpl", "Channel layout", opts)
}

func channelTypeSelect(s *wizard.Session) discordgo.SelectMenu {
	cur := pickedChannelType(s)
	var opts []discordgo.SelectMenuOption
	for _, t := range []wizard.ChannelType{wizard.ChannelText, wizard.ChannelVoice, wizard.ChannelCategory} {
		opts = append(opts, discordgo.SelectMenuOption{Label: channelTypeNames[t] + " channel", Value: string(t), Default: t == cur})
	}
	opts[2].Label = "Category"
	return selectMenu(s, "ctype", "Channel type", opts)
}

// parentSelect offers the custom categories made so far (at most 24 fit with "none").
func parentSelect(s *wizard.Session) discordgo.SelectMenu {
	cur := s.UI[uiChanParent]
	opts := []discordgo.SelectMenuOption{{Label: "No category", Value: noneValue, Default: cur == ""}}
	for _, c := range s.Data.CustomChannels {
		if c.Type == wizard.ChannelCategory && len(opts) < maxSelectOptions {
			opts = append(opts, discordgo.SelectMenuOption{Label: clip("In "+c.Name, maxOptionText), Value: c.Key, Default: cur == c.Key})
		}
	}
	return selectMenu(s, "parent", "Category", opts)
}

func minTierSelect(s *wizard.Session) discordgo.SelectMenu {
	cur := s.UI[uiChanTier]
	opts := []discordgo.SelectMenuOption{{Label: "Everyone (not gated)", Value: noneValue, Default: cur == ""}}
	for i, t := range s.Data.Tiers {
		opts = append(opts, discordgo.SelectMenuOption{
			Label: clip(fmt.Sprintf("Tier %d: %s and up", i+1, t.Name), maxOptionText), Value: t.ID, Default: cur == t.ID,
		})
	}
	return selectMenu(s, "ctier", "Who can see it", opts)
}

func (b *Bot) selectTemplate(ctx context.Context, c *click) Reply {
	if c.firstValue() == alertsValue && c.s.Data.ChannelTemplate == wizard.TemplateCustom {
		setUI(c.s, uiChanView, "alerts")
		return b.save(ctx, c, "")
	}
	if !wizard.ValidTemplate(c.firstValue()) {
		return b.show(ctx, c.s, msgOutOfDate, updateMessage)
	}
	c.s.Data.ChannelTemplate = c.firstValue()
	delete(c.s.UI, uiChanView)
	return b.save(ctx, c, "")
}

// selectChannelPick stores one of the custom-channel picks in Session.UI.
func selectChannelPick(key string) actionFunc {
	return func(b *Bot, ctx context.Context, c *click) Reply {
		v := c.firstValue()
		if v == noneValue {
			v = ""
		}
		setUI(c.s, key, v)
		return b.save(ctx, c, "")
	}
}

func (b *Bot) removeLastChannel(ctx context.Context, c *click) Reply {
	chs := c.s.Data.CustomChannels
	if n := len(chs); n > 0 {
		gone := chs[n-1].Key
		c.s.Data.CustomChannels = chs[:n-1]
		if c.s.UI[uiChanParent] == gone {
			delete(c.s.UI, uiChanParent)
		}
	}
	return b.save(ctx, c, "")
}

func channelModal() modalDef {
	return modalDef{
		name: "channel", state: wizard.StateChannelStructure,
		title: func(s *wizard.Session) string {
			return "New " + strings.ToLower(channelTypeNames[pickedChannelType(s)]) + " channel"
		},
		inputs: func(s *wizard.Session) []inputDef {
			ins := []inputDef{{ID: "name", Label: "Name", Placeholder: "e.g. holders-chat", Required: true, Max: 100}}
			if pickedChannelType(s) == wizard.ChannelText {
				ins = append(ins, inputDef{ID: "topic", Label: "Topic (optional)", Long: true, Max: 1024})
			}
			return ins
		},
		apply: applyChannel,
	}
}

// applyChannel adds a custom channel when it and the list it joins are valid.
func applyChannel(s *wizard.Session, in map[string]string) wizard.Problems {
	ch := wizard.Channel{
		Key: wizard.NewChannelKey(s.Data.CustomChannels, s.Data.DeployedKeys...), Name: strings.TrimSpace(in["name"]), Type: pickedChannelType(s),
		Topic: strings.TrimSpace(in["topic"]), MinTier: s.UI[uiChanTier],
	}
	if ch.Type != wizard.ChannelCategory {
		ch.Parent = s.UI[uiChanParent]
	}
	chs := append(append([]wizard.Channel(nil), s.Data.CustomChannels...), ch)
	ps := wizard.ValidateChannels(chs, s.Data.Tiers, 0).ForPath(fmt.Sprintf("channels[%d]", len(chs)-1))
	if len(ps) == 0 {
		ps = wizard.ValidateChannel(ch)
	}
	if len(ps) == 0 {
		s.Data.CustomChannels = chs
	}
	return ps
}

// templateList shows what a template makes, one line a channel, clipped for the embed.
func templateList(chs []wizard.Channel, tiers []wizard.Tier) string {
	lines := make([]string, 0, len(chs))
	for _, c := range chs {
		lines = append(lines, "• "+channelText(c, chs, tiers))
	}
	return clip(strings.Join(lines, "\n"), 1500)
}
