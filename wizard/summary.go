package wizard

// Plain-language descriptions of a manifest for the review screen and the CLI. Every
// admin-typed value is passed through EscapeMarkdown, so the lines can be put into a
// Discord message as they are.

import (
	"strings"
)

// Summary describes m in a few lines: community, chains, assets, each tier with its role
// and rules, and the channels.
func (m *Manifest) Summary() []string {
	var lines []string
	lines = append(lines, "Community: "+EscapeMarkdown(m.Community.Name))

	chains := make([]string, 0, len(m.Chains))
	for _, c := range m.Chains {
		name := EscapeMarkdown(c.ID)
		if k, ok := LookupChain(c.ID); ok {
			name = k.Name
		}
		chains = append(chains, name)
	}
	lines = append(lines, "Chains: "+orNone(strings.Join(chains, ", ")))

	lines = append(lines, "Assets: "+itoa(len(m.Assets)))
	for _, a := range m.Assets {
		lines = append(lines, "• "+DescribeAsset(a))
	}

	assetsByID := make(map[string]*Asset, len(m.Assets))
	for i := range m.Assets {
		if assetsByID[m.Assets[i].ID] == nil {
			assetsByID[m.Assets[i].ID] = &m.Assets[i]
		}
	}
	lines = append(lines, "Tiers: "+itoa(len(m.Tiers))+" (tier 1 is the lowest)")
	for i, t := range m.Tiers {
		role := "new role @" + EscapeMarkdown(t.Role.Name)
		if t.Role.Adopt != "" {
			role = "existing role @" + EscapeMarkdown(t.Role.Name)
		}
		if t.Role.Color != 0 {
			role += " " + FormatColor(t.Role.Color)
		}
		rules := make([]string, len(t.Rules))
		for j, r := range t.Rules {
			rules[j] = describeRule(r, assetsByID[r.Asset], assetsByID[r.Asset] != nil)
		}
		lines = append(lines, "• Tier "+itoa(i+1)+" — "+EscapeMarkdown(t.Name)+": "+role+"; "+orNone(strings.Join(rules, " and ")))
	}

	var cats, texts, voices int
	for _, ch := range m.Channels {
		switch ch.Type {
		case ChannelCategory:
			cats++
		case ChannelText:
			texts++
		case ChannelVoice:
			voices++
		}
	}
	title := TemplateTitle(m.ChannelTemplate)
	if title == "" {
		title = EscapeMarkdown(m.ChannelTemplate)
	}
	lines = append(lines, "Channels: "+title+" — "+plural(cats, "category", "categories")+", "+
		plural(texts, "text channel", "text channels")+", "+plural(voices, "voice channel", "voice channels"))
	return lines
}

// DescribeAsset names an asset in one line: "USDC (erc20 on Base, 0x8335…2913, 6 decimals)".
func DescribeAsset(a Asset) string {
	chain := EscapeMarkdown(a.Chain)
	if k, ok := LookupChain(a.Chain); ok {
		chain = k.Name
	}
	parts := []string{string(a.Type) + " on " + chain}
	if a.Contract != "" {
		parts = append(parts, shortAddress(a.Contract))
	}
	switch a.Type {
	case AssetERC20, AssetNative:
		parts = append(parts, plural(a.EffectiveDecimals(), "decimal", "decimals"))
	case AssetERC1155:
		parts = append(parts, "token "+EscapeMarkdown(truncateRunes(a.TokenID, 20)))
	}
	label := EscapeMarkdown(a.Name)
	if a.Symbol != "" && a.Symbol != a.Name {
		label += " " + EscapeMarkdown(a.Symbol)
	}
	return label + " (" + strings.Join(parts, ", ") + ")"
}

// DescribeRule words one rule: "holds at least 100 ARK", "owns at least 1 Pass",
// "has held ARK for 30 days", "has a score of at least 0".
func DescribeRule(r Rule, assets []Asset) string {
	a, ok := AssetByID(assets, r.Asset)
	return describeRule(r, &a, ok)
}

func describeRule(r Rule, a *Asset, found bool) string {
	asset := EscapeMarkdown(r.Asset)
	if found {
		asset = EscapeMarkdown(a.Label())
	}
	switch r.Type {
	case RuleMinBalance:
		return "holds at least " + EscapeMarkdown(r.Amount) + " " + asset
	case RuleNFTOwnership:
		if r.Count != nil {
			return "owns at least " + itoa64(*r.Count) + " " + asset
		}
	case RuleMinHoldDuration:
		if r.Days != nil {
			return "has held " + asset + " for " + plural(*r.Days, "day", "days")
		}
	case RuleScoreThreshold:
		if r.Score != nil {
			return "has a score of at least " + itoa64(*r.Score)
		}
	}
	return "incomplete " + EscapeMarkdown(string(r.Type)) + " rule"
}

func shortAddress(s string) string {
	r := []rune(s)
	if len(r) <= 12 {
		return EscapeMarkdown(s)
	}
	return EscapeMarkdown(string(r[:6]) + "…" + string(r[len(r)-4:]))
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return itoa(n) + " " + many
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
