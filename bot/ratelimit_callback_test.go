package bot

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/arrakis-bot/arrakis/bot/deploy"
)

// Under a global 429 on a REST write, an interaction that arrives meanwhile is answered
// before the write is retried: its callback waits neither on the executor's retry nor on
// the global limit that discordgo now knows about.
func TestInteractionAnsweredBeforeRateLimitedWriteRetry(t *testing.T) {
	e := newE2E(t, newGatewayTransport)
	m := deployedManifest(t, e)
	roles := "/guilds/" + e.Seed.ID + "/roles"
	e.FD.FailNextGlobal("POST", roles, 1, 1500*time.Millisecond)

	done := make(chan error, 1)
	go func() {
		_, err := e.Deploy.Deploy(context.Background(), deploy.Request{GuildID: e.Seed.ID, Manifest: m, By: e.Owner.ID})
		done <- err
	}()
	deadline := time.Now().Add(20 * time.Second)
	for !hasRequest(e, "POST", roles, 429) {
		if time.Now().After(deadline) {
			t.Fatalf("the deploy's role create was never answered 429")
		}
		time.Sleep(5 * time.Millisecond)
	}
	r := e.Command("setup")
	if err := <-done; err != nil {
		t.Fatalf("deploy: %v", err)
	}
	callback, retry := -1, -1
	for i, req := range e.FD.Requests() {
		switch {
		case callback < 0 && strings.Contains(req.Path, "/interactions/"+r.Interaction.ID+"/"):
			callback = i
		case retry < 0 && req.Method == "POST" && req.Path == roles && req.Status < 300:
			retry = i
		}
	}
	if callback < 0 || retry < 0 {
		t.Fatalf("callback at %d, retried write at %d", callback, retry)
	}
	if callback > retry {
		t.Fatalf("the interaction's callback (request %d) waited for the rate-limited write's retry (request %d)", callback, retry)
	}
}

func hasRequest(e *E2E, method, path string, status int) bool {
	for _, r := range e.FD.Requests() {
		if r.Method == method && r.Path == path && r.Status == status {
			return true
		}
	}
	return false
}
