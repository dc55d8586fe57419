package bot

import (
	"context"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/arrakis-bot/arrakis/store"
	"github.com/arrakis-bot/arrakis/wizard"
)

// A modal asks for text after the choices were made with selects and buttons (discordgo
// v0.29.0 has no Label component, so a modal holds text inputs only). Its submit cannot be
// answered with another modal, so bad input is written into the session (Session.UI) and
// shown on the wizard message with a Fix button that reopens the modal pre-filled with
// exactly what was typed.

// UI keys of a refused modal.
const (
	uiFix      = "fix"     // name of the modal with refused input
	uiFixMsg   = "fix.msg" // what was wrong, worded for the admin
	uiFixValue = "fix.v."  // + input id: what was typed
)

// inputDef is one text input of a modal.
type inputDef struct {
	ID, Label, Placeholder string
	Required, Long         bool
	Min, Max               int
}

// modalDef is one modal of the wizard.
type modalDef struct {
	name   string
	state  wizard.State
	title  func(s *wizard.Session) string
	inputs func(s *wizard.Session) []inputDef
	// prefill gives the inputs' values when the modal opens without refused input.
	prefill func(s *wizard.Session) map[string]string
	// apply stores valid input into s.Data (changing nothing when there are problems).
	apply func(s *wizard.Session, in map[string]string) wizard.Problems
}

var modals = map[string]modalDef{}

func modalList() []modalDef {
	return []modalDef{nameModal(), assetModal(), tierModal(), ruleModal(), roleModal(), channelModal()}
}

// fixPending names the modal whose input was refused, or "".
func fixPending(s *wizard.Session) string { return s.UI[uiFix] }

// openModalAction opens the modal named by the click's arg.
func (b *Bot) openModalAction(ctx context.Context, c *click) Reply {
	m, ok := modals[c.id.Arg]
	if !ok || m.state != c.s.State {
		return b.show(ctx, c.s, msgOutOfDate, updateMessage)
	}
	return openModal(c.s, m)
}

// openModal builds the modal, pre-filled with refused input when there is some.
func openModal(s *wizard.Session, m modalDef) Reply {
	values := map[string]string{}
	if m.prefill != nil {
		values = m.prefill(s)
	}
	refused := fixPending(s) == m.name
	var inputs []discordgo.TextInput
	for _, in := range m.inputs(s) {
		v := values[in.ID]
		if refused {
			v = s.UI[uiFixValue+in.ID]
		}
		inputs = append(inputs, textInput(in, v))
	}
	return modal(idFor(s, actModal, m.name), clip(m.title(s), maxModalTitle), inputs...)
}

func textInput(in inputDef, value string) discordgo.TextInput {
	style := discordgo.TextInputShort
	if in.Long {
		style = discordgo.TextInputParagraph
	}
	return discordgo.TextInput{
		CustomID: in.ID, Label: in.Label, Style: style, Placeholder: in.Placeholder,
		Value: clip(value, maxInputValue), Required: in.Required, MinLength: in.Min, MaxLength: in.Max,
	}
}

// submitModal applies a modal's input, or records the refusal for the Fix button.
func (b *Bot) submitModal(ctx context.Context, c *click, m modalDef) Reply {
	in := map[string]string{}
	for _, d := range m.inputs(c.s) {
		in[d.ID] = c.inputs[d.ID]
	}
	ps := m.apply(c.s, in)
	clearFix(c.s)
	if len(ps) > 0 {
		b.countProblems(ps)
		keepTyped(c.s, m.name, problemList(ps), in)
	}
	markStepEntry(c.s)
	s, err := b.d.Sessions.Update(ctx, c.s)
	if err == nil {
		return b.show(ctx, s, "", updateMessage)
	}
	return b.typedNotSaved(ctx, c, m, in, err)
}

// keepTyped records refused or unsaved input for the Fix button.
func keepTyped(s *wizard.Session, modal, msg string, in map[string]string) {
	setUI(s, uiFix, modal)
	setUI(s, uiFixMsg, msg)
	for id, v := range in {
		setUI(s, uiFixValue+id, v)
	}
}

const msgTypedKept = "Your form was not saved because the wizard changed meanwhile (another click was first)."

// typedNotSaved keeps what was typed when its save failed: on a lost race it is written
// into the session as it now is, for the Fix button; when the store cannot be written at
// all, the answer repeats it so that nothing typed is lost.
func (b *Bot) typedNotSaved(ctx context.Context, c *click, m modalDef, in map[string]string, err error) Reply {
	if store.IsCode(err, store.CodeConflict) {
		user, _ := userOf(c.i)
		if cur, gerr := b.d.Sessions.Validate(ctx, c.s.ID, c.i.GuildID, user, ""); gerr == nil && cur.State == m.state {
			clearFix(cur)
			keepTyped(cur, m.name, msgTypedKept, in)
			if saved, uerr := b.d.Sessions.Update(ctx, cur); uerr == nil {
				return b.show(ctx, saved, "", updateMessage)
			}
		}
	}
	r := b.storeFailed(ctx, c, err)
	if r.Response != nil && r.Response.Type == discordgo.InteractionResponseChannelMessageWithSource && r.Response.Data != nil {
		var typed []string
		for _, d := range m.inputs(c.s) {
			if v := in[d.ID]; v != "" {
				typed = append(typed, d.Label+": "+v)
			}
		}
		if len(typed) > 0 {
			r.Response.Data.Content = clip(r.Response.Data.Content+"\nWhat you typed, to enter again:\n"+strings.Join(typed, "\n"), maxContent)
		}
	}
	return r
}

func clearFix(s *wizard.Session) {
	for k := range s.UI {
		if k == uiFix || strings.HasPrefix(k, "fix.") {
			delete(s.UI, k)
		}
	}
}

// parseProblem turns a parser's error into a Problem for field. Parsers sometimes start
// their sentence with the field's name already; it is not repeated.
func parseProblem(path, field string, err error) wizard.Problem {
	msg := strings.TrimPrefix(err.Error(), field+": ")
	return wizard.Problem{Path: path, Field: field, Message: msg}
}
