package wizard

import (
	"strings"
	"testing"
)

// A renamed template channel is named, with what to do in the manifest.
func TestRenamedTemplateChannelIsNamed(t *testing.T) {
	m := fixtureManifest(t)
	m.ChannelTemplate = TemplateParallelMirror
	m.Channels, _ = ExpandChannels(m.ChannelTemplate, nil, m.Tiers)
	if v := m.Validate(); !v.Deployable {
		t.Fatalf("expanded template does not validate: %v", v.Problems)
	}
	old := m.Channels[1].Name
	m.Channels[1].Name = "renamed-by-hand"
	ps := m.Validate().Problems
	got := ps.ForPath("channels[1].name")
	if len(got) != 1 || !strings.Contains(got[0].Message, `"renamed-by-hand"`) || !strings.Contains(got[0].Message, `"`+old+`"`) ||
		!strings.Contains(got[0].Message, "set channelTemplate to custom") || strings.Contains(got[0].Message, "wizard") {
		t.Errorf("renamed template channel: %v, want one problem naming the channel and the manifest fix", ps)
	}
}

// An asset without a type says so, instead of "BAYC is an  asset".
func TestRuleOnAnAssetWithoutType(t *testing.T) {
	assets := []Asset{{ID: "a1", Symbol: "BAYC"}, {ID: "a2", Type: AssetNative, Symbol: "ETH"}}
	ps := ValidateRule(Rule{Type: RuleNFTOwnership, Asset: "a1", Count: ptr(int64(1))}, assets)
	if len(ps) != 1 || !strings.Contains(ps[0].Message, "BAYC has no type") || strings.Contains(ps[0].Message, "an  ") {
		t.Errorf("rule on an untyped asset: %v", ps)
	}
	ps = ValidateRule(Rule{Type: RuleNFTOwnership, Asset: "a2", Count: ptr(int64(1))}, assets)
	if len(ps) != 1 || !strings.Contains(ps[0].Message, "ETH is a native asset") {
		t.Errorf("rule on a native asset: %v", ps)
	}
}

// A YAML syntax error is reported at the line and column of the mistake, in plain words,
// not at the start of the enclosing block.
func TestYAMLSyntaxErrorLineAndColumn(t *testing.T) {
	doc := "apiVersion: arrakis/v1\n" + // 1
		"community:\n" + // 2
		"  name: Guild\n" + // 3
		"tiers:\n" + // 4
		"  - id: t1\n" + // 5
		"    name: One\n" + // 6
		"    role:\n" + // 7
		"      name: One\n" + // 8
		"     color: 1\n" // 9: one space short
	_, err := DecodeYAML([]byte(doc))
	de, ok := err.(*DecodeError)
	if !ok || de.Line != 9 || de.Column != 6 || !strings.Contains(de.Msg, "not indented like the lines around it") {
		t.Fatalf("DecodeYAML = %v, want line 9, column 6, in plain words", err)
	}
	if !strings.HasSuffix(err.Error(), "(line 9, column 6)") {
		t.Errorf("error text %q does not end with the line and column", err)
	}
	_, err = DecodeYAML([]byte("apiVersion: arrakis/v1\ncommunity:\n\tname: x\n"))
	if de, ok := err.(*DecodeError); !ok || de.Line != 3 || de.Column != 1 || !strings.Contains(de.Msg, "tab") {
		t.Errorf("a tab: %v, want line 3, column 1, naming the tab", err)
	}
}
