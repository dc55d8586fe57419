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

func rulesUI(sc *stepCtx) stepUI {
	s := sc.s
	if id, affected := pendingTierRemoval(s); id != "" {
		return tierRemovalUI(s, id, affected)
	}
	ui := stepUI{Body: "Tiers are membership levels, tier 1 the lowest; a channel open to a tier is open to every " +
		"higher tier too. A member is in a tier when **all** its rules hold.\nAdd a tier, then pick the rule type " +
		"and asset and press **Add rule…**."}
	if len(s.Data.Tiers) > 0 {
		ui.Selects = append(ui.Selects, tierSelect(s, pickedTier(s), "Tier to edit"))
		ui.Body += fmt.Sprintf("\n\nEditing **tier %d: %s**.", pickedTier(s)+1, esc(s.Data.Tiers[pickedTier(s)].Name))
	}
	ui.Selects = append(ui.Selects, ruleTypeSelect(s))
	if sel, ok := ruleAssetSelect(s); ok {
		ui.Selects = append(ui.Selects, sel)
	}
	addTier := button(s, "Add tier…", discordgo.SuccessButton, actOpen, "tier")
	addTier.Disabled = len(s.Data.Tiers) >= wizard.MaxTiers
	ui.Buttons = []discordgo.Button{addTier}
	if len(s.Data.Tiers) > 0 {
		addRule := button(s, "Add rule…", discordgo.SuccessButton, actOpen, "rule")
		_, hasAsset := pickedRuleAsset(s)
		addRule.Disabled = pickedRuleType(s).NeedsAsset() && !hasAsset
		ui.Buttons = append(ui.Buttons, addRule,
			button(s, "Remove last rule", discordgo.SecondaryButton, "rm_rule"),
			button(s, "Remove tier", discordgo.SecondaryButton, "rm_tier"))
	}
	return ui
}

func tierSelect(s *wizard.Session, picked int, placeholder string) discordgo.SelectMenu {
	var opts []discordgo.SelectMenuOption
	for i, t := range s.Data.Tiers {
		opts = append(opts, discordgo.SelectMenuOption{
			Label: clip(fmt.Sprintf("Tier %d: %s", i+1, t.Name), maxOptionText), Value: strconv.Itoa(i), Default: i == picked,
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

// Removing a tier never opens its channels to everyone silently: when custom channels
// are gated at it, the step asks what becomes of them first — gated at another tier,
// opened to everyone, or removed from the setup — and the answer is written into the
// channels themselves, so the manifest says it explicitly.

// uiRmTier holds the id of a tier whose removal waits for that answer.
const uiRmTier = "rm_tier"

// removeTier removes the tier being edited, or asks first what becomes of the channels
// gated at it.
func (b *Bot) removeTier(ctx context.Context, c *click) Reply {
	i := pickedTier(c.s)
	if i < 0 {
		return b.show(ctx, c.s, "", updateMessage)
	}
	id := c.s.Data.Tiers[i].ID
	if len(gatedAt(c.s.Data.CustomChannels, id)) > 0 {
		setUI(c.s, uiRmTier, id)
		return b.save(ctx, c, "")
	}
	dropTier(c.s, id)
	return b.save(ctx, c, "")
}

// gatedAt lists the indexes of the channels gated at tier id.
func gatedAt(chs []wizard.Channel, id string) []int {
	var out []int
	for k, ch := range chs {
		if ch.MinTier == id {
			out = append(out, k)
		}
	}
	return out
}

// pendingTierRemoval is the tier waiting for the channels' answer and those channels,
// or "" when none waits (or the question went stale).
func pendingTierRemoval(s *wizard.Session) (string, []int) {
	id := s.UI[uiRmTier]
	if id == "" || (&wizard.Manifest{Tiers: s.Data.Tiers}).TierIndex(id) < 0 {
		return "", nil
	}
	affected := gatedAt(s.Data.CustomChannels, id)
	if len(affected) == 0 {
		return "", nil
	}
	return id, affected
}

func dropTier(s *wizard.Session, id string) {
	for i, t := range s.Data.Tiers {
		if t.ID == id {
			s.Data.Tiers = append(s.Data.Tiers[:i:i], s.Data.Tiers[i+1:]...)
			break
		}
	}
	delete(s.UI, uiTier)
	delete(s.UI, uiRmTier)
}

func tierRemovalUI(s *wizard.Session, id string, affected []int) stepUI {
	t := s.Data.Tiers[(&wizard.Manifest{Tiers: s.Data.Tiers}).TierIndex(id)]
	var names []string
	for _, k := range affected {
		names = append(names, "**"+esc(s.Data.CustomChannels[k].Name)+"**")
	}
	ui := stepUI{NoNext: true, Body: fmt.Sprintf("Removing tier **%s**. These channels are open only to it and the tiers above: %s.\n"+
		"Without the tier they would have no gate. Choose what becomes of them:\n"+
		"• gate them at another tier (pick it below),\n• make them open to everyone in the server,\n• or remove them from the setup "+
		"(they stay in your server until a Prune in /drift deletes them).", esc(t.Name), strings.Join(names, ", "))}
	var opts []discordgo.SelectMenuOption
	for i, o := range s.Data.Tiers {
		if o.ID != id {
			opts = append(opts, discordgo.SelectMenuOption{Label: clip(fmt.Sprintf("Gate them at tier %d: %s", i+1, o.Name), maxOptionText), Value: o.ID})
		}
	}
	if len(opts) > 0 {
		ui.Selects = []discordgo.SelectMenu{selectMenu(s, "rmto", "Gate them at another tier…", opts)}
	}
	ui.Buttons = []discordgo.Button{
		button(s, "Make them public", discordgo.DangerButton, "rm_tier_public"),
		button(s, "Remove the channels", discordgo.DangerButton, "rm_tier_drop"),
		button(s, "Keep the tier", discordgo.SecondaryButton, "rm_tier_keep"),
	}
	return ui
}

// regateAndRemoveTier gates the channels at the chosen tier, then removes the tier.
func (b *Bot) regateAndRemoveTier(ctx context.Context, c *click) Reply {
	id, affected := pendingTierRemoval(c.s)
	to := c.firstValue()
	if id == "" || to == id || (&wizard.Manifest{Tiers: c.s.Data.Tiers}).TierIndex(to) < 0 {
		return b.show(ctx, c.s, msgOutOfDate, updateMessage)
	}
	for _, k := range affected {
		c.s.Data.CustomChannels[k].MinTier = to
	}
	dropTier(c.s, id)
	return b.save(ctx, c, "")
}

// openAndRemoveTier makes the channels open to everyone, as the admin chose, then
// removes the tier.
func (b *Bot) openAndRemoveTier(ctx context.Context, c *click) Reply {
	id, affected := pendingTierRemoval(c.s)
	if id == "" {
		return b.show(ctx, c.s, msgOutOfDate, updateMessage)
	}
	for _, k := range affected {
		c.s.Data.CustomChannels[k].MinTier = ""
	}
	dropTier(c.s, id)
	return b.save(ctx, c, fmt.Sprintf("%d channels are now open to everyone in the server.", len(affected)))
}

// dropChannelsAndRemoveTier removes the channels (a category with the channels in it)
// from the setup, then the tier.
func (b *Bot) dropChannelsAndRemoveTier(ctx context.Context, c *click) Reply {
	id, affected := pendingTierRemoval(c.s)
	if id == "" {
		return b.show(ctx, c.s, msgOutOfDate, updateMessage)
	}
	gone := map[string]bool{}
	for _, k := range affected {
		gone[c.s.Data.CustomChannels[k].Key] = true
	}
	var kept []wizard.Channel
	for _, ch := range c.s.Data.CustomChannels {
		if !gone[ch.Key] && !gone[ch.Parent] {
			kept = append(kept, ch)
		}
	}
	c.s.Data.CustomChannels = kept
	dropTier(c.s, id)
	return b.save(ctx, c, "")
}

func (b *Bot) keepTier(ctx context.Context, c *click) Reply {
	delete(c.s.UI, uiRmTier)
	return b.save(ctx, c, "")
}

func tierModal() modalDef {
	return modalDef{
		name: "tier", state: wizard.StateEligibilityRules,
		title: func(s *wizard.Session) string { return fmt.Sprintf("Tier %d", len(s.Data.Tiers)+1) },
		inputs: func(*wizard.Session) []inputDef {
			return []inputDef{{ID: "name", Label: "Tier name", Placeholder: "e.g. Gold", Required: true, Max: wizard.TierNameMax}}
		},
		apply: applyTier,
	}
}

// applyTier adds a tier; its role starts as a new role named after it (step 5 can change it).
func applyTier(s *wizard.Session, in map[string]string) wizard.Problems {
	name := strings.TrimSpace(in["name"])
	t := wizard.Tier{ID: wizard.NewTierID(s.Data.Tiers, s.Data.DeployedKeys...), Name: name, Role: wizard.RoleSpec{Name: name}}
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
