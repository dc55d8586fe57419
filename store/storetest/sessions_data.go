package storetest

import (
	"fmt"

	"github.com/arrakis-bot/arrakis/wizard"
)

// FilledSessionData is what a session holds once an admin has answered all eight steps of a
// realistic community: three chains, four assets, four tiers with several rules each, custom
// channels, and a deploy under way. Its numbers include values that a lossy JSON round trip
// would damage (a permission bitset and a score above 2^53), empty and absent lists, and text
// with quotes, braces and non-ASCII characters.
func FilledSessionData() wizard.SessionData {
	dec := func(n int) *int { return &n }
	i64 := func(n int64) *int64 { return &n }
	days := func(n int) *int { return &n }
	d := wizard.SessionData{
		CommunityName: `Arrakis "Spice" Guild {ü}`,
		Chains:        []string{"ethereum", "polygon", "base"},
		Assets: []wizard.Asset{
			{ID: "spice", Type: wizard.AssetERC20, Chain: "ethereum", Contract: "0x6B175474E89094C44Da98b954EedeAC495271d0F", Name: "Spice Token", Symbol: "SPICE", Decimals: dec(18)},
			{ID: "worms", Type: wizard.AssetERC721, Chain: "ethereum", Contract: "0xBC4CA0EdA7647A8aB7C2061c2E118A18a936f13D", Name: "Sandworms", Symbol: "WORM"},
			{ID: "stillsuit", Type: wizard.AssetERC1155, Chain: "polygon", Contract: "0x2953399124F0cBB46d2CbACD8A89cF0599974963", Name: "Stillsuit", Symbol: "SUIT", TokenID: "115792089237316195423570985008687907853269984665640564039457584007913129639935"},
			{ID: "eth", Type: wizard.AssetNative, Chain: "base", Name: "Ether", Symbol: "ETH", Decimals: dec(18)},
		},
		ChannelTemplate: wizard.TemplateCustom,
		EditOf:          "v00000003",
		Deploy:          &wizard.DeployState{Status: wizard.DeployChannels, SnapshotID: "v00000004"},
	}
	tierNames := []string{"Fremen", "Naib", "Sayyadina", "Mahdi"}
	for i, name := range tierNames {
		id := fmt.Sprintf("tier-%d", i+1)
		rules := []wizard.Rule{
			{Type: wizard.RuleMinBalance, Asset: "spice", Amount: fmt.Sprintf("%d000.5", (i+1)*(i+1))},
			{Type: wizard.RuleMinHoldDuration, Asset: "spice", Days: days(30 * (i + 1))},
		}
		if i >= 1 {
			rules = append(rules, wizard.Rule{Type: wizard.RuleNFTOwnership, Asset: "worms", Count: i64(int64(i))})
		}
		if i == 3 {
			rules = append(rules, wizard.Rule{Type: wizard.RuleScoreThreshold, Score: i64(1<<53 + 1)})
		}
		d.Tiers = append(d.Tiers, wizard.Tier{
			ID: id, Name: name, Rules: rules,
			Role: wizard.RoleSpec{Name: name, Color: 0xC2B280 + i, Hoist: i >= 2, Mentionable: i == 3,
				Permissions: 1<<50 | wizard.PermViewChannel},
		})
	}
	d.Tiers = append(d.Tiers, wizard.Tier{ID: "tier-0", Name: "Visitors", Rules: []wizard.Rule{}, Role: wizard.RoleSpec{Name: "Visitors", Adopt: "112233445566778899"}})
	d.CustomChannels = []wizard.Channel{
		{Key: "sietch", Name: "Sietch", Type: wizard.ChannelCategory},
		{Key: "welcome", Name: "welcome", Type: wizard.ChannelText, Parent: "sietch", Topic: "Start here: read the rules."},
		{Key: "spice-talk", Name: "spice-talk", Type: wizard.ChannelText, Parent: "sietch", MinTier: "tier-1"},
		{Key: "council", Name: "Council", Type: wizard.ChannelCategory, MinTier: "tier-2"},
		{Key: "naib-chat", Name: "naib-chat", Type: wizard.ChannelText, Parent: "council", MinTier: "tier-2", Topic: `Quotes " and \ backslashes`},
		{Key: "naib-voice", Name: "Naib voice", Type: wizard.ChannelVoice, Parent: "council", MinTier: "tier-2"},
		{Key: "sayyadina", Name: "sayyadina", Type: wizard.ChannelText, Parent: "council", MinTier: "tier-3"},
		{Key: "mahdi", Name: "mahdi", Type: wizard.ChannelText, MinTier: "tier-4", Topic: "ما شاء الله"},
		{Key: "announcements", Name: "announcements", Type: wizard.ChannelText, Parent: "sietch"},
		{Key: "stage", Name: "Stage", Type: wizard.ChannelVoice},
	}
	return d
}
