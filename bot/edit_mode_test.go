package bot

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/arrakis-bot/arrakis/store"
	"github.com/arrakis-bot/arrakis/wizard"
)

// A guild with a deployed manifest starts /setup in edit mode, every step pre-filled.
func TestSetupEditModePrefillsFromDeployedManifest(t *testing.T) {
	e := newE2E(t, newHTTPTransport)
	m := deployedManifest(t, e)
	ctx := context.Background()
	meta, err := e.Shadow.Save(ctx, m, store.SnapshotMeta{CommunityID: e.Seed.ID, GuildID: e.Seed.ID, CreatedBy: e.Owner.ID, Reason: store.ReasonInitial})
	if err != nil {
		t.Fatalf("save snapshot: %v", err)
	}
	err = e.Shadow.RecordDeployment(ctx, e.Seed.ID, meta.ID, store.Deployment{
		SnapshotID: meta.ID, DeployedAt: time.Now(), DeployedBy: e.Owner.ID, Result: "completed", Resources: wizard.NewResourceMap(),
	})
	if err != nil {
		t.Fatalf("record deployment: %v", err)
	}

	r := e.Command("setup")
	mustContain(t, "edit mode", r.Text(), "already has a deployed setup (version 1)",
		"Editing version 1", "Community name: **Deployed Jar**")
	s := e.mustState(wizard.StateInit)
	want := wizard.SessionDataFromManifest(m, meta.ID)
	if !sameAnswers(s.Data, want) {
		t.Fatalf("session data:\n%s\nwant\n%s", mustJSON(s.Data), mustJSON(want))
	}
	// Pre-filled steps can be walked straight through.
	for _, title := range []string{"Chains", "Assets", "Eligibility rules", "Tier roles", "Channels"} {
		if r = e.Click("next"); !strings.Contains(r.Title(), title) {
			t.Fatalf("Next from a pre-filled step: %q, want %s\n%s", r.Title(), title, r.Text())
		}
		if title == "Eligibility rules" {
			mustContain(t, "pre-filled tiers", r.Text(), "**Tier 2 of 2: Gold**")
		}
	}
}

// deployedManifest builds a complete manifest as an earlier /setup would have.
func deployedManifest(t testing.TB, e *E2E) *wizard.Manifest {
	six, one := 6, int64(1)
	d := wizard.SessionData{
		CommunityName: "Deployed Jar", Chains: []string{"ethereum"},
		Assets: []wizard.Asset{
			{ID: "asset-1", Type: wizard.AssetERC20, Chain: "ethereum", Contract: usdc, Name: "USD Coin", Symbol: "USDC", Decimals: &six},
			{ID: "asset-2", Type: wizard.AssetERC721, Chain: "ethereum", Contract: bayc, Name: "BAYC", Symbol: "BAYC"},
		},
		Tiers: []wizard.Tier{
			{ID: "tier-1", Name: "Bronze", Rules: []wizard.Rule{{Type: wizard.RuleMinBalance, Asset: "asset-1", Amount: "10"}}, Role: wizard.RoleSpec{Name: "Bronze"}},
			{ID: "tier-2", Name: "Gold", Rules: []wizard.Rule{{Type: wizard.RuleNFTOwnership, Asset: "asset-2", Count: &one}}, Role: wizard.RoleSpec{Name: "Gold", Hoist: true}},
		},
		ChannelTemplate: wizard.TemplateAdditiveOnly,
	}
	m, ps := wizard.BuildManifest(e.Seed.ID, d)
	if len(ps) > 0 {
		t.Fatalf("build manifest: %v", ps)
	}
	return m
}

// A tier removed in edit mode keeps its id reserved: a tier added afterwards gets a new id,
// so it can never inherit the removed tier's deployed Discord role (and its members).
func TestEditModeNewTierNeverReusesADeployedTierID(t *testing.T) {
	e := newE2E(t, newHTTPTransport)
	m := deployedManifest(t, e)
	ctx := context.Background()
	meta, err := e.Shadow.Save(ctx, m, store.SnapshotMeta{CommunityID: e.Seed.ID, GuildID: e.Seed.ID, CreatedBy: e.Owner.ID, Reason: store.ReasonInitial})
	if err != nil {
		t.Fatalf("save snapshot: %v", err)
	}
	res := wizard.NewResourceMap()
	for i, tier := range m.Tiers {
		res.Roles[tier.ID] = "90000000000000000" + string(rune('1'+i))
	}
	if err := e.Shadow.RecordDeployment(ctx, e.Seed.ID, meta.ID, store.Deployment{
		SnapshotID: meta.ID, DeployedAt: time.Now(), DeployedBy: e.Owner.ID, Result: "completed", Resources: res,
	}); err != nil {
		t.Fatalf("record deployment: %v", err)
	}
	last := m.Tiers[len(m.Tiers)-1].ID

	e.Command("setup")
	for range 3 { // INIT → CHAIN_SELECT → ASSET_CONFIG → ELIGIBILITY_RULES
		e.Click("next")
	}
	e.mustState(wizard.StateEligibilityRules)
	e.Click("sel:tier", strconv.Itoa(len(m.Tiers)-1))
	r := e.Click("rm_tier")
	mustContain(t, "removal asks first", r.Text(), "Remove tier", "deployed role stops being managed")
	e.Click("rm_tier_ok")
	if s := e.Session(); s.Data.Tiers[len(s.Data.Tiers)-1].ID == last {
		t.Fatalf("tier %s was not removed", last)
	}
	e.Click("open:tier")
	e.Submit(map[string]string{"name": "Platinum"})

	s := e.Session()
	added := s.Data.Tiers[len(s.Data.Tiers)-1]
	if added.Name != "Platinum" {
		t.Fatalf("last tier is %q, want the new Platinum", added.Name)
	}
	if _, deployed := res.Roles[added.ID]; deployed {
		t.Fatalf("new tier got id %s, which the deployment maps to role %s", added.ID, res.Roles[added.ID])
	}
}
