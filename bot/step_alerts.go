package bot

import (
	"context"

	"github.com/bwmarrin/discordgo"

	"github.com/arrakis-bot/arrakis/drift"
	"github.com/arrakis-bot/arrakis/wizard"
)

// The alert channel (step 6): where this guild's deploy results and drift reports go
// (alerts.channel in the manifest). Chosen with a channel select limited to text channels;
// the pick is checked against the live guild, never taken from the interaction's resolved
// data alone.

func alertChannelText(id string) string {
	if id == "" {
		return "**Alert channel:** none. Deploy results and drift reports go by DM to the admin who last deployed from Discord, " +
			"and when that is not possible they wait in /drift and /setup. Pick a channel below to post them there instead."
	}
	return "**Alert channel:** <#" + id + ">. Deploy results and drift reports of this server are posted there."
}

func alertChannelSelect(s *wizard.Session) discordgo.SelectMenu {
	zero := 0
	m := discordgo.SelectMenu{
		MenuType: discordgo.ChannelSelectMenu, CustomID: idFor(s, actSelect, "alerts"),
		Placeholder: "Alert channel (optional)", MinValues: &zero, MaxValues: 1,
		ChannelTypes: []discordgo.ChannelType{discordgo.ChannelTypeGuildText},
	}
	if s.Data.AlertChannel != "" {
		m.DefaultValues = []discordgo.SelectMenuDefaultValue{{ID: s.Data.AlertChannel, Type: discordgo.SelectMenuDefaultValueChannel}}
	}
	return m
}

// pickAlertChannel checks the picked channel against the live guild (which may take longer
// than Discord's 3 seconds: the click is acknowledged at once). An empty pick clears it.
func (b *Bot) pickAlertChannel(ctx context.Context, c *click) Reply {
	if len(c.values) == 0 {
		return b.clearAlertChannel(ctx, c)
	}
	if len(c.values) > 1 {
		return b.show(ctx, c.s, msgOutOfDate, updateMessage)
	}
	id := c.values[0]
	return deferUpdate(func(ctx context.Context) view {
		g, err := b.fetchGuild(ctx, c.i.GuildID)
		if err != nil {
			return b.liveGuildFailed(ctx, c, err)
		}
		if ps := alertChannelProblems(g, id); len(ps) > 0 {
			return b.frame(ctx, c.s, problemList(ps), nil)
		}
		c.s.Data.AlertChannel = id
		s, err := b.d.Sessions.Update(ctx, c.s)
		if err != nil {
			return b.storeFailedView(ctx, c, err)
		}
		return b.frame(ctx, s, "", nil)
	})
}

// alertChannelProblems: the channel must be a text channel of this guild.
func alertChannelProblems(g drift.Guild, id string) wizard.Problems {
	if ps := wizard.ValidateAlertChannel(id); len(ps) > 0 {
		return ps
	}
	for _, ch := range g.Channels {
		if ch.ID != id {
			continue
		}
		if ch.Type != drift.ChannelType(discordgo.ChannelTypeGuildText) {
			return wizard.Problems{{Path: "alerts.channel", Field: "Alert channel", Message: "pick a text channel (not a category, voice, forum or announcement channel)"}}
		}
		return nil
	}
	return wizard.Problems{{Path: "alerts.channel", Field: "Alert channel", Message: "that channel is not in this server (or no longer exists); pick another"}}
}

func (b *Bot) clearAlertChannel(ctx context.Context, c *click) Reply {
	c.s.Data.AlertChannel = ""
	return b.save(ctx, c, "")
}

func (b *Bot) closeAlertView(ctx context.Context, c *click) Reply {
	delete(c.s.UI, uiChanView)
	return b.save(ctx, c, "")
}
