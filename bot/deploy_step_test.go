package bot

import (
	"testing"

	"github.com/arrakis-bot/arrakis/wizard"
)

// From REVIEW, Deploy… asks to confirm; confirming moves to DEPLOY, runs the deploy in the
// background, and the wizard message ends with the result. Finish ends the session.
func TestDeployStepConfirmsRunsAndFinishes(t *testing.T) {
	e := newE2E(t, newHTTPTransport)
	runWalk(t, e, wizardWalk())

	r := e.Click("deploy")
	mustContain(t, "confirm", r.Text(), "**Deploy now?**")
	if e.Find("confirm") == nil || e.Find("unconfirm") == nil {
		t.Fatalf("no Confirm / Not yet: %v", e.customIDs())
	}
	r = e.Click("confirm") // the driver waits for background work: the deploy has finished
	eq(t, "title", r.Title(), "Step 8 of 8 — Deploy")
	mustContain(t, "deployed", r.Text(), "✅ **Deployed.**", "roles 1/1")
	s := e.mustState(wizard.StateDeploy)
	if s.Data.Deploy == nil || s.Data.Deploy.Status != wizard.DeployCompleted || s.Data.Deploy.SnapshotID == "" {
		t.Fatalf("session deploy state %+v", s.Data.Deploy)
	}
	if e.FD.RoleByName(e.Seed.ID, "Bronze Holder") == nil || e.FD.ChannelByName(e.Seed.ID, "holders-chat") == nil {
		t.Fatalf("deploy did not create the role and channel in the guild")
	}

	r = e.Click("finish")
	mustContain(t, "finish", r.Message.Content, "Setup complete")
	if e.Session() != nil {
		t.Fatalf("session still open after Finish")
	}
	r = e.Command("setup")
	mustContain(t, "after deploy", r.Text(), "editing deployed snapshot "+s.Data.Deploy.SnapshotID)
}
