package bot

import (
	"net/http"
	"strings"
	"testing"

	"github.com/arrakis-bot/arrakis/wizard"
)

// Cancel after a deploy that stopped part-way says what exists in the server and offers
// Retry; it never claims that nothing was deployed.
func TestCancelAfterPartWayDeploy(t *testing.T) {
	e := newE2E(t, newHTTPTransport)
	runWalk(t, e, wizardWalk())
	e.FD.FailNext("POST", "/guilds/"+e.Seed.ID+"/channels", 50, http.StatusForbidden, 0)
	e.Click("deploy")
	r := e.Click("confirm")
	mustContain(t, "failed", r.Text(), "The deploy stopped")
	if e.FD.RoleByName(e.Seed.ID, "Bronze Holder") == nil {
		t.Fatalf("the deploy made no role before it stopped")
	}
	r = e.Click("cancel")
	mustContain(t, "cancel asks", r.Text(), "Cancel this setup?", "already has what it made", "2 of 2 roles", "Retry deploy")
	if e.Find("retry") == nil {
		t.Fatalf("no Retry after Cancel: %v", e.customIDs())
	}
	e.mustState(wizard.StateDeploy)
	r = e.Click("cancel")
	if r.Message == nil || !containsAll(r.Message.Content, "Setup ended", "keeps what the deploy made", "2 of 2 roles") {
		t.Fatalf("cancel anyway: %+v", r.Message)
	}
	if e.Session() != nil {
		t.Fatalf("session kept after Cancel anyway")
	}
}

func containsAll(s string, subs ...string) bool {
	for _, x := range subs {
		if !strings.Contains(s, x) {
			return false
		}
	}
	return true
}
