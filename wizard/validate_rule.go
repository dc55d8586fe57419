package wizard

// Eligibility rules (step 4, ELIGIBILITY_RULES) say what a member must hold for a tier.
// Each rule type takes exactly one value field; the others must be empty so that a rule
// never carries a stale value from a type it used to be:
//
//	min_balance        amount (decimal string, > 0, within the asset's decimals); erc20, native or erc1155
//	nft_ownership      count ≥ 1; erc721 or erc1155
//	min_hold_duration  days 1–3650; any asset
//	score_threshold    score ≥ 0 (0 is a legal threshold, not a missing one); no asset

import "strings"

// RuleTypes lists the rule types in the order the wizard offers them.
var RuleTypes = []RuleType{RuleMinBalance, RuleNFTOwnership, RuleMinHoldDuration, RuleScoreThreshold}

// Valid reports whether t is a known rule type.
func (t RuleType) Valid() bool {
	for _, k := range RuleTypes {
		if k == t {
			return true
		}
	}
	return false
}

// NeedsAsset reports whether rules of type t refer to an asset.
func (t RuleType) NeedsAsset() bool { return t != RuleScoreThreshold }

// AssetFits reports whether an asset of type at can back a rule of type t.
func (t RuleType) AssetFits(at AssetType) bool {
	switch t {
	case RuleMinBalance:
		return at.Fungible()
	case RuleNFTOwnership:
		return at.NonFungible()
	case RuleMinHoldDuration:
		return at.Valid()
	}
	return false
}

// ValidateRule checks one rule against the community's assets. Paths are relative to the
// rule ("amount").
func ValidateRule(r Rule, assets []Asset) Problems {
	var ps Problems
	add := func(path, field, msg string) { ps = append(ps, problem(path, field, msg)) }

	if !r.Type.Valid() {
		add("type", "Rule type", "choose min_balance, nft_ownership, min_hold_duration or score_threshold (not "+quote(string(r.Type))+")")
		return ps
	}

	var asset Asset
	hasAsset := false
	if r.Type.NeedsAsset() {
		if r.Asset == "" {
			add("asset", "Asset", "choose the asset this rule checks")
		} else if a, ok := AssetByID(assets, r.Asset); !ok {
			add("asset", "Asset", "asset "+quote(r.Asset)+" does not exist (was it removed?); choose one of the community's assets")
		} else if a.Type == "" {
			add("asset", "Asset", "asset "+a.Label()+" has no type; set its type to erc20, erc721, erc1155 or native ("+string(r.Type)+" needs "+fitsText(r.Type)+")")
		} else if !r.Type.AssetFits(a.Type) {
			add("asset", "Asset", a.Label()+" is "+article(string(a.Type))+" "+string(a.Type)+" asset; "+string(r.Type)+" needs "+fitsText(r.Type))
		} else {
			asset, hasAsset = a, true
		}
	} else if r.Asset != "" {
		add("asset", "Asset", "a score threshold does not use an asset; leave it empty")
	}

	// Exactly the value field of the type is set.
	extra := func(set bool, path, field string) {
		if set {
			add(path, field, "a "+string(r.Type)+" rule has no "+path+" value; remove it")
		}
	}
	extra(r.Type != RuleMinBalance && r.Amount != "", "amount", "Amount")
	extra(r.Type != RuleNFTOwnership && r.Count != nil, "count", "Number of NFTs")
	extra(r.Type != RuleMinHoldDuration && r.Days != nil, "days", "Days")
	extra(r.Type != RuleScoreThreshold && r.Score != nil, "score", "Score")

	switch r.Type {
	case RuleMinBalance:
		decimals := MaxDecimals // check the syntax now; the asset's own decimals once known
		if hasAsset {
			decimals = asset.EffectiveDecimals()
		}
		if _, msg := amountProblem(r.Amount, decimals); msg != "" {
			add("amount", "Amount", msg)
		}
	case RuleNFTOwnership:
		switch {
		case r.Count == nil:
			add("count", "Number of NFTs", "enter how many items a member must own (1 or more)")
		case *r.Count < 1 || *r.Count > MaxCount:
			add("count", "Number of NFTs", "enter a whole number from 1 to "+itoa64(MaxCount)+" (not "+itoa64(*r.Count)+")")
		}
	case RuleMinHoldDuration:
		switch {
		case r.Days == nil:
			add("days", "Days", "enter for how many days the asset must be held (1 to 3650)")
		case *r.Days < MinHoldDays || *r.Days > MaxHoldDays:
			add("days", "Days", "enter a whole number of days from 1 to 3650 (not "+itoa(*r.Days)+")")
		}
	case RuleScoreThreshold:
		switch {
		case r.Score == nil:
			add("score", "Score", "enter the minimum score (0 or more)")
		case *r.Score < 0 || *r.Score > MaxScore:
			add("score", "Score", "enter a whole number from 0 to "+itoa64(MaxScore)+" (not "+itoa64(*r.Score)+")")
		}
	}
	return ps
}

func fitsText(t RuleType) string {
	switch t {
	case RuleMinBalance:
		return "an erc20, native or erc1155 asset"
	case RuleNFTOwnership:
		return "an erc721 or erc1155 asset"
	}
	return "an asset"
}

// article is "an" before a vowel sound (erc20 is "an e-r-c"), "a" otherwise.
func article(word string) string {
	if word != "" && strings.ContainsRune("aeiou", rune(word[0])) {
		return "an"
	}
	return "a"
}
