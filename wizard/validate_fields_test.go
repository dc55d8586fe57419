package wizard

import (
	"strings"
	"testing"
)

func TestValidateCommunityName(t *testing.T) {
	tests := []struct {
		in, clean, path, msg string
	}{
		{in: "Dune Traders", clean: "Dune Traders"},
		{in: "  abc  ", clean: "abc"},
		{in: strings.Repeat("é", 100), clean: strings.Repeat("é", 100)},
		{in: "**bold** _it_", clean: "**bold** _it_"}, // allowed; shown escaped
		{in: "ab", path: "community.name", msg: "at least 3"},
		{in: "  ab  ", path: "community.name", msg: "at least 3"},
		{in: "", path: "community.name", msg: "enter a name"},
		{in: strings.Repeat("x", 101), path: "community.name", msg: "at most 100"},
		{in: "line\nbreak", path: "community.name", msg: "control characters"},
		{in: "tab\there", path: "community.name", msg: "control characters"},
		{in: "evil\u202Eesrever", path: "community.name", msg: "control characters"},
		{in: "bad\xffutf8", path: "community.name", msg: "control characters"},
	}
	for _, tt := range tests {
		clean, ps := ValidateCommunityName(tt.in)
		wantProblem(t, ps, tt.path, tt.msg)
		if tt.path == "" && clean != tt.clean {
			t.Errorf("ValidateCommunityName(%q) clean = %q, want %q", tt.in, clean, tt.clean)
		}
	}
}

func TestEscapeMarkdown(t *testing.T) {
	tests := map[string]string{
		"plain":          "plain",
		"**bold**":       `\*\*bold\*\*`,
		"a_b~c`d|e>f":    `a\_b\~c\` + "`" + `d\|e\>f`,
		"@everyone":      `\@everyone`,
		"[x](http://y)":  `\[x\]\(http\://y\)`,
		"two\nlines":     "two lines",
		`back\slash`:     `back\\slash`,
		"# heading - li": `\# heading \- li`,
	}
	for in, want := range tests {
		if got := EscapeMarkdown(in); got != want {
			t.Errorf("EscapeMarkdown(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestValidateChains(t *testing.T) {
	tests := []struct {
		name      string
		ids       []string
		path, msg string
	}{
		{name: "one", ids: []string{"ethereum"}},
		{name: "all", ids: []string{"ethereum", "polygon", "arbitrum", "base", "berachain", "optimism"}},
		{name: "none", ids: nil, path: "chains", msg: "at least one"},
		{name: "unknown chain", ids: []string{"ethereum", "solana"}, path: "chains[1]", msg: `unknown chain "solana"`},
		{name: "case matters", ids: []string{"Ethereum"}, path: "chains[0]", msg: "unknown chain"},
		{name: "duplicate", ids: []string{"base", "base"}, path: "chains[1]", msg: "selected twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { wantProblem(t, ValidateChains(tt.ids), tt.path, tt.msg) })
	}
	got := ChainsFor([]string{"base", "ethereum", "nope"})
	if len(got) != 2 || got[0] != (Chain{ID: "base", ChainID: 8453}) || got[1] != (Chain{ID: "ethereum", ChainID: 1}) {
		t.Errorf("ChainsFor = %+v", got)
	}
	wantProblem(t, validateManifestChains([]Chain{{ID: "polygon", ChainID: 1}}), "chains[0].chainId", "has EVM chain id 137")
	wantProblem(t, validateManifestChains([]Chain{{ID: "polygon", ChainID: 137}, {ID: "optimism", ChainID: 10}}), "", "")
}

func TestChecksumAddress(t *testing.T) {
	// The EIP-55 specification's test vectors.
	for _, want := range []string{
		"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
		"0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
		"0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
		"0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
	} {
		for _, in := range []string{want, strings.ToLower(want), "0x" + strings.ToUpper(want[2:])} {
			if got := ChecksumAddress(in); got != want {
				t.Errorf("ChecksumAddress(%s) = %s, want %s", in, got, want)
			}
		}
	}
	for _, bad := range []string{"", "0x", "5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAe", "0X5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeg"} {
		if got := ChecksumAddress(bad); got != "" {
			t.Errorf("ChecksumAddress(%q) = %q, want \"\"", bad, got)
		}
	}
}

func TestValidateAsset(t *testing.T) {
	chains := []string{"ethereum", "base"}
	erc20 := Asset{ID: "a1", Type: AssetERC20, Chain: "ethereum", Contract: "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", Name: "Token", Symbol: "TKN", Decimals: ptr(18)}
	with := func(f func(*Asset)) Asset { a := erc20; f(&a); return a }
	tests := []struct {
		name      string
		a         Asset
		path, msg string
	}{
		{name: "erc20 checksummed", a: erc20},
		{name: "erc20 all lowercase", a: with(func(a *Asset) { a.Contract = strings.ToLower(a.Contract) })},
		{name: "erc20 all uppercase", a: with(func(a *Asset) { a.Contract = "0x" + strings.ToUpper(a.Contract[2:]) })},
		{name: "wrong checksum", a: with(func(a *Asset) { a.Contract = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD" }), path: "contract", msg: "EIP-55 checksum"},
		{name: "short address", a: with(func(a *Asset) { a.Contract = "0x1234" }), path: "contract", msg: "expected 0x followed by 40 hex digits (this one has 4 digits)"},
		{name: "no 0x", a: with(func(a *Asset) { a.Contract = strings.ToLower(a.Contract[2:]) }), path: "contract", msg: "must start with 0x"},
		{name: "non-hex", a: with(func(a *Asset) { a.Contract = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeZ" }), path: "contract", msg: "not 0–9 or a–f"},
		{name: "zero address", a: with(func(a *Asset) { a.Contract = "0x0000000000000000000000000000000000000000" }), path: "contract", msg: "zero address"},
		{name: "spaces", a: with(func(a *Asset) { a.Contract = " " + a.Contract }), path: "contract", msg: "spaces"},
		{name: "missing contract", a: with(func(a *Asset) { a.Contract = "" }), path: "contract", msg: "enter the token's contract address"},
		{name: "erc20 decimals 0", a: with(func(a *Asset) { a.Decimals = ptr(0) })},
		{name: "erc20 decimals 36", a: with(func(a *Asset) { a.Decimals = ptr(36) })},
		{name: "erc20 decimals 37", a: with(func(a *Asset) { a.Decimals = ptr(37) }), path: "decimals", msg: "from 0 to 36"},
		{name: "erc20 decimals -1", a: with(func(a *Asset) { a.Decimals = ptr(-1) }), path: "decimals", msg: "from 0 to 36"},
		{name: "erc20 decimals missing", a: with(func(a *Asset) { a.Decimals = nil }), path: "decimals", msg: "enter the token's decimals"},
		{name: "erc20 token id", a: with(func(a *Asset) { a.TokenID = "1" }), path: "tokenId", msg: "only erc1155"},
		{name: "chain not selected", a: with(func(a *Asset) { a.Chain = "polygon" }), path: "chain", msg: "not one of the selected chains"},
		{name: "unknown chain", a: with(func(a *Asset) { a.Chain = "solana" }), path: "chain", msg: "unknown chain"},
		{name: "no chain", a: with(func(a *Asset) { a.Chain = "" }), path: "chain", msg: "choose the chain"},
		{name: "unknown type", a: with(func(a *Asset) { a.Type = "erc777" }), path: "type", msg: "choose erc20"},
		{name: "no name", a: with(func(a *Asset) { a.Name = "" }), path: "name", msg: "enter a name"},
		{name: "long name", a: with(func(a *Asset) { a.Name = strings.Repeat("n", 101) }), path: "name", msg: "at most 100"},
		{name: "symbol with space", a: with(func(a *Asset) { a.Symbol = "T K" }), path: "symbol", msg: "without spaces"},
		{name: "long symbol", a: with(func(a *Asset) { a.Symbol = strings.Repeat("S", 21) }), path: "symbol", msg: "at most 20"},
		{name: "no symbol is fine", a: with(func(a *Asset) { a.Symbol = "" })},
		{name: "bad id", a: with(func(a *Asset) { a.ID = "a 1" }), path: "id", msg: "letters, digits"},

		{name: "native", a: Asset{ID: "n", Type: AssetNative, Chain: "base", Name: "Ether", Symbol: "ETH"}},
		{name: "native 18 decimals", a: Asset{ID: "n", Type: AssetNative, Chain: "base", Name: "Ether", Decimals: ptr(18)}},
		{name: "native with a contract", a: Asset{ID: "n", Type: AssetNative, Chain: "base", Name: "Ether", Contract: "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"}, path: "contract", msg: "has no contract"},
		{name: "native 6 decimals", a: Asset{ID: "n", Type: AssetNative, Chain: "base", Name: "Ether", Decimals: ptr(6)}, path: "decimals", msg: "18 decimals"},

		{name: "erc721", a: Asset{ID: "n", Type: AssetERC721, Chain: "base", Name: "Apes", Contract: erc20.Contract}},
		{name: "erc721 decimals", a: Asset{ID: "n", Type: AssetERC721, Chain: "base", Name: "Apes", Contract: erc20.Contract, Decimals: ptr(0)}, path: "decimals", msg: "no decimals"},
		{name: "erc721 token id", a: Asset{ID: "n", Type: AssetERC721, Chain: "base", Name: "Apes", Contract: erc20.Contract, TokenID: "5"}, path: "tokenId", msg: "whole collection"},

		{name: "erc1155", a: Asset{ID: "n", Type: AssetERC1155, Chain: "base", Name: "Pass", Contract: erc20.Contract, TokenID: "0"}},
		{name: "erc1155 max token id", a: Asset{ID: "n", Type: AssetERC1155, Chain: "base", Name: "Pass", Contract: erc20.Contract, TokenID: maxUint256.String()}},
		{name: "erc1155 without token id", a: Asset{ID: "n", Type: AssetERC1155, Chain: "base", Name: "Pass", Contract: erc20.Contract}, path: "tokenId", msg: "enter the token id"},
		{name: "erc1155 token id 2^256", a: Asset{ID: "n", Type: AssetERC1155, Chain: "base", Name: "Pass", Contract: erc20.Contract, TokenID: "115792089237316195423570985008687907853269984665640564039457584007913129639936"}, path: "tokenId", msg: "below 2^256"},
		{name: "erc1155 signed token id", a: Asset{ID: "n", Type: AssetERC1155, Chain: "base", Name: "Pass", Contract: erc20.Contract, TokenID: "+1"}, path: "tokenId", msg: "no sign"},
		{name: "erc1155 leading zero", a: Asset{ID: "n", Type: AssetERC1155, Chain: "base", Name: "Pass", Contract: erc20.Contract, TokenID: "01"}, path: "tokenId", msg: "leading zeros"},
		{name: "erc1155 hex token id", a: Asset{ID: "n", Type: AssetERC1155, Chain: "base", Name: "Pass", Contract: erc20.Contract, TokenID: "0x1"}, path: "tokenId", msg: "decimal, not hex"},
		{name: "erc1155 token id with space", a: Asset{ID: "n", Type: AssetERC1155, Chain: "base", Name: "Pass", Contract: erc20.Contract, TokenID: " 1"}, path: "tokenId", msg: "decimal digits only"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { wantProblem(t, ValidateAsset(tt.a, chains), tt.path, tt.msg) })
	}
}

func TestValidateAssets(t *testing.T) {
	d := fixtureData()
	wantProblem(t, ValidateAssets(d.Assets, d.Chains), "", "")
	wantProblem(t, ValidateAssets(nil, d.Chains), "assets", "at least one")
	six := make([]Asset, 6)
	for i := range six {
		six[i] = Asset{ID: NewAssetID(six[:i]), Type: AssetNative, Chain: "base", Name: "Ether"}
	}
	ps := ValidateAssets(six[:5], []string{"base"})
	wantProblem(t, ps, "assets[1]", "already asset 1") // same native currency twice
	wantProblem(t, ValidateAssets(six, []string{"base"}), "assets", "at most 5")
	dup := append([]Asset{}, d.Assets...)
	dup[1].ID = "a1"
	wantProblem(t, ValidateAssets(dup, d.Chains), "assets[1].id", "already used")
	nested := append([]Asset{}, d.Assets...)
	nested[0].Decimals = ptr(40)
	wantProblem(t, ValidateAssets(nested, d.Chains), "assets[0].decimals", "from 0 to 36")
	sameToken := append([]Asset{}, d.Assets[0], d.Assets[0])
	sameToken[1].ID = "a9"
	sameToken[1].Contract = strings.ToLower(sameToken[1].Contract)
	wantProblem(t, ValidateAssets(sameToken, d.Chains), "assets[1]", "already asset 1")
}

func TestValidateRule(t *testing.T) {
	assets := fixtureData().Assets // a1 erc20 (6 decimals), a2 erc721, a3 erc1155
	assets = append(assets, Asset{ID: "a4", Type: AssetNative, Chain: "base", Name: "Ether"})
	tests := []struct {
		name      string
		r         Rule
		path, msg string
	}{
		{name: "min_balance erc20", r: Rule{Type: RuleMinBalance, Asset: "a1", Amount: "100.123456"}},
		{name: "min_balance native 18 decimals", r: Rule{Type: RuleMinBalance, Asset: "a4", Amount: "0.000000000000000001"}},
		{name: "min_balance erc1155 whole", r: Rule{Type: RuleMinBalance, Asset: "a3", Amount: "3"}},
		{name: "min_balance trailing zeros fine", r: Rule{Type: RuleMinBalance, Asset: "a1", Amount: "1.5000000"}},
		{name: "min_balance too many decimals", r: Rule{Type: RuleMinBalance, Asset: "a1", Amount: "0.1234567"}, path: "amount", msg: "has 6 decimals"},
		{name: "min_balance erc1155 fraction", r: Rule{Type: RuleMinBalance, Asset: "a3", Amount: "1.5"}, path: "amount", msg: "whole number"},
		{name: "min_balance zero", r: Rule{Type: RuleMinBalance, Asset: "a1", Amount: "0.000"}, path: "amount", msg: "greater than zero"},
		{name: "min_balance negative", r: Rule{Type: RuleMinBalance, Asset: "a1", Amount: "-5"}, path: "amount", msg: "without a sign"},
		{name: "min_balance exponent", r: Rule{Type: RuleMinBalance, Asset: "a1", Amount: "1e6"}, path: "amount", msg: "e-notation"},
		{name: "min_balance comma", r: Rule{Type: RuleMinBalance, Asset: "a1", Amount: "1,000"}, path: "amount", msg: "thousands separators"},
		{name: "min_balance missing", r: Rule{Type: RuleMinBalance, Asset: "a1"}, path: "amount", msg: "enter an amount"},
		{name: "min_balance on erc721", r: Rule{Type: RuleMinBalance, Asset: "a2", Amount: "1"}, path: "asset", msg: "needs an erc20, native or erc1155"},
		{name: "min_balance unknown asset", r: Rule{Type: RuleMinBalance, Asset: "a9", Amount: "1"}, path: "asset", msg: `"a9" does not exist`},
		{name: "min_balance no asset", r: Rule{Type: RuleMinBalance, Amount: "1"}, path: "asset", msg: "choose the asset"},
		{name: "min_balance with days", r: Rule{Type: RuleMinBalance, Asset: "a1", Amount: "1", Days: ptr(3)}, path: "days", msg: "has no days value"},
		{name: "min_balance above 2^256", r: Rule{Type: RuleMinBalance, Asset: "a3", Amount: "115792089237316195423570985008687907853269984665640564039457584007913129639936"}, path: "amount", msg: "larger than any"},

		{name: "nft_ownership erc721", r: Rule{Type: RuleNFTOwnership, Asset: "a2", Count: ptr(int64(1))}},
		{name: "nft_ownership erc1155", r: Rule{Type: RuleNFTOwnership, Asset: "a3", Count: ptr(int64(5))}},
		{name: "nft_ownership count 0", r: Rule{Type: RuleNFTOwnership, Asset: "a2", Count: ptr(int64(0))}, path: "count", msg: "from 1"},
		{name: "nft_ownership count missing", r: Rule{Type: RuleNFTOwnership, Asset: "a2"}, path: "count", msg: "how many"},
		{name: "nft_ownership on erc20", r: Rule{Type: RuleNFTOwnership, Asset: "a1", Count: ptr(int64(1))}, path: "asset", msg: "erc721 or erc1155"},
		{name: "nft_ownership with amount", r: Rule{Type: RuleNFTOwnership, Asset: "a2", Count: ptr(int64(1)), Amount: "1"}, path: "amount", msg: "has no amount value"},

		{name: "hold 1 day", r: Rule{Type: RuleMinHoldDuration, Asset: "a1", Days: ptr(1)}},
		{name: "hold 3650 days", r: Rule{Type: RuleMinHoldDuration, Asset: "a2", Days: ptr(3650)}},
		{name: "hold 0 days", r: Rule{Type: RuleMinHoldDuration, Asset: "a1", Days: ptr(0)}, path: "days", msg: "from 1 to 3650"},
		{name: "hold 3651 days", r: Rule{Type: RuleMinHoldDuration, Asset: "a1", Days: ptr(3651)}, path: "days", msg: "from 1 to 3650"},
		{name: "hold missing days", r: Rule{Type: RuleMinHoldDuration, Asset: "a1"}, path: "days", msg: "how many days"},
		{name: "hold no asset", r: Rule{Type: RuleMinHoldDuration, Days: ptr(5)}, path: "asset", msg: "choose the asset"},

		{name: "score 0 is legal", r: Rule{Type: RuleScoreThreshold, Score: ptr(int64(0))}},
		{name: "score 500", r: Rule{Type: RuleScoreThreshold, Score: ptr(int64(500))}},
		{name: "score missing", r: Rule{Type: RuleScoreThreshold}, path: "score", msg: "enter the minimum score"},
		{name: "score negative", r: Rule{Type: RuleScoreThreshold, Score: ptr(int64(-1))}, path: "score", msg: "from 0"},
		{name: "score with asset", r: Rule{Type: RuleScoreThreshold, Score: ptr(int64(1)), Asset: "a1"}, path: "asset", msg: "does not use an asset"},
		{name: "score with count", r: Rule{Type: RuleScoreThreshold, Score: ptr(int64(1)), Count: ptr(int64(1))}, path: "count", msg: "has no count value"},

		{name: "unknown type", r: Rule{Type: "min_age"}, path: "type", msg: "choose min_balance"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { wantProblem(t, ValidateRule(tt.r, assets), tt.path, tt.msg) })
	}
}

func TestValidateTiers(t *testing.T) {
	d := fixtureData()
	wantProblem(t, ValidateTiers(d.Tiers, d.Assets), "", "")
	wantProblem(t, ValidateTiers(nil, d.Assets), "tiers", "at least one")

	eleven := make([]Tier, 11)
	for i := range eleven {
		eleven[i] = Tier{ID: NewTierID(eleven[:i]), Name: "Tier " + itoa(i+1), Rules: []Rule{{Type: RuleScoreThreshold, Score: ptr(int64(i))}}}
	}
	wantProblem(t, ValidateTiers(eleven[:10], nil), "", "")
	wantProblem(t, ValidateTiers(eleven, nil), "tiers", "at most 10 tiers")

	mod := func(f func([]Tier)) []Tier { ts := cloneTiers(d.Tiers); f(ts); return ts }
	wantProblem(t, ValidateTiers(mod(func(ts []Tier) { ts[1].ID = "t1" }), d.Assets), "tiers[1].id", "already used")
	wantProblem(t, ValidateTiers(mod(func(ts []Tier) { ts[1].ID = "" }), d.Assets), "tiers[1].id", "letters, digits")
	wantProblem(t, ValidateTiers(mod(func(ts []Tier) { ts[1].Name = "" }), d.Assets), "tiers[1].name", "enter a name")
	wantProblem(t, ValidateTiers(mod(func(ts []Tier) { ts[1].Name = strings.Repeat("x", 101) }), d.Assets), "tiers[1].name", "at most 100")
	wantProblem(t, ValidateTiers(mod(func(ts []Tier) { ts[1].Name = " Gold" }), d.Assets), "tiers[1].name", "spaces at the start")
	wantProblem(t, ValidateTiers(mod(func(ts []Tier) { ts[1].Name = "HOLDER" }), d.Assets), "tiers[1].name", "already called")
	wantProblem(t, ValidateTiers(mod(func(ts []Tier) { ts[2].Rules = nil }), d.Assets), "tiers[2].rules", "no rules")
	wantProblem(t, ValidateTiers(mod(func(ts []Tier) { ts[0].Rules[0].Amount = "1.0000001" }), d.Assets), "tiers[0].rules[0].amount", "6 decimals")
	wantProblem(t, ValidateTiers(mod(func(ts []Tier) { ts[0].Rules = make([]Rule, 11) }), d.Assets), "tiers[0].rules", "at most 10 rules")
}

func TestValidateRoles(t *testing.T) {
	good := RoleSpec{Name: "Gold", Color: 0xFFD700}
	tests := []struct {
		name      string
		r         RoleSpec
		path, msg string
	}{
		{name: "good", r: good},
		{name: "colour max", r: RoleSpec{Name: "x", Color: 0xFFFFFF}},
		{name: "adopt", r: RoleSpec{Name: "Old", Adopt: "123456789012345678"}},
		{name: "empty name", r: RoleSpec{}, path: "name", msg: "enter a name"},
		{name: "long name", r: RoleSpec{Name: strings.Repeat("r", 101)}, path: "name", msg: "at most 100"},
		{name: "@everyone", r: RoleSpec{Name: "@everyone"}, path: "name", msg: "reserved"},
		{name: "@Everyone", r: RoleSpec{Name: "@Everyone"}, path: "name", msg: "reserved"},
		{name: "everyone", r: RoleSpec{Name: "everyone"}, path: "name", msg: "reserved"},
		{name: "@here", r: RoleSpec{Name: "@here"}, path: "name", msg: "reserved"},
		{name: "colour too big", r: RoleSpec{Name: "x", Color: 0x1000000}, path: "color", msg: "#000000 to #FFFFFF"},
		{name: "colour negative", r: RoleSpec{Name: "x", Color: -1}, path: "color", msg: "#000000 to #FFFFFF"},
		{name: "bad adopt id", r: RoleSpec{Name: "x", Adopt: "role"}, path: "adopt", msg: "role id"},
		{name: "negative permissions", r: RoleSpec{Name: "x", Permissions: -1}, path: "permissions", msg: "non-negative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { wantProblem(t, ValidateRoleSpec(tt.r), tt.path, tt.msg) })
	}

	tiers := fixtureData().Tiers
	wantProblem(t, ValidateRoleMappings(tiers), "", "")
	tiers[2].Role.Name = "holder" // differs from tier 1's "Holder" only in case
	wantProblem(t, ValidateRoleMappings(tiers), "tiers[2].role.name", "ignoring case")
	tiers = fixtureData().Tiers
	tiers[1].Role.Adopt = tiers[2].Role.Adopt
	wantProblem(t, ValidateRoleMappings(tiers), "tiers[2].role.adopt", "already uses this role")
	tiers = fixtureData().Tiers
	tiers[0].Role.Name = "@everyone"
	wantProblem(t, ValidateRoleMappings(tiers), "tiers[0].role.name", "reserved")
}

func TestCheckAdoptable(t *testing.T) {
	ok := AdoptCandidate{ID: "5", Name: "VIP", Position: 3, BotTopPosition: 10}
	wantProblem(t, CheckAdoptable(ok), "", "")
	everyone := ok
	everyone.IsEveryone, everyone.Name, everyone.Position = true, "@everyone", 0
	wantProblem(t, CheckAdoptable(everyone), "adopt", "@everyone is every member")
	managed := ok
	managed.Managed = true
	wantProblem(t, CheckAdoptable(managed), "adopt", "managed by an integration")
	above := ok
	above.Position = 10 // equal to the bot's top role is not below it
	wantProblem(t, CheckAdoptable(above), "adopt", "not below the bot's highest role")
	above.Position = 11
	wantProblem(t, CheckAdoptable(above), "adopt", "not below the bot's highest role")
}

func TestValidateChannel(t *testing.T) {
	tests := []struct {
		name      string
		ch        Channel
		path, msg string
	}{
		{name: "text", ch: Channel{Key: "c1", Name: "general-chat_2", Type: ChannelText, Topic: "hi"}},
		{name: "text unicode lowercase", ch: Channel{Key: "c1", Name: "café-über-日本", Type: ChannelText}},
		{name: "text 100", ch: Channel{Key: "c1", Name: strings.Repeat("a", 100), Type: ChannelText}},
		{name: "text 101", ch: Channel{Key: "c1", Name: strings.Repeat("a", 101), Type: ChannelText}, path: "name", msg: "at most 100"},
		{name: "text empty", ch: Channel{Key: "c1", Type: ChannelText}, path: "name", msg: "enter a channel name"},
		{name: "text space", ch: Channel{Key: "c1", Name: "General Chat", Type: ChannelText}, path: "name", msg: `try "general-chat"`},
		{name: "text upper", ch: Channel{Key: "c1", Name: "General", Type: ChannelText}, path: "name", msg: "lowercase"},
		{name: "text punctuation", ch: Channel{Key: "c1", Name: "hey!", Type: ChannelText}, path: "name", msg: "lowercase"},
		{name: "voice any printable", ch: Channel{Key: "c1", Name: "Lounge & Stage!", Type: ChannelVoice}},
		{name: "voice control", ch: Channel{Key: "c1", Name: "Lo\x00unge", Type: ChannelVoice}, path: "name", msg: "control"},
		{name: "category", ch: Channel{Key: "c1", Name: "Gold Members", Type: ChannelCategory}},
		{name: "category 101", ch: Channel{Key: "c1", Name: strings.Repeat("C", 101), Type: ChannelCategory}, path: "name", msg: "at most 100"},
		{name: "category with parent", ch: Channel{Key: "c1", Name: "A", Type: ChannelCategory, Parent: "c0"}, path: "parent", msg: "cannot be inside"},
		{name: "unknown type", ch: Channel{Key: "c1", Name: "x", Type: "forum"}, path: "type", msg: "text, voice or category"},
		{name: "voice topic", ch: Channel{Key: "c1", Name: "v", Type: ChannelVoice, Topic: "t"}, path: "topic", msg: "only text channels"},
		{name: "topic 1024", ch: Channel{Key: "c1", Name: "t", Type: ChannelText, Topic: strings.Repeat("t", 1024)}},
		{name: "topic 1025", ch: Channel{Key: "c1", Name: "t", Type: ChannelText, Topic: strings.Repeat("t", 1025)}, path: "topic", msg: "at most 1024"},
		{name: "bad key", ch: Channel{Key: "", Name: "t", Type: ChannelText}, path: "key", msg: "letters, digits"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { wantProblem(t, ValidateChannel(tt.ch), tt.path, tt.msg) })
	}
}

func TestNormalizeChannelName(t *testing.T) {
	tests := map[string]string{
		"General Chat":           "general-chat",
		"  Gold   Members  ":     "gold-members",
		"Hey! You?":              "hey-you",
		"Ünïcode Straße":         "ünïcode-straße",
		"a - b":                  "a-b",
		"---":                    "",
		"💎 Diamond":              "diamond",
		strings.Repeat("A", 150): strings.Repeat("a", 100),
	}
	for in, want := range tests {
		got := NormalizeChannelName(in)
		if got != want {
			t.Errorf("NormalizeChannelName(%q) = %q, want %q", in, got, want)
		}
		if got != "" && channelNameProblem(got, ChannelText) != "" {
			t.Errorf("NormalizeChannelName(%q) = %q is not a valid text name", in, got)
		}
	}
}

func TestValidateChannels(t *testing.T) {
	tiers := fixtureData().Tiers
	cat := Channel{Key: "cat", Name: "Members", Type: ChannelCategory, MinTier: "t1"}
	text := func(key, parent string) Channel {
		return Channel{Key: key, Name: key, Type: ChannelText, Parent: parent}
	}
	wantProblem(t, ValidateChannels([]Channel{cat, text("a", "cat"), text("b", "")}, tiers, 0), "", "")
	wantProblem(t, ValidateChannels([]Channel{cat, text("a", "nope")}, tiers, 0), "channels[1].parent", `"nope" is not in the channel list`)
	wantProblem(t, ValidateChannels([]Channel{text("a", ""), text("b", "a")}, tiers, 0), "channels[1].parent", "not a category")
	wantProblem(t, ValidateChannels([]Channel{cat, text("cat", "")}, tiers, 0), "channels[1].key", "already used")
	wantProblem(t, ValidateChannels([]Channel{{Key: "x", Name: "x", Type: ChannelText, MinTier: "t9"}}, tiers, 0), "channels[0].minTier", `"t9" does not exist`)

	fifty := []Channel{cat}
	for i := 0; i < 51; i++ {
		fifty = append(fifty, text("c"+itoa(i), "cat"))
	}
	wantProblem(t, ValidateChannels(fifty[:51], tiers, 0), "", "")
	wantProblem(t, ValidateChannels(fifty, tiers, 0), "channels[51].parent", "more than 50 channels")

	var many []Channel
	for i := 0; i < 10; i++ {
		many = append(many, text("x"+itoa(i), ""))
	}
	wantProblem(t, ValidateChannels(many, tiers, 490), "", "")
	wantProblem(t, ValidateChannels(many, tiers, 491), "channels", "501 channels")
	wantProblem(t, ValidateChannels(many, tiers, 491), "channels", "491 exist already")
}
