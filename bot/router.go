package bot

import (
	"context"
	"fmt"
	"runtime/debug"

	"github.com/bwmarrin/discordgo"
	"go.uber.org/zap"

	"github.com/arrakis-bot/arrakis/bot/deploy"
	"github.com/arrakis-bot/arrakis/bot/metrics"
	"github.com/arrakis-bot/arrakis/store"
	"github.com/arrakis-bot/arrakis/wizard"
)

// Handle turns one interaction into its reply. It never panics: a panic becomes an
// internal-error sentence for the admin and a stack trace for the operator. Both transports
// call it; neither adds behaviour of its own beyond delivery.
func (b *Bot) Handle(ctx context.Context, i *discordgo.Interaction) Reply {
	return b.handle(ctx, i, nil)
}

// handle is Handle for a delivery whose replay guard is still to be recorded with the
// session read (mark; nil when there is none to record). Only a wizardClick has one.
func (b *Bot) handle(ctx context.Context, i *discordgo.Interaction, mark *onceMark) (r Reply) {
	defer func() {
		if p := recover(); p != nil {
			id := newErrorID()
			b.d.Log.Error("panic handling interaction", append(interactionFields(i), zap.String("error_id", id),
				zap.Any("panic", p), zap.ByteString("stack", debug.Stack()))...)
			r = say(fmt.Sprintf(msgInternalFmt, id))
		}
	}()
	if i.Type == discordgo.InteractionPing {
		return Reply{Response: &discordgo.InteractionResponse{Type: discordgo.InteractionResponsePong}}
	}
	if i.GuildID == "" || i.Member == nil {
		return say(msgDM)
	}
	if !isAdmin(i.Member) {
		return say(msgNotAdmin)
	}
	// Every session write of this interaction carries its id, so a compare-and-swap whose
	// reply was lost and that is re-sent reports success, not a conflict.
	ctx = store.WithWriteID(ctx, i.ID)
	ctx, cancel := context.WithTimeout(ctx, b.budget)
	defer cancel()
	switch i.Type {
	case discordgo.InteractionApplicationCommand:
		return b.command(ctx, i)
	case discordgo.InteractionMessageComponent:
		return b.component(ctx, i, mark)
	case discordgo.InteractionModalSubmit:
		return b.modalSubmit(ctx, i, mark)
	}
	return say(msgUnknown)
}

// wizardClick reports whether handle will check i against its session in checkSession — an
// admin's click (not an ownership control) or modal submit on a wizard message in a guild —
// so that its replay guard can be recorded with the session read. It follows handle's
// routing; anything else is guarded on its own before it is handled.
func wizardClick(i *discordgo.Interaction) bool {
	if i.GuildID == "" || i.Member == nil || !isAdmin(i.Member) {
		return false
	}
	switch d := i.Data.(type) {
	case discordgo.MessageComponentInteractionData:
		id, err := parseCustomID(d.CustomID)
		return i.Type == discordgo.InteractionMessageComponent && err == nil && id.Step != 0
	case discordgo.ModalSubmitInteractionData:
		_, err := parseCustomID(d.CustomID)
		return i.Type == discordgo.InteractionModalSubmit && err == nil
	}
	return false
}

// command routes a slash command by name.
func (b *Bot) command(ctx context.Context, i *discordgo.Interaction) Reply {
	switch i.ApplicationCommandData().Name {
	case cmdSetup:
		return b.setupCommand(i)
	case cmdDrift:
		return b.driftCommand(i)
	}
	return say(msgUnknown)
}

// click is one component click or modal submit on a wizard message, with the session it
// was checked against.
type click struct {
	i      *discordgo.Interaction
	id     customID
	s      *wizard.Session
	values []string          // select-menu values
	inputs map[string]string // modal text inputs by custom_id
}

// component routes a button or select-menu click.
func (b *Bot) component(ctx context.Context, i *discordgo.Interaction, mark *onceMark) Reply {
	data := i.MessageComponentData()
	id, err := parseCustomID(data.CustomID)
	if err != nil {
		if isDriftControl(data.CustomID) {
			return b.driftComponent(ctx, i, data)
		}
		return say(msgUnknown)
	}
	if id.Step == 0 {
		return b.ownershipAction(ctx, i, id)
	}
	s, refusal := b.checkSession(ctx, i, id, mark)
	if refusal != nil {
		return *refusal
	}
	if s.State.Step() != id.Step || s.Version != id.Version {
		return b.show(ctx, s, msgOutOfDate, updateMessage)
	}
	c := &click{i: i, id: id, s: s, values: data.Values}
	if refusal := offeredRefusal(b.controls(ctx, s, nil), data); refusal != "" {
		// Confirm deploy and Confirm retry are drawn from a review of the live guild and
		// carry the hash of the plan they showed: check them as drawn with that hash; the
		// action compares it with the live plan before anything runs.
		if (s.State == wizard.StateReview && id.Action == "confirm" || s.State == wizard.StateDeploy && id.Action == "retry_ok") &&
			isPlanHash(id.Arg) && offeredRefusal(b.controls(ctx, s, reviewedWith(id.Arg)), data) == "" {
			return b.act(ctx, c)
		}
		if s.State == wizard.StateDeploy && id.Action == "refresh" {
			// Refresh only shows the deploy as it stands; the message it is on was drawn
			// while the deploy ran, which may have stopped since (its process ended).
			return b.act(ctx, c)
		}
		if s.State == wizard.StateReview {
			// Deploy… depends on the review of the live guild: check against it.
			r := updateMessage(b.frame(ctx, s, "", nil))
			r.Later = editLater(func(ctx context.Context) view { return b.reviewClick(ctx, c, data) })
			return r
		}
		return say(refusal)
	}
	return b.act(ctx, c)
}

// reviewedWith stands for a review that allowed a deploy of the plan with that hash, to
// draw Confirm for checking.
func reviewedWith(planHash string) *reviewResult {
	return &reviewResult{Review: &deploy.Review{PlanHash: planHash}}
}

// reviewClick checks a REVIEW click against the step as drawn with the live review, then
// runs it; a refusal is shown on the message above the unchanged step.
func (b *Bot) reviewClick(ctx context.Context, c *click, data discordgo.MessageComponentInteractionData) view {
	rv := b.review(ctx, c.s)
	if refusal := offeredRefusal(b.frame(ctx, c.s, "", rv).Components, data); refusal != "" {
		return b.frame(ctx, c.s, refusal, rv)
	}
	return b.viewOf(ctx, c.s, b.act(ctx, c))
}

// viewOf turns a reply into the view it ends with, for work that is already deferred: the
// response's message, edited by its Later when it has one; a plain sentence becomes a
// notice above the session's step.
func (b *Bot) viewOf(ctx context.Context, s *wizard.Session, r Reply) view {
	var v view
	switch {
	case r.Response != nil && r.Response.Data != nil:
		d := r.Response.Data
		if r.Response.Type == discordgo.InteractionResponseChannelMessageWithSource && len(d.Components) == 0 && len(d.Embeds) == 0 {
			return b.frame(ctx, s, d.Content, nil)
		}
		v = view{Content: d.Content, Embeds: d.Embeds, Components: d.Components}
	case r.Later == nil:
		return b.frame(ctx, s, "", nil)
	}
	// A deferred action (no data of its own) does its work in Later: run it here.
	if r.Later != nil {
		r.Later(ctx, func(_ context.Context, e *discordgo.WebhookEdit) error {
			v = viewFromEdit(e)
			return nil
		})
	}
	return v
}

func viewFromEdit(e *discordgo.WebhookEdit) view {
	var v view
	if e.Content != nil {
		v.Content = *e.Content
	}
	if e.Embeds != nil {
		v.Embeds = *e.Embeds
	}
	if e.Components != nil {
		v.Components = *e.Components
	}
	return v
}

// modalSubmit routes a modal's submit. A modal carries the version it was opened at, but
// the admin's typing is worth keeping: only the step must still match.
func (b *Bot) modalSubmit(ctx context.Context, i *discordgo.Interaction, mark *onceMark) Reply {
	data := i.ModalSubmitData()
	id, err := parseCustomID(data.CustomID)
	if err != nil {
		return say(msgUnknown)
	}
	s, refusal := b.checkSession(ctx, i, id, mark)
	if refusal != nil {
		return *refusal
	}
	if s.State.Step() != id.Step {
		return b.show(ctx, s, msgOutOfDate, updateMessage)
	}
	inputs, count := modalInputs(data)
	m, ok := modals[id.Arg]
	if id.Action != actModal || !ok || m.state != s.State || id.Hash != "" {
		return say(msgBadModal)
	}
	// The form must be one the message offers now (its open or Fix button), with its inputs.
	open := offeredRefusal(b.controls(ctx, s, nil), discordgo.MessageComponentInteractionData{
		CustomID: idFor(s, actOpen, m.name), ComponentType: discordgo.ButtonComponent})
	if open != "" {
		return say(msgBadModal)
	}
	if refusal := modalRefusal(m.inputs(s), inputs, count); refusal != "" {
		return say(refusal)
	}
	return b.act(ctx, &click{i: i, id: id, s: s, inputs: inputs})
}

// act runs the click's action on the session's current step.
func (b *Bot) act(ctx context.Context, c *click) Reply {
	if c.inputs != nil {
		m, ok := modals[c.id.Arg]
		if c.id.Action != actModal || !ok || m.state != c.s.State {
			return b.show(ctx, c.s, msgOutOfDate, updateMessage)
		}
		return b.submitModal(ctx, c, m)
	}
	if a, ok := lookupAction(c.s.State, c.id); ok {
		return a(b, ctx, c)
	}
	return b.show(ctx, c.s, msgOutOfDate, updateMessage)
}

// checkSession reads the session for use and refuses a stale, foreign, expired or
// non-owner click with a plain sentence. With a mark it records the interaction id in the
// same store call; a repeated delivery then gets an empty refusal and mark.outcome says so.
func (b *Bot) checkSession(ctx context.Context, i *discordgo.Interaction, id customID, mark *onceMark) (*wizard.Session, *Reply) {
	user, _ := userOf(i)
	var s *wizard.Session
	var err error
	if mark != nil {
		var first bool
		s, first, err = b.d.Sessions.ValidateOnce(ctx, id.SessionID, i.GuildID, user, "", mark.interactionID, seenTTL)
		if !first {
			if err == nil {
				mark.outcome = "duplicate"
				return nil, &Reply{}
			}
			// Without the mark a repeat cannot be told: answer without acting.
			mark.outcome = "store_unavailable"
			r := say(b.sentenceFor(err, "", interactionFields(i)...))
			return nil, &r
		}
	} else {
		s, err = b.d.Sessions.Validate(ctx, id.SessionID, i.GuildID, user, "")
	}
	if err == nil {
		return s, nil
	}
	owner := ""
	if store.IsCode(err, store.CodeNotOwner) {
		// The session comes back with not_owner; read it again only if it did not.
		if s != nil {
			owner = s.OwnerID
		} else if cur, gerr := b.d.Sessions.Get(ctx, id.SessionID); gerr == nil {
			owner = cur.OwnerID
		}
	}
	if store.IsCode(err, store.CodeExpired) || store.IsCode(err, store.CodeNotFound) {
		b.countSession(metrics.SessionExpired)
	}
	r := say(b.sentenceFor(err, owner, zap.String("guild", i.GuildID)))
	return nil, &r
}

// modalInputs collects a modal submit's text inputs by custom_id, and counts them (a
// repeated id shows as a count larger than the map).
func modalInputs(d discordgo.ModalSubmitInteractionData) (map[string]string, int) {
	out := map[string]string{}
	n := 0
	for _, c := range d.Components {
		row, ok := asRow(c)
		if !ok {
			n++ // a top-level input outside a row is unexpected too
			continue
		}
		for _, in := range row.Components {
			switch t := in.(type) {
			case *discordgo.TextInput:
				out[t.CustomID] = t.Value
				n++
			case discordgo.TextInput:
				out[t.CustomID] = t.Value
				n++
			default:
				n++ // anything but a text input is unexpected in a wizard form
			}
		}
	}
	return out, n
}
