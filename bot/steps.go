package bot

import (
	"context"
	"strings"

	"github.com/bwmarrin/discordgo"
	"go.uber.org/zap"

	"github.com/arrakis-bot/arrakis/bot/metrics"
	"github.com/arrakis-bot/arrakis/store"
	"github.com/arrakis-bot/arrakis/wizard"
)

// Actions every step understands. A step's own actions live in its step_*.go file.
const (
	actBack   = "back"
	actNext   = "next"
	actCancel = "cancel"
	actOpen   = "open" // arg: modal name; opens the modal (pre-filled; Fix uses it too)
	actModal  = "m"    // arg: modal name; a modal's submit
	actSelect = "sel"  // arg: select name; a select menu's choice
)

// stepCtx is what a step's renderer sees.
type stepCtx struct {
	b      *Bot
	ctx    context.Context
	s      *wizard.Session
	review *reviewResult
}

type actionFunc func(b *Bot, ctx context.Context, c *click) Reply

// stepDef is one step: how it looks and what its controls do. Actions are keyed by
// "action" or "action:arg".
type stepDef struct {
	ui      func(sc *stepCtx) stepUI
	actions map[string]actionFunc
}

// steps and commonActions are filled in init because their functions refer back to them.
var (
	steps         map[wizard.State]stepDef
	commonActions map[string]actionFunc
)

func init() {
	steps = map[wizard.State]stepDef{
		wizard.StateInit:             initStep(),
		wizard.StateChainSelect:      chainsStep(),
		wizard.StateAssetConfig:      assetsStep(),
		wizard.StateEligibilityRules: rulesStep(),
		wizard.StateRoleMapping:      rolesStep(),
		wizard.StateChannelStructure: channelsStep(),
		wizard.StateReview:           reviewStep(),
		wizard.StateDeploy:           deployStep(),
	}
	commonActions = map[string]actionFunc{
		actBack: (*Bot).back, actNext: (*Bot).next, actCancel: (*Bot).cancel,
		actOpen: (*Bot).openModalAction,
	}
	for _, m := range modalList() {
		modals[m.name] = m
	}
}

// lookupAction finds the handler of a click: the step's "action:arg", then the step's
// "action", then the common actions.
func lookupAction(st wizard.State, id customID) (actionFunc, bool) {
	acts := steps[st].actions
	if a, ok := acts[id.Action+":"+id.Arg]; ok {
		return a, true
	}
	if a, ok := acts[id.Action]; ok {
		return a, true
	}
	a, ok := commonActions[id.Action]
	return a, ok
}

// back moves one step back.
func (b *Bot) back(ctx context.Context, c *click) Reply {
	prev, ok := c.s.State.Prev()
	if !ok {
		return b.show(ctx, c.s, "This step has no way back.", updateMessage)
	}
	return b.move(ctx, c, prev)
}

// next checks the step's answers and moves one step forward, or says what is missing.
func (b *Bot) next(ctx context.Context, c *click) Reply {
	next, ok := c.s.State.Next()
	if !ok || next == wizard.StateDeploy { // only a confirmed Deploy… starts step 8
		return b.show(ctx, c.s, "", updateMessage)
	}
	if ps := wizard.ValidateStep(c.s.State, c.s.Data); len(ps) > 0 {
		b.countProblems(ps)
		return b.show(ctx, c.s, "Before moving on:\n"+problemList(ps), updateMessage)
	}
	return b.move(ctx, c, next)
}

// move transitions the session (compare-and-swap on its version) and shows the new step.
func (b *Bot) move(ctx context.Context, c *click, to wizard.State) Reply {
	s, err := b.d.Sessions.Transition(ctx, c.s.ID, c.s.Version, to)
	if err != nil {
		return b.storeFailed(ctx, c, err)
	}
	b.stepLeft(c.s, to)
	return b.show(ctx, s, "", updateMessage)
}

// cancel ends the session; the wizard message says so and loses its controls. After a
// deploy that stopped part-way it first says what exists in the server and offers Retry.
func (b *Bot) cancel(ctx context.Context, c *click) Reply {
	if c.s.State == wizard.StateDeploy && c.s.UI[uiCancelAsk] == "" && madeSomething(b.deployProgress(ctx, c.s)) {
		setUI(c.s, uiCancelAsk, "1")
		return b.save(ctx, c, "")
	}
	if err := b.d.Sessions.Delete(ctx, c.s.ID, store.EndCancelled); err != nil {
		return b.storeFailed(ctx, c, err)
	}
	b.sessionEvent(metrics.SessionCancelled, c.i, c.s.ID)
	if c.s.State == wizard.StateDeploy {
		if p := b.deployProgress(ctx, c.s); madeSomething(p) {
			return updateMessage(view{Content: "Setup ended. Your server keeps what the deploy made (" + progressText(p) +
				"); Arrakis still manages it. Run /setup to finish the deploy, or /drift to see it."})
		}
	}
	return updateMessage(view{Content: msgCancelled})
}

// save writes the clicked session (compare-and-swap) and shows it with an optional notice.
func (b *Bot) save(ctx context.Context, c *click, notice string) Reply {
	markStepEntry(c.s)
	s, err := b.d.Sessions.Update(ctx, c.s)
	if err != nil {
		return b.storeFailed(ctx, c, err)
	}
	return b.show(ctx, s, notice, updateMessage)
}

// storeFailed answers a failed session write. A lost race shows the winner's state;
// anything else is a refusal sentence and the wizard message stays as it was.
func (b *Bot) storeFailed(ctx context.Context, c *click, err error) Reply {
	if store.IsCode(err, store.CodeConflict) {
		user, _ := userOf(c.i)
		if cur, gerr := b.d.Sessions.Validate(ctx, c.s.ID, c.i.GuildID, user, ""); gerr == nil {
			return b.show(ctx, cur, msgConflict, updateMessage)
		}
	}
	return say(b.sentenceFor(err, c.s.OwnerID, zap.String("guild", c.i.GuildID), zap.String("session", c.s.ID)))
}

// problemList words problems as a bulleted list: "• Field: what is wrong".
func problemList(ps wizard.Problems) string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = "• " + p.String()
	}
	return clip(strings.Join(lines, "\n"), 1500)
}

// setUI records a choice of the current step in Session.UI.
func setUI(s *wizard.Session, key, value string) {
	if s.UI == nil {
		s.UI = map[string]string{}
	}
	s.UI[key] = value
}

// selectMenu builds a string select with the given options.
func selectMenu(s *wizard.Session, name, placeholder string, opts []discordgo.SelectMenuOption) discordgo.SelectMenu {
	one := 1
	return discordgo.SelectMenu{
		MenuType: discordgo.StringSelectMenu, CustomID: idFor(s, actSelect, name),
		Placeholder: placeholder, MinValues: &one, MaxValues: 1, Options: opts,
	}
}

// button builds a step button.
func button(s *wizard.Session, label string, style discordgo.ButtonStyle, action string, arg ...string) discordgo.Button {
	return discordgo.Button{Label: label, Style: style, CustomID: idFor(s, action, arg...)}
}

// firstValue is the single value of a one-value select, or "".
func (c *click) firstValue() string {
	if len(c.values) == 0 {
		return ""
	}
	return c.values[0]
}
