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
//	arr:<session-id>:<step>v<version>:<action>[:<arg>]
//
// e.g. "arr:123456789012345678.abcdefghijklmnop:3v7:add_asset". The version makes a
// double click harmless: the second click carries a version the session no longer has, so
// it is answered with the current step and changes nothing. Step 0 marks controls that are
// not part of a step (take over, cancel from the ownership notice). Discord caps custom_id
// at 100 characters; a session id is about 37.
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
}

// String encodes the id. It panics on nothing; an overlong id is caught by CheckLimits in tests.
func (c customID) String() string {
	s := fmt.Sprintf("%s:%s:%dv%d:%s", customIDPrefix, c.SessionID, c.Step, c.Version, c.Action)
	if c.Arg != "" {
		s += ":" + c.Arg
	}
	return s
}

// parseCustomID decodes a custom_id made by customID.String.
func parseCustomID(s string) (customID, error) {
	parts := strings.SplitN(s, ":", 5)
	if len(parts) < 4 || parts[0] != customIDPrefix {
		return customID{}, fmt.Errorf("custom_id %q: not an arrakis control", s)
	}
	if _, ok := wizard.GuildOfSessionID(parts[1]); !ok {
		return customID{}, fmt.Errorf("custom_id %q: bad session id", s)
	}
	stepStr, verStr, ok := strings.Cut(parts[2], "v")
	if !ok {
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
	if c.Action == "" {
		return customID{}, fmt.Errorf("custom_id %q: no action", s)
	}
	if len(parts) == 5 {
		c.Arg = parts[4]
	}
	return c, nil
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
