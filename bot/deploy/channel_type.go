package deploy

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/bwmarrin/discordgo"

	"github.com/arrakis-bot/arrakis/drift"
)

// A managed channel whose live type differs from the manifest's (drift field "type") can
// be fixed in place only between text and announcement: that is the one conversion
// Discord's Modify Channel allows. Any other (voice ↔ text, a category ↔ anything) would
// fail at Discord half-way through a deploy, so preflight refuses it up front and says
// how to get out: delete the channel, or give the manifest's channel a new key (the old
// one then shows as an extra the bot made, which prune removes).

// convertible reports whether Discord can change a channel's type from one to the other.
func convertible(from, to discordgo.ChannelType) bool {
	textLike := func(t discordgo.ChannelType) bool {
		return t == discordgo.ChannelTypeGuildText || t == discordgo.ChannelTypeGuildNews
	}
	return from == to || textLike(from) && textLike(to)
}

// changesType reports whether an update_channel op changes the channel's type.
func changesType(op drift.Op) bool {
	return op.Kind == drift.OpUpdateChannel && op.Channel != nil && slices.Contains(op.Fields, "type")
}

// typeProblems words every type change in ops that Discord cannot make; rerun is the
// advice that ends each (Config.Rerun).
func typeProblems(l *live, ops []drift.Op, rerun string) []string {
	var problems []string
	for _, op := range ops {
		if !changesType(op) {
			continue
		}
		c, ok := l.channelByID[op.ID]
		if !ok {
			continue // gone since the plan was made: the re-plan creates it afresh
		}
		from, to := discordgo.ChannelType(c.Type), channelType(op.Channel.Type)
		if convertible(from, to) {
			continue
		}
		problems = append(problems, fmt.Sprintf(
			"Discord cannot turn the %s channel “%s” into a %s channel; delete “%s” in Discord, or give the manifest's channel %q a new key, and %s.",
			channelKind(from), c.Name, channelKind(to), c.Name, op.Key, rerun))
	}
	return problems
}

// channelKind names a channel type as Discord's client does.
func channelKind(t discordgo.ChannelType) string {
	switch t {
	case discordgo.ChannelTypeGuildText:
		return "text"
	case discordgo.ChannelTypeGuildVoice:
		return "voice"
	case discordgo.ChannelTypeGuildCategory:
		return "category"
	case discordgo.ChannelTypeGuildNews:
		return "announcement"
	case discordgo.ChannelTypeGuildStageVoice:
		return "stage"
	case discordgo.ChannelTypeGuildForum:
		return "forum"
	}
	return "type " + strconv.Itoa(int(t))
}
