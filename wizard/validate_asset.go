package wizard

// Assets (step 3, ASSET_CONFIG) are the tokens eligibility rules look at: 1–5 per
// community, each on one of the selected chains. An erc20 needs its decimals (so amounts
// can be checked), an erc1155 needs its token id, an erc721 takes neither, and a chain's
// native currency has no contract and 18 decimals.

import "strings"

// Asset limits.
const (
	MaxAssets         = 5
	AssetNameMax      = 100
	AssetSymbolMax    = 20
	NativeDecimals    = 18
	assetIDMax        = 32
	assetFieldType    = "Asset type"
	assetFieldChain   = "Chain"
	assetFieldAddress = "Contract address"
)

// AssetTypes lists the asset types in the order the wizard offers them.
var AssetTypes = []AssetType{AssetERC20, AssetERC721, AssetERC1155, AssetNative}

// Valid reports whether t is a known asset type.
func (t AssetType) Valid() bool {
	for _, k := range AssetTypes {
		if k == t {
			return true
		}
	}
	return false
}

// Fungible reports whether balances of t are amounts (min_balance applies).
func (t AssetType) Fungible() bool {
	return t == AssetERC20 || t == AssetNative || t == AssetERC1155
}

// NonFungible reports whether t is counted in items (nft_ownership applies).
func (t AssetType) NonFungible() bool { return t == AssetERC721 || t == AssetERC1155 }

// EffectiveDecimals is the number of decimals amounts of a use: the declared value, or 18
// for a native currency and 0 for an erc1155 that declares none.
func (a Asset) EffectiveDecimals() int {
	if a.Decimals != nil {
		return *a.Decimals
	}
	if a.Type == AssetNative {
		return NativeDecimals
	}
	return 0
}

// Label is how an asset is named in messages: its symbol, else its name, else its id.
func (a Asset) Label() string {
	switch {
	case strings.TrimSpace(a.Symbol) != "":
		return a.Symbol
	case strings.TrimSpace(a.Name) != "":
		return a.Name
	}
	return a.ID
}

// ValidateAsset checks one asset against the chains selected in the wizard. Paths are
// relative to the asset ("contract").
func ValidateAsset(a Asset, selectedChains []string) Problems {
	var ps Problems
	add := func(path, field, msg string) { ps = append(ps, problem(path, field, msg)) }

	if !isIdent(a.ID, assetIDMax) {
		add("id", "Asset id", "expected 1–32 letters, digits, '-' or '_' (the wizard assigns it)")
	}
	if !a.Type.Valid() {
		add("type", assetFieldType, "choose erc20, erc721, erc1155 or native (not "+quote(string(a.Type))+")")
	}
	switch {
	case a.Chain == "":
		add("chain", assetFieldChain, "choose the chain this token lives on")
	case !contains(selectedChains, a.Chain):
		if _, known := LookupChain(a.Chain); known {
			add("chain", assetFieldChain, quote(a.Chain)+" is not one of the selected chains; select it in the Chains step or pick another")
		} else {
			add("chain", assetFieldChain, "unknown chain "+quote(a.Chain)+"; choose one of the selected chains")
		}
	}
	if _, msg := checkName(a.Name, 1, AssetNameMax); msg != "" || a.Name != strings.TrimSpace(a.Name) {
		if msg == "" {
			msg = "remove the spaces around the name"
		}
		add("name", "Token name", msg)
	}
	if a.Symbol != "" {
		if hasBadText(a.Symbol) || strings.ContainsAny(a.Symbol, " \u00a0") {
			add("symbol", "Symbol", "use letters and digits without spaces, for example USDC")
		} else if runeLen(a.Symbol) > AssetSymbolMax {
			add("symbol", "Symbol", "use at most 20 characters")
		}
	}

	switch a.Type {
	case AssetNative:
		if a.Contract != "" {
			add("contract", assetFieldAddress, "a chain's native currency has no contract; leave the address empty or choose erc20")
		}
		if a.Decimals != nil && *a.Decimals != NativeDecimals {
			add("decimals", "Decimals", "native currencies on EVM chains have 18 decimals; leave it empty or enter 18")
		}
		if a.TokenID != "" {
			add("tokenId", "Token ID", "only erc1155 assets have a token id; leave it empty")
		}
	case AssetERC20, AssetERC721, AssetERC1155:
		if msg := addressProblem(a.Contract); msg != "" {
			add("contract", assetFieldAddress, msg)
		}
	}
	switch a.Type {
	case AssetERC20:
		switch {
		case a.Decimals == nil:
			add("decimals", "Decimals", "enter the token's decimals (0–36; most tokens use 18, USDC uses 6)")
		case *a.Decimals < 0 || *a.Decimals > MaxDecimals:
			add("decimals", "Decimals", "decimals must be from 0 to 36 (not "+itoa(*a.Decimals)+")")
		}
		if a.TokenID != "" {
			add("tokenId", "Token ID", "only erc1155 assets have a token id; leave it empty")
		}
	case AssetERC721:
		if a.Decimals != nil {
			add("decimals", "Decimals", "NFTs (erc721) have no decimals; leave it empty")
		}
		if a.TokenID != "" {
			add("tokenId", "Token ID", "an erc721 asset is the whole collection; leave the token id empty")
		}
	case AssetERC1155:
		if msg := tokenIDProblem(a.TokenID); msg != "" {
			add("tokenId", "Token ID", msg)
		}
		if a.Decimals != nil && (*a.Decimals < 0 || *a.Decimals > MaxDecimals) {
			add("decimals", "Decimals", "decimals must be from 0 to 36, or empty for whole items")
		}
	}
	return ps
}

// ValidateAssets checks the asset list: 1–5 assets, each valid, ids unique, and no token
// listed twice (same chain, contract and token id).
func ValidateAssets(as []Asset, chains []string) Problems {
	var ps Problems
	switch {
	case len(as) == 0:
		return Problems{problem("assets", "Assets", "add at least one asset (a token, NFT collection or native currency)")}
	case len(as) > MaxAssets:
		ps = append(ps, problem("assets", "Assets", "a community can have at most 5 assets; remove "+itoa(len(as)-MaxAssets)))
		if farBeyond(len(as), MaxAssets) {
			return ps
		}
	}
	ids := map[string]int{}
	tokens := map[string]int{}
	for i, a := range as {
		path := indexPath("assets", i)
		ps = append(ps, ValidateAsset(a, chains).WithPrefix(path)...)
		if j, dup := ids[a.ID]; dup && a.ID != "" {
			ps = append(ps, problem(path+".id", "Asset id", "id "+quote(a.ID)+" is already used by asset "+itoa(j+1)+"; ids must be unique"))
		} else {
			ids[a.ID] = i
		}
		key := a.Chain + "|" + strings.ToLower(a.Contract) + "|" + a.TokenID + "|" + string(a.Type)
		if j, dup := tokens[key]; dup && a.Type.Valid() {
			ps = append(ps, problem(path, "Assets", "this token is already asset "+itoa(j+1)+" ("+as[j].Label()+"); remove one of them"))
		} else {
			tokens[key] = i
		}
	}
	return ps
}

// AssetByID returns the asset with id.
func AssetByID(as []Asset, id string) (Asset, bool) {
	for _, a := range as {
		if a.ID == id {
			return a, true
		}
	}
	return Asset{}, false
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
