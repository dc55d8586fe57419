package deploy

import (
	"fmt"

	"github.com/arrakis-bot/arrakis/wizard"
)

// adoptedOrderNotes warns when adopted tier roles will not be in tier order. Arrakis never
// moves an adopted role (DESIGN §5); the roles it creates go as one block directly below
// its own top role, above every role that is not a tier's. So an adopted role ends up out
// of order when a lower tier's role is created (it will sit above the adopted one), or
// when a lower tier's adopted role sits above it now.
func adoptedOrderNotes(l *live, m *wizard.Manifest) []string {
	var notes []string
	for i, t := range m.Tiers {
		id := t.Role.Adopt
		r, ok := l.roleByID[id]
		if id == "" || !ok {
			continue
		}
		for j := 0; j < i; j++ {
			lower := m.Tiers[j]
			below := true
			if lower.Role.Adopt == "" {
				below = false // created: it will sit directly below the bot, above this one
			} else if lr, ok := l.roleByID[lower.Role.Adopt]; ok && roleBelow(*r, *lr) {
				below = false
			}
			if !below {
				notes = append(notes, fmt.Sprintf("The adopted role “%s” (tier %s) will sit below the role of the lower tier %s; Arrakis never moves adopted roles, so drag it in Server Settings → Roles if the order matters to you.",
					r.Name, tierLabel(t), tierLabel(lower)))
				break
			}
		}
	}
	return notes
}
