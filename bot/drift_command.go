package bot

import (
	"context"
	"strings"

	"github.com/bwmarrin/discordgo"
)

// /drift shows how the live guild differs from the deployed setup. Its controls use the
// custom_id prefix "arrd:" (they belong to no wizard session).

const driftPrefix = "arrd:"

func isDriftControl(customID string) bool { return strings.HasPrefix(customID, driftPrefix) }

func (b *Bot) driftCommand(i *discordgo.Interaction) Reply {
	return deferNew(func(ctx context.Context) view { return b.driftView(ctx, i.GuildID, 0) })
}

func (b *Bot) driftComponent(ctx context.Context, i *discordgo.Interaction, d discordgo.MessageComponentInteractionData) Reply {
	return say(msgUnknown)
}

func (b *Bot) driftView(ctx context.Context, guildID string, page int) view {
	return view{Content: "The drift report is not available yet in this version of Arrakis. Use `arrakis drift` on the server."}
}
