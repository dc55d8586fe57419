package bot

import (
	"context"
	"fmt"
	"strconv"

	"github.com/bwmarrin/discordgo"

	"github.com/arrakis-bot/arrakis/store"
)

// Rollback from /setup: a guild in edit mode can deploy an earlier deployed version again
// (bot/deploy records it as a new version with reason rollback). It opens its own ephemeral
// message so the wizard stays where it was; it uses the guild controls of drift_command.go
// ("arrd:<guild>:<action>:<n>", n the version where one is meant). A rollback changes the
// desired setup under the open session, so the session ends and /setup starts afresh.

// maxRollbackChoices is what fits in one select menu.
const maxRollbackChoices = 25

// rollbackButton is the INIT step's entry to rollback in edit mode.
func rollbackButton(guildID string) discordgo.Button {
	return driftButton(guildID, "Roll back…", "rb", 0, discordgo.SecondaryButton)
}

// rollbackStart answers the button with a new ephemeral message listing the versions.
func (b *Bot) rollbackStart(i *discordgo.Interaction) Reply {
	return deferNew(func(ctx context.Context) view { return b.rollbackChoices(ctx, i.GuildID) })
}

// rollbackChoices lists the deployed versions other than the one in place.
func (b *Bot) rollbackChoices(ctx context.Context, guildID string) view {
	if b.d.Deploy == nil {
		return view{Content: "Rollback is unavailable: this Arrakis has no deploy service configured."}
	}
	hist, err := b.d.Deploy.History(ctx, guildID)
	if err != nil {
		return view{Content: b.deploySentence(err, guildID)}
	}
	var opts []discordgo.SelectMenuOption
	current := true
	for _, h := range hist {
		if h.Deployed == nil {
			continue
		}
		if current { // the newest deployed version is what the server has now
			current = false
			continue
		}
		if len(opts) == maxRollbackChoices {
			break
		}
		opts = append(opts, discordgo.SelectMenuOption{
			Label: fmt.Sprintf("%s — %s", h.Meta.ID, h.Meta.Reason), Value: strconv.Itoa(h.Meta.Version),
			Description: clip("deployed "+h.Deployed.DeployedAt.UTC().Format("2006-01-02 15:04")+" UTC", maxOptionText),
		})
	}
	if len(opts) == 0 {
		return view{Content: "There is no earlier deployed version to roll back to."}
	}
	one := 1
	menu := discordgo.SelectMenu{MenuType: discordgo.StringSelectMenu, Placeholder: "Version to deploy again",
		CustomID: driftID{Guild: guildID, Action: "rbpick"}.String(), MinValues: &one, MaxValues: 1, Options: opts}
	return view{Content: "Choose an earlier version to deploy again. You will see what it changes before anything happens.",
		Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{menu}}}}
}

// rollbackConfirm shows the picked version's plan and asks to confirm.
func (b *Bot) rollbackConfirm(ctx context.Context, guildID string, values []string) view {
	version, err := strconv.Atoi(firstOf(values))
	if err != nil || version < 1 {
		return view{Content: msgUnknown}
	}
	text := fmt.Sprintf("**Roll back to %s?** Arrakis deploys that version again as a new version; "+
		"your open /setup session ends.", store.SnapshotID(version))
	if snap, err := b.d.Deploy.Snapshot(ctx, guildID, version); err == nil {
		if rv, err := b.d.Deploy.Review(ctx, guildID, snap.Manifest); err == nil {
			text += "\n\n" + planText(rv)
		}
	}
	e := &discordgo.MessageEmbed{Title: "Confirm rollback", Description: clip(text, maxEmbedDesc), Color: colorProblem}
	return view{Embeds: []*discordgo.MessageEmbed{e}, Components: []discordgo.MessageComponent{buttonRow([]discordgo.Button{
		driftButton(guildID, "Confirm rollback", "rb_ok", version, discordgo.DangerButton),
		driftButton(guildID, "Choose another", "rb", 0, discordgo.SecondaryButton),
	})}}
}

// rollbackRun deploys the version again and ends the guild's open session.
func (b *Bot) rollbackRun(ctx context.Context, guildID string, version int, user string) view {
	res, err := b.d.Deploy.Rollback(ctx, guildID, version, user)
	if err != nil {
		return view{Content: "❌ " + b.deploySentence(err, guildID)}
	}
	if s, err := b.d.Sessions.GetByGuild(ctx, guildID); err == nil {
		_ = b.d.Sessions.Delete(ctx, s.ID, store.EndCancelled)
	}
	return view{Content: fmt.Sprintf("✅ Rolled back: %s is deployed again as %s (%d writes). Run /setup to edit from it.",
		store.SnapshotID(version), res.SnapshotID, res.Writes)}
}

func firstOf(vs []string) string {
	if len(vs) == 0 {
		return ""
	}
	return vs[0]
}
