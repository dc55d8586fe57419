package bot

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/arrakis-bot/arrakis/bot/deploy"
	"github.com/arrakis-bot/arrakis/internal/fakediscord"
	"github.com/arrakis-bot/arrakis/store"
)

// The alert channel is chosen at step 6 with a channel select: the pick is checked against
// the live guild (a voice channel, or another guild's channel, is refused whatever the
// interaction's resolved data claims), the review shows it and warns that everyone can
// read it, the deploy's report goes there, and edit mode keeps it.
func TestAlertsStayInTheirGuildWizardChoice(t *testing.T) {
	e := newE2E(t, newHTTPTransport)
	runWalk(t, e, walkUntil(t, "to review")) // step 6, custom channels
	r := e.Click("ch_layout")
	mustContain(t, "alert view", r.Text(), "**Alert channel:** none")
	if e.Find("sel:ctype") != nil || e.Find("alerts_done") == nil {
		t.Fatalf("alert view controls: %v", e.customIDs())
	}

	r = e.Click("sel:alerts", e.Seed.VoiceChannelID)
	mustContain(t, "voice refused", r.Text(), "pick a text channel")
	other := e.FD.Seed(fakediscord.GuildOptions{})
	r = e.Click("sel:alerts", other.GeneralID)
	mustContain(t, "foreign refused", r.Text(), "is not in this server")
	if s := e.Session(); s.Data.AlertChannel != "" {
		t.Fatalf("a refused pick was stored: %q", s.Data.AlertChannel)
	}
	r = e.Click("sel:alerts", e.Seed.GeneralID)
	mustContain(t, "picked", r.Text(), "**Alert channel:** <#"+e.Seed.GeneralID+">")
	eq(t, "alert channel", e.Session().Data.AlertChannel, e.Seed.GeneralID)
	e.Click("no_alerts")
	eq(t, "cleared", e.Session().Data.AlertChannel, "")
	e.Click("sel:alerts", e.Seed.GeneralID)
	r = e.Click("alerts_done")
	if e.Find("sel:ctype") == nil {
		t.Fatalf("Back to channels did not return to the channel picks: %v", e.customIDs())
	}

	r = e.Click("next")
	eq(t, "title", r.Title(), "Step 7 of 8 — Review")
	mustContain(t, "review", r.Text(), "<#"+e.Seed.GeneralID+">", "Everyone in this server can read the alert channel", "Preflight passed")
	e.Click("deploy")
	e.Click("confirm")
	msgs := e.FD.Messages(e.Seed.GeneralID)
	if len(msgs) != 1 || !strings.Contains(msgs[0].Content, "Deployed") {
		t.Fatalf("the deploy report in the alert channel: %d messages", len(msgs))
	}
	if n := len(e.FD.Messages(other.GeneralID)) + len(e.FD.DMs(e.Seed.OwnerID)); n != 0 {
		t.Fatalf("%d alerts went elsewhere", n)
	}
	e.Click("finish")
	e.Command("setup")
	eq(t, "edit mode keeps the alert channel", e.Session().Data.AlertChannel, e.Seed.GeneralID)
}

// A kept alert (here: DMs refused) is shown by /drift and by /setup, and only in its guild.
func TestAlertsStayInTheirGuildKeptAlertShown(t *testing.T) {
	e := newE2E(t, newHTTPTransport)
	runWalk(t, e, wizardWalk())
	e.Click("deploy")
	e.Click("confirm")
	e.Click("finish")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	a := &store.Alert{GuildID: e.Seed.ID, Kind: store.AlertDrift, Subject: "drift:x", Text: "Drift check: role **Bronze Holder** changed",
		Nonce: "n", CreatedAt: time.Now().UTC(), DMUser: e.Seed.OwnerID, Attempts: 1, Problem: deploy.AlertDMRefused}
	if err := e.Shadow.SaveAlert(ctx, e.Seed.ID, a); err != nil {
		t.Fatal(err)
	}
	for _, cmd := range []string{"drift", "setup"} {
		r := e.Command(cmd)
		mustContain(t, "/"+cmd, r.Text(), "Undelivered alert", "Drift check: role **Bronze Holder** changed",
			"<@"+e.Seed.OwnerID+"> does not accept direct messages")
	}
	a.DeliveredAt = time.Now().UTC()
	if err := e.Shadow.SaveAlert(ctx, e.Seed.ID, a); err != nil {
		t.Fatal(err)
	}
	if r := e.Command("drift"); strings.Contains(r.Text(), "Undelivered alert") {
		t.Fatalf("a delivered alert is still shown:\n%s", r.Text())
	}
}
