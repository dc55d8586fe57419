package redis

import (
	"strings"

	"github.com/arrakis-bot/arrakis/wizard"
)

// Key layout. Every key starts with "arrakis:". A part in braces is a Redis Cluster hash tag:
// only the tag is hashed, so every key that concerns one guild lives in that guild's slot.
//
//	arrakis:wizard:{<guildID>}:session    the guild's wizard session; sliding TTL (Options.TTL)
//	arrakis:stats:created                 sessions created      (counter, no TTL, best effort)
//	arrakis:stats:completed               sessions completed    (counter, no TTL, best effort)
//	arrakis:stats:cancelled               sessions cancelled    (counter, no TTL, best effort)
//	arrakis:lease:{<tag>}:<name>          a lease: value = the holder's random token, PX = lease TTL
//	arrakis:once:{<tag>}:<key>            a MarkOnce mark, PX = its TTL
//	arrakis:once:{<guildID>}:interaction:<id>  a ValidateOnce mark of an interaction id, PX = its TTL
//	arrakis:deploy:{<guildID>}:progress   a guild's deploy progress (JSON), TTL store.ProgressTTL
//
// <tag> is the first ":"-separated part of a lease name or mark key that looks like a Discord
// id (for "deploy:<guildID>" that is the guild id), or the whole name when none does. Every
// operation but ValidateOnce touches exactly one key, so the tags are about locality, not
// correctness; ValidateOnce's mark and session share the guild's tag, so that on a Cluster the
// two commands go to one node in one pipeline.
const (
	keyPrefix        = "arrakis:"
	sessionKeyPrefix = keyPrefix + "wizard:"
	sessionKeySuffix = ":session"
	// sessionScanMatch is what Stats scans for; it never uses KEYS.
	sessionScanMatch = sessionKeyPrefix + "*"

	counterCreated   = keyPrefix + "stats:created"
	counterCompleted = keyPrefix + "stats:completed"
	counterCancelled = keyPrefix + "stats:cancelled"
)

// sessionKey is the one key of a guild's session.
func sessionKey(guildID string) string {
	return sessionKeyPrefix + "{" + guildID + "}" + sessionKeySuffix
}

// sessionKeyOfID returns the key a session id lives under; ok is false when the id does not
// parse (then no key can hold it).
func sessionKeyOfID(id string) (key, guildID string, ok bool) {
	guildID, ok = wizard.GuildOfSessionID(id)
	if !ok {
		return "", "", false
	}
	return sessionKey(guildID), guildID, true
}

// guildOfSessionKey is the inverse of sessionKey ("" when key is not a session key).
func guildOfSessionKey(key string) string {
	rest, ok := strings.CutPrefix(key, sessionKeyPrefix+"{")
	if !ok {
		return ""
	}
	guild, ok := strings.CutSuffix(rest, "}"+sessionKeySuffix)
	if !ok || !isSnowflake(guild) {
		return ""
	}
	return guild
}

func leaseKey(name string) string { return keyPrefix + "lease:{" + hashTag(name) + "}:" + name }
func onceKey(key string) string   { return keyPrefix + "once:{" + hashTag(key) + "}:" + key }

// interactionMarkKey is ValidateOnce's mark: in the guild's slot, beside its session.
func interactionMarkKey(guildID, interactionID string) string {
	return keyPrefix + "once:{" + guildID + "}:interaction:" + interactionID
}
func progressKey(guildID string) string {
	return keyPrefix + "deploy:{" + guildID + "}:progress"
}

// hashTag picks the part of a name that keys are grouped by: the first part that looks like a
// Discord id, else the whole name.
func hashTag(name string) string {
	for part := range strings.SplitSeq(name, ":") {
		if isSnowflake(part) {
			return part
		}
	}
	return name
}

// isSnowflake reports whether s looks like a Discord id: 1–20 decimal digits.
func isSnowflake(s string) bool {
	if len(s) == 0 || len(s) > 20 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// SessionKey is the key of a guild's session, for operators and tests that look inside Redis.
func SessionKey(guildID string) string { return sessionKey(guildID) }

// ProgressKey is the key of a guild's deploy progress.
func ProgressKey(guildID string) string { return progressKey(guildID) }

// LeaseKey is the key of a lease.
func LeaseKey(name string) string { return leaseKey(name) }
