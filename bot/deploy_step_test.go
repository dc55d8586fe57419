package bot

import (
	"strings"
	"testing"

	"github.com/arrakis-bot/arrakis/wizard"
)

// From REVIEW, Deploy… asks to confirm; confirming moves to DEPLOY, runs the deploy in the
// background, and the wizard message ends with the result. Finish ends the session.
func TestDeployStepConfirmsRunsAndFinishes(t *testing.T) {
	e := newE2E(t, newHTTPTransport)
	runWalk(t, e, wizardWalk())

	r := e.Click("deploy")
	mustContain(t, "confirm", r.Text(), "in your server?**", "Arrakis makes exactly the changes above")
	if e.Find("confirm") == nil || e.Find("unconfirm") == nil {
		t.Fatalf("no Confirm / Not yet: %v", e.customIDs())
	}
	r = e.Click("confirm") // the driver waits for background work: the deploy has finished
	eq(t, "title", r.Title(), "Step 8 of 8 — Deploy")
	// 2 of 2 roles: Bronze Holder is created, then placed directly below the bot's role.
	mustContain(t, "deployed", r.Text(), "✅ **Deployed version 1 of the setup.**", "2 of 2 roles")
	s := e.mustState(wizard.StateDeploy)
	if s.Data.Deploy == nil || s.Data.Deploy.Status != wizard.DeployCompleted || s.Data.Deploy.SnapshotID == "" {
		t.Fatalf("session deploy state %+v", s.Data.Deploy)
	}
	if e.FD.RoleByName(e.Seed.ID, "Bronze Holder") == nil || e.FD.ChannelByName(e.Seed.ID, "holders-chat") == nil {
		t.Fatalf("deploy did not create the role and channel in the guild")
	}
	edits := 0
	for _, req := range e.FD.Requests() {
		if req.Method == "PATCH" && strings.Contains(req.Path, r.Interaction.Token) && strings.HasSuffix(req.Path, "/messages/@original") {
			edits++
		}
	}
	if edits < 2 {
		t.Fatalf("%d edits of the wizard message during the deploy, want progress and the result", edits)
	}

	r = e.Click("finish")
	mustContain(t, "finish", r.Message.Content, "Setup complete")
	if e.Session() != nil {
		t.Fatalf("session still open after Finish")
	}
	r = e.Command("setup")
	mustContain(t, "after deploy", r.Text(), "Editing "+versionWords(s.Data.Deploy.SnapshotID)+" ·")
}

// The same Confirm clicked twice at once starts one deploy; the other click is told the
// setup moved on.
func TestRacingDeployConfirmsStartOneDeploy(t *testing.T) {
	e := newE2E(t, newHTTPTransport)
	runWalk(t, e, wizardWalk())
	e.Click("deploy")
	codes, bodies := raceClicks(t, e, e.Find("confirm").customID)
	if codes != [2]int{200, 200} {
		t.Fatalf("statuses %v", codes)
	}
	refused := 0
	for _, b := range bodies {
		if strings.Contains(string(b), "at the same moment") || strings.Contains(string(b), "out of date") {
			refused++
		}
	}
	if refused != 1 {
		t.Fatalf("%d of the two confirms were refused, want 1:\n%s\n%s", refused, bodies[0], bodies[1])
	}
	creates := 0
	for _, r := range e.FD.Requests() {
		if r.Method == "POST" && r.Path == "/guilds/"+e.Seed.ID+"/roles" && r.Status < 300 {
			creates++
		}
	}
	eq(t, "role creations", creates, 1)
}
