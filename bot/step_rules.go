package bot

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/arrakis-bot/arrakis/wizard"
)

// Step 4, ELIGIBILITY_RULES: ordered tiers (tier 1 the lowest), each with rules that must
// all hold. The tier, rule type and asset are picked with selects, then a modal asks for
// the rule's one value (amount, count, days or score).

const (
	uiTier      = "tier" // index of the tier being edited (steps 4 and 5)
	uiRuleType  = "rule.type"
	uiRuleAsset = "rule.asset"
)

func rulesStep() stepDef {
	return stepDef{ui: rulesUI, actions: map[string]actionFunc{
		actSelect + ":tier":  (*Bot).selectTier,
		actSelect + ":rtype": (*Bot).selectRuleType,
		actSelect + ":rasst": (*Bot).selectRuleAsset,
		"rm_rule":            (*Bot).removeLastRule,
		"rm_tier":            (*Bot).removeTier,
		actSelect + ":rmto":  (*Bot).regateAndRemoveTier,
		"rm_tier_ok":         (*Bot).removeUngatedTier,
		"rm_tier_public":     (*Bot).openAndRemoveTier,
		"rm_tier_drop":       (*Bot).dropChannelsAndRemoveTier,
		"rm_tier_keep":       (*Bot).keepTier,
	}}
}

// pickedTier is the index of the tier being edited: the chosen one, else the last.
func pickedTier(s *wizard.Session) int {
	n := len(s.Data.Tiers)
	if i, err := strconv.Atoi(s.UI[uiTier]); err == nil && i >= 0 && i < n {
		return i
	}
	return n - 1
}

func pickedRuleType(s *wizard.Session) wizard.RuleType {
	if t := wizard.RuleType(s.UI[uiRuleType]); t.Valid() {
		return t
	}
	return wizard.RuleMinBalance
}

// pickedRuleAsset is the chosen asset if it fits the rule type, else the first that fits.
func pickedRuleAsset(s *wizard.Session) (wizard.Asset, bool) {
	t := pickedRuleType(s)
	var first *wizard.Asset
	for i, a := range s.Data.Assets {
		if !t.AssetFits(a.Type) {
			continue
		}
		if a.ID == s.UI[uiRuleAsset] {
			return a, true
		}
		if first == nil {
			first = &s.Data.Assets[i]
		}
	}
	if first == nil {
		return wizard.Asset{}, false
	}
	return *first, true
}

var ruleTypeNames = map[wizard.RuleType]string{
	wizard.RuleMinBalance:      "Minimum balance",
	wizard.RuleNFTOwnership:    "NFT ownership",
	wizard.RuleMinHoldDuration: "Minimum holding time",
	wizard.RuleScoreThreshold:  "Score threshold",
}

// maxRuleLines is how many of a tier's rules step 4 lists before "…and N more".
const maxRuleLines = 5

func rulesUI(sc *stepCtx) stepUI {
	s := sc.s
	ui := stepUI{Body: "Tiers are membership levels, tier 1 the lowest. A member is in a tier when **all** its rules hold, " +
		"and sees every channel of the tiers below."}
	if len(s.Data.Tiers) == 0 {
		ui.Body += "\nNo tiers yet: **Add tier…** to make the first."
	} else {
		i := pickedTier(s)
		t := s.Data.Tiers[i]
		ui.Selects = append(ui.Selects, tierSelect(s, i, "Tier to edit"))
		ui.Body += fmt.Sprintf("\n**Tier %d of %d: %s** — ", i+1, len(s.Data.Tiers), esc(t.Name)) + tierRulesText(t, s.Data.Assets)
	}
	ui.Selects = append(ui.Selects, ruleTypeSelect(s))
	if sel, ok := ruleAssetSelect(s); ok {
		ui.Selects = append(ui.Selects, sel)
	}
	if id, affected := pendingTierRemoval(s); id != "" {
		return tierRemovalUI(s, id, affected)
	}
	addTier := button(s, "Add tier…", discordgo.SuccessButton, actOpen, "tier")
	addTier.Disabled = len(s.Data.Tiers) >= wizard.MaxTiers
	ui.Buttons = []discordgo.Button{addTier}
	if len(s.Data.Tiers) > 0 {
		addRule := button(s, "Add rule…", discordgo.SuccessButton, actOpen, "rule")
		_, hasAsset := pickedRuleAsset(s)
		addRule.Disabled = pickedRuleType(s).NeedsAsset() && !hasAsset
		// The tier's rules are its own details: adding one is the main action here.
		addTier.Style = discordgo.SecondaryButton
		ui.Buttons = []discordgo.Button{addRule, addTier,
			button(s, "Remove last rule", discordgo.SecondaryButton, "rm_rule"),
			button(s, "Remove tier…", discordgo.SecondaryButton, "rm_tier")}
	}
	return ui
}

// tierRulesText lists a tier's rules, one a line, at most maxRuleLines of them.
func tierRulesText(t wizard.Tier, assets []wizard.Asset) string {
	if len(t.Rules) == 0 {
		return "no rules yet: pick a rule type and **Add rule…**."
	}
	lines := []string{plural(len(t.Rules), "rule", "rules") + ", all must hold:"}
	for k, r := range t.Rules {
		if k == maxRuleLines {
			lines = append(lines, fmt.Sprintf("…and %d more (all are listed on the review)", len(t.Rules)-k))
			break
		}
		lines = append(lines, "• "+ruleText(r, assets))
	}
	return strings.Join(lines, "\n")
}

// tierSelect lists the tiers; each option says what the tier holds so far.
func tierSelect(s *wizard.Session, picked int, placeholder string) discordgo.SelectMenu {
	var opts []discordgo.SelectMenuOption
	for i, t := range s.Data.Tiers {
		desc := plural(len(t.Rules), "rule", "rules")
		if s.State == wizard.StateRoleMapping {
			desc = roleOption(t.Role)
		}
		opts = append(opts, discordgo.SelectMenuOption{
			Label: clip(fmt.Sprintf("Tier %d: %s", i+1, t.Name), maxOptionText), Value: strconv.Itoa(i), Default: i == picked,
			Description: clip(desc, maxOptionText),
		})
	}
	return selectMenu(s, "tier", placeholder, opts)
}

func ruleTypeSelect(s *wizard.Session) discordgo.SelectMenu {
	var opts []discordgo.SelectMenuOption
	for _, t := range wizard.RuleTypes {
		opts = append(opts, discordgo.SelectMenuOption{Label: ruleTypeNames[t], Value: string(t), Default: t == pickedRuleType(s)})
	}
	return selectMenu(s, "rtype", "Rule type", opts)
}

// ruleAssetSelect lists the assets that fit the rule type (none for a score rule).
func ruleAssetSelect(s *wizard.Session) (discordgo.SelectMenu, bool) {
	t := pickedRuleType(s)
	if !t.NeedsAsset() {
		return discordgo.SelectMenu{}, false
	}
	cur, _ := pickedRuleAsset(s)
	var opts []discordgo.SelectMenuOption
	for _, a := range s.Data.Assets {
		if t.AssetFits(a.Type) {
			opts = append(opts, discordgo.SelectMenuOption{Label: clip(a.Label(), maxOptionText), Value: a.ID,
				Description: clip(assetTypeNames[a.Type]+" on "+chainName(a.Chain), maxOptionText), Default: a.ID == cur.ID})
		}
	}
	if len(opts) == 0 {
		return discordgo.SelectMenu{}, false
	}
	return selectMenu(s, "rasst", "Asset the rule checks", opts), true
}

func (b *Bot) selectTier(ctx context.Context, c *click) Reply {
	i, err := strconv.Atoi(c.firstValue())
	if err != nil || i < 0 || i >= len(c.s.Data.Tiers) {
		return b.show(ctx, c.s, msgOutOfDate, updateMessage)
	}
	setUI(c.s, uiTier, c.firstValue())
	return b.save(ctx, c, "")
}

func (b *Bot) selectRuleType(ctx context.Context, c *click) Reply {
	if !wizard.RuleType(c.firstValue()).Valid() {
		return b.show(ctx, c.s, msgOutOfDate, updateMessage)
	}
	setUI(c.s, uiRuleType, c.firstValue())
	return b.save(ctx, c, "")
}

func (b *Bot) selectRuleAsset(ctx context.Context, c *click) Reply {
	setUI(c.s, uiRuleAsset, c.firstValue())
	return b.save(ctx, c, "")
}

func (b *Bot) removeLastRule(ctx context.Context, c *click) Reply {
	if i := pickedTier(c.s); i >= 0 {
		t := &c.s.Data.Tiers[i]
		if n := len(t.Rules); n > 0 {
			t.Rules = t.Rules[:n-1]
		}
	}
	return b.save(ctx, c, "")
}

func tierModal() modalDef {
	return modalDef{
		name: "tier", state: wizard.StateEligibilityRules,
		title: func(s *wizard.Session) string { return fmt.Sprintf("Tier %d", len(s.Data.Tiers)+1) },
		inputs: func(*wizard.Session) []inputDef {
			return []inputDef{{ID: "name", Label: "Tier name", Placeholder: "e.g. Gold Holders", Required: true, Max: wizard.TierNameMax}}
		},
		apply: applyTier,
	}
}

// applyTier adds a tier; its role starts as a new role named after it (step 5 can change it).
func applyTier(s *wizard.Session, in map[string]string) wizard.Problems {
	name := strings.TrimSpace(in["name"])
	t := wizard.Tier{ID: wizard.NewTierID(s.Data.Tiers, s.Data.ReservedIDs()...), Name: name, Role: wizard.RoleSpec{Name: name}}
	tiers := append(append([]wizard.Tier(nil), s.Data.Tiers...), t)
	path := fmt.Sprintf("tiers[%d]", len(tiers)-1)
	var ps wizard.Problems
	for _, p := range wizard.ValidateTiers(tiers, s.Data.Assets) {
		if (p.Path == "tiers" || len(wizard.Problems{p}.ForPath(path)) > 0) && !strings.Contains(p.Path, "rules") {
			ps = append(ps, p)
		}
	}
	if len(ps) == 0 {
		s.Data.Tiers = tiers
		setUI(s, uiTier, strconv.Itoa(len(tiers)-1))
	}
	return ps
}

func ruleModal() modalDef {
	return modalDef{
		name: "rule", state: wizard.StateEligibilityRules,
		title:  ruleTitle,
		inputs: func(s *wizard.Session) []inputDef { return []inputDef{ruleInput(s)} },
		apply:  applyRule,
	}
}

func ruleTitle(s *wizard.Session) string {
	i := pickedTier(s)
	if i < 0 {
		return "Rule"
	}
	return fmt.Sprintf("Tier %d: %s", i+1, ruleTypeNames[pickedRuleType(s)])
}

// ruleInput is the one value a rule of the chosen type takes.
func ruleInput(s *wizard.Session) inputDef {
	a, _ := pickedRuleAsset(s)
	switch pickedRuleType(s) {
	case wizard.RuleMinBalance:
		return inputDef{ID: "amount", Label: clip("Minimum balance in "+a.Label(), maxInputLabel), Placeholder: "e.g. 100 or 0.5", Required: true, Max: 100}
	case wizard.RuleNFTOwnership:
		return inputDef{ID: "count", Label: clip("How many "+a.Label()+" at least", maxInputLabel), Placeholder: "1", Required: true, Max: 10}
	case wizard.RuleMinHoldDuration:
		return inputDef{ID: "days", Label: "Held for at least (days, 1–3650)", Placeholder: "30", Required: true, Max: 4}
	}
	return inputDef{ID: "score", Label: "Minimum score (0 or more)", Placeholder: "0", Required: true, Max: 13}
}

// applyRule adds a rule to the tier being edited when its value and asset are valid.
func applyRule(s *wizard.Session, in map[string]string) wizard.Problems {
	i := pickedTier(s)
	if i < 0 {
		return wizard.Problems{{Path: "tiers", Field: "Tier", Message: "add a tier before its rules"}}
	}
	r, ps := parseRule(s, in)
	if len(ps) == 0 {
		ps = wizard.ValidateRule(r, s.Data.Assets)
	}
	if len(ps) == 0 && len(s.Data.Tiers[i].Rules) >= wizard.MaxRulesPerTier {
		ps = wizard.Problems{{Path: "rules", Field: "Rules", Message: "a tier can have at most 10 rules; remove one first"}}
	}
	if len(ps) == 0 {
		s.Data.Tiers[i].Rules = append(s.Data.Tiers[i].Rules, r)
	}
	return ps
}

func parseRule(s *wizard.Session, in map[string]string) (wizard.Rule, wizard.Problems) {
	t := pickedRuleType(s)
	r := wizard.Rule{Type: t}
	a, ok := pickedRuleAsset(s)
	if t.NeedsAsset() && ok {
		r.Asset = a.ID
	}
	var err error
	var field string
	switch t {
	case wizard.RuleMinBalance:
		field = "Minimum balance"
		r.Amount, err = wizard.ParseAmount(in["amount"], a.EffectiveDecimals())
	case wizard.RuleNFTOwnership:
		field = "Number of NFTs"
		var n int64
		n, err = wizard.ParseCount(in["count"])
		r.Count = &n
	case wizard.RuleMinHoldDuration:
		field = "Days"
		var d int
		d, err = wizard.ParseDays(in["days"])
		r.Days = &d
	case wizard.RuleScoreThreshold:
		field = "Score"
		var n int64
		n, err = wizard.ParseScore(in["score"])
		r.Score = &n
	}
	if err != nil {
		return r, wizard.Problems{parseProblem(string(t), field, err)}
	}
	return r, nil
}
