package wizard

// Encodings of a Manifest. The canonical JSON form is what gets hashed and stored: fields
// in struct order, no insignificant whitespace, HTML characters left alone, no trailing
// newline, and empty lists always written as [] (never null), so decoding and re-encoding
// a manifest gives the same bytes and the same SHA-256 whatever the input's key order or
// formatting. The YAML form is for people (arrakis plan -f / apply -f); both decoders are
// strict: an unknown or misspelt field is an error naming where it is.

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"go.yaml.in/yaml/v3"
)

// CanonicalJSON returns the manifest's canonical JSON encoding.
func (m *Manifest) CanonicalJSON() ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(m.normalized()); err != nil {
		return nil, fmt.Errorf("encode manifest as JSON: %w", err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// SHA256 returns the lowercase hex SHA-256 of the canonical JSON encoding.
func (m *Manifest) SHA256() (string, error) {
	b, err := m.CanonicalJSON()
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}

// EncodeYAML returns the manifest as YAML for people: two-space indentation, fields in
// struct order, role colours written as hex (0x5865F2; 0, "no colour", stays 0) —
// DecodeYAML reads them back.
func (m *Manifest) EncodeYAML() ([]byte, error) {
	var doc yaml.Node
	if err := doc.Encode(m.normalized()); err != nil {
		return nil, fmt.Errorf("encode manifest as YAML: %w", err)
	}
	hexColors(&doc)
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return nil, fmt.Errorf("encode manifest as YAML: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("encode manifest as YAML: %w", err)
	}
	return buf.Bytes(), nil
}

// hexColors rewrites every "color" integer under a "role" mapping as 0xRRGGBB.
func hexColors(n *yaml.Node) {
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if k.Value == "role" && v.Kind == yaml.MappingNode {
				for j := 0; j+1 < len(v.Content); j += 2 {
					if v.Content[j].Value == "color" && v.Content[j+1].ShortTag() == "!!int" {
						var c int
						if v.Content[j+1].Decode(&c) == nil && c > 0 && c <= MaxColor { // 0 stays 0: "no colour"
							v.Content[j+1].Value = "0x" + FormatColor(c)[1:]
						}
					}
				}
			}
		}
	}
	for _, c := range n.Content {
		hexColors(c)
	}
}

// normalized returns a deep copy of m with every list non-nil, so nil and empty encode
// alike ([]) and a decoded manifest equals the one that was encoded.
func (m *Manifest) normalized() *Manifest {
	c := *m
	c.Chains = append([]Chain{}, m.Chains...)
	c.Assets = make([]Asset, len(m.Assets))
	for i, a := range m.Assets {
		if a.Decimals != nil {
			d := *a.Decimals
			a.Decimals = &d
		}
		c.Assets[i] = a
	}
	c.Tiers = cloneTiers(m.Tiers)
	c.Channels = append([]Channel{}, m.Channels...)
	if m.Alerts != nil {
		a := *m.Alerts
		c.Alerts = &a
	}
	return &c
}

// Clone returns a deep copy of m.
func (m *Manifest) Clone() *Manifest { return m.normalized() }

// cloneTiers deep-copies tiers, rules and their value pointers; Rules is never nil.
func cloneTiers(tiers []Tier) []Tier {
	out := make([]Tier, len(tiers))
	for i, t := range tiers {
		rules := make([]Rule, len(t.Rules))
		for j, r := range t.Rules {
			rules[j] = cloneRule(r)
		}
		t.Rules = rules
		out[i] = t
	}
	return out
}

func cloneRule(r Rule) Rule {
	if r.Count != nil {
		v := *r.Count
		r.Count = &v
	}
	if r.Days != nil {
		v := *r.Days
		r.Days = &v
	}
	if r.Score != nil {
		v := *r.Score
		r.Score = &v
	}
	return r
}
