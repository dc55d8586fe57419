package bot

import (
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"
)

// Discord rejects a response that breaks one of its size limits, and the admin sees only
// "This interaction failed". CheckResponse and CheckEdit state those limits in one place;
// the tests run every rendered response through them.

// Discord's limits on messages, components and modals.
const (
	maxActionRows      = 5
	maxButtonsPerRow   = 5
	maxSelectOptions   = 25
	maxLabel           = 80
	maxPlaceholder     = 150
	maxOptionText      = 100
	maxModalTitle      = 45
	maxModalInputs     = 5
	maxInputLabel      = 45
	maxInputValue      = 4000
	maxContent         = 2000
	maxEmbedTitle      = 256
	maxEmbedDesc       = 4096
	maxEmbedFields     = 25
	maxFieldName       = 256
	maxFieldValue      = 1024
	maxEmbedTotal      = 6000
	maxEmbedFooterText = 2048
)

// CheckResponse returns every limit the initial response breaks, joined, or nil.
func CheckResponse(r *discordgo.InteractionResponse) error {
	if r == nil {
		return errors.New("no response")
	}
	if r.Data == nil {
		return nil
	}
	var l limitCheck
	d := r.Data
	if r.Type == discordgo.InteractionResponseModal {
		l.modal(d.Title, d.CustomID, d.Components)
	} else {
		l.message(d.Content, d.Embeds, d.Components)
	}
	return l.err()
}

// CheckEdit returns every limit an @original edit breaks, joined, or nil.
func CheckEdit(e *discordgo.WebhookEdit) error {
	var l limitCheck
	var content string
	var embeds []*discordgo.MessageEmbed
	var comps []discordgo.MessageComponent
	if e.Content != nil {
		content = *e.Content
	}
	if e.Embeds != nil {
		embeds = *e.Embeds
	}
	if e.Components != nil {
		comps = *e.Components
	}
	l.message(content, embeds, comps)
	return l.err()
}

type limitCheck struct{ problems []error }

func (l *limitCheck) fail(format string, a ...any) {
	l.problems = append(l.problems, fmt.Errorf(format, a...))
}

func (l *limitCheck) err() error { return errors.Join(l.problems...) }

func (l *limitCheck) max(what, s string, n int) {
	if c := utf8.RuneCountInString(s); c > n {
		l.fail("%s is %d characters, limit %d: %q", what, c, n, s)
	}
}

func (l *limitCheck) message(content string, embeds []*discordgo.MessageEmbed, comps []discordgo.MessageComponent) {
	l.max("content", content, maxContent)
	if len(embeds) > 10 {
		l.fail("%d embeds, limit 10", len(embeds))
	}
	total := 0
	for _, e := range embeds {
		total += l.embed(e)
	}
	if total > maxEmbedTotal {
		l.fail("embeds total %d characters, limit %d", total, maxEmbedTotal)
	}
	l.rows(comps)
}

func (l *limitCheck) embed(e *discordgo.MessageEmbed) int {
	l.max("embed title", e.Title, maxEmbedTitle)
	l.max("embed description", e.Description, maxEmbedDesc)
	n := utf8.RuneCountInString(e.Title) + utf8.RuneCountInString(e.Description)
	if len(e.Fields) > maxEmbedFields {
		l.fail("%d embed fields, limit %d", len(e.Fields), maxEmbedFields)
	}
	for _, f := range e.Fields {
		l.max("field name", f.Name, maxFieldName)
		l.max("field value", f.Value, maxFieldValue)
		if f.Name == "" || f.Value == "" {
			l.fail("embed field with empty name or value (%q)", f.Name)
		}
		n += utf8.RuneCountInString(f.Name) + utf8.RuneCountInString(f.Value)
	}
	if e.Footer != nil {
		l.max("footer", e.Footer.Text, maxEmbedFooterText)
		n += utf8.RuneCountInString(e.Footer.Text)
	}
	return n
}

func (l *limitCheck) rows(comps []discordgo.MessageComponent) {
	if len(comps) > maxActionRows {
		l.fail("%d action rows, limit %d", len(comps), maxActionRows)
	}
	for i, c := range comps {
		row, ok := asRow(c)
		if !ok {
			l.fail("top-level component %d is %T, not an action row", i, c)
			continue
		}
		l.row(i, row)
	}
}

func (l *limitCheck) row(i int, row discordgo.ActionsRow) {
	if len(row.Components) == 0 {
		l.fail("action row %d is empty", i)
	}
	buttons, selects := 0, 0
	for _, c := range row.Components {
		switch v := c.(type) {
		case discordgo.Button:
			buttons++
			l.button(v)
		case *discordgo.Button:
			buttons++
			l.button(*v)
		case discordgo.SelectMenu:
			selects++
			l.selectMenu(v)
		case *discordgo.SelectMenu:
			selects++
			l.selectMenu(*v)
		default:
			l.fail("action row %d holds %T", i, c)
		}
	}
	if buttons > maxButtonsPerRow {
		l.fail("action row %d has %d buttons, limit %d", i, buttons, maxButtonsPerRow)
	}
	if selects > 0 && len(row.Components) > 1 {
		l.fail("action row %d has a select menu that is not alone", i)
	}
}

func (l *limitCheck) customID(id string) {
	if id == "" {
		l.fail("component without custom_id")
	}
	l.max("custom_id", id, maxCustomID)
}

func (l *limitCheck) button(b discordgo.Button) {
	l.max("button label", b.Label, maxLabel)
	if b.Style == discordgo.LinkButton {
		return
	}
	l.customID(b.CustomID)
	if b.Label == "" && b.Emoji == nil {
		l.fail("button %q has neither label nor emoji", b.CustomID)
	}
}

func (l *limitCheck) selectMenu(s discordgo.SelectMenu) {
	l.customID(s.CustomID)
	l.max("placeholder", s.Placeholder, maxPlaceholder)
	isString := s.MenuType == 0 || s.MenuType == discordgo.StringSelectMenu
	if isString && (len(s.Options) == 0 || len(s.Options) > maxSelectOptions) {
		l.fail("select %q has %d options, allowed 1–%d", s.CustomID, len(s.Options), maxSelectOptions)
	}
	if s.MaxValues > maxSelectOptions || (isString && s.MaxValues > len(s.Options)) {
		l.fail("select %q max_values %d is too high", s.CustomID, s.MaxValues)
	}
	for _, o := range s.Options {
		l.max("option label", o.Label, maxOptionText)
		l.max("option value", o.Value, maxOptionText)
		l.max("option description", o.Description, maxOptionText)
		if o.Label == "" || o.Value == "" {
			l.fail("select %q has an option with an empty label or value", s.CustomID)
		}
	}
}

func (l *limitCheck) modal(title, id string, comps []discordgo.MessageComponent) {
	if title == "" {
		l.fail("modal without a title")
	}
	l.max("modal title", title, maxModalTitle)
	l.customID(id)
	if len(comps) == 0 || len(comps) > maxModalInputs {
		l.fail("modal has %d rows, allowed 1–%d", len(comps), maxModalInputs)
	}
	for i, c := range comps {
		row, ok := asRow(c)
		if !ok || len(row.Components) != 1 {
			l.fail("modal row %d must hold exactly one text input", i)
			continue
		}
		ti, ok := row.Components[0].(discordgo.TextInput)
		if p, isPtr := row.Components[0].(*discordgo.TextInput); isPtr {
			ti, ok = *p, true
		}
		if !ok {
			l.fail("modal row %d holds %T, not a text input", i, row.Components[0])
			continue
		}
		l.customID(ti.CustomID)
		l.max("text input label", ti.Label, maxInputLabel)
		l.max("text input value", ti.Value, maxInputValue)
		l.max("text input placeholder", ti.Placeholder, 100)
	}
}

func asRow(c discordgo.MessageComponent) (discordgo.ActionsRow, bool) {
	switch v := c.(type) {
	case discordgo.ActionsRow:
		return v, true
	case *discordgo.ActionsRow:
		return *v, true
	}
	return discordgo.ActionsRow{}, false
}
