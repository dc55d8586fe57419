package bot

import (
	"context"
	"fmt"

	"go.uber.org/zap"

	"github.com/arrakis-bot/arrakis/bot/deploy"
	"github.com/arrakis-bot/arrakis/store"
)

// An alert that could not be delivered (no alert channel and no admin to DM, DMs refused,
// a refused post) is shown by /drift and /setup until it is delivered or superseded.

var alertKindNames = map[store.AlertKind]string{store.AlertDeploy: "Deploy result", store.AlertDrift: "Drift report"}

// keptAlertText words a kept alert; "" when a is nil.
func keptAlertText(a *store.Alert, alertChannel string) string {
	if a == nil {
		return ""
	}
	return fmt.Sprintf("📣 **Undelivered alert** — %s from <t:%d:R>:\n>>> %s\n\n%s",
		alertKindNames[a.Kind], a.CreatedAt.Unix(), clip(a.Text, 900), deploy.AlertProblemText(a, alertChannel))
}

// keptAlertNotice reads the guild's kept alert for /setup ("" when none or unreadable).
func (b *Bot) keptAlertNotice(ctx context.Context, guildID string) string {
	if b.d.Shadow == nil {
		return ""
	}
	a, err := b.d.Shadow.Alert(ctx, guildID)
	if err != nil {
		if !store.IsCode(err, store.CodeNotFound) {
			b.d.Log.Warn("read the kept alert failed", zap.String("guild", guildID), zap.Error(err))
		}
		return ""
	}
	if !a.Pending() {
		return ""
	}
	return keptAlertText(a, "")
}
