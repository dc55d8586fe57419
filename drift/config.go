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
// Equality is the manifests' SHA-256 (wizard's canonical JSON, the same hash snapshots
// carry), so a manifest that went through YAML or S3 unchanged equals itself; Expected
// and Actual are its first 12 hex digits. The item names the top-level sections that
// differ, found by comparing each section in a canonical form of its own.
func configDiff(desired, deployed *wizard.Manifest) (Item, bool) {
	if reflect.DeepEqual(desired, deployed) {
		return Item{}, false
	}
	want, got := sections(desired), sections(deployed)
	wantSum, err1 := desired.SHA256()
	gotSum, err2 := deployed.SHA256()
	if err1 != nil || err2 != nil { // not expected: fall back to the sections' own hash
		wantSum, gotSum = shortHash(want), shortHash(got)
	}
	if wantSum == gotSum {
		return Item{}, false
	}
	var differ []string
	for i, s := range want {
		if !bytes.Equal(s.body, got[i].body) {
			differ = append(differ, s.name)
		}
	}
	name := "undeployed changes"
	if len(differ) > 0 {
		name += " to " + strings.Join(differ, ", ")
	}
	return Item{
		Type:     ConfigMismatch,
		Severity: SeverityWarning,
		Name:     name,
		Field:    "manifest",
		Expected: wantSum[:12],
		Actual:   gotSum[:12],
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

// shortHash is a SHA-256 over the canonical sections, used only if the manifest's own
// SHA256 fails.
func shortHash(ss []section) string {
	h := sha256.New()
	for _, s := range ss {
		h.Write([]byte(s.name))
		h.Write([]byte{0})
		h.Write(s.body)
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
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
