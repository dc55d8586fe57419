package bot

import (
	"context"
	"testing"

	"github.com/arrakis-bot/arrakis/bot/deploy"
	"github.com/arrakis-bot/arrakis/wizard"
)

// In edit mode /setup offers Roll back…: pick an earlier deployed version, see its plan,
// confirm; it is deployed again and the open session ends.
func TestSetupRollsBackToAnEarlierVersion(t *testing.T) {
	e := newE2E(t, newHTTPTransport)
	ctx := context.Background()
	m1 := deployedManifest(t, e)
	if _, err := e.Deploy.Deploy(ctx, deploy.Request{GuildID: e.Seed.ID, Manifest: m1, By: e.Owner.ID}); err != nil {
		t.Fatal(err)
	}
	d := wizard.SessionDataFromManifest(m1, "")
	d.Tiers[1].Role.Name = "Gold Members"
	m2, ps := wizard.BuildManifest(e.Seed.ID, d)
	if len(ps) > 0 {
		t.Fatal(ps)
	}
	if _, err := e.Deploy.Deploy(ctx, deploy.Request{GuildID: e.Seed.ID, Manifest: m2, By: e.Owner.ID}); err != nil {
		t.Fatal(err)
	}
	if e.FD.RoleByName(e.Seed.ID, "Gold Members") == nil {
		t.Fatal("second deploy did not rename the role")
	}

	e.Command("setup")
	r := e.Follow(e.Click("rb"))
	if e.Find("rbpick") == nil {
		t.Fatalf("no version select: %s", r.Message.Content)
	}
	r = e.Click("rbpick", "1")
	mustContain(t, "confirm", r.Text(), "Roll back to version 1?", "Update role **Gold")
	r = e.Click("rb_ok")
	mustContain(t, "rolled back", r.Message.Content, "Rolled back: version 1 is deployed again, saved as version 3.")
	if e.FD.RoleByName(e.Seed.ID, "Gold") == nil {
		t.Fatalf("rollback did not restore the role name")
	}
	if e.Session() != nil {
		t.Fatalf("the open session survived the rollback")
	}
}
