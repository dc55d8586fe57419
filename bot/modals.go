package bot

import (
	"context"
	"strings"

	"github.com/bwmarrin/discordgo"

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
		setUI(c.s, uiFix, m.name)
		setUI(c.s, uiFixMsg, problemList(ps))
		for id, v := range in {
			setUI(c.s, uiFixValue+id, v)
		}
	}
	return b.save(ctx, c, "")
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
