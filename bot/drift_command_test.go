package bot

import (
	"context"
	"fmt"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/arrakis-bot/arrakis/bot/deploy"
	"github.com/arrakis-bot/arrakis/drift"
	"github.com/arrakis-bot/arrakis/store"
	"github.com/arrakis-bot/arrakis/wizard"
)

// /drift after the guild was changed by hand: the report groups the differences by
// severity; Reconcile asks to confirm and makes the server match again.
func TestDriftCommandReportsAndReconciles(t *testing.T) {
	e := newE2E(t, newHTTPTransport)
	ctx := context.Background()
	r := e.Command("drift")
	mustContain(t, "before any deploy", r.Message.Content, "Nothing has been deployed")

	m := deployedManifest(t, e)
	if _, err := e.Deploy.Deploy(ctx, deploy.Request{GuildID: e.Seed.ID, Manifest: m, By: e.Owner.ID}); err != nil {
		t.Fatalf("deploy: %v", err)
	}
	r = e.Command("drift")
	mustContain(t, "clean", r.Text(), "No drift")

	gold := e.FD.RoleByName(e.Seed.ID, "Gold")
	e.FD.DeleteRole(e.Seed.ID, gold.ID)
	bronze := e.FD.RoleByName(e.Seed.ID, "Bronze")
	e.FD.UpdateRole(e.Seed.ID, bronze.ID, func(r *discordgo.Role) { r.Color = 0x00FF00 })
	r = e.Command("drift")
	mustContain(t, "drifted", r.Text(), "🔴 **Missing**", "Role **Gold**: missing", "🔵 **Cosmetic**", "Role **Bronze**: colour changed from")

	r = e.Click("rec")
	mustContain(t, "confirm reconcile", r.Text(), "**Reconcile**", "Create role **Gold**")
	r = e.Click("rec_ok")
	mustContain(t, "reconciled", r.Text(), "✅ Reconciled", "No drift")
	if e.FD.RoleByName(e.Seed.ID, "Gold") == nil {
		t.Fatalf("reconcile did not recreate the Gold role")
	}
}

// Prune lists exactly what it deletes and deletes only that once confirmed.
func TestDriftCommandPrunesConfirmedExtras(t *testing.T) {
	e := newE2E(t, newHTTPTransport)
	ctx := context.Background()
	m := deployedManifest(t, e)
	if _, err := e.Deploy.Deploy(ctx, deploy.Request{GuildID: e.Seed.ID, Manifest: m, By: e.Owner.ID}); err != nil {
		t.Fatalf("deploy: %v", err)
	}
	d := wizard.SessionDataFromManifest(m, "")
	d.Tiers = d.Tiers[:1]
	smaller, ps := wizard.BuildManifest(e.Seed.ID, d)
	if len(ps) > 0 {
		t.Fatal(ps)
	}
	if _, err := e.Deploy.Deploy(ctx, deploy.Request{GuildID: e.Seed.ID, Manifest: smaller, By: e.Owner.ID}); err != nil {
		t.Fatalf("deploy the smaller setup: %v", err)
	}
	e.Command("drift")
	if e.Find("prune") == nil {
		t.Fatalf("no Prune… button: %s", e.Last.Text())
	}
	r := e.Click("prune")
	mustContain(t, "prune confirm", r.Text(), "deletes exactly these", "Delete role **Gold**")
	r = e.Click("prune_ok")
	mustContain(t, "pruned", r.Text(), "✅ Pruned")
	if e.FD.RoleByName(e.Seed.ID, "Gold") != nil || e.FD.RoleByName(e.Seed.ID, "Bronze") == nil {
		t.Fatalf("prune deleted the wrong roles")
	}
}

// A long report is paged, ten differences a page, most severe first.
func TestDriftReportPages(t *testing.T) {
	var items []drift.Item
	for i := range 23 {
		sev := drift.SeverityInfo
		if i%5 == 0 {
			sev = drift.SeverityError
		}
		items = append(items, drift.Item{Type: drift.ChannelMismatch, Severity: sev, Name: fmt.Sprintf("c%d", i), Field: "topic"})
	}
	b := New(Deps{Deploy: stubDrift{view: &deploy.DriftView{Report: drift.Report{Items: items},
		Desired: &store.Snapshot{Meta: store.SnapshotMeta{ID: "v00000002"}}}}})
	v := b.driftReport(context.Background(), "1", 0, "")
	mustContain(t, "page 1", v.Embeds[0].Description, "🔴 **Missing**", "🔵 **Cosmetic**")
	mustContain(t, "footer", v.Embeds[0].Footer.Text, "Page 1 of 3", "23 differences")
	v = b.driftReport(context.Background(), "1", 2, "")
	mustContain(t, "page 3", v.Embeds[0].Footer.Text, "Page 3 of 3")
	if err := CheckResponse(newMessage(v).Response); err != nil {
		t.Fatal(err)
	}
}

type stubDrift struct {
	Deployer
	view *deploy.DriftView
}

func (s stubDrift) Drift(context.Context, string) (*deploy.DriftView, error) { return s.view, nil }

// A drift Confirm carries the hash of what it showed; anything else in that place is refused.
func TestDriftIDCarriesAHash(t *testing.T) {
	id := driftID{Guild: "1180000000000000001", Action: "prune_ok", Page: 2, Hash: "0123456789abcdef"}
	got, err := parseDriftID(id.String())
	if err != nil || got != id || len(id.String()) > maxCustomID {
		t.Fatalf("round trip of %s: %+v, %v", id, got, err)
	}
	for _, bad := range []string{"arrd:1180000000000000001:prune_ok:0:XYZ", "arrd:1180000000000000001:prune_ok:0:h0123456789abcde", "arrd:1180000000000000001:prune_ok:0:0123456789abcdef", "arrd:1180000000000000001:prune_ok:0:a:b"} {
		if _, err := parseDriftID(bad); err == nil {
			t.Errorf("%s parsed", bad)
		}
	}
	if hashOr("") == "" || isPlanHash(hashOr("")) {
		t.Errorf("a Confirm without a hash must never match a plan")
	}
}
