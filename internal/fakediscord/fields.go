package fakediscord

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
)

// fields is a decoded JSON object body; PATCH semantics need "was it sent?",
// which a struct cannot tell apart from a zero value.
type fields map[string]json.RawMessage

// fieldError names the body field that had the wrong type, for a 50035 answer.
type fieldError struct{ field, msg string }

func (e *fieldError) Error() string { return e.field + ": " + e.msg }

func isNull(raw json.RawMessage) bool { return bytes.Equal(bytes.TrimSpace(raw), []byte("null")) }

func (f fields) has(k string) bool { _, ok := f[k]; return ok }

func (f fields) str(k string) (string, error) {
	raw, ok := f[k]
	if !ok || isNull(raw) {
		return "", nil
	}
	var v string
	if err := json.Unmarshal(raw, &v); err != nil {
		return "", &fieldError{k, "Could not interpret " + string(raw) + " as string."}
	}
	return v, nil
}

func (f fields) int(k string) (int, error) {
	raw, ok := f[k]
	if !ok || isNull(raw) {
		return 0, nil
	}
	var v int
	if err := json.Unmarshal(raw, &v); err != nil {
		return 0, &fieldError{k, "Value \"" + string(raw) + "\" is not int."}
	}
	return v, nil
}

func (f fields) bool(k string) (bool, error) {
	raw, ok := f[k]
	if !ok || isNull(raw) {
		return false, nil
	}
	var v bool
	if err := json.Unmarshal(raw, &v); err != nil {
		return false, &fieldError{k, "Must be either true or false."}
	}
	return v, nil
}

// parsePerm reads a permission bitset sent as a digit string (what Discord
// documents and discordgo sends) or as a number.
func parsePerm(k string, raw json.RawMessage) (int64, error) {
	if len(raw) == 0 || isNull(raw) {
		return 0, nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil || v < 0 {
			return 0, &fieldError{k, fmt.Sprintf("Value %q is not a valid permission bitset.", s)}
		}
		return v, nil
	}
	var v int64
	if err := json.Unmarshal(raw, &v); err != nil || v < 0 {
		return 0, &fieldError{k, "Value " + string(raw) + " is not a valid permission bitset."}
	}
	return v, nil
}

func (f fields) perm(k string) (int64, error) { return parsePerm(k, f[k]) }

// decodeFields reads a JSON object body.
func decodeFields(body []byte) (fields, error) {
	var f fields
	if err := json.Unmarshal(body, &f); err != nil || f == nil {
		return nil, &fieldError{"_body", "Expected a JSON object."}
	}
	return f, nil
}
