package bot

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/arrakis-bot/arrakis/wizard"
)

// A component's custom_id says which session, which step and which version of the session
// it was rendered for, and what it does:
//
//	arr:<session-id>:<step>v<version>:<action>[:<arg>][:h<hash>]
//
// e.g. "arr:123456789012345678.abcdefghijklmnop:3v7:add_asset". The version makes a
// double click harmless: the second click carries a version the session no longer has, so
// it is answered with the current step and changes nothing. Step 0 marks controls that are
// not part of a step (take over, cancel from the ownership notice). The optional last part
// is the short hash of what a confirmation displayed (DESIGN §5): "h" and 8–64 lowercase
// hex digits, which no arg can be mistaken for. Anything else — an extra part, a character
// outside the grammar, an id past Discord's 100 characters — is refused, never ignored.
const customIDPrefix = "arr"

// maxCustomID is Discord's limit on custom_id.
const maxCustomID = 100

// customID is a parsed custom_id.
type customID struct {
	SessionID string
	Step      int
	Version   int64
	Action    string
	Arg       string
	Hash      string // hex, without the "h"; only on confirmations bound to what they showed
}

// String encodes the id. It panics on nothing; an overlong id is caught by CheckLimits in tests.
// Every control of every drawn step gets one, so it is built in one allocation.
func (c customID) String() string {
	var num [20]byte
	var b strings.Builder
	b.Grow(len(customIDPrefix) + len(c.SessionID) + len(c.Action) + len(c.Arg) + len(c.Hash) + 48)
	b.WriteString(customIDPrefix)
	b.WriteByte(':')
	b.WriteString(c.SessionID)
	b.WriteByte(':')
	b.Write(strconv.AppendInt(num[:0], int64(c.Step), 10))
	b.WriteByte('v')
	b.Write(strconv.AppendInt(num[:0], c.Version, 10))
	b.WriteByte(':')
	b.WriteString(c.Action)
	if c.Arg != "" {
		b.WriteByte(':')
		b.WriteString(c.Arg)
	}
	if c.Hash != "" {
		b.WriteString(":h")
		b.WriteString(c.Hash)
	}
	return b.String()
}

// parseCustomID decodes a custom_id made by customID.String, and nothing else.
func parseCustomID(s string) (customID, error) {
	if len(s) > maxCustomID {
		return customID{}, fmt.Errorf("custom_id of %d characters: longer than Discord allows", len(s))
	}
	parts := strings.Split(s, ":")
	if len(parts) < 4 || len(parts) > 6 || parts[0] != customIDPrefix {
		return customID{}, fmt.Errorf("custom_id %q: not an arrakis control", s)
	}
	if _, ok := wizard.GuildOfSessionID(parts[1]); !ok || !plainToken(parts[1], ".") {
		return customID{}, fmt.Errorf("custom_id %q: bad session id", s)
	}
	stepStr, verStr, ok := strings.Cut(parts[2], "v")
	if !ok || !digits(stepStr) || !digits(verStr) {
		return customID{}, fmt.Errorf("custom_id %q: bad step", s)
	}
	step, err := strconv.Atoi(stepStr)
	if err != nil || step < 0 || step > len(wizard.States) {
		return customID{}, fmt.Errorf("custom_id %q: bad step", s)
	}
	ver, err := strconv.ParseInt(verStr, 10, 64)
	if err != nil || ver < 0 {
		return customID{}, fmt.Errorf("custom_id %q: bad version", s)
	}
	c := customID{SessionID: parts[1], Step: step, Version: ver, Action: parts[3]}
	if c.Action == "" || !plainToken(c.Action, "_") {
		return customID{}, fmt.Errorf("custom_id %q: bad action", s)
	}
	rest := parts[4:]
	if n := len(rest); n > 0 {
		if h, ok := hashPart(rest[n-1]); ok {
			c.Hash, rest = h, rest[:n-1]
		}
	}
	switch {
	case len(rest) > 1:
		return customID{}, fmt.Errorf("custom_id %q: unexpected parts", s)
	case len(rest) == 1:
		// Manifest keys from YAML may hold capitals; the offered-check still compares the
		// whole custom_id with what the bot drew.
		if rest[0] == "" || !plainToken(rest[0], "_-.ABCDEFGHIJKLMNOPQRSTUVWXYZ") {
			return customID{}, fmt.Errorf("custom_id %q: bad argument", s)
		}
		c.Arg = rest[0]
	}
	return c, nil
}

// hashPart reads a custom_id's hash part "h<hex>".
func hashPart(p string) (string, bool) {
	h, ok := strings.CutPrefix(p, "h")
	if !ok || len(h) < 8 || len(h) > 64 {
		return "", false
	}
	for _, r := range h {
		if !('0' <= r && r <= '9' || 'a' <= r && r <= 'f') {
			return "", false
		}
	}
	return h, true
}

// plainToken reports whether s holds only lowercase letters, digits and the extra bytes.
func plainToken(s, extra string) bool {
	for _, r := range s {
		if !('a' <= r && r <= 'z' || '0' <= r && r <= '9' || strings.ContainsRune(extra, r)) {
			return false
		}
	}
	return true
}

func digits(s string) bool {
	if s == "" || len(s) > 18 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// idFor builds the custom_id of a control on the session's current step.
func idFor(s *wizard.Session, action string, arg ...string) string {
	c := customID{SessionID: s.ID, Step: s.State.Step(), Version: s.Version, Action: action}
	if len(arg) > 0 {
		c.Arg = arg[0]
	}
	return c.String()
}

// idOutsideStep builds the custom_id of a control that does not belong to a step.
func idOutsideStep(s *wizard.Session, action string) string {
	return customID{SessionID: s.ID, Step: 0, Version: s.Version, Action: action}.String()
}
