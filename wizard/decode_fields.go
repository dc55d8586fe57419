package wizard

// Strict decoding support shared by DecodeJSON and DecodeYAML: the field names each
// manifest type accepts (read from its struct tags), exact-case matching, and a
// "did you mean" for near misses, so that `colour:` under a role is reported as
// `tiers[0].role: unknown field "colour" (did you mean "color"?)` and not silently ignored.

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
)

// DecodeError is a manifest that could not be read: Path locates the problem
// ("tiers[0].role"), Line is its 1-based line in the input (0 when unknown).
type DecodeError struct {
	Path   string
	Line   int
	Column int // 1-based; set for YAML syntax errors, 0 otherwise
	Msg    string
}

func (e *DecodeError) Error() string {
	var b strings.Builder
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	switch {
	case e.Line > 0 && e.Column > 0:
		fmt.Fprintf(&b, " (line %d, column %d)", e.Line, e.Column)
	case e.Line > 0:
		fmt.Fprintf(&b, " (line %d)", e.Line)
	}
	return b.String()
}

// ErrAPIVersion is wrapped by the error for a missing or unsupported apiVersion.
var ErrAPIVersion = errors.New("unsupported apiVersion")

func apiVersionError(got any, present bool) error {
	if !present {
		return fmt.Errorf("%w: apiVersion is missing; add apiVersion: %s at the top of the manifest", ErrAPIVersion, APIVersion)
	}
	return fmt.Errorf("%w: apiVersion must be %q, got %s", ErrAPIVersion, APIVersion, quoteAny(got))
}

func quoteAny(v any) string {
	if s, ok := v.(string); ok {
		return quote(s)
	}
	return quote(fmt.Sprint(v))
}

// structFields maps the tag names of a struct type's fields (for tag "json" or "yaml")
// to their field index.
func structFields(t reflect.Type, tag string) map[string]int {
	out := map[string]int{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get(tag), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[name] = i
	}
	return out
}

// unknownFieldMsg words an unknown key, suggesting the field it was probably meant to be.
func unknownFieldMsg(key string, fields map[string]int) string {
	msg := "unknown field " + quote(key)
	best, bestDist := "", 3
	for name := range fields {
		if strings.EqualFold(name, key) {
			best, bestDist = name, 0
			break
		}
		if d := editDistance(strings.ToLower(name), strings.ToLower(key)); d < bestDist || d == bestDist && best != "" && name < best {
			best, bestDist = name, d
		}
	}
	if best != "" && bestDist <= 2 {
		msg += " (did you mean " + quote(best) + "?)"
	}
	return msg
}

// editDistance is the Levenshtein distance of two short strings (capped inputs keep it cheap).
func editDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return 99
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// kindName is how a Go type is named in messages.
func kindName(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Struct:
		return "a mapping of fields"
	case reflect.Slice:
		return "a list"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return "a whole number"
	}
	return t.String()
}

var manifestType = reflect.TypeOf(Manifest{})
