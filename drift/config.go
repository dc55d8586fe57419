package drift

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"reflect"
	"strings"

	"github.com/arrakis-bot/arrakis/wizard"
)

// configDiff reports a config_mismatch when the desired manifest is not the deployed one.
// Content is compared in a canonical form (sorted keys, no HTML escaping, an absent list
// equal to an empty one) so that a manifest that went through YAML or S3 unchanged is
// equal to itself. The item names the top-level sections that differ.
func configDiff(desired, deployed *wizard.Manifest) (Item, bool) {
	if reflect.DeepEqual(desired, deployed) {
		return Item{}, false
	}
	want, got := sections(desired), sections(deployed)
	var differ []string
	for i, s := range want {
		if !bytes.Equal(s.body, got[i].body) {
			differ = append(differ, s.name)
		}
	}
	if len(differ) == 0 {
		return Item{}, false
	}
	return Item{
		Type:     ConfigMismatch,
		Severity: SeverityWarning,
		Name:     "undeployed changes to " + strings.Join(differ, ", "),
		Field:    "manifest",
		Expected: shortHash(want),
		Actual:   shortHash(got),
	}, true
}

type section struct {
	name string
	body []byte
}

func sections(m *wizard.Manifest) []section {
	return []section{
		{"apiVersion", canonical(m.APIVersion)},
		{"community", canonical(m.Community)},
		{"chains", canonical(m.Chains)},
		{"assets", canonical(m.Assets)},
		{"tiers", canonical(m.Tiers)},
		{"channelTemplate", canonical(m.ChannelTemplate)},
		{"channels", canonical(m.Channels)},
	}
}

// shortHash is the first 12 hex digits of a SHA-256 over the canonical sections; it is
// for telling versions apart on screen, not the snapshot's SHA-256.
func shortHash(ss []section) string {
	h := sha256.New()
	for _, s := range ss {
		h.Write([]byte(s.name))
		h.Write([]byte{0})
		h.Write(s.body)
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))[:12]
}

// canonical encodes v as JSON with sorted keys and null lists as []. Manifest fields
// that may be absent are omitempty, so a null here is always an empty list.
func canonical(v any) []byte {
	raw, err := marshal(v)
	if err != nil {
		return []byte("!" + err.Error())
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var tree any
	if err := dec.Decode(&tree); err != nil {
		return []byte("!" + err.Error())
	}
	out, err := marshal(normalise(tree))
	if err != nil {
		return []byte("!" + err.Error())
	}
	return out
}

func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

func normalise(v any) any {
	switch x := v.(type) {
	case nil:
		return []any{}
	case map[string]any:
		for k, e := range x {
			x[k] = normalise(e)
		}
	case []any:
		for i, e := range x {
			x[i] = normalise(e)
		}
	}
	return v
}
