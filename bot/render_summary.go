package bot

import (
	"fmt"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/arrakis-bot/arrakis/wizard"
)

// summaryFields shows what is filled so far, one embed field per answered step, so the
// admin always sees the whole community taking shape.
func summaryFields(s *wizard.Session) []*discordgo.MessageEmbedField {
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
	add("Tier roles", roleLines(d.Tiers))
	add("Channels", channelLines(d))
	if d.AlertChannel != "" {
		add("Alerts", []string{"<#" + d.AlertChannel + ">"})
	} else if s.State.Step() >= wizard.StateChannelStructure.Step() {
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

func roleLines(tiers []wizard.Tier) []string {
	var out []string
	for i, t := range tiers {
		switch {
		case t.Role.Adopt != "":
			out = append(out, fmt.Sprintf("Tier %d → existing role <@&%s>", i+1, t.Role.Adopt))
		case t.Role.Name != "":
			out = append(out, fmt.Sprintf("Tier %d → new role **%s** (%s%s)", i+1, esc(t.Role.Name),
				colorText(t.Role.Color), roleFlags(t.Role)))
		}
	}
	return out
}

func roleFlags(r wizard.RoleSpec) string {
	var f string
	if r.Hoist {
		f += ", shown separately"
	}
	if r.Mentionable {
		f += ", mentionable"
	}
	return f
}

var templateNames = map[string]string{
	wizard.TemplateNone:           "No channels",
	wizard.TemplateAdditiveOnly:   "One gated channel per tier",
	wizard.TemplateParallelMirror: "A category per tier with text and voice",
	wizard.TemplateCustom:         "Custom channels",
}

func channelLines(d wizard.SessionData) []string {
	if d.ChannelTemplate == "" {
		return nil
	}
	out := []string{templateNames[d.ChannelTemplate]}
	for _, c := range d.CustomChannels {
		out = append(out, "• "+channelText(c, d.CustomChannels, d.Tiers))
	}
	return out
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
