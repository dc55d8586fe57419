package bot

import (
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"
	"go.uber.org/zap"
)

// What the logs carry. Each interaction is one info line, "interaction", with the ids an
// operator follows a problem by — the guild, the interaction, the wizard session a control
// belongs to, the user — and what it was, how it was delivered and how long its initial
// response took. Sessions starting and ending and deploys have lines of their own with the
// same ids. Never logged: the interaction token (it is a 15-minute credential to edit the
// bot's messages), the bot token, keys, what admins type into modals, or a client address.

// interactionFields are the ids that tie a log line to an interaction.
func interactionFields(i *discordgo.Interaction) []zap.Field {
	user, _ := userOf(i)
	f := []zap.Field{zap.String("guild", i.GuildID), zap.String("interaction", i.ID)}
	if user != "" {
		f = append(f, zap.String("user", user))
	}
	return f
}

// describeInteraction says what an interaction was ("command", "setup") and the wizard
// session its control belongs to, when it names one.
func describeInteraction(i *discordgo.Interaction) (kind, name, session string) {
	switch i.Type {
	case discordgo.InteractionApplicationCommand:
		return "command", i.ApplicationCommandData().Name, ""
	case discordgo.InteractionMessageComponent:
		name, session := controlName(i.MessageComponentData().CustomID)
		return "component", name, session
	case discordgo.InteractionModalSubmit:
		name, session := controlName(i.ModalSubmitData().CustomID)
		return "modal", name, session
	case discordgo.InteractionPing:
		return "ping", "", ""
	}
	return "other", "", ""
}

// controlName is a control's action (with its argument) and session, from its custom_id.
func controlName(customID string) (name, session string) {
	if id, err := parseCustomID(customID); err == nil {
		name = id.Action
		if id.Arg != "" {
			name += ":" + id.Arg
		}
		return name, id.SessionID
	}
	if d, err := parseDriftID(customID); err == nil {
		return "drift:" + d.Action, ""
	}
	return "unknown", ""
}

// logInteraction writes the interaction's line once its initial response is ready.
func (b *Bot) logInteraction(i *discordgo.Interaction, transport, outcome string, took time.Duration) {
	level := zap.InfoLevel
	if i.Type == discordgo.InteractionPing {
		level = zap.DebugLevel
	}
	// The fields are built only when the line is written (a click's custom_id is parsed again).
	ce := b.d.Log.Check(level, "interaction")
	if ce == nil {
		return
	}
	kind, name, session := describeInteraction(i)
	f := append(interactionFields(i), zap.String("type", kind), zap.String("name", name))
	if session != "" {
		f = append(f, zap.String("session", session))
	}
	f = append(f, zap.String("transport", transport), zap.String("outcome", outcome), zap.Duration("took", took))
	ce.Write(f...)
}

// tokenFreeError is err as a log field with the interaction token cut out: a failed
// request to a webhook or callback URL (/webhooks/{app}/{token}/…) names its URL.
func tokenFreeError(err error, i *discordgo.Interaction) zap.Field {
	if err == nil {
		return zap.Skip()
	}
	msg := err.Error()
	if i != nil && i.Token != "" {
		msg = strings.ReplaceAll(msg, i.Token, "[interaction-token]")
	}
	return zap.String("error", msg)
}

// sessionEvent counts a session event (started, resumed, taken over, cancelled, completed)
// and logs it with the interaction that caused it.
func (b *Bot) sessionEvent(event string, i *discordgo.Interaction, sessionID string) {
	if event != sessionCompleted {
		b.countSession(event)
	}
	b.d.Log.Info("session "+event, append(interactionFields(i), zap.String("session", sessionID))...)
}

// sessionCompleted is logged when Finish ends a deployed session (the metrics count
// completions from the store's counters, not here).
const sessionCompleted = "completed"
