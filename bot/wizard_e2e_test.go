package bot

import (
	"testing"

	"github.com/arrakis-bot/arrakis/wizard"
)

// walkStep is one thing the admin does in the wizard and what must then be true: on the
// message (asserted on the Result) and in the session store (asserted on the session).
type walkStep struct {
	name  string
	do    func(e *E2E) Result
	title string // the wizard's title after the step
	text  []string
	check func(t *testing.T, e *E2E, s *wizard.Session)
}

const (
	usdc = "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48"
	bayc = "0xBC4CA0EdA7647A8aB7C2061c2E118A18a936f13D"
)

func clickStep(action string, values ...string) func(e *E2E) Result {
	return func(e *E2E) Result { return e.Click(action, values...) }
}

// modalStep opens a modal with a click and submits it.
func modalStep(open string, values map[string]string) func(e *E2E) Result {
	return func(e *E2E) Result {
		r := e.Click(open)
		if r.Modal == nil {
			e.t.Fatalf("%s did not open a modal: %s", open, r.Callback.Raw)
		}
		return e.Submit(values)
	}
}

// wizardWalk goes from /setup through all eight steps to REVIEW.
func wizardWalk() []walkStep {
	return []walkStep{
		{name: "setup", do: func(e *E2E) Result { return e.Command("setup") }, title: "Step 1 of 8 — Community name",
			text: []string{"▰▱▱▱▱▱▱▱"},
			check: func(t *testing.T, e *E2E, s *wizard.Session) {
				if s.OwnerID != e.Owner.ID || s.State != wizard.StateInit {
					t.Fatalf("new session: owner %s state %s", s.OwnerID, s.State)
				}
			}},
		{name: "name", do: modalStep("open:name", map[string]string{"name": "  Honey Jar  "}), title: "Step 1 of 8 — Community name",
			text:  []string{"Community name: **Honey Jar**"},
			check: func(t *testing.T, e *E2E, s *wizard.Session) { eq(t, "name", s.Data.CommunityName, "Honey Jar") }},
		{name: "to chains", do: clickStep("next"), title: "Step 2 of 8 — Chains", text: []string{"▰▰▱▱▱▱▱▱"},
			check: func(t *testing.T, e *E2E, s *wizard.Session) { eq(t, "state", s.State, wizard.StateChainSelect) }},
		{name: "chains", do: clickStep("sel:chains", "ethereum", "base"), title: "Step 2 of 8 — Chains", text: []string{"Ethereum, Base"},
			check: func(t *testing.T, e *E2E, s *wizard.Session) { eq(t, "chains", len(s.Data.Chains), 2) }},
		{name: "to assets", do: clickStep("next"), title: "Step 3 of 8 — Assets",
			check: func(t *testing.T, e *E2E, s *wizard.Session) { eq(t, "state", s.State, wizard.StateAssetConfig) }},
		{name: "asset type", do: clickStep("sel:atype", "erc20"), title: "Step 3 of 8 — Assets",
			check: func(t *testing.T, e *E2E, s *wizard.Session) { eq(t, "ui type", s.UI[uiAssetType], "erc20") }},
		{name: "asset chain", do: clickStep("sel:achain", "ethereum"), title: "Step 3 of 8 — Assets",
			check: func(t *testing.T, e *E2E, s *wizard.Session) { eq(t, "ui chain", s.UI[uiAssetChain], "ethereum") }},
		{name: "usdc", do: modalStep("open:asset", map[string]string{"contract": usdc, "name": "USD Coin", "symbol": "USDC", "decimals": "6"}),
			title: "Step 3 of 8 — Assets", text: []string{"**USDC** (USD Coin)"},
			check: func(t *testing.T, e *E2E, s *wizard.Session) {
				eq(t, "assets", len(s.Data.Assets), 1)
				eq(t, "decimals", *s.Data.Assets[0].Decimals, 6)
			}},
		{name: "nft type", do: clickStep("sel:atype", "erc721"), title: "Step 3 of 8 — Assets"},
		{name: "bayc", do: modalStep("open:asset", map[string]string{"contract": bayc, "name": "Bored Ape Yacht Club", "symbol": "BAYC"}),
			title: "Step 3 of 8 — Assets", text: []string{"**BAYC**"},
			check: func(t *testing.T, e *E2E, s *wizard.Session) {
				eq(t, "asset 2 type", s.Data.Assets[1].Type, wizard.AssetERC721)
			}},
		{name: "to rules", do: clickStep("next"), title: "Step 4 of 8 — Eligibility rules"},
		{name: "tier bronze", do: modalStep("open:tier", map[string]string{"name": "Bronze"}), title: "Step 4 of 8 — Eligibility rules",
			text:  []string{"**Tier 1 of 1: Bronze** — no rules yet"},
			check: func(t *testing.T, e *E2E, s *wizard.Session) { eq(t, "tiers", len(s.Data.Tiers), 1) }},
		{name: "rule type", do: clickStep("sel:rtype", "min_balance"), title: "Step 4 of 8 — Eligibility rules"},
		{name: "rule asset", do: clickStep("sel:rasst", "asset-1"), title: "Step 4 of 8 — Eligibility rules"},
		{name: "rule amount", do: modalStep("open:rule", map[string]string{"amount": "100.50"}), title: "Step 4 of 8 — Eligibility rules",
			text: []string{"hold ≥ 100.5 USDC"},
			check: func(t *testing.T, e *E2E, s *wizard.Session) {
				eq(t, "rules", len(s.Data.Tiers[0].Rules), 1)
				eq(t, "amount", s.Data.Tiers[0].Rules[0].Amount, "100.5")
			}},
		{name: "tier gold", do: modalStep("open:tier", map[string]string{"name": "Gold"}), title: "Step 4 of 8 — Eligibility rules"},
		{name: "nft rule type", do: clickStep("sel:rtype", "nft_ownership"), title: "Step 4 of 8 — Eligibility rules"},
		{name: "nft rule", do: modalStep("open:rule", map[string]string{"count": "1"}), title: "Step 4 of 8 — Eligibility rules",
			text: []string{"**Tier 2 of 2: Gold** — 1 rule, all must hold:\n• own ≥ 1 BAYC"},
			check: func(t *testing.T, e *E2E, s *wizard.Session) {
				eq(t, "gold rules", len(s.Data.Tiers[1].Rules), 1)
				eq(t, "gold rule asset", s.Data.Tiers[1].Rules[0].Asset, "asset-2")
			}},
		{name: "to roles", do: clickStep("next"), title: "Step 5 of 8 — Tier roles"},
		{name: "adopt for gold", do: func(e *E2E) Result { return e.Click("sel:adopt", e.Seed.ModeratorRoleID) },
			title: "Step 5 of 8 — Tier roles", text: []string{"existing role <@&"},
			check: func(t *testing.T, e *E2E, s *wizard.Session) {
				eq(t, "adopt", s.Data.Tiers[1].Role.Adopt, e.Seed.ModeratorRoleID)
			}},
		{name: "pick bronze", do: clickStep("sel:tier", "0"), title: "Step 5 of 8 — Tier roles"},
		{name: "bronze role", do: modalStep("open:role", map[string]string{"name": "Bronze Holder", "color": "#CD7F32"}),
			title: "Step 5 of 8 — Tier roles", text: []string{"new role **Bronze Holder** (#CD7F32)"},
			check: func(t *testing.T, e *E2E, s *wizard.Session) { eq(t, "colour", s.Data.Tiers[0].Role.Color, 0xCD7F32) }},
		{name: "hoist", do: clickStep("hoist:0"), title: "Step 5 of 8 — Tier roles", text: []string{"shown separately"},
			check: func(t *testing.T, e *E2E, s *wizard.Session) { eq(t, "hoist", s.Data.Tiers[0].Role.Hoist, true) }},
		{name: "to channels", do: clickStep("next"), title: "Step 6 of 8 — Channels"},
		{name: "custom", do: clickStep("sel:tmpl", "custom"), title: "Step 6 of 8 — Channels",
			check: func(t *testing.T, e *E2E, s *wizard.Session) { eq(t, "template", s.Data.ChannelTemplate, "custom") }},
		{name: "category type", do: clickStep("sel:ctype", "category"), title: "Step 6 of 8 — Channels"},
		{name: "category", do: modalStep("open:channel", map[string]string{"name": "Holders"}), title: "Step 6 of 8 — Channels",
			text: []string{"Category **Holders**"}},
		{name: "text type", do: clickStep("sel:ctype", "text"), title: "Step 6 of 8 — Channels"},
		{name: "parent", do: clickStep("sel:parent", "chan-1"), title: "Step 6 of 8 — Channels"},
		{name: "min tier", do: clickStep("sel:ctier", "tier-1"), title: "Step 6 of 8 — Channels"},
		{name: "channel", do: modalStep("open:channel", map[string]string{"name": "holders-chat", "topic": "For holders"}),
			title: "Step 6 of 8 — Channels", text: []string{"Text **holders\\-chat** in Holders — Bronze and up"},
			check: func(t *testing.T, e *E2E, s *wizard.Session) {
				eq(t, "channels", len(s.Data.CustomChannels), 2)
				eq(t, "parent", s.Data.CustomChannels[1].Parent, "chan-1")
			}},
		{name: "to review", do: clickStep("next"), title: "Step 7 of 8 — Review",
			text: []string{"**Changes:**", "Preflight passed", "Create role **Bronze Holder**", "Create category **Holders**", "Create channel **holders\\-chat** in **Holders**"},
			check: func(t *testing.T, e *E2E, s *wizard.Session) {
				eq(t, "state", s.State, wizard.StateReview)
				if c := e.Find("deploy"); c == nil || c.disabled {
					t.Fatalf("Deploy… button missing or disabled: %+v", c)
				}
			}},
	}
}

func eq[T comparable](t *testing.T, what string, got, want T) {
	t.Helper()
	if got != want {
		t.Fatalf("%s: got %v, want %v", what, got, want)
	}
}

// runWalk plays the walk and asserts the message and the stored session after each step.
func runWalk(t *testing.T, e *E2E, walk []walkStep) {
	t.Helper()
	for _, st := range walk {
		r := st.do(e)
		if r.Message == nil {
			t.Fatalf("step %q: no message shown (callback %s)", st.name, r.Callback.Raw)
		}
		if st.title != "" && r.Title() != st.title {
			t.Fatalf("step %q: title %q, want %q; message:\n%s", st.name, r.Title(), st.title, r.Text())
		}
		mustContain(t, "step "+st.name, r.Text(), st.text...)
		if st.check != nil {
			s := e.Session()
			if s == nil {
				t.Fatalf("step %q: no session in the store", st.name)
			}
			st.check(t, e, s)
		}
	}
}

// transports are the two ways Discord delivers interactions; tables run over both.
var transports = []struct {
	name string
	mk   func(*E2E) transport
}{{"http", newHTTPTransport}, {"gateway", newGatewayTransport}}

func TestWizardEndToEnd(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			e := newE2E(t, tr.mk)
			runWalk(t, e, wizardWalk())
		})
	}
}
