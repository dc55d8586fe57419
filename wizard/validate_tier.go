package wizard

// Tiers (step 4) are the ordered membership levels: Tiers[0] is tier 1, the lowest, and a
// channel gated at a tier is open to that tier and every higher one. A tier's id is its
// stable key — roles in the ResourceMap and channel keys derive from it — so renaming a
// tier never loses the Discord role deployed for it.

import "strings"

// Tier limits.
const (
	MaxTiers        = 10
	MaxRulesPerTier = 10
	TierNameMax     = 100
	tierIDMax       = 32
)

// ValidateTiers checks the tier list with its rules: 1–10 tiers, unique ids and names,
// names of 1–100 characters, and each tier with 1–10 valid rules.
func ValidateTiers(tiers []Tier, assets []Asset) Problems {
	return append(validateTierLayout(tiers), validateTierRules(tiers, assets)...)
}

// validateTierLayout checks what a deploy needs of tiers: how many, ids and names.
func validateTierLayout(tiers []Tier) Problems {
	var ps Problems
	switch {
	case len(tiers) == 0:
		return Problems{problem("tiers", "Tiers", "add at least one tier")}
	case len(tiers) > MaxTiers:
		ps = append(ps, problem("tiers", "Tiers", "a community can have at most 10 tiers; remove "+itoa(len(tiers)-MaxTiers)))
		if farBeyond(len(tiers), MaxTiers) {
			return ps
		}
	}
	ids := map[string]int{}
	names := map[string]int{}
	for i, t := range tiers {
		path := indexPath("tiers", i)
		if !isIdent(t.ID, tierIDMax) {
			ps = append(ps, problem(path+".id", "Tier id", "expected 1–32 letters, digits, '-' or '_' (the wizard assigns it)"))
		} else if j, dup := ids[t.ID]; dup {
			ps = append(ps, problem(path+".id", "Tier id", "id "+quote(t.ID)+" is already used by tier "+itoa(j+1)+"; ids must be unique"))
		} else {
			ids[t.ID] = i
		}
		if msg := strictNameProblem(t.Name, TierNameMax); msg != "" {
			ps = append(ps, problem(path+".name", "Tier name", msg))
			continue
		}
		key := strings.ToLower(t.Name)
		if j, dup := names[key]; dup {
			ps = append(ps, problem(path+".name", "Tier name", "tier "+itoa(j+1)+" is already called "+quote(tiers[j].Name)+"; give each tier its own name"))
		} else {
			names[key] = i
		}
	}
	return ps
}

// validateTierRules checks that every tier has 1–10 valid rules.
func validateTierRules(tiers []Tier, assets []Asset) Problems {
	if farBeyond(len(tiers), MaxTiers) || farBeyond(len(assets), MaxAssets) {
		return nil // the tier or asset count is the problem to fix first
	}
	var ps Problems
	for i, t := range tiers {
		path := indexPath("tiers", i)
		switch {
		case len(t.Rules) == 0:
			ps = append(ps, problem(path+".rules", "Rules", "tier "+quote(t.Name)+" has no rules; add at least one"))
		case len(t.Rules) > MaxRulesPerTier:
			ps = append(ps, problem(path+".rules", "Rules", "a tier can have at most 10 rules; remove "+itoa(len(t.Rules)-MaxRulesPerTier)))
			if farBeyond(len(t.Rules), MaxRulesPerTier) {
				continue
			}
		}
		for j, r := range t.Rules {
			ps = append(ps, ValidateRule(r, assets).WithPrefix(path+indexPath(".rules", j))...)
		}
	}
	return ps
}

// strictNameProblem checks a stored name of 1–max characters: Discord trims names, so a
// stored name with surrounding spaces would never match what Discord shows.
func strictNameProblem(s string, max int) string {
	clean, msg := checkName(s, 1, max)
	if msg == "" && clean != s {
		msg = "remove the spaces at the start or end"
	}
	return msg
}

// TierByID returns the index of the tier with id, or -1.
func TierByID(tiers []Tier, id string) int {
	for i, t := range tiers {
		if t.ID == id {
			return i
		}
	}
	return -1
}
