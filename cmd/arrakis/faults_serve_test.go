package main

// TestFaultRecovery's subtests where the fault is `serve` itself: a process killed (or
// asked to stop) in the middle of a deploy, with another instance left to carry on.

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/arrakis-bot/arrakis/internal/fakediscord"
	"github.com/arrakis-bot/arrakis/internal/testenv"
)

// leaseTTL is the deploy lease's TTL in serve (deploy.Config's default).
const leaseTTL = 30 * time.Second

func TestFaultRecovery(t *testing.T) {
	bin := buildArrakis(t)
	t.Run("serve SIGKILLed after a deploy's second write", func(t *testing.T) {
		serveStoppedMidDeploy(t, bin, syscall.SIGKILL)
	})
	t.Run("serve SIGTERMed during a deploy", func(t *testing.T) {
		serveStoppedMidDeploy(t, bin, syscall.SIGTERM)
	})
	t.Run("S3 unreachable at start-up", func(t *testing.T) { serveWithoutHistory(t, bin) })
	t.Run("Redis paused during a click", func(t *testing.T) { serveRedisPaused(t, bin) })
	t.Run("S3 killed before the snapshot", func(t *testing.T) { serveHistoryLostBeforeSnapshot(t, bin) })
	t.Run("S3 killed between the writes and the record", func(t *testing.T) { serveHistoryLostBeforeRecord(t, bin) })
	t.Run("data directory unwritable", func(t *testing.T) { serveDataDirUnwritable(t, bin) })
}

// serveStoppedMidDeploy runs a deploy on instance a, sends it sig while its third Discord
// write is in flight, and checks what instance b shows and that Retry there converges.
func serveStoppedMidDeploy(t *testing.T, bin string, sig syscall.Signal) {
	fd := fakediscord.New(t)
	seed := fd.Seed(fakediscord.GuildOptions{ID: testenv.GuildID(t)})
	s3 := testenv.S3(t)
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	settings := httpServeEnv(fd, pub, s3Env(s3, s3.Endpoint), map[string]string{
		"ARRAKIS_REDIS_URL": "redis://" + testenv.RedisAddr(t),
		"ARRAKIS_DATA_DIR":  t.TempDir(),
		"ARRAKIS_LOG_LEVEL": "info",
	})
	a := startChild(t, bin, "a", settings)
	b := startChild(t, bin, "b", settings)
	w := &wiz{t: t, fd: fd, seed: seed, priv: priv, live: []*child{a}, client: &http.Client{Timeout: 10 * time.Second}}
	w.play(walkToAssets)
	w.play(walkToReview)
	w.play([]wizStep{{name: "deploy…", do: clickStep("deploy"), title: "Step 7 of 8 — Review"}})

	// The deploy creates the role, the category, then the channel: hold the channel's
	// create (the third write) in flight.
	reached, release := fd.Stall(http.MethodPost, "/guilds/"+seed.ID+"/channels", 1)
	t.Cleanup(release)
	confirm := w.clickDeferred("confirm")
	if !strings.Contains(confirm.text(), "Deploying") {
		t.Fatalf("Confirm deploy did not answer with progress:\n%s", confirm.text())
	}
	select {
	case <-reached:
	case <-time.After(60 * time.Second):
		t.Fatal("the deploy's third write never reached Discord")
	}
	if err := syscall.Kill(a.cmd.Process.Pid, sig); err != nil {
		t.Fatal(err)
	}
	stoppedAt := time.Now()
	release() // a SIGTERMed instance sees its write answered (503), then stops
	w.live = []*child{b}

	rc := testenv.Redis(t)
	if sig == syscall.SIGTERM {
		select {
		case <-a.done:
		case <-time.After(shutdownGrace):
			t.Fatalf("a did not exit within %s of SIGTERM:\n%s", shutdownGrace, tail(a.log, 3000))
		}
		keys, err := rc.Keys(context.Background(), "*lease*"+seed.ID+"*").Result()
		if err != nil || len(keys) != 0 {
			t.Fatalf("the deploy lease is still held after SIGTERM: %v %v", keys, err)
		}
	} else {
		a.kill()
	}

	// Refresh on the wizard message (as the admin left it) and a new /setup, both on b.
	within := leaseTTL + 5*time.Second
	if sig == syscall.SIGTERM {
		within = 5 * time.Second // stopped at once: no lease to wait out
	}
	var refresh answer
	defer func() {
		if t.Failed() {
			t.Logf("last Refresh answer:\n%s", refresh.text())
		}
	}()
	waitFor(t, within-time.Since(stoppedAt), "Refresh shows the stopped deploy", func() bool {
		refresh = w.clickOn("refresh", confirm.msg)
		return strings.Contains(refresh.text(), "stopped")
	})
	setup := w.command("setup")
	for _, got := range []answer{refresh, setup} {
		txt := got.text()
		if !strings.Contains(txt, "stopped") || !strings.Contains(txt, "Done") {
			t.Fatalf("the stopped deploy is not shown with what it did:\n%s", txt)
		}
		w.last = got.msg
		w.component("retry")
		w.component("cancel")
	}
	if sig == syscall.SIGKILL && time.Since(stoppedAt) > leaseTTL+5*time.Second {
		t.Fatalf("the stopped deploy was shown %s after the kill, want within %s", time.Since(stoppedAt), leaseTTL+5*time.Second)
	}

	// The guild's alert (no alert channel: a DM to the admin who deployed).
	waitFor(t, 20*time.Second, "the stopped deploy's alert", func() bool {
		for _, m := range fd.DMs(seed.OwnerID) {
			if strings.Contains(m.Content, "stopped") {
				return true
			}
		}
		return false
	})

	// Retry: what is left, confirmed, answers with progress and converges.
	retryToDeployed(t, w, fd, "stopped")
	roleName := func(r *discordgo.Role) string { return r.Name }
	chanName := func(c *discordgo.Channel) string { return c.Name }
	if n := countNamed(fd.Roles(seed.ID), roleName, "Bronze Holder"); n != 1 {
		t.Fatalf("%d roles named Bronze Holder, want 1", n)
	}
	for _, name := range []string{"Holders", "holders-chat"} {
		if n := countNamed(fd.Channels(seed.ID), chanName, name); n != 1 {
			t.Fatalf("%d channels named %s, want 1", n, name)
		}
	}
}

// clickDeferred clicks action on the last wizard message on the next instance and returns
// the message as its first deferred edit set it.
func (w *wiz) clickDeferred(action string) answer {
	w.t.Helper()
	id, kind := w.component(action)
	msgID := w.last.ID // the message the click is on, which its edits change
	c := w.next()
	in, raw := w.prepare(w.clickPayload(id, kind))
	st, body, err := w.post(c, raw)
	if err != nil || st != http.StatusOK {
		w.t.Fatalf("%s answered %d: %v", c.name, st, err)
	}
	if err := w.fd.AcknowledgeHTTP(in.ID, body); err != nil {
		w.t.Fatalf("%s: the fake refused the answer: %v", c.name, err)
	}
	a := answer{in: in, via: c.name, status: st}
	if cbs := w.fd.Callbacks(in.ID); len(cbs) == 1 && cbs[0].Type != discordgo.InteractionResponseDeferredMessageUpdate {
		m, err := cbs[0].Message()
		if err != nil {
			w.t.Fatal(err)
		}
		a.msg = m
	} else if a.msg, err = firstEdit(w.t, w.fd, in.Token); err != nil {
		w.t.Fatal(err)
	}
	if a.msg.ID == "" {
		a.msg.ID = msgID
	}
	if len(a.msg.Embeds) > 0 {
		w.last = a.msg
	}
	return a
}

// clickOn clicks action on msg (an older wizard message) on the next instance.
func (w *wiz) clickOn(action string, msg *discordgo.Message) answer {
	w.t.Helper()
	w.last = msg
	return w.click(action)
}
