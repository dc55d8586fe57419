package bot

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/arrakis-bot/arrakis/wizard"
)

// Step 3, ASSET_CONFIG: 1–5 tokens. The type and chain are picked with selects (kept in
// Session.UI), then a modal asks for the text: contract, name, symbol, decimals, token id.

const (
	uiAssetType  = "asset.type"
	uiAssetChain = "asset.chain"
	uiRmAsset    = "asset.rm" // id of the asset whose removal awaits confirmation
)

func assetsStep() stepDef {
	return stepDef{ui: assetsUI, actions: map[string]actionFunc{
		actSelect + ":atype":  (*Bot).selectAssetType,
		actSelect + ":achain": (*Bot).selectAssetChain,
		"rm_asset":            (*Bot).removeLastAsset,
		"rm_asset_ok":         (*Bot).removeAssetConfirmed,
		"rm_asset_keep":       (*Bot).keepAsset,
	}}
}

// pickedAssetType is the type chosen for the next asset (erc20 until one is chosen).
func pickedAssetType(s *wizard.Session) wizard.AssetType {
	if t := wizard.AssetType(s.UI[uiAssetType]); t.Valid() {
		return t
	}
	return wizard.AssetERC20
}

// pickedAssetChain is the chain chosen for the next asset (the first selected chain).
func pickedAssetChain(s *wizard.Session) string {
	for _, c := range s.Data.Chains {
		if c == s.UI[uiAssetChain] {
			return c
		}
	}
	if len(s.Data.Chains) > 0 {
		return s.Data.Chains[0]
	}
	return ""
}

// assetsIntro opens the assets step; built once, as every draw of the step shows it.
var assetsIntro = "Add the tokens your tiers will check (1 to " + strconv.Itoa(wizard.MaxAssets) + "): choose the type and the chain, then **Add asset…**."

func assetsUI(sc *stepCtx) stepUI {
	s := sc.s
	t, chain := pickedAssetType(s), pickedAssetChain(s)
	var typeOpts []discordgo.SelectMenuOption
	for _, at := range wizard.AssetTypes {
		typeOpts = append(typeOpts, discordgo.SelectMenuOption{Label: assetTypeNames[at], Value: string(at), Default: at == t})
	}
	var chainOpts []discordgo.SelectMenuOption
	for _, id := range s.Data.Chains {
		chainOpts = append(chainOpts, discordgo.SelectMenuOption{Label: chainName(id), Value: id, Default: id == chain})
	}
	body := assetsIntro
	if n := len(s.Data.Assets); n > 0 {
		body += "\n**Assets (" + strconv.Itoa(n) + " of " + strconv.Itoa(wizard.MaxAssets) + "):**\n" + strings.Join(assetLines(s.Data.Assets), "\n")
	} else {
		body += "\nNo assets yet."
	}
	ui := stepUI{
		Body:    body,
		Selects: []discordgo.SelectMenu{selectMenu(s, "atype", "Asset type", typeOpts)},
	}
	if len(chainOpts) > 0 {
		ui.Selects = append(ui.Selects, selectMenu(s, "achain", "Chain", chainOpts))
	}
	add := button(s, "Add asset…", discordgo.SuccessButton, actOpen, "asset")
	add.Disabled = len(s.Data.Assets) >= wizard.MaxAssets || len(chainOpts) == 0
	ui.Buttons = []discordgo.Button{add}
	if _, ok := wizard.AssetByID(s.Data.Assets, s.UI[uiRmAsset]); ok {
		id := s.UI[uiRmAsset]
		a, _ := wizard.AssetByID(s.Data.Assets, id)
		n := 0
		for _, rules := range wizard.RulesUsingAsset(s.Data.Tiers, id) {
			n += len(rules)
		}
		ui.Body = fmt.Sprintf("**Remove %s and the %s that check it?** A tier left without rules needs a new one before deploying.\n",
			esc(a.Symbol), plural(n, "rule", "rules")) + assetDependents(s, id)
		ui.Buttons = []discordgo.Button{
			button(s, "Remove asset and its rules", discordgo.DangerButton, "rm_asset_ok", id),
			button(s, "Keep it", discordgo.SecondaryButton, "rm_asset_keep"),
		}
		ui.NoNext = true
		return ui
	}
	if len(s.Data.Assets) > 0 {
		ui.Buttons = append(ui.Buttons, button(s, "Remove last asset", discordgo.SecondaryButton, "rm_asset"))
	}
	return ui
}

func (b *Bot) selectAssetType(ctx context.Context, c *click) Reply {
	if !wizard.AssetType(c.firstValue()).Valid() {
		return b.show(ctx, c.s, msgOutOfDate, updateMessage)
	}
	setUI(c.s, uiAssetType, c.firstValue())
	return b.save(ctx, c, "")
}

func (b *Bot) selectAssetChain(ctx context.Context, c *click) Reply {
	setUI(c.s, uiAssetChain, c.firstValue())
	return b.save(ctx, c, "")
}

// removeLastAsset removes the last asset. When rules check it, it first says which and
// that they go with it; the confirm button names the asset, so it removes only that one.
func (b *Bot) removeLastAsset(ctx context.Context, c *click) Reply {
	n := len(c.s.Data.Assets)
	if n == 0 {
		return b.show(ctx, c.s, "", updateMessage)
	}
	a := c.s.Data.Assets[n-1]
	if len(wizard.RulesUsingAsset(c.s.Data.Tiers, a.ID)) > 0 {
		setUI(c.s, uiRmAsset, a.ID)
		return b.save(ctx, c, "")
	}
	c.s.Data.RemoveAsset(a.ID)
	return b.save(ctx, c, "")
}

// removeAssetConfirmed removes the asset the confirmation named, with the rules that check it.
func (b *Bot) removeAssetConfirmed(ctx context.Context, c *click) Reply {
	if c.s.UI[uiRmAsset] != c.id.Arg {
		return say(msgNotOffered)
	}
	delete(c.s.UI, uiRmAsset)
	c.s.Data.RemoveAsset(c.id.Arg)
	return b.save(ctx, c, "The asset and the rules that checked it are removed.")
}

func (b *Bot) keepAsset(ctx context.Context, c *click) Reply {
	delete(c.s.UI, uiRmAsset)
	return b.save(ctx, c, "")
}

// assetDependents words the rules that check asset id: "Tier 1 Bronze: hold ≥ 100 USDC".
func assetDependents(s *wizard.Session, id string) string {
	var lines []string
	for i, t := range s.Data.Tiers {
		for _, r := range t.Rules {
			if r.Asset == id {
				lines = append(lines, fmt.Sprintf("• Tier %d **%s**: %s", i+1, esc(t.Name), ruleText(r, s.Data.Assets)))
			}
		}
	}
	if len(lines) > 5 {
		lines = append(lines[:5], fmt.Sprintf("…and %d more rules", len(lines)-5))
	}
	return clip(strings.Join(lines, "\n"), 1200)
}

func assetModal() modalDef {
	return modalDef{
		name: "asset", state: wizard.StateAssetConfig,
		title: func(s *wizard.Session) string {
			return fmt.Sprintf("%s on %s", assetTypeNames[pickedAssetType(s)], chainName(pickedAssetChain(s)))
		},
		inputs:  assetInputs,
		prefill: func(s *wizard.Session) map[string]string { return assetPrefill(pickedAssetType(s)) },
		apply:   applyAsset,
	}
}

// assetInputs asks only what the chosen type needs.
func assetInputs(s *wizard.Session) []inputDef {
	t := pickedAssetType(s)
	var ins []inputDef
	if t != wizard.AssetNative {
		ins = append(ins, inputDef{ID: "contract", Label: "Contract address", Placeholder: "0x…", Required: true, Max: 42})
	}
	ex := assetExamples[t]
	ins = append(ins,
		inputDef{ID: "name", Label: assetNameLabel[t], Placeholder: "e.g. " + ex[0], Required: true, Max: wizard.AssetNameMax},
		inputDef{ID: "symbol", Label: "Symbol", Placeholder: "e.g. " + ex[1], Required: true, Max: wizard.AssetSymbolMax})
	switch t {
	case wizard.AssetERC20, wizard.AssetNative:
		ins = append(ins, inputDef{ID: "decimals", Label: "Decimals (0–36)", Placeholder: "18", Required: true, Max: 2})
	case wizard.AssetERC1155:
		ins = append(ins, inputDef{ID: "token_id", Label: "Token id", Placeholder: "e.g. 1", Required: true, Max: 78})
	}
	return ins
}

// assetExamples are each type's placeholder name and symbol, so a form's examples fit it.
var assetExamples = map[wizard.AssetType][2]string{
	wizard.AssetERC20: {"USD Coin", "USDC"}, wizard.AssetERC721: {"Bored Ape Yacht Club", "BAYC"},
	wizard.AssetERC1155: {"Honey Jar Pass", "HJP"}, wizard.AssetNative: {"Ether", "ETH"},
}

var assetNameLabel = map[wizard.AssetType]string{
	wizard.AssetERC20: "Token name", wizard.AssetERC721: "Collection name",
	wizard.AssetERC1155: "Collection name", wizard.AssetNative: "Coin name",
}

func assetPrefill(t wizard.AssetType) map[string]string {
	if t == wizard.AssetNative {
		return map[string]string{"name": "Ether", "symbol": "ETH", "decimals": strconv.Itoa(wizard.NativeDecimals)}
	}
	return map[string]string{}
}

// applyAsset builds an asset from the modal and the picks, and adds it when it is valid.
func applyAsset(s *wizard.Session, in map[string]string) wizard.Problems {
	a := wizard.Asset{
		ID: wizard.NewAssetID(s.Data.Assets, s.Data.ReservedIDs()...), Type: pickedAssetType(s), Chain: pickedAssetChain(s),
		Contract: strings.TrimSpace(in["contract"]), Name: strings.TrimSpace(in["name"]), Symbol: strings.TrimSpace(in["symbol"]),
	}
	var ps wizard.Problems
	if _, asked := in["decimals"]; asked {
		d, err := wizard.ParseDecimals(in["decimals"])
		if err != nil {
			ps = append(ps, parseProblem("decimals", "Decimals", err))
		} else {
			a.Decimals = &d
		}
	}
	if _, asked := in["token_id"]; asked {
		id, err := wizard.ParseTokenID(in["token_id"])
		if err != nil {
			ps = append(ps, parseProblem("tokenId", "Token id", err))
		}
		a.TokenID = id
	}
	if len(s.Data.Assets) >= wizard.MaxAssets {
		ps = append(ps, wizard.Problem{Path: "assets", Field: "Assets", Message: "a community can have at most 5 assets; remove one first"})
	}
	ps = append(ps, dropPaths(wizard.ValidateAsset(a, s.Data.Chains), ps)...)
	if len(ps) == 0 {
		s.Data.Assets = append(s.Data.Assets, a)
	}
	return ps
}

// dropPaths removes from ps the problems about fields a parser already reported, so the
// admin reads one reason per field.
func dropPaths(ps, already wizard.Problems) wizard.Problems {
	var out wizard.Problems
	for _, p := range ps {
		if len(already.ForPath(p.Path)) == 0 {
			out = append(out, p)
		}
	}
	return out
}
