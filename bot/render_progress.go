package bot

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/arrakis-bot/arrakis/wizard"
)

// The wizard is one ephemeral message updated in place. Every step draws the same frame:
// "Step N of 8 — Title", a progress bar, a notice when something needs attention (a
// refused answer, with a Fix button), the step's own body and controls, what is filled so
// far, and Back / Next / Cancel.

const (
	colorWizard  = 0x5865F2
	colorProblem = 0xED4245
)

// stepUI is one step's part of the wizard message.
type stepUI struct {
	Body      string                 // what the step asks and what it holds
	Selects   []discordgo.SelectMenu // each alone in its row
	Buttons   []discordgo.Button     // laid out before Back / Next / Cancel
	NextLabel string                 // default "Next"
	NoNext    bool
	NoNav     bool // DEPLOY: no Back / Next / Cancel
}

// progressBar draws step n of the eight as ▰▰▰▱▱▱▱▱.
func progressBar(n int) string {
	total := len(wizard.States)
	return strings.Repeat("▰", n) + strings.Repeat("▱", total-n)
}

// show renders the session's current step as a reply. REVIEW needs the live guild, which
// may take longer than Discord's 3 seconds: it is drawn at once with a placeholder and
// then edited with the plan.
func (b *Bot) show(ctx context.Context, s *wizard.Session, notice string, as func(view) Reply) Reply {
	r := as(b.frame(ctx, s, notice, nil))
	if s.State == wizard.StateReview {
		r.Later = editLater(func(ctx context.Context) view { return b.render(ctx, s, notice) })
	}
	return r
}

// render draws the current step completely, live parts included; for deferred replies.
func (b *Bot) render(ctx context.Context, s *wizard.Session, notice string) view {
	var rv *reviewResult
	if s.State == wizard.StateReview {
		rv = b.review(ctx, s)
		if rv.noAccess {
			// The bot was removed or lost access: its session here ends, the shadow stays.
			b.endRemoved(ctx, s.GuildID, s.ID)
			return view{Content: msgNoAccess}
		}
	}
	return b.frame(ctx, s, notice, rv)
}

// frame draws the wizard message for s. rv is the review of the manifest (REVIEW only;
// nil means "still checking").
func (b *Bot) frame(ctx context.Context, s *wizard.Session, notice string, rv *reviewResult) view {
	ui := steps[s.State].ui(&stepCtx{b: b, ctx: ctx, s: s, review: rv})
	n := s.State.Step()
	e := &discordgo.MessageEmbed{
		Title:       fmt.Sprintf("Step %d of %d — %s", n, len(wizard.States), s.State.Title()),
		Description: frameDescription(s, notice, ui.Body),
		Color:       colorWizard,
		Fields:      summaryFields(s),
		Footer:      &discordgo.MessageEmbedFooter{Text: footerText(s)},
	}
	if notice != "" || fixPending(s) != "" {
		e.Color = colorProblem
	}
	fitEmbed(e)
	return view{Embeds: []*discordgo.MessageEmbed{e}, Components: frameComponents(s, ui)}
}

func frameDescription(s *wizard.Session, notice, body string) string {
	var d strings.Builder
	d.WriteString(progressBar(s.State.Step()))
	if notice != "" {
		d.WriteString("\n\n⚠️ " + notice)
	}
	if msg := s.UI[uiFixMsg]; fixPending(s) != "" && msg != "" {
		d.WriteString("\n\n⚠️ " + msg + "\nPress **Fix** to correct it; what you typed is kept.")
	}
	if body != "" {
		d.WriteString("\n\n" + body)
	}
	return clip(d.String(), maxEmbedDesc)
}

func footerText(s *wizard.Session) string {
	t := "Owned by " + s.OwnerName
	if s.OwnerName == "" {
		t = "Owned by user " + s.OwnerID
	}
	if s.Data.EditOf != "" {
		t += " · editing deployed snapshot " + s.Data.EditOf
	}
	return t
}

// frameComponents lays out the step's selects, then its buttons and the navigation,
// sharing one row when five buttons fit.
func frameComponents(s *wizard.Session, ui stepUI) []discordgo.MessageComponent {
	var rows []discordgo.MessageComponent
	for _, sel := range ui.Selects {
		rows = append(rows, discordgo.ActionsRow{Components: []discordgo.MessageComponent{sel}})
	}
	buttons := ui.Buttons
	if name := fixPending(s); name != "" {
		buttons = withFixButton(buttons, idFor(s, actOpen, name))
	}
	nav := navButtons(s, ui)
	if len(buttons)+len(nav) <= maxButtonsPerRow {
		buttons = append(buttons, nav...)
		nav = nil
	}
	for _, group := range [][]discordgo.Button{buttons, nav} {
		for len(group) > 0 {
			k := min(len(group), maxButtonsPerRow)
			rows = append(rows, buttonRow(group[:k]))
			group = group[k:]
		}
	}
	return rows
}

func navButtons(s *wizard.Session, ui stepUI) []discordgo.Button {
	if ui.NoNav {
		return nil
	}
	var nav []discordgo.Button
	if _, ok := s.State.Prev(); ok {
		nav = append(nav, discordgo.Button{Label: "Back", Style: discordgo.SecondaryButton, CustomID: idFor(s, actBack)})
	}
	if !ui.NoNext {
		label := ui.NextLabel
		if label == "" {
			label = "Next"
		}
		nav = append(nav, discordgo.Button{Label: label, Style: discordgo.PrimaryButton, CustomID: idFor(s, actNext)})
	}
	return append(nav, discordgo.Button{Label: "Cancel", Style: discordgo.DangerButton, CustomID: idFor(s, actCancel)})
}

func buttonRow(bs []discordgo.Button) discordgo.ActionsRow {
	row := discordgo.ActionsRow{}
	for _, b := range bs {
		row.Components = append(row.Components, b)
	}
	return row
}

// clip shortens s to at most n characters, marking the cut.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// esc shows admin-typed text literally.
func esc(s string) string { return wizard.EscapeMarkdown(s) }

// withFixButton puts a Fix button in place of the button that opens the refused modal (it
// opens the same modal, pre-filled), or first when the step has no such button.
func withFixButton(buttons []discordgo.Button, openID string) []discordgo.Button {
	fix := discordgo.Button{Label: "Fix", Style: discordgo.DangerButton, CustomID: openID}
	out := append([]discordgo.Button(nil), buttons...)
	for i, b := range out {
		if b.CustomID == openID {
			out[i] = fix
			return out
		}
	}
	return append([]discordgo.Button{fix}, out...)
}

// fitEmbed keeps an embed within Discord's 6000-character total by shortening the longest
// summary fields first: a community at every limit (10 tiers of 10 rules, hundreds of
// channels) still renders, with "…" where the summary was cut.
func fitEmbed(e *discordgo.MessageEmbed) {
	size := func() int {
		n := utf8.RuneCountInString(e.Title) + utf8.RuneCountInString(e.Description)
		if e.Footer != nil {
			n += utf8.RuneCountInString(e.Footer.Text)
		}
		for _, f := range e.Fields {
			n += utf8.RuneCountInString(f.Name) + utf8.RuneCountInString(f.Value)
		}
		return n
	}
	for over := size() - maxEmbedTotal; over > 0 && len(e.Fields) > 0; over = size() - maxEmbedTotal {
		longest := e.Fields[0]
		for _, f := range e.Fields {
			if utf8.RuneCountInString(f.Value) > utf8.RuneCountInString(longest.Value) {
				longest = f
			}
		}
		n := utf8.RuneCountInString(longest.Value)
		if n <= 20 {
			e.Description = clip(e.Description, max(1, utf8.RuneCountInString(e.Description)-over))
			return
		}
		longest.Value = clip(longest.Value, max(20, n-over))
	}
}
