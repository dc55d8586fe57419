package bot

import (
	"context"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/arrakis-bot/arrakis/store"
	"github.com/arrakis-bot/arrakis/wizard"
)

// The wizard is one ephemeral message updated in place. Every step draws the same frame:
// "Step N of 8 — Title", a progress bar with a one-line summary of the answers so far, a
// notice when something needs attention (a refused answer, with a Fix button), the step's
// own body and controls, and a fixed last row Back · Next · Cancel. Steps 1–6 show only
// their own details (at most a dozen lines; long lists page); the whole picture is the
// review's.

const (
	colorWizard  = 0x5865F2
	colorProblem = 0xED4245
)

// stepUI is one step's part of the wizard message.
type stepUI struct {
	Body      string                 // what the step asks and what it holds
	Selects   []discordgo.SelectMenu // each alone in its row
	Buttons   []discordgo.Button     // laid out before Back / Next / Cancel; the main one green
	NextLabel string                 // default "Next"
	NoNext    bool                   // Next is drawn disabled (a question on the step waits)
	HideNext  bool                   // REVIEW: no Next (Deploy… moves on)
	NoNav     bool                   // DEPLOY and confirmations: no Back / Next / Cancel
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
		Title:       "Step " + strconv.Itoa(n) + " of " + strconv.Itoa(len(wizard.States)) + " — " + s.State.Title(),
		Description: frameDescription(s, notice, ui.Body),
		Color:       colorWizard,
		Fields:      summaryFields(s),
		Footer:      &discordgo.MessageEmbedFooter{Text: b.footerText(s)},
	}
	if notice != "" || fixPending(s) != "" {
		e.Color = colorProblem
	}
	fitEmbed(e)
	return view{Embeds: []*discordgo.MessageEmbed{e}, Components: frameComponents(s, ui)}
}

// controls are the components frame draws for the session now (the same step UI and rows),
// without the embed: what a click is checked against (offered.go).
func (b *Bot) controls(ctx context.Context, s *wizard.Session, rv *reviewResult) []discordgo.MessageComponent {
	return frameComponents(s, steps[s.State].ui(&stepCtx{b: b, ctx: ctx, s: s, review: rv}))
}

func frameDescription(s *wizard.Session, notice, body string) string {
	var d strings.Builder
	d.WriteString(progressBar(s.State.Step()))
	if line := summaryLine(s); line != "" {
		d.WriteString("\n" + line)
	}
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

// footerText says whose session this is and when it ends.
func (b *Bot) footerText(s *wizard.Session) string {
	who := s.OwnerName
	if who == "" {
		who = "user " + s.OwnerID
	}
	t := "Started by " + who + " · the session ends " + durationWords(b.sessionTTL()) + " after the last click"
	if s.Data.EditOf != "" {
		t = "Editing " + versionWords(s.Data.EditOf) + " · " + t
	}
	return t
}

// sessionTTL is how long a session lives after its last use.
func (b *Bot) sessionTTL() time.Duration {
	if b.d.SessionTTL > 0 {
		return b.d.SessionTTL
	}
	return store.DefaultSessionTTL
}

// durationWords writes a session lifetime as people say it: "15 min", "2 h", "90 s".
func durationWords(d time.Duration) string {
	switch {
	case d >= time.Hour && d%time.Hour == 0:
		return strconv.FormatInt(int64(d/time.Hour), 10) + " h"
	case d >= time.Minute:
		return strconv.FormatInt(int64(d/time.Minute), 10) + " min"
	}
	return strconv.FormatInt(int64(max(1, d/time.Second)), 10) + " s"
}

// frameComponents lays out the step's selects, then its own buttons, then the fixed
// navigation row Back · Next · Cancel (always last, always in that order).
func frameComponents(s *wizard.Session, ui stepUI) []discordgo.MessageComponent {
	rows := make([]discordgo.MessageComponent, 0, len(ui.Selects)+(len(ui.Buttons)+maxButtonsPerRow)/maxButtonsPerRow+2)
	for _, sel := range ui.Selects {
		rows = append(rows, discordgo.ActionsRow{Components: []discordgo.MessageComponent{sel}})
	}
	buttons := ui.Buttons
	if name := fixPending(s); name != "" {
		buttons = withFixButton(buttons, idFor(s, actOpen, name))
	}
	for len(buttons) > 0 {
		k := min(len(buttons), maxButtonsPerRow)
		rows = append(rows, buttonRow(buttons[:k]))
		buttons = buttons[k:]
	}
	if nav := navButtons(s, ui); len(nav) > 0 {
		rows = append(rows, buttonRow(nav))
	}
	return rows
}

// navButtons is the fixed row: Back (grey; disabled on step 1), Next (the only blurple
// button; disabled until the step's answers are complete), Cancel (red). A disabled
// button is not offered, so a forged click on it is refused like any other.
func navButtons(s *wizard.Session, ui stepUI) []discordgo.Button {
	if ui.NoNav {
		return nil
	}
	back := discordgo.Button{Label: "Back", Style: discordgo.SecondaryButton, CustomID: idFor(s, actBack)}
	if _, ok := s.State.Prev(); !ok {
		back.Disabled = true
	}
	nav := make([]discordgo.Button, 1, 3)
	nav[0] = back
	if !ui.HideNext {
		label := ui.NextLabel
		if label == "" {
			label = "Next"
		}
		next := discordgo.Button{Label: label, Style: discordgo.PrimaryButton, CustomID: idFor(s, actNext)}
		next.Disabled = ui.NoNext || len(wizard.ValidateStep(s.State, s.Data)) > 0
		nav = append(nav, next)
	}
	return append(nav, discordgo.Button{Label: "Cancel", Style: discordgo.DangerButton, CustomID: idFor(s, actCancel)})
}

func buttonRow(bs []discordgo.Button) discordgo.ActionsRow {
	row := discordgo.ActionsRow{Components: make([]discordgo.MessageComponent, 0, len(bs))}
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
	fix := discordgo.Button{Label: "Fix…", Style: discordgo.SuccessButton, CustomID: openID}
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
