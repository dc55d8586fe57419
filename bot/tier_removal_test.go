package bot

import (
	"testing"

	"github.com/arrakis-bot/arrakis/wizard"
)

// Removing a tier that gates channels asks what becomes of them; each answer is written
// into the channels, and the review names a channel that becomes public as an access
// change, next to the removals.
func TestTierRemovalAsksAboutGatedChannels(t *testing.T) {
	start := func(t *testing.T) *E2E {
		e := newE2E(t, newHTTPTransport)
		d := wizard.SessionDataFromManifest(deployedManifest(t, e), "")
		d.ChannelTemplate = wizard.TemplateCustom
		d.CustomChannels = []wizard.Channel{
			{Key: "chan-1", Name: "Lounge", Type: wizard.ChannelCategory},
			{Key: "chan-2", Name: "vip", Type: wizard.ChannelText, Parent: "chan-1", MinTier: "tier-2"},
			{Key: "chan-3", Name: "general-chat", Type: wizard.ChannelText, Parent: "chan-1"},
		}
		mustDeploy(t, e, buildManifest(t, e, d))
		e.Command("setup")
		for range 3 {
			e.Click("next")
		}
		e.mustState(wizard.StateEligibilityRules)
		e.Click("sel:tier", "1")
		r := e.Click("rm_tier")
		mustContain(t, "question", r.Text(), "**Remove tier 2, Gold?**", "**vip**", "Choose what becomes of them")
		if s := e.Session(); len(s.Data.Tiers) != 2 || s.Data.CustomChannels[1].MinTier != "tier-2" {
			t.Fatalf("the tier or the gate changed before the admin answered: %+v", s.Data)
		}
		return e
	}

	t.Run("another tier", func(t *testing.T) {
		e := start(t)
		// A value the select did not offer (the tier being removed) changes nothing.
		r := e.Click("sel:rmto", "tier-2")
		mustContain(t, "forged", r.Text(), msgBadValues)
		if s := e.Session(); len(s.Data.Tiers) != 2 {
			t.Fatalf("a forged choice removed the tier")
		}
		e.Click("sel:rmto", "tier-1")
		s := e.Session()
		if len(s.Data.Tiers) != 1 || s.Data.CustomChannels[1].MinTier != "tier-1" {
			t.Fatalf("after choosing tier 1: tiers %d, vip gated at %q", len(s.Data.Tiers), s.Data.CustomChannels[1].MinTier)
		}
	})

	t.Run("keep, then remove the channels", func(t *testing.T) {
		e := start(t)
		e.Click("rm_tier_keep")
		if s := e.Session(); len(s.Data.Tiers) != 2 || s.UI[uiRmTier] != "" {
			t.Fatalf("Keep the tier did not keep it")
		}
		e.Click("rm_tier")
		e.Click("rm_tier_drop")
		s := e.Session()
		if len(s.Data.Tiers) != 1 || wizard.ChannelByKey(s.Data.CustomChannels, "chan-2") >= 0 || wizard.ChannelByKey(s.Data.CustomChannels, "chan-3") < 0 {
			t.Fatalf("after removing the channels: %+v", s.Data.CustomChannels)
		}
	})

	t.Run("public, shown in the review", func(t *testing.T) {
		e := start(t)
		r := e.Click("rm_tier_public")
		mustContain(t, "public", r.Text(), "1 channel is now open to everyone")
		if s := e.Session(); len(s.Data.Tiers) != 1 || s.Data.CustomChannels[1].MinTier != "" {
			t.Fatalf("after Make them public: %+v", s.Data)
		}
		for range 3 {
			r = e.Click("next")
		}
		e.mustState(wizard.StateReview)
		mustContain(t, "review", r.Text(), "**Access changes:**", "Channel **vip**: tier **Gold** and up → open to everyone ⚠️",
			"**No longer in the setup**", "Role **Gold** — stays in your server; **Prune** in /drift would delete it")
	})
}
