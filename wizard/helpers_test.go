package wizard

import (
	"strings"
	"testing"
	"time"
)

// wantProblems fails unless ps has a problem at path whose message contains substr;
// path "" with substr "" means ps must be empty.
func wantProblem(t *testing.T, ps Problems, path, substr string) {
	t.Helper()
	if path == "" && substr == "" {
		if len(ps) != 0 {
			t.Fatalf("want no problems, got %d: %v", len(ps), ps)
		}
		return
	}
	for _, p := range ps {
		if p.Path == path && strings.Contains(p.Message, substr) {
			if p.Field == "" && path != "" {
				t.Errorf("problem at %s has no Field label: %+v", path, p)
			}
			return
		}
	}
	t.Fatalf("want a problem at %q containing %q, got %v (%#v)", path, substr, ps, ps)
}

func ptr[T any](v T) *T { return &v }

// fixtureData is a complete set of wizard answers.
func fixtureData() SessionData {
	return SessionData{
		CommunityName: "Dune Traders",
		Chains:        []string{"ethereum", "base"},
		Assets: []Asset{
			{ID: "a1", Type: AssetERC20, Chain: "base", Contract: "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913", Name: "USD Coin", Symbol: "USDC", Decimals: ptr(6)},
			{ID: "a2", Type: AssetERC721, Chain: "ethereum", Contract: "0xBC4CA0EdA7647A8aB7C2061c2E118A18a936f13D", Name: "Apes", Symbol: "BAYC"},
			{ID: "a3", Type: AssetERC1155, Chain: "base", Contract: "0x7d5b1e2c9a4f3e8b6d0c1a2f3e4d5c6b7a8f9e0d", Name: "Pass", TokenID: "1"},
		},
		Tiers: []Tier{
			{ID: "t1", Name: "Holder", Rules: []Rule{{Type: RuleMinBalance, Asset: "a1", Amount: "100"}, {Type: RuleScoreThreshold, Score: ptr(int64(0))}},
				Role: RoleSpec{Name: "Holder", Color: 0x57F287, Mentionable: true}},
			{ID: "t2", Name: "Collector", Rules: []Rule{{Type: RuleNFTOwnership, Asset: "a2", Count: ptr(int64(1))}, {Type: RuleMinHoldDuration, Asset: "a2", Days: ptr(30)}},
				Role: RoleSpec{Name: "Collector", Color: 0x5865F2, Hoist: true}},
			{ID: "t3", Name: "Patron", Rules: []Rule{{Type: RuleNFTOwnership, Asset: "a3", Count: ptr(int64(2))}},
				Role: RoleSpec{Name: "Patron", Adopt: "1180000000000000042"}},
		},
		ChannelTemplate: TemplateParallelMirror,
	}
}

func fixtureManifest(t *testing.T) *Manifest {
	t.Helper()
	m, ps := BuildManifest("1180000000000000001", fixtureData())
	if len(ps) != 0 {
		t.Fatalf("fixture does not build: %v", ps)
	}
	return m
}

var testTime = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
