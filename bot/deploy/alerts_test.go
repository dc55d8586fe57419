package deploy

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/arrakis-bot/arrakis/store"
	"github.com/arrakis-bot/arrakis/wizard"
)

// TestAlertsStayInTheirGuild: one instance serves two guilds, each with its own alert
// channel in its own manifest. Drift in one posts only there; a refused post (403, 500)
// is kept and retried at the next interval; a post Discord applied but whose answer was
// lost is retried with the same nonce and appears once; with no alert channel and the
// admin's DMs refused, the alert is kept and shown by /drift (DriftView.Alert).
func TestAlertsStayInTheirGuild(t *testing.T) {
	a := newEnv(t)
	b := newEnv(t, func(c *envConfig) { c.fd = a.fd }, withStores(a.shadow, a.coord))
	fd, ctx := a.fd, ctxT(t)
	var now atomic.Int64
	now.Store(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC).UnixNano())
	svc := a.newService(func(c *Config) {
		c.DriftInterval, c.Now = time.Hour, func() time.Time { return time.Unix(0, now.Load()) }
	})
	// Each guild alerts to its own #mod-log: hidden from @everyone, so the bot must be let in.
	for _, e := range []*env{a, b} {
		fd.SetOverwrite(e.guild.ModLogChannelID, discordgo.PermissionOverwrite{ID: e.guild.BotRoleID, Type: discordgo.PermissionOverwriteTypeRole,
			Allow: discordgo.PermissionViewChannel | discordgo.PermissionSendMessages | discordgo.PermissionEmbedLinks})
	}
	deploy := func(e *env, alertChannel string) *Result {
		t.Helper()
		m := loadManifest(t, "community.yaml", e.guild.ID)
		if alertChannel != "" {
			m.Alerts = &wizard.Alerts{Channel: alertChannel}
		}
		res, err := svc.Deploy(ctx, Request{GuildID: e.guild.ID, Manifest: m, By: e.guild.OwnerID})
		if err != nil {
			t.Fatalf("deploy to %s: %v", e.guild.ID, err)
		}
		return res
	}
	posts := func(e *env) []*discordgo.Message { return fd.Messages(e.guild.ModLogChannelID) }
	nextInterval := func() { now.Add(int64(time.Hour)) }
	check := func(e *env) bool {
		t.Helper()
		delivered, err := svc.CheckDrift(ctx, e.guild.ID)
		if err != nil {
			t.Fatalf("drift check of %s: %v", e.guild.ID, err)
		}
		return delivered
	}
	checkBoth := func() bool { da := check(a); check(b); return da }
	kept := func(e *env) *store.Alert {
		t.Helper()
		view, err := svc.Drift(ctx, e.guild.ID)
		if err != nil {
			t.Fatalf("drift of %s: %v", e.guild.ID, err)
		}
		return view.Alert
	}

	resA, resB := deploy(a, a.guild.ModLogChannelID), deploy(b, b.guild.ModLogChannelID)
	if pa, pb := posts(a), posts(b); len(pa) != 1 || len(pb) != 1 || !strings.Contains(pa[0].Content, "Deployed") || pa[0].ID == pb[0].ID {
		t.Fatalf("each deploy report in its own guild's channel: A %d, B %d", len(pa), len(pb))
	}
	if n := len(fd.Messages(a.guild.GeneralID)) + len(fd.Messages(b.guild.GeneralID)) + len(fd.DMs(a.guild.OwnerID)); n != 0 {
		t.Fatalf("%d alerts went somewhere other than the alert channels", n)
	}

	t.Run("drift in one guild posts only there", func(t *testing.T) {
		fd.UpdateRole(a.guild.ID, resA.Resources.Roles["t1"], func(r *discordgo.Role) { r.Name = "Drifted A" })
		nextInterval()
		if !checkBoth() {
			t.Fatal("the drift of guild A was not delivered")
		}
		pa, pb := posts(a), posts(b)
		if len(pa) != 2 || !strings.HasPrefix(pa[1].Content, "Drift check:") || !strings.Contains(pa[1].Content, "Drifted A") {
			t.Fatalf("guild A's channel: %d messages, want the deploy report and the drift", len(pa))
		}
		if len(pb) != 1 {
			t.Fatalf("guild B's channel got %d messages; A's drift leaked or B posted without drift", len(pb))
		}
		nextInterval()
		if checkBoth() || len(posts(a)) != 2 {
			t.Fatal("the same drift report was posted again")
		}
	})

	for _, status := range []int{http.StatusForbidden, http.StatusInternalServerError} {
		t.Run("refused post is retried next interval/"+http.StatusText(status), func(t *testing.T) {
			before := len(posts(a))
			fd.UpdateRole(a.guild.ID, resA.Resources.Roles["t2"], func(r *discordgo.Role) { r.Color++ })
			fd.FailNext("POST", "/channels/"+a.guild.ModLogChannelID+"/messages", 1, status, 0)
			nextInterval()
			if check(a) || len(posts(a)) != before {
				t.Fatal("a refused post counted as sent")
			}
			k := kept(a)
			if k == nil || k.Attempts != 1 || k.Problem == "" {
				t.Fatalf("kept alert after a refused post = %+v", k)
			}
			nextInterval()
			if !check(a) || len(posts(a)) != before+1 {
				t.Fatalf("not retried at the next interval: %d new posts", len(posts(a))-before)
			}
			if k := kept(a); k != nil {
				t.Fatalf("a delivered alert is still kept: %+v", k)
			}
		})
	}

	t.Run("lost answer is retried and appears once", func(t *testing.T) {
		before := len(posts(a))
		fd.ResetCounts()
		fd.DeleteChannel(resA.Resources.Channels["tier-t1-voice"])
		fd.LoseNextAnswers("POST", "/channels/"+a.guild.ModLogChannelID+"/messages", 1, http.StatusInternalServerError)
		nextInterval()
		if check(a) {
			t.Fatal("a post whose answer was lost counted as sent")
		}
		if len(posts(a)) != before+1 {
			t.Fatalf("the fake did not apply the post: %d new", len(posts(a))-before)
		}
		nextInterval()
		if !check(a) {
			t.Fatal("the retry was not delivered")
		}
		if n := len(posts(a)) - before; n != 1 {
			t.Fatalf("the drift appears %d times after a retry, want once", n)
		}
		var nonces []string
		for _, r := range fd.Requests() {
			if r.Method == "POST" && r.Path == "/channels/"+a.guild.ModLogChannelID+"/messages" {
				var body struct {
					Nonce        string `json:"nonce"`
					EnforceNonce bool   `json:"enforce_nonce"`
				}
				if err := json.Unmarshal(r.Body, &body); err != nil || !body.EnforceNonce || body.Nonce == "" {
					t.Fatalf("alert posted without an enforced nonce: %s", r.Body)
				}
				nonces = append(nonces, body.Nonce)
			}
		}
		if len(nonces) != 2 || nonces[0] != nonces[1] {
			t.Fatalf("nonces of the post and its retry = %v, want the same one twice", nonces)
		}
	})

	t.Run("no channel and DMs refused: kept and shown by /drift", func(t *testing.T) {
		deploy(b, "") // B drops its alert channel: the deploy report goes to its admin by DM
		if dms := fd.DMs(b.guild.OwnerID); len(dms) != 1 || !strings.Contains(dms[0].Content, "Deployed") {
			t.Fatalf("B's deploy report by DM: %d", len(dms))
		}
		fd.BlockDMs(b.guild.OwnerID)
		fd.UpdateRole(b.guild.ID, resB.Resources.Roles["t3"], func(r *discordgo.Role) { r.Name = "Drifted B" })
		beforeA := len(posts(a))
		nextInterval()
		if checkBoth() {
			t.Fatal("delivered with DMs refused")
		}
		k := kept(b)
		if k == nil || k.Kind != store.AlertDrift || k.Problem != AlertDMRefused || k.DMUser != b.guild.OwnerID || !strings.Contains(k.Text, "Drifted B") {
			t.Fatalf("kept alert of B = %+v", k)
		}
		if !strings.Contains(AlertProblemText(k, ""), "<@"+b.guild.OwnerID+"> does not accept direct messages") {
			t.Errorf("problem sentence: %s", AlertProblemText(k, ""))
		}
		if len(posts(a)) != beforeA || len(fd.DMs(b.guild.OwnerID)) != 1 {
			t.Fatal("B's alert went somewhere else")
		}
		if kept(a) != nil {
			t.Fatal("guild A shows guild B's alert")
		}
	})
}

// Preflight checks the bot's access to the alert channel before any write, naming the
// channel, and warns when @everyone can read it.
func TestAlertChannelPreflight(t *testing.T) {
	e := newEnv(t)
	ctx := ctxT(t)
	m := loadManifest(t, "community.yaml", e.guild.ID)
	m.Alerts = &wizard.Alerts{Channel: e.guild.ModLogChannelID} // hidden from @everyone, and from the bot
	rv, err := e.svc.Review(ctx, e.guild.ID, m)
	if err != nil {
		t.Fatal(err)
	}
	want := "cannot post alerts in <#" + e.guild.ModLogChannelID + ">: it needs View Channels there"
	if rv.OK() || !strings.Contains(strings.Join(rv.Problems, " "), want) {
		t.Fatalf("problems = %q, want %q", rv.Problems, want)
	}
	if _, err := e.svc.Deploy(ctx, Request{GuildID: e.guild.ID, Manifest: m, By: "tester"}); ErrorCode(err) != CodePreflight || e.fd.WriteCount() != 0 {
		t.Fatalf("deploy = %v (%d writes), want a preflight refusal with no write", err, e.fd.WriteCount())
	}

	m.Alerts.Channel = e.guild.GeneralID // readable by everyone, bot included
	if rv, err = e.svc.Review(ctx, e.guild.ID, m); err != nil || !rv.OK() {
		t.Fatalf("review with #general: %v %q", err, rv.Problems)
	}
	if len(rv.Warnings) != 1 || !strings.Contains(rv.Warnings[0], "Everyone in this server can read the alert channel <#"+e.guild.GeneralID+">") {
		t.Fatalf("warnings = %q", rv.Warnings)
	}
	m.Alerts.Channel = e.guild.VoiceChannelID
	if rv, _ = e.svc.Review(ctx, e.guild.ID, m); rv.OK() || !strings.Contains(rv.Problems[0], "is not a text channel") {
		t.Fatalf("voice alert channel: %q", rv.Problems)
	}
	m.Alerts.Channel = "1180000000000000999"
	if rv, _ = e.svc.Review(ctx, e.guild.ID, m); rv.OK() || !strings.Contains(rv.Problems[0], "no longer exists") {
		t.Fatalf("missing alert channel: %q", rv.Problems)
	}
}

// With no alert channel and nobody who deployed from Discord, a deploy's report is kept
// (and not re-saved at every check while that stays so); the first deploy from Discord
// sends its own report to that admin by DM, and nothing is kept any more.
func TestAlertWithNobodyToSendToIsKept(t *testing.T) {
	e := newEnv(t)
	ctx := ctxT(t)
	var now atomic.Int64
	now.Store(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC).UnixNano())
	svc := e.newService(func(c *Config) {
		c.DriftInterval, c.Now = time.Hour, func() time.Time { return time.Unix(0, now.Load()) }
	})
	m := loadManifest(t, "community.yaml", e.guild.ID)
	if _, err := svc.Deploy(ctx, Request{GuildID: e.guild.ID, Manifest: m, By: "cli:ops"}); err != nil {
		t.Fatal(err)
	}
	k := svc.KeptAlert(ctx, e.guild.ID)
	if k == nil || k.Kind != store.AlertDeploy || k.Problem != AlertNoTarget || k.Attempts != 1 {
		t.Fatalf("kept alert after a CLI deploy = %+v", k)
	}
	now.Add(int64(time.Hour))
	if _, err := svc.CheckDrift(ctx, e.guild.ID); err != nil {
		t.Fatal(err)
	}
	if k := svc.KeptAlert(ctx, e.guild.ID); k == nil || k.Attempts != 1 {
		t.Fatalf("kept alert after a check with still nobody to send to = %+v", k)
	}
	m.Tiers[0].Role.Color++
	if _, err := svc.Deploy(ctx, Request{GuildID: e.guild.ID, Manifest: m, By: e.guild.OwnerID}); err != nil {
		t.Fatal(err)
	}
	if dms := e.fd.DMs(e.guild.OwnerID); len(dms) != 1 || !strings.Contains(dms[0].Content, "Deployed version 2 of the setup to the server **") {
		t.Fatalf("the Discord deploy's report by DM: %d", len(dms))
	}
	if k := svc.KeptAlert(ctx, e.guild.ID); k != nil {
		t.Fatalf("an alert is still kept after delivery: %+v", k)
	}
}
