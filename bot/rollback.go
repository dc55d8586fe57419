package bot

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/arrakis-bot/arrakis/store"
	"github.com/arrakis-bot/arrakis/wizard"
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
	opts, fail := b.rollbackOptions(ctx, guildID)
	if fail != "" {
		return view{Content: fail}
	}
	one := 1
	menu := discordgo.SelectMenu{MenuType: discordgo.StringSelectMenu, Placeholder: "Version to deploy again",
		CustomID: driftID{Guild: guildID, Action: "rbpick"}.String(), MinValues: &one, MaxValues: 1, Options: opts}
	return view{Content: "Choose an earlier version to deploy again. You will see what it changes before anything happens.",
		Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{menu}}}}
}

// rollbackOptions are the versions the select offers: one source for drawing the select
// and for checking what a click picked.
func (b *Bot) rollbackOptions(ctx context.Context, guildID string) ([]discordgo.SelectMenuOption, string) {
	if b.d.Deploy == nil {
		return nil, "Rollback is unavailable: this Arrakis has no deploy service configured."
	}
	hist, err := b.d.Deploy.History(ctx, guildID)
	if err != nil {
		return nil, b.deploySentence(err, guildID)
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
			Label: fmt.Sprintf("Version %d — %s", h.Meta.Version, reasonWords(h.Meta.Reason)), Value: strconv.Itoa(h.Meta.Version),
			Description: clip("deployed "+h.Deployed.DeployedAt.UTC().Format("2006-01-02 15:04")+" UTC", maxOptionText),
		})
	}
	if len(opts) == 0 {
		return nil, "There is no earlier deployed version to roll back to."
	}
	return opts, ""
}

// rollbackConfirm shows the picked version's plan and what happens to the open /setup
// session (naming its owner when that is another admin), and asks to confirm. The confirm
// button carries a hash of exactly that text.
func (b *Bot) rollbackConfirm(ctx context.Context, guildID string, values []string, user, notice string) view {
	opts, fail := b.rollbackOptions(ctx, guildID)
	if fail != "" {
		return view{Content: fail}
	}
	if len(values) != 1 || !slices.ContainsFunc(opts, func(o discordgo.SelectMenuOption) bool { return o.Value == values[0] }) {
		return view{Content: msgBadValues}
	}
	version, _ := strconv.Atoi(values[0])
	text := fmt.Sprintf("Arrakis deploys version %d again, saved as a new version.", version)
	if s, err := b.d.Sessions.GetByGuild(ctx, guildID); err == nil {
		if s.OwnerID == user {
			text += "\nYour open /setup session ends; its answers are not kept."
		} else {
			text += fmt.Sprintf("\n<@%s>'s open /setup session ends and their answers are lost: %s (step %d of %d — %s).",
				s.OwnerID, answersText(s), s.State.Step(), len(wizard.States), s.State.Title())
		}
	}
	if snap, err := b.d.Deploy.Snapshot(ctx, guildID, version); err == nil {
		if rv, err := b.d.Deploy.Review(ctx, guildID, snap.Manifest); err == nil {
			text += "\n\n" + planText(rv)
		}
	}
	hash := shortHash(text)
	if notice != "" {
		text = "⚠️ " + notice + "\n\n" + text
	}
	e := &discordgo.MessageEmbed{Title: fmt.Sprintf("Roll back to version %d?", version), Description: clip(text, maxEmbedDesc), Color: colorProblem}
	ok := driftID{Guild: guildID, Action: "rb_ok", Page: version, Hash: hash}
	return view{Embeds: []*discordgo.MessageEmbed{e}, Components: []discordgo.MessageComponent{buttonRow([]discordgo.Button{
		{Label: fmt.Sprintf("Roll back to version %d", version), Style: discordgo.DangerButton, CustomID: ok.String()},
		driftButton(guildID, "Choose another", "rb", 0, discordgo.SecondaryButton),
	})}}
}

// rollbackRun deploys the version again and ends the guild's open session — only when the
// confirmation the admin saw is still what a rollback would do; otherwise nothing runs and
// the new confirmation is shown.
func (b *Bot) rollbackRun(ctx context.Context, id driftID, user string) view {
	values := []string{strconv.Itoa(id.Page)}
	fresh := b.rollbackConfirm(ctx, id.Guild, values, user, "")
	if len(fresh.Components) == 0 {
		return fresh // the version is no longer offered, or the history cannot be read
	}
	if _, ok := findComponent(fresh.Components, id.String()); !ok || id.Hash == "" {
		return b.rollbackConfirm(ctx, id.Guild, values, user, "What a rollback would do changed since you looked, so nothing was done. Here it is again.")
	}
	shown := ""
	if s, err := b.d.Sessions.GetByGuild(ctx, id.Guild); err == nil {
		shown = sessionHash(s)
	}
	res, err := b.d.Deploy.Rollback(ctx, id.Guild, id.Page, user)
	if err != nil {
		return view{Content: "❌ " + b.deploySentence(err, id.Guild)}
	}
	done := fmt.Sprintf("✅ Rolled back: version %d is deployed again, saved as version %d.", id.Page, res.Version)
	if s, err := b.d.Sessions.GetByGuild(ctx, id.Guild); err == nil {
		// End only the session the confirmation described; one that changed while the
		// rollback ran holds answers nobody was told would be lost.
		if sessionHash(s) != shown {
			return view{Content: done + fmt.Sprintf(" <@%s>'s open /setup session changed meanwhile, so it was kept; "+
				"it started before this rollback, so they should check it before deploying.", s.OwnerID)}
		}
		_ = b.d.Sessions.Delete(ctx, s.ID, store.EndCancelled)
	}
	return view{Content: done + " Run /setup to edit from it."}
}

// shortHash is the first 16 hex digits of the SHA-256 of what a confirmation displayed.
func shortHash(text string) string {
	sum := sha256.Sum256([]byte(text))
	return hex.EncodeToString(sum[:8])
}

// reasonWords says why a version was saved, as people say it.
func reasonWords(r store.Reason) string {
	switch r {
	case store.ReasonReconcile:
		return "reconcile"
	case store.ReasonAccept:
		return "accepted from the server"
	}
	return strings.ReplaceAll(string(r), "_", " ")
}
