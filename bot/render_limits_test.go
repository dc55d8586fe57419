package bot

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/arrakis-bot/arrakis/store/memory"
	"github.com/arrakis-bot/arrakis/wizard"
)

// Every step of a wizard filled to every limit, with the longest names, renders within
// Discord's limits, and so does every modal it can open.
func TestEveryStepAtEveryLimitFitsDiscord(t *testing.T) {
	b := New(Deps{Sessions: memory.NewSessions(memory.Options{}), Coordination: memory.NewCoordination(nil)})
	s := wizard.NewSession("12345678901234567890", "42", strings.Repeat("O", 32), time.Now())
	s.Data = maxedOut()
	s.Data.EditOf = "v00000042"
	for _, st := range wizard.States {
		s.State = st
		for _, ui := range []map[string]string{nil, {uiChanType: "text", uiFix: "channel", uiFixMsg: strings.Repeat("problem ", 200)}} {
			s.Data.ChannelTemplate = wizard.TemplateCustom
			s.UI = ui
			v := b.frame(context.Background(), s, strings.Repeat("notice ", 100), &reviewResult{Problems: manyProblems()})
			if err := CheckResponse(updateMessage(v).Response); err != nil {
				t.Errorf("%s: %v", st, err)
			}
			for _, m := range modals {
				if m.state != st {
					continue
				}
				if err := CheckResponse(openModal(s, m).Response); err != nil {
					t.Errorf("%s modal %s: %v", st, m.name, err)
				}
			}
		}
	}
	if err := CheckResponse(newMessage(ownershipView(s)).Response); err != nil {
		t.Errorf("ownership view: %v", err)
	}
}

func long(prefix string, n int) string { return prefix + strings.Repeat("x", n-len(prefix)) }

func maxedOut() wizard.SessionData {
	d := wizard.SessionData{CommunityName: long("c", 100)}
	for _, c := range wizard.KnownChains {
		d.Chains = append(d.Chains, c.ID)
	}
	dec := 18
	for i := range wizard.MaxAssets {
		d.Assets = append(d.Assets, wizard.Asset{ID: fmt.Sprintf("asset-%d", i+1), Type: wizard.AssetERC20, Chain: "ethereum",
			Contract: usdc, Name: long("n", 100), Symbol: long("s", 20), Decimals: &dec})
	}
	for i := range wizard.MaxTiers {
		t := wizard.Tier{ID: fmt.Sprintf("tier-%d", i+1), Name: long(fmt.Sprint(i), 100), Role: wizard.RoleSpec{Name: long(fmt.Sprint(i), 100), Hoist: true, Mentionable: true}}
		for range wizard.MaxRulesPerTier {
			t.Rules = append(t.Rules, wizard.Rule{Type: wizard.RuleMinBalance, Asset: "asset-1", Amount: "123456789012345678.123456789012345678"})
		}
		d.Tiers = append(d.Tiers, t)
	}
	for i := range 60 {
		typ := wizard.ChannelText
		if i < 30 {
			typ = wizard.ChannelCategory
		}
		d.CustomChannels = append(d.CustomChannels, wizard.Channel{Key: fmt.Sprintf("chan-%d", i+1), Name: long(fmt.Sprint(i), 100), Type: typ, MinTier: "tier-10"})
	}
	return d
}

func manyProblems() wizard.Problems {
	var ps wizard.Problems
	for i := range 100 {
		ps = append(ps, wizard.Problem{Field: "Field", Message: fmt.Sprintf("problem %d %s", i, strings.Repeat("y", 80))})
	}
	return ps
}
