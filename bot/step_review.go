package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/bwmarrin/discordgo"
	"go.uber.org/zap"

	"github.com/arrakis-bot/arrakis/bot/deploy"
	"github.com/arrakis-bot/arrakis/drift"
	"github.com/arrakis-bot/arrakis/wizard"
)

// Step 7, REVIEW: the manifest, the plan against the live guild and the preflight result
// (bot/deploy's Review: no write is made), and the Deploy button, which asks to confirm.

const uiConfirm = "confirm"

// reviewResult is what REVIEW shows besides the summary.
type reviewResult struct {
	Problems    wizard.Problems // the answers do not make a complete manifest
	Review      *deploy.Review
	Unavailable string // why there is no plan, as a sentence
	noAccess    bool   // the bot cannot see the guild any more
}

// deployable reports whether the review allows a deploy.
func (r *reviewResult) deployable() bool {
	return r != nil && len(r.Problems) == 0 && r.Review != nil && r.Review.OK()
}

func reviewStep() stepDef {
	return stepDef{ui: reviewUI, actions: map[string]actionFunc{
		"deploy":    (*Bot).askDeployConfirm,
		"unconfirm": (*Bot).dropDeployConfirm,
		"confirm":   (*Bot).confirmDeploy,
	}}
}

// review builds the manifest and asks bot/deploy for the plan and preflight.
func (b *Bot) review(ctx context.Context, s *wizard.Session) *reviewResult {
	m, ps := wizard.BuildManifest(s.GuildID, s.Data)
	if len(ps) > 0 {
		return &reviewResult{Problems: ps}
	}
	if b.d.Deploy == nil {
		return &reviewResult{Unavailable: "The plan is unavailable: this Arrakis has no deploy service configured."}
	}
	rv, err := b.d.Deploy.Review(ctx, s.GuildID, m)
	if err != nil && isNoAccess(classifyDiscordErr(err)) {
		return &reviewResult{noAccess: true}
	}
	if err != nil {
		return &reviewResult{Unavailable: "The plan is unavailable: " + b.deploySentence(err, s.GuildID)}
	}
	return &reviewResult{Review: rv}
}

// deploySentence words a deploy-service error; anything unexpected is logged in full.
func (b *Bot) deploySentence(err error, guildID string) string {
	var de *deploy.Error
	if errors.As(err, &de) && de.Message != "" && de.Code != deploy.CodeNoAccess {
		return de.Message
	}
	return b.sentenceFor(classifyDiscordErr(err), "", zap.String("guild", guildID))
}

func reviewUI(sc *stepCtx) stepUI {
	s, rv := sc.s, sc.review
	ui := stepUI{NoNext: true}
	switch {
	case rv == nil:
		ui.Body = "Checking the plan against your server…"
	case len(rv.Problems) > 0:
		ui.Body = "Some answers need attention before a deploy:\n" + problemList(rv.Problems)
	case rv.Review == nil:
		ui.Body = "Everything you entered is below.\n\n" + rv.Unavailable
	default:
		ui.Body = planText(rv.Review)
	}
	if s.UI[uiConfirm] != "" && s.UI[uiConfirm] == manifestHash(s) && rv.deployable() {
		ui.Body += "\n\n**Deploy now?** Arrakis will make the changes above in your server."
		ui.Buttons = []discordgo.Button{
			button(s, "Confirm deploy", discordgo.SuccessButton, "confirm"),
			button(s, "Not yet", discordgo.SecondaryButton, "unconfirm"),
		}
		return ui
	}
	dep := button(s, "Deploy…", discordgo.SuccessButton, "deploy")
	dep.Disabled = !rv.deployable()
	ui.Buttons = []discordgo.Button{dep}
	return ui
}

// planText summarises the plan and the preflight for the review screen.
func planText(r *deploy.Review) string {
	var b strings.Builder
	if len(r.Plan) == 0 {
		b.WriteString("**Plan:** nothing to change — your server already matches.")
	} else {
		fmt.Fprintf(&b, "**Plan:** %d changes.\n", len(r.Plan))
		for i, op := range r.Plan {
			if i == 15 {
				fmt.Fprintf(&b, "…and %d more.\n", len(r.Plan)-i)
				break
			}
			b.WriteString("• " + opText(op) + "\n")
		}
	}
	if r.OK() {
		b.WriteString("\n✅ **Preflight passed:** Arrakis has the permissions and role position it needs.")
	} else {
		b.WriteString("\n❌ **Preflight failed** — fix these in Discord, then press Deploy… again:\n")
		for _, p := range r.Problems {
			b.WriteString("• " + p + "\n")
		}
	}
	return b.String()
}

var opVerbs = map[drift.OpKind]string{
	drift.OpCreateRole: "Create role", drift.OpUpdateRole: "Update role",
	drift.OpCreateChannel: "Create channel", drift.OpUpdateChannel: "Update channel",
	drift.OpSetOverwrite: "Set access on", drift.OpReorderRoles: "Reorder tier roles",
	drift.OpReorderChannel: "Reorder channels", drift.OpDeleteRole: "Delete role", drift.OpDeleteChannel: "Delete channel",
}

// channelNouns names the channel kinds that are not plain text channels in plan lines.
var channelNouns = map[wizard.ChannelType]string{wizard.ChannelVoice: "voice channel", wizard.ChannelCategory: "category"}

func opText(op drift.Op) string {
	t := opVerbs[op.Kind]
	if op.Channel != nil && op.Channel.Type != wizard.ChannelText {
		// "Create category **Holders**", "Update voice channel **stage**".
		t = strings.Replace(t, "channel", channelNouns[op.Channel.Type], 1)
	}
	if op.Name != "" {
		t += " **" + esc(op.Name) + "**"
	}
	if op.Kind == drift.OpCreateChannel && op.ParentName != "" {
		t += " in **" + esc(op.ParentName) + "**"
	}
	if len(op.Fields) > 0 {
		t += " (" + strings.Join(op.Fields, ", ") + ")"
	}
	return t
}

// askDeployConfirm records which manifest the admin reviewed: Confirm is offered, and
// accepted, only while the session still builds that exact manifest.
func (b *Bot) askDeployConfirm(ctx context.Context, c *click) Reply {
	h := manifestHash(c.s)
	if h == "" {
		return b.show(ctx, c.s, "The answers do not make a complete manifest yet; see the problems above.", updateMessage)
	}
	setUI(c.s, uiConfirm, h)
	return b.save(ctx, c, "")
}

// manifestHash is the SHA-256 of the manifest the session builds, or "" when it builds none.
func manifestHash(s *wizard.Session) string {
	m, ps := wizard.BuildManifest(s.GuildID, s.Data)
	if len(ps) > 0 {
		return ""
	}
	h, err := m.SHA256()
	if err != nil {
		return ""
	}
	return h
}

func (b *Bot) dropDeployConfirm(ctx context.Context, c *click) Reply {
	delete(c.s.UI, uiConfirm)
	return b.save(ctx, c, "")
}
