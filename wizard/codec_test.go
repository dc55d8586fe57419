package wizard

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"
)

// goldenCommunitySHA256 is the SHA-256 of examples/community.yaml's canonical JSON. It
// changes only when the example or the canonical encoding changes — the latter would
// silently re-version every stored manifest, so it must be a deliberate edit.
const goldenCommunitySHA256 = "060f0db94e9f1bcc5d3bc8eee70ed2878ee8e818a0a696d40511577508904a18"

func readExample(t *testing.T, name string) []byte { return mustReadExample(t, name) }

func mustReadExample(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile("../examples/" + name)
	if err != nil {
		tb.Fatalf("read example: %v", err)
	}
	return b
}

func TestCanonicalJSONShape(t *testing.T) {
	m := fixtureManifest(t)
	m.Community.Name = "A <b> & \"c\""
	b, err := m.CanonicalJSON()
	if err != nil {
		t.Fatal(err)
	}
	if bytes.HasSuffix(b, []byte("\n")) || bytes.Contains(b, []byte("\n")) {
		t.Error("canonical JSON has a newline")
	}
	if !bytes.Contains(b, []byte(`"name":"A <b> & \"c\""`)) {
		t.Errorf("HTML characters escaped or spacing added: %s", b)
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, b); err != nil || !bytes.Equal(compact.Bytes(), b) {
		t.Errorf("canonical JSON has insignificant whitespace (%v)", err)
	}
	if !bytes.HasPrefix(b, []byte(`{"apiVersion":"arrakis/v1","community":{`)) {
		t.Errorf("canonical JSON does not start in struct order: %.60s", b)
	}
}

func TestCanonicalJSONNilAndEmptyAlike(t *testing.T) {
	a := &Manifest{APIVersion: APIVersion, Tiers: []Tier{{ID: "t1"}}}
	b := &Manifest{APIVersion: APIVersion, Chains: []Chain{}, Assets: []Asset{}, Tiers: []Tier{{ID: "t1", Rules: []Rule{}}}, Channels: []Channel{}}
	ja, _ := a.CanonicalJSON()
	jb, _ := b.CanonicalJSON()
	if !bytes.Equal(ja, jb) {
		t.Fatalf("nil and empty lists encode differently:\n%s\n%s", ja, jb)
	}
	if bytes.Contains(ja, []byte("null")) {
		t.Errorf("a list encoded as null: %s", ja)
	}
	// A manifest decoded from null lists re-encodes to the same canonical bytes.
	in := `{"apiVersion":"arrakis/v1","community":{"name":""},"chains":null,"assets":null,"tiers":[{"id":"t1","name":"","rules":null,"role":{"name":"","color":0,"hoist":false,"mentionable":false,"permissions":0}}],"channelTemplate":"","channels":null}`
	m, err := DecodeJSON([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	jm, _ := m.CanonicalJSON()
	if !bytes.Equal(jm, ja) {
		t.Errorf("decode of null lists:\n%s\nwant\n%s", jm, ja)
	}
}

// TestCanonicalJSONIndependentOfInputOrder decodes the same manifest written with its
// keys in reverse order and indented, and expects byte-identical canonical JSON.
func TestCanonicalJSONIndependentOfInputOrder(t *testing.T) {
	m := fixtureManifest(t)
	want, err := m.CanonicalJSON()
	if err != nil {
		t.Fatal(err)
	}
	var generic any
	if err := json.Unmarshal(want, &generic); err != nil {
		t.Fatal(err)
	}
	reversed := reverseKeys(generic)
	for i, variant := range [][]byte{reversed, indent(t, reversed), indent(t, want)} {
		got, err := DecodeJSON(variant)
		if err != nil {
			t.Fatalf("variant %d: %v", i, err)
		}
		c, _ := got.CanonicalJSON()
		if !bytes.Equal(c, want) {
			t.Errorf("variant %d canonical JSON differs:\n%s\nwant\n%s", i, c, want)
		}
	}
	if bytes.Equal(reversed, want) {
		t.Fatal("the reversed variant is not reordered; the test proves nothing")
	}
	// YAML of the same manifest hashes the same too.
	y, err := m.EncodeYAML()
	if err != nil {
		t.Fatal(err)
	}
	fromYAML, err := DecodeYAML(y)
	if err != nil {
		t.Fatal(err)
	}
	h1, _ := m.SHA256()
	h2, _ := fromYAML.SHA256()
	if h1 != h2 || len(h1) != 64 {
		t.Errorf("hash via YAML %s != %s", h2, h1)
	}
}

// reverseKeys writes v as JSON with every object's keys in reverse sorted order.
func reverseKeys(v any) []byte {
	var b bytes.Buffer
	var write func(v any)
	write = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			keys := make([]string, 0, len(x))
			for k := range x {
				keys = append(keys, k)
			}
			for i := 0; i < len(keys); i++ { // sort descending
				for j := i + 1; j < len(keys); j++ {
					if keys[j] > keys[i] {
						keys[i], keys[j] = keys[j], keys[i]
					}
				}
			}
			b.WriteByte('{')
			for i, k := range keys {
				if i > 0 {
					b.WriteByte(',')
				}
				kb, _ := json.Marshal(k)
				b.Write(kb)
				b.WriteByte(':')
				write(x[k])
			}
			b.WriteByte('}')
		case []any:
			b.WriteByte('[')
			for i, e := range x {
				if i > 0 {
					b.WriteByte(',')
				}
				write(e)
			}
			b.WriteByte(']')
		default:
			eb, _ := json.Marshal(x)
			b.Write(eb)
		}
	}
	write(v)
	return b.Bytes()
}

func indent(t *testing.T, b []byte) []byte {
	var out bytes.Buffer
	if err := json.Indent(&out, b, "", "    "); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func TestYAMLRoundTrip(t *testing.T) {
	for _, name := range []string{"community.yaml", "minimal.yaml"} {
		m, err := DecodeYAML(readExample(t, name))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		y1, err := m.EncodeYAML()
		if err != nil {
			t.Fatal(err)
		}
		m2, err := DecodeYAML(y1)
		if err != nil {
			t.Fatalf("%s: re-decode: %v\n%s", name, err, y1)
		}
		if !reflect.DeepEqual(m, m2) {
			t.Errorf("%s: YAML → Manifest → YAML → Manifest changed it:\n%+v\n%+v", name, m, m2)
		}
		y2, _ := m2.EncodeYAML()
		if !bytes.Equal(y1, y2) {
			t.Errorf("%s: YAML encoding is not a fixed point:\n%s\n---\n%s", name, y1, y2)
		}
		if name == "community.yaml" && !bytes.Contains(y1, []byte("color: 0x57F287")) {
			t.Errorf("colours not written as hex:\n%s", y1)
		}
		// JSON of the same manifest decodes to the same value.
		j, _ := m.CanonicalJSON()
		mj, err := DecodeJSON(j)
		if err != nil || !reflect.DeepEqual(mj, m) {
			t.Errorf("%s: JSON round trip: %v", name, err)
		}
	}
}

func TestGoldenHash(t *testing.T) {
	m, err := DecodeYAML(readExample(t, "community.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ { // stable across calls, and across runs via the constant
		h, err := m.SHA256()
		if err != nil {
			t.Fatal(err)
		}
		if h != goldenCommunitySHA256 {
			c, _ := m.CanonicalJSON()
			t.Fatalf("SHA256 of examples/community.yaml = %s, want %s\ncanonical JSON: %s", h, goldenCommunitySHA256, c)
		}
	}
}

func TestDecodeErrors(t *testing.T) {
	const head = "apiVersion: arrakis/v1\n"
	tests := []struct {
		name, yaml, want string
	}{
		{name: "unknown field in role", yaml: head + "tiers:\n  - id: t1\n    name: A\n    role:\n      name: A\n      colour: 5\n",
			want: `tiers[0].role: unknown field "colour" (did you mean "color"?) (line 7)`},
		{name: "wrong case", yaml: head + "Community:\n  name: x\n", want: `unknown field "Community" (did you mean "community"?) (line 2)`},
		{name: "unknown top-level", yaml: head + "version: 2\n", want: `unknown field "version"`},
		{name: "duplicate", yaml: head + "channelTemplate: none\nchannelTemplate: custom\n", want: "channelTemplate: field appears twice"},
		{name: "wrong type", yaml: head + "tiers:\n  - id: t1\n    role:\n      hoist: maybe\n", want: `tiers[0].role.hoist: expected true or false, got the text "maybe" (line 5)`},
		{name: "float for int", yaml: head + "assets:\n  - decimals: 1.5\n", want: "assets[0].decimals: expected a whole number"},
		{name: "list expected", yaml: head + "chains: ethereum\n", want: "chains: expected a list"},
		{name: "int overflow", yaml: head + "tiers:\n  - rules:\n      - count: 99999999999999999999\n", want: "tiers[0].rules[0].count"},
		{name: "missing apiVersion", yaml: "community:\n  name: x\n", want: "apiVersion is missing"},
		{name: "wrong apiVersion", yaml: "apiVersion: arrakis/v2\n", want: `apiVersion must be "arrakis/v1", got "arrakis/v2"`},
		{name: "two documents", yaml: head + "---\n" + head, want: "expected one YAML document"},
		{name: "empty", yaml: "", want: "the manifest is empty"},
		{name: "not a mapping", yaml: "- a\n- b\n", want: "expected a manifest"},
		{name: "syntax", yaml: head + "tiers: [\n", want: "invalid YAML"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := DecodeYAML([]byte(tt.yaml))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("DecodeYAML error = %v (manifest %v), want %q", err, m != nil, tt.want)
			}
		})
	}
	if _, err := DecodeYAML([]byte("apiVersion: arrakis/v2\n")); !errors.Is(err, ErrAPIVersion) {
		t.Errorf("wrong apiVersion does not wrap ErrAPIVersion: %v", err)
	}

	jtests := []struct{ name, json, want string }{
		{name: "unknown field", json: `{"apiVersion":"arrakis/v1","tiers":[{"id":"t1","role":{"colour":1}}]}`, want: `tiers[0].role: unknown field "colour" (did you mean "color"?) (line 1)`},
		{name: "case-insensitive match refused", json: `{"apiVersion":"arrakis/v1","CHAINS":[]}`, want: `unknown field "CHAINS" (did you mean "chains"?)`},
		{name: "duplicate", json: `{"apiVersion":"arrakis/v1","channels":[],"channels":[]}`, want: "channels: field appears twice"},
		{name: "wrong type", json: "{\"apiVersion\":\"arrakis/v1\",\n\"assets\":[{\"decimals\":\"6\"}]}", want: "assets[0].decimals: expected a whole number, got a string (line 2)"},
		{name: "fraction", json: `{"apiVersion":"arrakis/v1","assets":[{"decimals":6.5}]}`, want: "expected a whole number, got 6.5"},
		{name: "overflow", json: `{"apiVersion":"arrakis/v1","tiers":[{"rules":[{"score":1e30}]}]}`, want: "tiers[0].rules[0].score"},
		{name: "trailing data", json: `{"apiVersion":"arrakis/v1"} {}`, want: "unexpected data after the manifest"},
		{name: "syntax", json: "{\"apiVersion\":\"arrakis/v1\",\n\"chains\":[,]}", want: "invalid JSON"},
		{name: "truncated", json: `{"apiVersion":"arrakis/v1","chains":[`, want: "ends too early"},
		{name: "missing apiVersion", json: `{"chains":[]}`, want: "apiVersion is missing"},
		{name: "apiVersion wrong case", json: `{"APIVersion":"arrakis/v1"}`, want: "apiVersion is missing"},
		{name: "wrong apiVersion", json: `{"apiVersion":1}`, want: `apiVersion must be "arrakis/v1", got "1"`},
		{name: "not an object", json: `[]`, want: "expected a mapping of fields, got a list"},
	}
	for _, tt := range jtests {
		t.Run("json "+tt.name, func(t *testing.T) {
			m, err := DecodeJSON([]byte(tt.json))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("DecodeJSON error = %v (manifest %v), want %q", err, m != nil, tt.want)
			}
		})
	}
}

func TestDecodeYAMLAcceptsHumanForms(t *testing.T) {
	y := "apiVersion: arrakis/v1\n" +
		"tiers:\n  - id: t1\n    name: A\n    rules:\n      - type: min_balance\n        asset: a1\n        amount: 1.50\n" + // unquoted: kept as written
		"    role:\n      name: A\n      color: 0xFF00AA\n" +
		"assets:\n  - id: a1\n    tokenId: 12345678901234567890123\n"
	m, err := DecodeYAML([]byte(y))
	if err != nil {
		t.Fatal(err)
	}
	if m.Tiers[0].Rules[0].Amount != "1.50" || m.Tiers[0].Role.Color != 0xFF00AA || m.Assets[0].TokenID != "12345678901234567890123" {
		t.Errorf("decoded %+v", m)
	}
}
