package bot

import (
	"context"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/arrakis-bot/arrakis/wizard"
)

// Accept on a template layout whose channel was renamed in Discord writes a manifest the
// bot's own validation accepts (the layout becomes custom, and the admin is told), and
// Reconcile, Prune, a deploy and /setup edit mode all work from it.
func TestAcceptRenamedTemplateChannelStaysDeployable(t *testing.T) {
	e := newE2E(t, newHTTPTransport)
	ctx := context.Background()
	m := deployedManifest(t, e)
	d := wizard.SessionDataFromManifest(m, "")
	d.Tiers = append(d.Tiers, wizard.Tier{ID: "tier-3", Name: "Diamond", Rules: d.Tiers[1].Rules, Role: wizard.RoleSpec{Name: "Diamond"}})
	mustDeploy(t, e, buildManifest(t, e, d))
	d.Tiers = d.Tiers[:2]
	res := mustDeploy(t, e, buildManifest(t, e, d)) // Diamond's role and channel are left to prune
	e.FD.UpdateChannel(res.Channels[wizard.TierChatKey("tier-1")], func(c *discordgo.Channel) { c.Name = "bronze-lounge" })

	e.Command("drift")
	r := e.Click("acc")
	mustContain(t, "accept confirm", r.Text(), "name changed from “bronze” to “bronze\\-lounge”", "now lists them as custom channels")
	r = e.Click("acc_ok")
	mustContain(t, "accepted", r.Text(), "✅ Accepted the server as it is", "now lists them as custom channels")

	snap, err := e.Shadow.LatestDeployed(ctx, e.Seed.ID)
	if err != nil {
		t.Fatal(err)
	}
	acc := snap.Manifest
	if v := acc.Validate(); !v.Complete || acc.ChannelTemplate != wizard.TemplateCustom {
		t.Fatalf("accepted manifest: template %q, problems %v", acc.ChannelTemplate, v.Problems)
	}
	if i := wizard.ChannelByKey(acc.Channels, wizard.TierChatKey("tier-1")); i < 0 || acc.Channels[i].Name != "bronze-lounge" {
		t.Fatalf("accepted channels %+v lack bronze-lounge", acc.Channels)
	}

	// Reconcile from the accepted setup.
	e.FD.UpdateRole(e.Seed.ID, res.Roles["tier-2"], func(r *discordgo.Role) { r.Color = 0xABCDEF })
	e.Command("drift")
	e.Click("rec")
	r = e.Click("rec_ok")
	mustContain(t, "reconciled", r.Text(), "✅ Reconciled: your server matches the setup again", "Role **Diamond**: still in the server, but no longer in the setup")
	if e.FD.Channel(res.Channels[wizard.TierChatKey("tier-1")]).Name != "bronze-lounge" {
		t.Fatalf("reconcile renamed the accepted channel back")
	}

	// Prune what the accepted setup no longer wants (Diamond).
	e.Command("drift")
	e.Click("prune")
	r = e.Click("prune_ok")
	mustContain(t, "pruned", r.Text(), "✅ Pruned", "No drift")
	if e.FD.RoleByName(e.Seed.ID, "Diamond") != nil || e.FD.RoleByName(e.Seed.ID, "Bronze") == nil {
		t.Fatalf("prune after accept deleted the wrong roles")
	}

	// A deploy of the accepted manifest is valid and has nothing to do.
	e.FD.ResetCounts()
	latest, err := e.Shadow.Latest(ctx, e.Seed.ID)
	if err != nil {
		t.Fatal(err)
	}
	mustDeploy(t, e, latest.Manifest)
	if n := e.FD.WriteCount(); n != 0 {
		t.Fatalf("deploying the accepted manifest made %d writes", n)
	}

	// /setup edit mode starts from it and reviews to an empty plan.
	r = e.Command("setup")
	mustContain(t, "edit mode", r.Text(), "Editing "+versionWords(latest.Meta.ID)+" ·")
	s := e.mustState(wizard.StateInit)
	if s.Data.ChannelTemplate != wizard.TemplateCustom || wizard.ChannelByKey(s.Data.CustomChannels, wizard.TierChatKey("tier-1")) < 0 {
		t.Fatalf("edit mode channels: template %q, %+v", s.Data.ChannelTemplate, s.Data.CustomChannels)
	}
	for range 6 {
		r = e.Click("next")
	}
	e.mustState(wizard.StateReview)
	mustContain(t, "review", r.Text(), "**Changes:** none — your server already matches", "Preflight passed")
}
