package wizard

// DecodeJSON reads a manifest strictly. encoding/json alone would accept keys in any case
// ("APIVERSION"), keep the last of two equal keys, and name no position for an unknown
// field; so the input is first walked token by token against the manifest's types, which
// gives every error its path and line, and only then decoded.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
)

// DecodeJSON decodes a manifest from JSON. Unknown, misspelt or repeated fields, values
// of the wrong type, trailing data and an apiVersion other than "arrakis/v1" are errors
// naming the field's path and line. Lists absent or null decode as empty lists.
func DecodeJSON(data []byte) (*Manifest, error) {
	var top map[string]json.RawMessage
	if json.Unmarshal(data, &top) == nil {
		raw, ok := top["apiVersion"]
		var v any
		if ok {
			_ = json.Unmarshal(raw, &v)
		}
		if !ok || v != APIVersion {
			return nil, apiVersionError(v, ok)
		}
	}

	w := jsonWalker{dec: json.NewDecoder(bytes.NewReader(data)), data: data}
	w.dec.UseNumber()
	if err := w.value(manifestType, ""); err != nil {
		return nil, err
	}
	if _, err := w.dec.Token(); err != io.EOF {
		return nil, &DecodeError{Line: w.line(), Msg: "unexpected data after the manifest; a file holds one JSON object"}
	}

	var m Manifest
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("decode manifest: %w", err)
	}
	return m.normalized(), nil
}

type jsonWalker struct {
	dec  *json.Decoder
	data []byte
}

// line is the 1-based line of the decoder's position. Only errors ask for it: counting
// lines at every token would make decoding quadratic in the input's size.
func (w *jsonWalker) line() int { return w.lineAt(w.dec.InputOffset()) }

// lineAt is the 1-based line of a byte offset.
func (w *jsonWalker) lineAt(offset int64) int {
	off := int(offset)
	if off < 0 {
		off = 0
	}
	if off > len(w.data) {
		off = len(w.data)
	}
	// The decoder's offset is just past the previous token; the value starts after the
	// separator and spaces that follow it.
	for off < len(w.data) && strings.IndexByte(" \t\r\n,:", w.data[off]) >= 0 {
		off++
	}
	return bytes.Count(w.data[:off], []byte("\n")) + 1
}

func (w *jsonWalker) token(path string) (json.Token, error) {
	tok, err := w.dec.Token()
	if err == nil {
		return tok, nil
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return nil, &DecodeError{Path: path, Line: w.lineAt(se.Offset - 1), Msg: "invalid JSON: " + se.Error()}
	}
	if err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF) {
		return nil, &DecodeError{Path: path, Line: w.line(), Msg: "the JSON ends too early"}
	}
	return nil, &DecodeError{Path: path, Line: w.line(), Msg: "invalid JSON: " + err.Error()}
}

// value reads one value of type t at path.
func (w *jsonWalker) value(t reflect.Type, path string) error {
	start := w.dec.InputOffset()
	tok, err := w.token(path)
	if err != nil {
		return err
	}
	if tok == nil { // null: the zero value, as encoding/json does
		return nil
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	wrong := func() error {
		return &DecodeError{Path: path, Line: w.lineAt(start), Msg: "expected " + kindName(t) + ", got " + jsonTokenKind(tok)}
	}
	switch t.Kind() {
	case reflect.Struct:
		if tok != json.Delim('{') {
			return wrong()
		}
		fields := structFields(t, "json")
		seen := map[string]bool{}
		for w.dec.More() {
			kstart := w.dec.InputOffset()
			ktok, err := w.token(path)
			if err != nil {
				return err
			}
			key, _ := ktok.(string)
			i, ok := fields[key]
			if !ok {
				return &DecodeError{Path: path, Line: w.lineAt(kstart), Msg: unknownFieldMsg(key, fields)}
			}
			if seen[key] {
				return &DecodeError{Path: joinPath(path, key), Line: w.lineAt(kstart), Msg: "field appears twice; keep one"}
			}
			seen[key] = true
			if err := w.value(t.Field(i).Type, joinPath(path, key)); err != nil {
				return err
			}
		}
		_, err := w.token(path) // '}'
		return err
	case reflect.Slice:
		if tok != json.Delim('[') {
			return wrong()
		}
		for i := 0; w.dec.More(); i++ {
			if err := w.value(t.Elem(), indexPath(path, i)); err != nil {
				return err
			}
		}
		_, err := w.token(path) // ']'
		return err
	case reflect.String:
		if _, ok := tok.(string); !ok {
			return wrong()
		}
	case reflect.Bool:
		if _, ok := tok.(bool); !ok {
			return wrong()
		}
	case reflect.Int, reflect.Int64, reflect.Int32:
		n, ok := tok.(json.Number)
		if !ok {
			return wrong()
		}
		if _, err := strconv.ParseInt(string(n), 10, t.Bits()); err != nil {
			if errors.Is(err, strconv.ErrRange) {
				return &DecodeError{Path: path, Line: w.lineAt(start), Msg: "the number " + string(n) + " is too large"}
			}
			return &DecodeError{Path: path, Line: w.lineAt(start), Msg: "expected a whole number, got " + string(n)}
		}
	default:
		return &DecodeError{Path: path, Line: w.lineAt(start), Msg: "cannot decode " + t.String()}
	}
	return nil
}

func jsonTokenKind(tok json.Token) string {
	switch v := tok.(type) {
	case json.Delim:
		if v == '{' {
			return "an object"
		}
		return "a list"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case json.Number:
		return "a number"
	}
	return "something else"
}

// joinPath appends a field name to a path.
func joinPath(path, field string) string {
	if path == "" {
		return field
	}
	return path + "." + field
}
