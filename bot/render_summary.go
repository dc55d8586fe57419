package bot

import (
	"fmt"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/arrakis-bot/arrakis/wizard"
)

// summaryLine is the running summary under the progress bar on steps 1–6: one line of
// what the earlier steps hold ("**Honey Jar** · Ethereum, Base · 2 assets · 3 tiers").
// The whole picture is the review's (summaryFields).
func summaryLine(s *wizard.Session) string {
	n := s.State.Step()
	if n < 2 || n > wizard.StateChannelStructure.Step() {
		return ""
	}
	d := s.Data
	var parts []string
	if d.CommunityName != "" {
		parts = append(parts, "**"+esc(clip(d.CommunityName, 40))+"**")
	}
	if n > 2 && len(d.Chains) > 0 {
		parts = append(parts, strings.Join(chainLines(d.Chains), ""))
	}
	if n > 3 {
		parts = append(parts, plural(len(d.Assets), "asset", "assets"))
	}
	if n > 4 {
		parts = append(parts, plural(len(d.Tiers), "tier", "tiers"))
	}
	if n > 5 {
		adopted := 0
		for _, t := range d.Tiers {
			if t.Role.Adopt != "" {
				adopted++
			}
		}
		if adopted > 0 {
			parts = append(parts, fmt.Sprintf("%d existing role%s adopted", adopted, map[bool]string{true: "", false: "s"}[adopted == 1]))
		}
	}
	return clip(strings.Join(parts, " · "), 200)
}

// summaryFields shows the whole setup, one embed field a part, on the review; steps 1–6
// show only summaryLine.
func summaryFields(s *wizard.Session) []*discordgo.MessageEmbedField {
	if s.State != wizard.StateReview {
		return nil
	}
	d := s.Data
	var fs []*discordgo.MessageEmbedField
	add := func(name string, lines []string) {
		if len(lines) > 0 {
			fs = append(fs, &discordgo.MessageEmbedField{Name: name, Value: clip(strings.Join(lines, "\n"), maxFieldValue)})
		}
	}
	if d.CommunityName != "" {
		add("Community", []string{esc(d.CommunityName)})
	}
	add("Chains", chainLines(d.Chains))
	add("Assets", assetLines(d.Assets))
	add("Tiers and rules", tierLines(d))
	if d.AlertChannel != "" {
		add("Alerts", []string{"<#" + d.AlertChannel + ">"})
	} else {
		add("Alerts", []string{"No alert channel (DM to the admin who deploys)"})
	}
	return fs
}

func chainName(id string) string {
	if c, ok := wizard.LookupChain(id); ok {
		return c.Name
	}
	return id
}

func chainLines(ids []string) []string {
	if len(ids) == 0 {
		return nil
	}
	names := make([]string, len(ids))
	for i, id := range ids {
		names[i] = chainName(id)
	}
	return []string{strings.Join(names, ", ")}
}

var assetTypeNames = map[wizard.AssetType]string{
	wizard.AssetERC20: "ERC-20", wizard.AssetERC721: "ERC-721 (NFT)",
	wizard.AssetERC1155: "ERC-1155", wizard.AssetNative: "Native coin",
}

func assetLine(a wizard.Asset) string {
	line := fmt.Sprintf("**%s** (%s) — %s on %s", esc(a.Symbol), esc(a.Name), assetTypeNames[a.Type], chainName(a.Chain))
	if a.Contract != "" {
		line += " `" + a.Contract + "`"
	}
	if a.TokenID != "" {
		line += " token " + a.TokenID
	}
	return line
}

func assetLines(as []wizard.Asset) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = fmt.Sprintf("%d. %s", i+1, assetLine(a))
	}
	return out
}

func tierLines(d wizard.SessionData) []string {
	out := make([]string, len(d.Tiers))
	for i, t := range d.Tiers {
		rules := make([]string, len(t.Rules))
		for j, r := range t.Rules {
			rules[j] = ruleText(r, d.Assets)
		}
		text := "no rules yet"
		if len(rules) > 0 {
			text = strings.Join(rules, " and ")
		}
		out[i] = fmt.Sprintf("Tier %d **%s**: %s", i+1, esc(t.Name), text)
	}
	return out
}

// ruleText words a rule as an admin reads it: "hold ≥ 100 USDC".
func ruleText(r wizard.Rule, assets []wizard.Asset) string {
	sym := r.Asset
	for _, a := range assets {
		if a.ID == r.Asset {
			sym = esc(a.Symbol)
		}
	}
	switch r.Type {
	case wizard.RuleMinBalance:
		return fmt.Sprintf("hold ≥ %s %s", r.Amount, sym)
	case wizard.RuleNFTOwnership:
		return fmt.Sprintf("own ≥ %d %s", deref64(r.Count), sym)
	case wizard.RuleMinHoldDuration:
		return fmt.Sprintf("hold %s for ≥ %d days", sym, derefInt(r.Days))
	case wizard.RuleScoreThreshold:
		return fmt.Sprintf("score ≥ %d", deref64(r.Score))
	}
	return string(r.Type)
}

func channelText(c wizard.Channel, all []wizard.Channel, tiers []wizard.Tier) string {
	t := fmt.Sprintf("%s **%s**", channelTypeNames[c.Type], esc(c.Name))
	if c.Parent != "" {
		parent := c.Parent
		if i := wizard.ChannelByKey(all, c.Parent); i >= 0 {
			parent = all[i].Name
		}
		t += " in " + esc(parent)
	}
	if c.MinTier != "" {
		t += " — " + tierName(c.MinTier, tiers) + " and up"
	}
	return t
}

var channelTypeNames = map[wizard.ChannelType]string{
	wizard.ChannelText: "Text", wizard.ChannelVoice: "Voice", wizard.ChannelCategory: "Category",
}

func tierName(id string, tiers []wizard.Tier) string {
	for _, t := range tiers {
		if t.ID == id {
			return esc(t.Name)
		}
	}
	return esc(id)
}

func deref64(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

func derefInt(p *int) int {
	if p == nil {
		return 0
	}
	return *p
}

// colorText shows a role colour; 0 is Discord's "no colour".
func colorText(c int) string {
	if c == 0 {
		return "no colour"
	}
	return wizard.FormatColor(c)
}
