package main

import (
	"crypto/ed25519"
	"crypto/rand"
	"net"
	"net/http"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/arrakis-bot/arrakis/internal/fakediscord"
	"github.com/arrakis-bot/arrakis/internal/testenv"
)

// startRedis starts a redis-server of the test's own (it will be paused) on a free port;
// it is resumed and killed on every exit path.
func startRedis(t *testing.T) (addr string, pid int) {
	t.Helper()
	addr = freePort(t)
	_, port, _ := net.SplitHostPort(addr)
	cmd := exec.Command("redis-server", "--port", port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", t.TempDir())
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start redis-server: %v", err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGCONT)
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-done
	})
	waitFor(t, 10*time.Second, "redis-server listens", func() bool {
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			c.Close()
		}
		return err == nil
	})
	return addr, cmd.Process.Pid
}

// serveRedisPaused: Redis stops answering (SIGSTOP) while the admin clicks. The click is
// answered with the session store's sentence within the click budget plus 500 ms, well
// inside Discord's 3 s; after SIGCONT the wizard works again.
func serveRedisPaused(t *testing.T, bin string) {
	const budget = 2 * time.Second // discord.click_budget's default
	fd := fakediscord.New(t)
	seed := fd.Seed(fakediscord.GuildOptions{ID: testenv.GuildID(t)})
	redisAddr, redisPID := startRedis(t)
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	a := startChild(t, bin, "a", httpServeEnv(fd, pub, map[string]string{
		"ARRAKIS_REDIS_URL": "redis://" + redisAddr,
		"ARRAKIS_DATA_DIR":  t.TempDir(),
	}))
	w := &wiz{t: t, fd: fd, seed: seed, priv: priv, live: []*child{a}, client: &http.Client{Timeout: 10 * time.Second}}
	w.play(walkToAssets)

	if err := syscall.Kill(redisPID, syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	resumed := false
	resume := func() {
		if !resumed {
			_ = syscall.Kill(redisPID, syscall.SIGCONT)
			resumed = true
		}
	}
	defer resume()
	for _, action := range []string{"next", "back"} {
		in, raw := w.prepare(w.clickPayload(w.mustComponent(action)))
		start := time.Now()
		status, body, err := w.post(a, raw)
		took := time.Since(start)
		if err != nil || status != http.StatusOK {
			t.Fatalf("%s with Redis paused: %d %v", action, status, err)
		}
		if took > budget+500*time.Millisecond || took >= 3*time.Second {
			t.Fatalf("%s with Redis paused answered after %s, want within %s", action, took, budget+500*time.Millisecond)
		}
		if err := fd.AcknowledgeHTTP(in.ID, body); err != nil {
			t.Fatalf("the fake refused the answer: %v", err)
		}
		m, err := fd.Callbacks(in.ID)[0].Message()
		if err != nil || !strings.Contains(m.Content, "can't reach its session store") {
			t.Fatalf("%s with Redis paused answered %+v (%v), want the session store's sentence", action, m, err)
		}
		t.Logf("%s with Redis paused: answered in %s", action, took.Round(time.Millisecond))
	}
	resume()
	w.play([]wizStep{{name: "after SIGCONT", do: clickStep("back"), title: "Step 2 of 8 — Chains"}})
}
