package drift

import "github.com/arrakis-bot/arrakis/wizard"

// Shadow is what the bot last deployed: that snapshot's manifest and the ResourceMap its
// deployment recorded. A nil *Shadow means the guild was never deployed, so nothing in it
// is the bot's except what the desired manifest adopts by id.
type Shadow struct {
	Manifest  *wizard.Manifest   `json:"manifest"`
	Resources wizard.ResourceMap `json:"resources"`
}
