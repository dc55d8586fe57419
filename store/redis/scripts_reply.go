package redis

import (
	"errors"
	"fmt"

	"github.com/arrakis-bot/arrakis/store"
	"github.com/arrakis-bot/arrakis/wizard"
)

// scriptResult turns a script's reply into the stored session or a typed error.
func (s *Sessions) scriptResult(op, key string, res any, err error, to wizard.State) (*wizard.Session, error) {
	raw, err := s.scriptStatus(op, key, res, err, to)
	if err != nil {
		return nil, err
	}
	if raw == "" {
		return nil, internal(op, key, errors.New("script answered ok without the session"))
	}
	return decodeSession(op, key, raw)
}

// scriptStatus reads a script's answer (see scripts.go) and returns the value of a write, or
// the matching *store.Error.
func (s *Sessions) scriptStatus(op, key string, reply any, err error, to wizard.State) (string, error) {
	if err != nil {
		return "", wrap(op, key, err)
	}
	if v, ok := reply.(string); ok {
		return v, nil
	}
	res, _ := reply.([]any)
	str := func(i int) string {
		if i < len(res) {
			if v, ok := res[i].(string); ok {
				return v
			}
		}
		return ""
	}
	switch status := str(0); status {
	case "ok":
		return str(1), nil
	case "missing", "ended":
		return "", expired(op, key)
	case "conflict":
		return "", &store.Error{Code: store.CodeConflict, Op: op, Key: key,
			Err: fmt.Errorf("the session changed meanwhile (now version %s): refresh and try again", str(1))}
	case "invalid":
		from := wizard.State(str(1))
		terr := wizard.CheckTransition(from, to)
		if terr == nil { // cannot happen: the script was given every allowed state
			terr = fmt.Errorf("transition from %s to %s refused", from, to)
		}
		return "", invalid(op, terr)
	case "mismatch":
		return "", &store.Error{Code: store.CodeIPMismatch, Op: op, Key: key, Err: errors.New("the session is bound to another client address")}
	case "corrupt":
		return "", corrupt(op, key, nil)
	default:
		return "", internal(op, key, fmt.Errorf("unexpected script reply %q", status))
	}
}
