package bot

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/arrakis-bot/arrakis/store"
	"github.com/arrakis-bot/arrakis/store/dir"
	"github.com/arrakis-bot/arrakis/wizard"
)

// click presses the sent component whose action (or action:arg) is given.
func (r *handlerRig) click(action string, values ...string) Reply {
	r.t.Helper()
	for _, c := range sentComponents(r.sent) {
		id, kind := customIDOf(c)
		p, err := parseCustomID(id)
		if err != nil || (p.Action != action && p.Action+":"+p.Arg != action) {
			continue
		}
		return r.send(r.interaction(discordgo.InteractionMessageComponent,
			discordgo.MessageComponentInteractionData{CustomID: id, ComponentType: kind, Values: values}))
	}
	r.t.Fatalf("no control %q was sent; sent: %v", action, r.sentIDs())
	return Reply{}
}

func (r *handlerRig) sentIDs() []string {
	var out []string
	for _, c := range sentComponents(r.sent) {
		id, _ := customIDOf(c)
		out = append(out, id)
	}
	return out
}

// submit fills the open modal's inputs and submits it.
func (r *handlerRig) submit(values map[string]string) Reply {
	r.t.Helper()
	if r.modal == nil {
		r.t.Fatalf("no modal is open")
	}
	var rows []discordgo.MessageComponent
	for _, rc := range r.modal.Components {
		row, _ := asRow(rc)
		for _, c := range row.Components {
			ti := c.(discordgo.TextInput)
			rows = append(rows, discordgo.ActionsRow{Components: []discordgo.MessageComponent{&discordgo.TextInput{CustomID: ti.CustomID, Value: values[ti.CustomID]}}})
		}
	}
	id := r.modal.CustomID
	r.modal = nil
	return r.send(r.interaction(discordgo.InteractionModalSubmit, discordgo.ModalSubmitInteractionData{CustomID: id, Components: rows}))
}

func (r *handlerRig) session() *wizard.Session {
	r.t.Helper()
	s, err := r.sessions.GetByGuild(context.Background(), r.guild)
	if err != nil {
		r.t.Fatalf("session: %v", err)
	}
	return s
}

// TestIdsNeverReused: removing the last asset, a tier or a channel and adding a new one
// never gives the newcomer the removed one's id, so nothing that referred to the removed
// one (a rule, a channel's tier, a deployed role) silently points at the newcomer.
func TestIdsNeverReused(t *testing.T) {
	r := newHandlerRig(t)
	r.prepare(3) // ASSET_CONFIG, asset-1 checked by tier-1's rule

	r.click("rm_asset")
	s := r.session()
	if len(s.Data.Assets) != 1 || s.UI[uiRmAsset] != "asset-1" {
		t.Fatalf("removing an asset that rules check did not ask first: %+v %v", s.Data.Assets, s.UI)
	}
	r.click("rm_asset_ok:asset-1")
	s = r.session()
	if len(s.Data.Assets) != 0 || len(s.Data.Tiers[0].Rules) != 0 {
		t.Fatalf("asset or its rule kept: %+v %+v", s.Data.Assets, s.Data.Tiers[0].Rules)
	}
	r.click("open:asset")
	r.submit(map[string]string{"contract": usdc, "name": "Other", "symbol": "OTH", "decimals": "18"})
	s = r.session()
	if len(s.Data.Assets) != 1 || s.Data.Assets[0].ID == "asset-1" {
		t.Fatalf("new asset took the removed one's id: %+v", s.Data.Assets)
	}

	r.click("next")
	r.click("rm_tier")
	r.click("rm_tier_public:tier-1")
	s = r.session()
	if len(s.Data.Tiers) != 0 {
		t.Fatalf("tier not removed: %+v", s.Data.Tiers)
	}
	if s.Data.CustomChannels[1].MinTier != "" {
		t.Fatalf("gated channel kept the removed tier: %+v", s.Data.CustomChannels[1])
	}
	r.click("open:tier")
	r.submit(map[string]string{"name": "Silver"})
	s = r.session()
	if len(s.Data.Tiers) != 1 || s.Data.Tiers[0].ID == "tier-1" {
		t.Fatalf("new tier took the removed one's id: %+v", s.Data.Tiers)
	}

	// Channels: remove the first of two (not the last), then add one.
	ctx := context.Background()
	for _, to := range []wizard.State{wizard.StateRoleMapping, wizard.StateChannelStructure} {
		var err error
		if s, err = r.sessions.Transition(ctx, s.ID, s.Version, to); err != nil {
			t.Fatalf("transition: %v", err)
		}
	}
	r.send(r.interaction(discordgo.InteractionApplicationCommand, discordgo.ApplicationCommandInteractionData{ID: "1", Name: cmdSetup}))
	r.click("ch_edit")
	r.click("sel:chpick", "chan-1")
	r.click("rm_chan:chan-1")
	s = r.session()
	if len(s.Data.CustomChannels) != 1 || s.Data.CustomChannels[0].Key != "chan-2" || s.Data.CustomChannels[0].Parent != "" {
		t.Fatalf("after removing the category: %+v", s.Data.CustomChannels)
	}
	r.click("ch_done")
	r.click("open:channel")
	r.submit(map[string]string{"name": "news"})
	s = r.session()
	keys := []string{}
	for _, c := range s.Data.CustomChannels {
		keys = append(keys, c.Key)
	}
	if len(keys) != 2 || slices.Contains(keys[1:], "chan-1") || keys[1] == "chan-2" {
		t.Fatalf("new channel took a removed key: %v", keys)
	}
	for _, id := range []string{"asset-1", "tier-1", "chan-1"} {
		if !slices.Contains(s.Data.RetiredIDs, id) {
			t.Fatalf("retired ids %v lack %s", s.Data.RetiredIDs, id)
		}
	}
}

// In edit mode the ids of earlier snapshots stay retired: an asset dropped two versions
// ago does not lend its id to an asset added now.
func TestIdsNeverReusedAcrossEditMode(t *testing.T) {
	r := newHandlerRig(t)
	sh, err := dir.NewShadow(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	r.b.d.Shadow = sh
	ctx := context.Background()
	six, one := 6, int64(1)
	d := wizard.SessionData{
		CommunityName: "Jar", Chains: []string{"ethereum"},
		Assets: []wizard.Asset{
			{ID: "asset-1", Type: wizard.AssetERC20, Chain: "ethereum", Contract: usdc, Name: "USD Coin", Symbol: "USDC", Decimals: &six},
			{ID: "asset-2", Type: wizard.AssetERC721, Chain: "ethereum", Contract: bayc, Name: "BAYC", Symbol: "BAYC"},
		},
		Tiers:           []wizard.Tier{{ID: "tier-1", Name: "Bronze", Rules: []wizard.Rule{{Type: wizard.RuleNFTOwnership, Asset: "asset-2", Count: &one}}, Role: wizard.RoleSpec{Name: "Bronze"}}},
		ChannelTemplate: wizard.TemplateCustom,
		CustomChannels:  []wizard.Channel{{Key: "chan-1", Name: "a", Type: wizard.ChannelText}, {Key: "chan-2", Name: "b", Type: wizard.ChannelText}},
	}
	save := func(d wizard.SessionData) store.SnapshotMeta {
		m, ps := wizard.BuildManifest(r.guild, d)
		if len(ps) > 0 {
			t.Fatal(ps)
		}
		meta, err := sh.Save(ctx, m, store.SnapshotMeta{CommunityID: r.guild, GuildID: r.guild, CreatedBy: r.user, Reason: store.ReasonInitial})
		if err != nil {
			t.Fatal(err)
		}
		return meta
	}
	save(d)
	d.Assets = d.Assets[:1]
	d.Tiers[0].Rules = []wizard.Rule{{Type: wizard.RuleMinBalance, Asset: "asset-1", Amount: "1"}}
	d.CustomChannels = d.CustomChannels[:1]
	meta := save(d)
	if err := sh.RecordDeployment(ctx, r.guild, meta.ID, store.Deployment{SnapshotID: meta.ID, DeployedAt: time.Now(), DeployedBy: r.user,
		Result: "completed", Resources: wizard.NewResourceMap()}); err != nil {
		t.Fatal(err)
	}
	r.send(r.interaction(discordgo.InteractionApplicationCommand, discordgo.ApplicationCommandInteractionData{ID: "1", Name: cmdSetup}))
	s := r.session()
	for _, id := range []string{"asset-2", "chan-2"} {
		if !slices.Contains(s.Data.RetiredIDs, id) {
			t.Fatalf("edit mode did not retire %s: %v", id, s.Data.RetiredIDs)
		}
	}
	if got := wizard.NewAssetID(s.Data.Assets, s.Data.ReservedIDs()...); got == "asset-2" {
		t.Fatalf("a new asset would take asset-2")
	}
	if got := wizard.NewChannelKey(s.Data.CustomChannels, s.Data.ReservedIDs()...); got == "chan-2" {
		t.Fatalf("a new channel would take chan-2")
	}
}
