package bot

import (
	"context"

	"github.com/bwmarrin/discordgo"
	"go.uber.org/zap"

	"github.com/arrakis-bot/arrakis/store"
)

// "Open in browser": /drift and /setup (in a guild with a deployment) carry a link button
// (style 5) to the read-only web view, with a one-time sign-in link made for the admin who
// ran the command. The web view lives in package web; cmd hands the bot its link maker.

// WebLinks makes one-time sign-in links to a guild's web view for a user. Deps.WebLinks is
// nil when the web view has no public base URL; then no button is offered.
type WebLinks interface {
	WebLink(ctx context.Context, guildID, userID string) (string, error)
}

// IsAdminPermissions reports whether guild-level permissions p let a member use Arrakis
// (Manage Server or Administrator): the web view asks it of a member's roles.
func IsAdminPermissions(p int64) bool { return p&adminPermissions != 0 }

const webLinkLabel = "Open in browser"

// withWebLink adds the "Open in browser" button to v: in a row of its own when there is
// room for one, else beside the last row's buttons when that row has room. When no link
// can be made, v is shown without it (the web view is a companion, never in the way).
func (b *Bot) withWebLink(ctx context.Context, i *discordgo.Interaction, v view) view {
	if b.d.WebLinks == nil {
		return v
	}
	user, _ := userOf(i)
	url, err := b.d.WebLinks.WebLink(ctx, i.GuildID, user)
	if err != nil {
		b.d.Log.Warn("make a web view link", append(interactionFields(i), zap.Error(err))...)
		return v
	}
	btn := discordgo.Button{Label: webLinkLabel, Style: discordgo.LinkButton, URL: url}
	comps := append([]discordgo.MessageComponent(nil), v.Components...)
	// The wizard's Back · Next · Cancel row stays last: the link goes before it.
	at := len(comps)
	if at > 0 && isNavRow(comps[at-1]) {
		at--
	}
	if len(comps) < maxActionRows {
		v.Components = append(comps[:at:at], append([]discordgo.MessageComponent{buttonRow([]discordgo.Button{btn})}, comps[at:]...)...)
		return v
	}
	if at == 0 {
		return v
	}
	if row, ok := asRow(comps[at-1]); ok && len(row.Components) < maxButtonsPerRow {
		for _, c := range row.Components {
			if c.Type() != discordgo.ButtonComponent {
				return v // a select menu fills its row
			}
		}
		row.Components = append(append([]discordgo.MessageComponent(nil), row.Components...), btn)
		comps[at-1] = row
		v.Components = comps
	}
	return v
}

// isNavRow reports whether a row is the wizard's Back · Next · Cancel row.
func isNavRow(rc discordgo.MessageComponent) bool {
	row, ok := asRow(rc)
	if !ok {
		return false
	}
	for _, c := range row.Components {
		var id string
		switch b := c.(type) {
		case discordgo.Button:
			id = b.CustomID
		case *discordgo.Button:
			id = b.CustomID
		}
		if cid, err := parseCustomID(id); err == nil && cid.Step != 0 && cid.Action == actCancel {
			return true
		}
	}
	return false
}

// withSetupWebLink adds the button to a /setup view when the guild has a deployment.
func (b *Bot) withSetupWebLink(ctx context.Context, i *discordgo.Interaction, v view) view {
	if b.d.WebLinks == nil || b.d.Shadow == nil {
		return v
	}
	if _, err := b.d.Shadow.LatestDeployed(ctx, i.GuildID); err != nil {
		if !store.IsCode(err, store.CodeNotFound) {
			b.d.Log.Warn("web view link: read the deployment", append(interactionFields(i), zap.Error(err))...)
		}
		return v
	}
	return b.withWebLink(ctx, i, v)
}
