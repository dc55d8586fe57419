package wizard

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestValidateLevels(t *testing.T) {
	m := fixtureManifest(t)
	if v := m.Validate(); !v.Deployable || !v.Complete || len(v.Problems) != 0 {
		t.Fatalf("fixture: %+v", v)
	}

	// Content problems leave the manifest deployable but not complete.
	content := []struct {
		name string
		edit func(*Manifest)
		path string
	}{
		{"community name of 2 characters", func(m *Manifest) { m.Community.Name = "ab" }, "community.name"},
		{"untrimmed community name", func(m *Manifest) { m.Community.Name = " abc" }, "community.name"},
		{"no chains", func(m *Manifest) { m.Chains = nil }, "chains"},
		{"unknown chain", func(m *Manifest) { m.Chains = append(m.Chains, Chain{ID: "solana", ChainID: 101}) }, "chains[2]"},
		{"wrong EVM chain id", func(m *Manifest) { m.Chains[1].ChainID = 1 }, "chains[1].chainId"},
		{"asset on unselected chain", func(m *Manifest) { m.Chains = m.Chains[:1] }, "assets[0].chain"},
		{"bad asset", func(m *Manifest) { m.Assets[0].Decimals = ptr(37) }, "assets[0].decimals"},
		{"no rules", func(m *Manifest) { m.Tiers[0].Rules = nil }, "tiers[0].rules"},
		{"rule on missing asset", func(m *Manifest) { m.Tiers[1].Rules[0].Asset = "a9" }, "tiers[1].rules[0].asset"},
		{"bad guild id", func(m *Manifest) { m.Community.GuildID = "guild" }, "community.guildId"},
	}
	for _, tt := range content {
		t.Run(tt.name, func(t *testing.T) {
			m := fixtureManifest(t)
			tt.edit(m)
			v := m.Validate()
			if !v.Deployable || v.Complete {
				t.Fatalf("want deployable and not complete, got %+v", v)
			}
			if len(v.Problems.ForPath(tt.path)) == 0 {
				t.Fatalf("no problem at %s: %v", tt.path, v.Problems)
			}
		})
	}

	// Layout problems make it not deployable (and so not complete).
	layout := []struct {
		name string
		edit func(*Manifest)
		path string
	}{
		{"wrong apiVersion", func(m *Manifest) { m.APIVersion = "v0" }, "apiVersion"},
		{"no tiers", func(m *Manifest) { m.Tiers = nil; m.Channels = []Channel{} }, "tiers"},
		{"11 tiers", func(m *Manifest) {
			for len(m.Tiers) < 11 {
				m.Tiers = append(m.Tiers, Tier{ID: NewTierID(m.Tiers), Name: "Extra " + NewTierID(m.Tiers), Rules: m.Tiers[0].Rules, Role: RoleSpec{Name: "Extra " + NewTierID(m.Tiers)}})
			}
			m.Channels, _ = ExpandChannels(m.ChannelTemplate, nil, m.Tiers)
		}, "tiers"},
		{"role named @everyone", func(m *Manifest) { m.Tiers[0].Role.Name = "@everyone" }, "tiers[0].role.name"},
		{"role names differ in case only", func(m *Manifest) { m.Tiers[1].Role.Name = "HOLDER" }, "tiers[1].role.name"},
		{"no template", func(m *Manifest) { m.ChannelTemplate = "" }, "channelTemplate"},
		{"unknown template", func(m *Manifest) { m.ChannelTemplate = "mirror" }, "channelTemplate"},
		{"channels edited by hand", func(m *Manifest) { m.Channels[1].Name = "renamed" }, "channels"},
		{"template none with channels", func(m *Manifest) { m.ChannelTemplate = TemplateNone }, "channels"},
		{"channel gated at a missing tier", func(m *Manifest) { m.ChannelTemplate = TemplateCustom; m.Channels[0].MinTier = "t9" }, "channels[0].minTier"},
		{"51 channels in a category", func(m *Manifest) {
			m.ChannelTemplate = TemplateCustom
			for i := 0; i < 49; i++ {
				m.Channels = append(m.Channels, Channel{Key: "x" + itoa(i), Name: "x" + itoa(i), Type: ChannelText, Parent: "tier-t1"})
			}
		}, "channels[57].parent"}, // 2 template channels + 49 = 51 in tier-t1; the 51st is the last

	}
	for _, tt := range layout {
		t.Run(tt.name, func(t *testing.T) {
			m := fixtureManifest(t)
			tt.edit(m)
			v := m.Validate()
			if v.Deployable || v.Complete {
				t.Fatalf("want not deployable, got %+v", v)
			}
			if len(v.Problems.ForPath(tt.path)) == 0 {
				t.Fatalf("no problem at %s: %v", tt.path, v.Problems)
			}
		})
	}
}

func TestValidateStep(t *testing.T) {
	good := fixtureData()
	for _, s := range States[:StateReview.Step()] {
		wantProblem(t, ValidateStep(s, good), "", "")
	}
	wantProblem(t, ValidateStep(StateDeploy, good), "", "last step")
	wantProblem(t, ValidateStep("NOPE", good), "", "unknown wizard step")

	tests := []struct {
		state     State
		edit      func(*SessionData)
		path, msg string
	}{
		{StateInit, func(d *SessionData) { d.CommunityName = "ab" }, "community.name", "at least 3"},
		{StateChainSelect, func(d *SessionData) { d.Chains = nil }, "chains", "at least one"},
		{StateChainSelect, func(d *SessionData) { d.Chains = []string{"ethereum", "dogechain"} }, "chains[1]", "unknown chain"},
		{StateAssetConfig, func(d *SessionData) { d.Assets = nil }, "assets", "at least one"},
		{StateAssetConfig, func(d *SessionData) { d.Chains = []string{"ethereum"} }, "assets[0].chain", "not one of the selected chains"},
		{StateAssetConfig, func(d *SessionData) { d.Assets[2].TokenID = "" }, "assets[2].tokenId", "enter the token id"},
		{StateEligibilityRules, func(d *SessionData) { d.Tiers = nil }, "tiers", "at least one"},
		{StateEligibilityRules, func(d *SessionData) { d.Tiers[0].Rules[1].Score = nil }, "tiers[0].rules[1].score", "enter the minimum score"},
		{StateRoleMapping, func(d *SessionData) { d.Tiers = nil }, "tiers", "Eligibility rules step first"},
		{StateRoleMapping, func(d *SessionData) { d.Tiers[1].Role.Name = "" }, "tiers[1].role.name", "enter a name"},
		{StateChannelStructure, func(d *SessionData) { d.ChannelTemplate = "" }, "channelTemplate", "choose a channel template"},
		{StateChannelStructure, func(d *SessionData) {
			d.ChannelTemplate = TemplateCustom
			d.CustomChannels = []Channel{{Key: "c1", Name: "Has Space", Type: ChannelText}}
		}, "channels[0].name", "lowercase"},
		{StateReview, func(d *SessionData) { d.Assets[0].Contract = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD" }, "assets[0].contract", "EIP-55"},
		{StateReview, func(d *SessionData) { d.CommunityName = "" }, "community.name", "enter a name"},
	}
	for _, tt := range tests {
		d := fixtureData()
		tt.edit(&d)
		t.Run(string(tt.state)+" "+tt.path, func(t *testing.T) { wantProblem(t, ValidateStep(tt.state, d), tt.path, tt.msg) })
	}
	// A step checks only its own answers: a bad rule does not block leaving CHAIN_SELECT.
	d := fixtureData()
	d.Tiers[0].Rules = nil
	wantProblem(t, ValidateStep(StateChainSelect, d), "", "")
}

func TestBuildManifest(t *testing.T) {
	d := fixtureData()
	d.CommunityName = "  Dune Traders  "
	m, ps := BuildManifest("1180000000000000001", d)
	wantProblem(t, ps, "", "")
	if m.APIVersion != APIVersion || m.Community.Name != "Dune Traders" || m.Community.GuildID != "1180000000000000001" {
		t.Errorf("manifest head = %+v %+v", m.APIVersion, m.Community)
	}
	if !reflect.DeepEqual(m.Chains, []Chain{{ID: "ethereum", ChainID: 1}, {ID: "base", ChainID: 8453}}) {
		t.Errorf("chains = %+v", m.Chains)
	}
	if len(m.Channels) != 9 || m.Channels[0].Key != "tier-t1" {
		t.Errorf("template not expanded: %+v", m.Channels)
	}
	// The manifest does not alias the session's answers.
	d.Tiers[0].Rules[1].Score = ptr(int64(99))
	if *m.Tiers[0].Rules[1].Score != 0 {
		t.Error("BuildManifest shares rule values with the session")
	}

	bad := fixtureData()
	bad.Assets[0].Decimals = ptr(37)
	m, ps = BuildManifest("1", bad)
	if m != nil {
		t.Error("an incomplete manifest was built")
	}
	wantProblem(t, ps, "assets[0].decimals", "from 0 to 36")
	_, ps = BuildManifest("guild-1", fixtureData())
	wantProblem(t, ps, "community.guildId", "guild id")
}

func TestSessionDataRoundTrip(t *testing.T) {
	for _, tmpl := range Templates {
		d := fixtureData()
		d.ChannelTemplate = tmpl
		if tmpl == TemplateCustom {
			d.CustomChannels = []Channel{
				{Key: "c1", Name: "Lobby", Type: ChannelCategory},
				{Key: "c2", Name: "welcome", Type: ChannelText, Parent: "c1", Topic: "Say hi"},
				{Key: "c3", Name: "holders", Type: ChannelText, Parent: "c1", MinTier: "t1"},
			}
		}
		m, ps := BuildManifest("42", d)
		if len(ps) != 0 {
			t.Fatalf("%s: %v", tmpl, ps)
		}
		back := SessionDataFromManifest(m, "v00000007")
		if back.EditOf != "v00000007" {
			t.Errorf("EditOf = %q", back.EditOf)
		}
		back.EditOf = ""
		if tmpl != TemplateCustom {
			d.CustomChannels = nil
		}
		if !reflect.DeepEqual(back, d) {
			t.Errorf("%s: SessionDataFromManifest(BuildManifest(d)) != d\n got %+v\nwant %+v", tmpl, back, d)
		}
		m2, ps := BuildManifest("42", back)
		if len(ps) != 0 || !reflect.DeepEqual(m, m2) {
			t.Errorf("%s: rebuilding from edit mode changed the manifest (%v)", tmpl, ps)
		}
		h1, _ := m.SHA256()
		h2, _ := m2.SHA256()
		if h1 != h2 {
			t.Errorf("%s: hash changed on round trip", tmpl)
		}
	}
}

func TestNewIDs(t *testing.T) {
	if id := NewAssetID(nil); id != "asset-1" {
		t.Errorf("first asset id = %s", id)
	}
	as := []Asset{{ID: "asset-1"}, {ID: "asset-3"}, {ID: "custom"}}
	if id := NewAssetID(as); id != "asset-4" {
		t.Errorf("NewAssetID = %s, want asset-4 (one past the highest)", id)
	}
	if id := NewTierID([]Tier{{ID: "tier-1"}, {ID: "tier-2"}}, "tier-5", "tier-tier-2-chat"); id != "tier-6" {
		t.Errorf("NewTierID with reserved tier-5 = %s, want tier-6", id)
	}
	if id := NewChannelKey([]Channel{{Key: "chan-9"}, {Key: "tier-tier-1"}}); id != "chan-10" {
		t.Errorf("NewChannelKey = %s", id)
	}
	// Five generated ids are unique and valid.
	var five []Asset
	for i := 0; i < 5; i++ {
		five = append(five, Asset{ID: NewAssetID(five)})
	}
	seen := map[string]bool{}
	for _, a := range five {
		if seen[a.ID] || !isIdent(a.ID, assetIDMax) {
			t.Errorf("id %q repeated or invalid", a.ID)
		}
		seen[a.ID] = true
	}
}

// TestExamples loads every examples/*.yaml: each is an example for people, so each is
// complete. The manifests kept for tests (testdata/manifests) show the other cases:
// incomplete.yaml is deployable but not complete; an invalid-*.yaml fails with exactly the
// error its comment shows.
func TestExamples(t *testing.T) {
	files, err := filepath.Glob("../examples/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no examples found: %v", err)
	}
	for _, f := range files {
		name := filepath.Base(f)
		m, err := DecodeYAML(readExample(t, name))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if v := m.Validate(); !v.Deployable || !v.Complete {
			t.Errorf("%s: deployable=%v complete=%v, want both; problems: %v", name, v.Deployable, v.Complete, v.Problems)
		}
	}

	data, err := os.ReadFile("../testdata/manifests/incomplete.yaml")
	if err != nil {
		t.Fatal(err)
	}
	m, err := DecodeYAML(data)
	if err != nil {
		t.Fatalf("incomplete.yaml: %v", err)
	}
	v := m.Validate()
	if !v.Deployable || v.Complete {
		t.Errorf("incomplete.yaml: deployable=%v complete=%v, want true false", v.Deployable, v.Complete)
	}
	for _, path := range []string{"chains", "assets", "tiers[0].rules", "tiers[1].rules"} {
		if len(v.Problems.ForPath(path)) == 0 {
			t.Errorf("incomplete.yaml: expected a problem at %s: %v", path, v.Problems)
		}
	}

	invalid, err := filepath.Glob("../testdata/manifests/invalid-*.yaml")
	if err != nil || len(invalid) == 0 {
		t.Fatalf("no invalid manifests found: %v", err)
	}
	for _, f := range invalid {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		_, err = DecodeYAML(data)
		if err == nil {
			t.Errorf("%s: decodes", f)
			continue
		}
		// An invalid manifest documents, in its comment, the error it produces.
		if !strings.Contains(string(data), err.Error()) {
			t.Errorf("%s: error %q is not the one its comment documents", f, err)
		}
	}
}

func TestSummary(t *testing.T) {
	m := fixtureManifest(t)
	m.Community.Name = "The *Best* Guild"
	lines := m.Summary()
	all := strings.Join(lines, "\n")
	for _, want := range []string{
		`Community: The \*Best\* Guild`,
		"Chains: Ethereum, Base",
		"Assets: 3",
		"USD Coin USDC (erc20 on Base, 0x8335…2913, 6 decimals)",
		"token 1",
		"Tier 1 — Holder: new role @Holder #57F287; holds at least 100 USDC and has a score of at least 0",
		"owns at least 1 BAYC and has held BAYC for 30 days",
		"existing role @Patron",
		"Channels: A category per tier with text and voice — 3 categories, 3 text channels, 3 voice channels",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("summary lacks %q:\n%s", want, all)
		}
	}
	if got := DescribeRule(Rule{Type: RuleScoreThreshold}, nil); !strings.Contains(got, "incomplete") {
		t.Errorf("DescribeRule of an incomplete rule = %q", got)
	}
}

// TestValidateHugeAliasExpansion: a small YAML file can expand, through aliases, into
// thousands of tiers, rules and channels. Validation reports the counts instead of
// checking every item against every other (which took minutes before; found by fuzzing).
func TestValidateHugeAliasExpansion(t *testing.T) {
	var b strings.Builder
	b.WriteString("apiVersion: arrakis/v1\nassets: &as\n")
	for i := 0; i < 50; i++ {
		b.WriteString("  - {id: a1, type: native, chain: base, name: E}\n")
	}
	b.WriteString("tiers:\n  - &t\n    id: t1\n    name: A\n    rules: &rs\n")
	for i := 0; i < 50; i++ {
		b.WriteString("      - {type: min_balance, asset: a1, amount: \"1\"}\n")
	}
	b.WriteString("    role: {name: A}\n")
	for i := 0; i < 300; i++ {
		b.WriteString("  - *t\n")
	}
	b.WriteString("channelTemplate: parallel_mirror\nchannels:\n  - &c {key: k, name: k, type: text, minTier: t1}\n")
	for i := 0; i < 2100; i++ {
		b.WriteString("  - *c\n")
	}
	big := b.String()
	m, err := DecodeYAML([]byte(big))
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	if len(m.Tiers) != 301 || len(m.Channels) != 2101 {
		t.Fatalf("expanded to %d tiers, %d channels", len(m.Tiers), len(m.Channels))
	}
	v := m.Validate()
	if v.Deployable || len(v.Problems.ForPath("tiers")) == 0 || len(v.Problems.ForPath("channels")) == 0 {
		t.Fatalf("want count problems, got %d problems", len(v.Problems))
	}
	if len(v.Problems) > 20 {
		t.Errorf("%d problems: a list far past its limit should get one", len(v.Problems))
	}
	_ = m.Summary()
	// Its canonical JSON (hundreds of kilobytes) decodes in linear time.
	c, err := m.CanonicalJSON()
	if err != nil {
		t.Fatal(err)
	}
	if back, err := DecodeJSON(c); err != nil || len(back.Channels) != len(m.Channels) {
		t.Fatalf("decode canonical JSON of %d bytes: %v", len(c), err)
	}

	// Past the decoder's node budget the file is refused outright.
	bigger := strings.Replace(big, "    role: {name: A}\n", "    role: {name: A}\n"+strings.Repeat("  - *t\n", 3000), 1)
	if _, err := DecodeYAML([]byte(bigger)); err == nil || !strings.Contains(err.Error(), "too large") {
		t.Errorf("alias-expanded to millions of nodes: err = %v", err)
	}
}
