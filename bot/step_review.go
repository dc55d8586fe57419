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

// deployable reports whether the review allows a deploy: a complete manifest, a passed
// preflight, and every name collision decided by the admin.
func (r *reviewResult) deployable(s *wizard.Session) bool {
	return r != nil && len(r.Problems) == 0 && r.Review != nil && r.Review.OK() && len(unresolved(s, r.Review.Collisions)) == 0
}

func reviewStep() stepDef {
	return stepDef{ui: reviewUI, actions: map[string]actionFunc{
		actPlanPage:  (*Bot).turnPlanPage,
		"deploy":     (*Bot).askDeployConfirm,
		"unconfirm":  (*Bot).dropDeployConfirm,
		"confirm":    (*Bot).confirmDeploy,
		actColAdopt:  (*Bot).collisionAdopt,
		actColCreate: (*Bot).collisionCreate,
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
	ui := stepUI{HideNext: true}
	switch {
	case rv == nil:
		ui.Body = "Checking the plan against your server…"
	case len(rv.Problems) > 0:
		ui.Body = "Some answers need attention before a deploy:\n" + problemList(rv.Problems)
	case rv.Review == nil:
		ui.Body = "Everything you entered is below.\n\n" + rv.Unavailable
	default:
		if rv.Review.Manifest != nil {
			ui.Body = accessTable(rv.Review.Manifest, rv.Review.Guild) + "\n"
		}
		ui.Body += planTextPage(rv.Review, planPage(s, rv.Review), true)
	}
	var pageButtons []discordgo.Button
	if rv != nil && rv.Review != nil {
		pageButtons = planPageButtons(s, rv.Review)
	}
	var colButtons []discordgo.Button
	if rv != nil && rv.Review != nil {
		var text string
		text, colButtons = collisionReview(s, rv.Review.Collisions)
		ui.Body += text
	}
	if s.UI[uiConfirm] != "" && s.UI[uiConfirm] == manifestHash(s) && rv.deployable(s) {
		what := planSummary(rv.Review.Plan)
		exactly := "exactly the changes above"
		if n := len(rv.Review.Plan); n > planPageSize {
			exactly = fmt.Sprintf("exactly the %d changes listed, page by page", n)
		}
		ui.Body += "\n\n**" + what + " in your server?** Arrakis makes " + exactly + ", nothing else."
		// The button carries the hash of the plan shown above; the deploy runs only that plan.
		// The confirmation is the whole choice: no Back or Cancel beside "Not yet".
		ui.Buttons = append(pageButtons,
			button(s, "Deploy these changes", discordgo.SuccessButton, "confirm", rv.Review.PlanHash),
			button(s, "Not yet", discordgo.SecondaryButton, "unconfirm"),
		)
		ui.NoNav = true
		return ui
	}
	dep := button(s, "Deploy…", discordgo.SuccessButton, "deploy")
	dep.Disabled = !rv.deployable(s)
	ui.Buttons = append(append(pageButtons, colButtons...), dep)
	return ui
}

// planText summarises the plan's first page and the preflight (Retry, rollback).
func planText(r *deploy.Review) string { return planTextPage(r, 0, false) }

// planTextPage summarises the plan and the preflight, listing planPageSize changes from
// page; paged says that ◀ / ▶ buttons page through the rest.
func planTextPage(r *deploy.Review, page int, paged bool) string {
	var b strings.Builder
	if len(r.Plan) == 0 {
		b.WriteString("**Changes:** none — your server already matches.")
	} else {
		fmt.Fprintf(&b, "**Changes:** %s.\n", lowerFirst(planSummary(r.Plan)))
		from := page * planPageSize
		to := min(len(r.Plan), from+planPageSize)
		if paged && len(r.Plan) > planPageSize {
			fmt.Fprintf(&b, "Changes %d–%d of %d:\n", from+1, to, len(r.Plan))
		}
		for _, op := range r.Plan[from:to] {
			b.WriteString("• " + opText(op) + "\n")
		}
		switch rest := len(r.Plan) - to; {
		case rest > 0 && paged:
			fmt.Fprintf(&b, "…and %d more: **More changes ▶** lists them.\n", rest)
		case rest > 0:
			fmt.Fprintf(&b, "…and %d more.\n", rest)
		}
	}
	for _, w := range r.Warnings {
		b.WriteString("\n⚠️ " + w)
	}
	b.WriteString(accessText(r))
	b.WriteString(removalsText(r))
	for _, n := range r.Notes {
		b.WriteString("ℹ️ " + n + "\n")
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

// accessText names every kept channel whose access the edit changes, a gated channel
// becoming open to everyone above all ("" when none, or before a first deploy).
func accessText(r *deploy.Review) string {
	if r.Shadow == nil {
		return ""
	}
	acc := drift.AccessChanges(r.Shadow.Manifest, r.Manifest)
	if len(acc) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("\n**Access changes:**\n")
	for _, a := range acc {
		line := "• " + channelWord(a.Type) + " **" + esc(a.Name) + "**: " + accessPhrase(a.From, a.FromName) + " → " + accessPhrase(a.To, a.ToName)
		if a.Public() {
			line += " ⚠️ everyone in the server will see it"
		}
		b.WriteString(line + "\n")
	}
	return b.String()
}

func accessPhrase(tier, name string) string {
	if tier == "" {
		return "open to everyone"
	}
	if name == "" {
		return "a removed tier"
	}
	return "tier **" + esc(name) + "** and up"
}

func channelWord(t wizard.ChannelType) string {
	if n := channelNouns[t]; n != "" {
		return strings.ToUpper(n[:1]) + n[1:]
	}
	return "Channel"
}

// removalsText lists, next to the plan, what leaves the setup: what stops being managed
// and stays in the server, and what a Prune (a separate, confirmed /drift action) would
// delete. The deploy itself deletes nothing.
func removalsText(r *deploy.Review) string {
	deletes := map[string]drift.Op{}
	for _, op := range r.PrunePlan {
		deletes[op.Key] = op
	}
	var lines []string
	listed := map[string]bool{}
	if r.Shadow != nil {
		for _, rm := range drift.Removals(r.Shadow.Manifest, r.Manifest) {
			listed[rm.Key] = true
			what := "stops being managed; it stays in your server as it is"
			if _, ok := deletes[rm.Key]; ok {
				what = "stays in your server; **Prune** in /drift would delete it"
			}
			noun := "Role"
			if rm.Kind != "role" {
				noun = channelWord(wizard.ChannelType(rm.Kind))
			}
			lines = append(lines, "• "+noun+" **"+esc(rm.Name)+"** — "+what)
		}
	}
	for _, op := range r.PrunePlan {
		if !listed[op.Key] {
			noun := "Channel"
			if op.Kind == drift.OpDeleteRole {
				noun = "Role"
			}
			lines = append(lines, "• "+noun+" **"+esc(op.Name)+"** — left from an earlier setup; **Prune** in /drift would delete it")
		}
	}
	if len(lines) == 0 {
		return ""
	}
	if len(lines) > 10 {
		lines = append(lines[:10], fmt.Sprintf("…and %d more.", len(lines)-10))
	}
	return "\n**No longer in the setup** (this deploy deletes nothing):\n" + strings.Join(lines, "\n") + "\n"
}

var opVerbs = map[drift.OpKind]string{
	drift.OpCreateRole: "Create role", drift.OpUpdateRole: "Update role",
	drift.OpCreateChannel: "Create channel", drift.OpUpdateChannel: "Update channel",
	drift.OpSetOverwrite: "Set who can see", drift.OpReorderRoles: "Put the tier roles in order",
	drift.OpReorderChannel: "Put channels in order", drift.OpDeleteRole: "Delete role", drift.OpDeleteChannel: "Delete channel",
}

// channelNouns names the channel kinds that are not plain text channels in plan lines.
var channelNouns = map[wizard.ChannelType]string{wizard.ChannelVoice: "voice channel", wizard.ChannelCategory: "category"}

func opText(op drift.Op) string {
	t := opVerbs[op.Kind]
	if op.Channel != nil && op.Channel.Type != wizard.ChannelText {
		// "Create category **Holders**", "Update voice channel **stage**".
		t = strings.Replace(t, "channel", channelNouns[op.Channel.Type], 1)
	}
	if op.Name != "" && op.Kind != drift.OpReorderRoles && op.Kind != drift.OpReorderChannel {
		t += " **" + esc(op.Name) + "**"
	}
	if (op.Kind == drift.OpCreateChannel || op.Kind == drift.OpReorderChannel) && op.ParentName != "" {
		t += " in **" + esc(op.ParentName) + "**"
	}
	if len(op.Fields) > 0 {
		t += " (" + fieldWords(op.Fields) + ")"
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
