package bot

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"

	"go.uber.org/zap"

	"github.com/arrakis-bot/arrakis/bot/metrics"
	"github.com/arrakis-bot/arrakis/store"
)

// Every refusal an admin can see is one of these sentences, chosen on purpose. Nothing else
// reaches Discord: an error without a sentence is "internal error" with an id to quote, and
// its detail goes to the operator's log.
const (
	msgExpired = "This setup session has expired. Run /setup to start again."
	// msgUnreadableFmt: a stored session that does not decode stays until it expires (the
	// store refuses it everywhere, Create included), and every try renews its lifetime.
	msgUnreadableFmt = "This setup session could not be read (it may have been saved by a different version of Arrakis), so nothing was changed. It expires %s after the last try; then run /setup to start again."
	msgNotOwnerFmt   = "Only <@%s> can use this setup session — run /setup to take it over."
	msgWrongGuild    = "This setup session belongs to another server. Run /setup here to start one."
	msgUnavailable   = "Arrakis can't reach its session store right now; nothing was changed. Try again in a minute."
	msgConflict      = "Someone changed this setup at the same moment; nothing of yours was applied. Here is the current step."
	msgOutOfDate     = "This message is out of date — here is the current step."
	msgNotAdmin      = "You need the Manage Server permission to use Arrakis."
	msgDM            = "Arrakis works inside a server, not in direct messages. Run the command in your server."
	msgUnknown       = "Arrakis doesn't recognise this control. Run /setup to get a fresh wizard."
	msgInternalFmt   = "Something went wrong inside Arrakis (internal error %s). Nothing was changed; tell your operator this id."
	msgCancelled     = "Setup cancelled. Nothing was deployed. Run /setup to start again."
	msgNoAccess      = "Arrakis has lost access to this server (it was removed, or its role lost permissions). Its setup session here has ended; your deployed history is kept. Re-invite the bot with the Manage Roles, Manage Channels and View Channels permissions, then run /setup."
)

// errNoAccess is returned by live-guild reads when Discord answers 50001 (Missing Access)
// or 10004 (Unknown Guild): the bot is no longer in the guild or cannot see it.
var errNoAccess = errors.New("bot has no access to the guild")

// newErrorID returns a short id that ties an admin's report to the operator's log line.
func newErrorID() string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// sentenceFor words err for an admin. Store errors with a code the admin can act on get their
// sentence; everything else is logged in full and shown as an internal error with an id.
func (b *Bot) sentenceFor(err error, ownerID string, fields ...zap.Field) string {
	if ps := store.PartSentence(err); ps != "" {
		part, _ := store.PartOf(err)
		b.metric(func(m *metrics.Metrics) { m.PartFailures.WithLabelValues(string(part)).Inc() })
		b.d.Log.Warn("store failed", append(fields, zap.String("part", string(part)), zap.Error(err))...)
		if part == store.PartSessions {
			return msgUnavailable // the session store's one sentence, advice included
		}
		return ps + " " + store.PartAdvice(err)
	}
	switch store.ErrorCode(err) {
	case store.CodeNotFound, store.CodeExpired:
		return msgExpired
	case store.CodeNotOwner:
		return fmt.Sprintf(msgNotOwnerFmt, ownerID)
	case store.CodeWrongGuild:
		return msgWrongGuild
	case store.CodeUnavailable:
		b.d.Log.Warn("session store unavailable", append(fields, zap.Error(err))...)
		return msgUnavailable
	case store.CodeConflict:
		return msgConflict
	case store.CodeCorrupt:
		if part, _ := store.PartOf(err); part == "" || part == store.PartSessions {
			b.d.Log.Warn("stored session does not decode", append(fields, zap.Error(err))...)
			return fmt.Sprintf(msgUnreadableFmt, durationWords(b.sessionTTL()))
		}
	}
	if errors.Is(err, errNoAccess) {
		return msgNoAccess
	}
	id := newErrorID()
	b.d.Log.Error("internal error", append(fields, zap.String("error_id", id), zap.Error(err))...)
	return fmt.Sprintf(msgInternalFmt, id)
}
