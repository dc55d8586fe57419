package wizard

// DecodeYAML reads a manifest strictly. yaml.v3's KnownFields(true) reports an unknown
// field as `line 7: field colour not found in type wizard.RoleSpec`; walking the parsed
// node tree against the manifest's types first lets the error say where in the manifest
// it is instead: `tiers[0].role: unknown field "colour" (did you mean "color"?) (line 7)`.

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"

	"go.yaml.in/yaml/v3"
)

// DecodeYAML decodes a manifest from one YAML document, with the strictness of DecodeJSON.
func DecodeYAML(data []byte) (*Manifest, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if err == io.EOF {
			return nil, &DecodeError{Msg: "the manifest is empty"}
		}
		return nil, yamlSyntaxError(data, err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err != io.EOF {
		return nil, &DecodeError{Line: extra.Line, Msg: "expected one YAML document; remove the text after the first '---' document"}
	}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	if root.Kind != yaml.MappingNode {
		return nil, &DecodeError{Line: root.Line, Msg: "expected a manifest (a mapping with apiVersion, community, chains, …)"}
	}
	if v, present := yamlField(root, "apiVersion"); !present || v.Kind != yaml.ScalarNode || v.Value != APIVersion || v.ShortTag() != "!!str" {
		var got any
		if present {
			got = v.Value
		}
		return nil, apiVersionError(got, present)
	}

	// The walk counts every node it visits, aliases included, so an alias bomb is refused
	// before yaml.v3 expands it; it also refuses what yaml.v3 takes too loosely (1e3 for
	// an integer) and says where in the manifest each problem is.
	budget := yamlWalkBudget
	if err := yamlWalk(root, manifestType, "", 0, &budget); err != nil {
		return nil, err
	}
	var m Manifest
	strict := yaml.NewDecoder(bytes.NewReader(data))
	strict.KnownFields(true)
	if err := strict.Decode(&m); err != nil {
		return nil, yamlError(err)
	}
	return m.normalized(), nil
}

// yamlWalkBudget bounds the nodes one walk visits, aliases included: far more than any
// real manifest (10 tiers of 10 rules is about a thousand nodes).
const yamlWalkBudget = 200_000

// yamlField finds a key in a mapping node.
func yamlField(n *yaml.Node, key string) (*yaml.Node, bool) {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1], true
		}
	}
	return nil, false
}

// yamlWalk checks node n against type t: known fields only, each once, and values of the
// right kind. depth bounds alias chains.
func yamlWalk(n *yaml.Node, t reflect.Type, path string, depth int, budget *int) error {
	if *budget--; *budget < 0 {
		return &DecodeError{Path: path, Line: n.Line, Msg: "the manifest is too large (too many aliases?)"}
	}
	if depth > 64 {
		return &DecodeError{Path: path, Line: n.Line, Msg: "the manifest nests too deeply (aliases?)"}
	}
	if n.Kind == yaml.AliasNode {
		if n.Alias == nil {
			return &DecodeError{Path: path, Line: n.Line, Msg: "unknown alias"}
		}
		return yamlWalk(n.Alias, t, path, depth+1, budget)
	}
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" {
		return nil
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	wrong := func() error {
		return &DecodeError{Path: path, Line: n.Line, Msg: "expected " + kindName(t) + ", got " + yamlKind(n)}
	}
	switch t.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			return wrong()
		}
		fields := structFields(t, "yaml")
		seen := map[string]bool{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			idx, ok := fields[k.Value]
			if !ok || k.Kind != yaml.ScalarNode {
				return &DecodeError{Path: path, Line: k.Line, Msg: unknownFieldMsg(k.Value, fields)}
			}
			if seen[k.Value] {
				return &DecodeError{Path: joinPath(path, k.Value), Line: k.Line, Msg: "field appears twice; keep one"}
			}
			seen[k.Value] = true
			if err := yamlWalk(v, t.Field(idx).Type, joinPath(path, k.Value), depth+1, budget); err != nil {
				return err
			}
		}
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			return wrong()
		}
		for i, c := range n.Content {
			if err := yamlWalk(c, t.Elem(), indexPath(path, i), depth+1, budget); err != nil {
				return err
			}
		}
	case reflect.String:
		if n.Kind != yaml.ScalarNode {
			return wrong()
		}
	case reflect.Bool:
		if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!bool" {
			return wrong()
		}
	case reflect.Int, reflect.Int64, reflect.Int32:
		if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!int" {
			return wrong()
		}
		v := reflect.New(t)
		if err := n.Decode(v.Interface()); err != nil {
			return &DecodeError{Path: path, Line: n.Line, Msg: "the number " + n.Value + " is out of range"}
		}
	default:
		return &DecodeError{Path: path, Line: n.Line, Msg: "cannot decode " + t.String()}
	}
	return nil
}

func yamlKind(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!int", "!!float":
			return "the number " + quote(n.Value)
		case "!!bool":
			return quote(n.Value) + " (true/false)"
		}
		return "the text " + quote(n.Value)
	}
	return "something else"
}

// yamlError turns a yaml.v3 error into a DecodeError, keeping its line.
func yamlError(err error) error {
	var te *yaml.TypeError
	if errors.As(err, &te) {
		return &DecodeError{Msg: "invalid manifest: " + strings.Join(te.Errors, "; ")}
	}
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 0
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if _, scanErr := fmt.Sscanf(rest, "%d:", &line); scanErr == nil {
			_, msg, _ = strings.Cut(rest, ": ")
		}
	}
	return &DecodeError{Line: line, Msg: "invalid YAML: " + msg}
}
