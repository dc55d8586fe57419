package bot

import (
	"slices"

	"github.com/bwmarrin/discordgo"
)

// An interaction's data comes from the client: Discord's signature proves only that Discord
// relayed it, not that the bot offered it. So a click is accepted only when the control it
// names is on the message the bot would draw for the session as it is now — drawn by the
// same code that drew the message (one source of truth) — and its values are among what
// that control offered. Anything else is refused with a sentence and changes nothing.

// Refusals of forged or impossible input.
const (
	msgNotOffered   = "That control is not on your current wizard message, so nothing was changed. Run /setup to see the current step."
	msgBadValues    = "That choice was not one the menu offered, so nothing was changed. Pick again from the menu."
	msgBadModal     = "That form does not match the current step, so nothing was saved. Open it again from the wizard message."
	msgDeployActive = "A deploy is running, so this cannot be done now. Press Refresh to follow it."
)

// maxValueLen bounds one select value; Discord's own limit for option values is 100.
const maxValueLen = 100

// findComponent returns the button or select with the custom_id among rendered rows.
func findComponent(rows []discordgo.MessageComponent, customID string) (discordgo.MessageComponent, bool) {
	for _, rc := range rows {
		row, ok := asRow(rc)
		if !ok {
			continue
		}
		for _, c := range row.Components {
			switch v := c.(type) {
			case discordgo.Button:
				if v.CustomID == customID {
					return v, true
				}
			case *discordgo.Button:
				if v.CustomID == customID {
					return *v, true
				}
			case discordgo.SelectMenu:
				if v.CustomID == customID {
					return v, true
				}
			case *discordgo.SelectMenu:
				if v.CustomID == customID {
					return *v, true
				}
			}
		}
	}
	return nil, false
}

// offeredRefusal checks a click against the rendered rows: the control must be there and
// enabled, of the type the click says, and its values among what it offered. It returns
// the refusal sentence, or "" when the click is one the message offered. Role and channel
// selects are checked for shape here; the ids' existence in the guild is checked by the
// action against the live guild (never against the interaction's resolved data).
func offeredRefusal(rows []discordgo.MessageComponent, d discordgo.MessageComponentInteractionData) string {
	c, ok := findComponent(rows, d.CustomID)
	if !ok {
		return msgNotOffered
	}
	switch v := c.(type) {
	case discordgo.Button:
		if v.Disabled || d.ComponentType != discordgo.ButtonComponent || len(d.Values) > 0 {
			return msgNotOffered
		}
		return ""
	case discordgo.SelectMenu:
		if v.Disabled || d.ComponentType != v.Type() {
			return msgNotOffered
		}
		return selectRefusal(v, d.Values)
	}
	return msgNotOffered
}

// selectRefusal checks select values against the menu.
func selectRefusal(m discordgo.SelectMenu, values []string) string {
	lo, hi := 1, max(m.MaxValues, 1)
	if m.MinValues != nil {
		lo = *m.MinValues
	}
	if len(values) < lo || len(values) > hi {
		return msgBadValues
	}
	seen := map[string]bool{}
	for _, v := range values {
		if v == "" || len(v) > maxValueLen || seen[v] {
			return msgBadValues
		}
		seen[v] = true
		switch m.MenuType {
		case discordgo.StringSelectMenu:
			if !slices.ContainsFunc(m.Options, func(o discordgo.SelectMenuOption) bool { return o.Value == v }) {
				return msgBadValues
			}
		default: // role, channel, user and mentionable selects carry snowflakes
			if !isSnowflakeID(v) {
				return msgBadValues
			}
		}
	}
	return ""
}

// isSnowflakeID reports whether s looks like a Discord id (1–20 digits, no leading zero).
func isSnowflakeID(s string) bool {
	if s == "" || len(s) > 20 || s[0] == '0' {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// modalRefusal checks a modal submit's inputs against the modal's inputs for the session
// as it is: no unknown or repeated input, nothing longer than the input allows.
func modalRefusal(defs []inputDef, got map[string]string, count int) string {
	byID := map[string]inputDef{}
	for _, d := range defs {
		byID[d.ID] = d
	}
	if count != len(got) {
		return msgBadModal // the same input twice
	}
	for id, v := range got {
		d, ok := byID[id]
		if !ok {
			return msgBadModal
		}
		limit := d.Max
		if limit <= 0 {
			limit = maxInputValue
		}
		if len([]rune(v)) > limit {
			return msgBadModal
		}
	}
	return ""
}
