package main

import (
	"crypto/ed25519"
	"crypto/rand"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/arrakis-bot/arrakis/internal/fakediscord"
	"github.com/arrakis-bot/arrakis/internal/testenv"
)

// tcpGate is a loopback TCP proxy to target that can be cut (every connection, open or
// new, is closed at once) and restored: an S3 server that cannot be reached.
type tcpGate struct {
	ln     net.Listener
	target string
	up     atomic.Bool
	mu     sync.Mutex
	conns  map[net.Conn]struct{}
}

func newTCPGate(t *testing.T, target string) *tcpGate {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	g := &tcpGate{ln: ln, target: target, conns: map[net.Conn]struct{}{}}
	done := make(chan struct{})
	go g.serve(done)
	t.Cleanup(func() { ln.Close(); g.setUp(false); <-done })
	return g
}

func (g *tcpGate) addr() string { return g.ln.Addr().String() }

func (g *tcpGate) serve(done chan<- struct{}) {
	defer close(done)
	for {
		c, err := g.ln.Accept()
		if err != nil {
			return
		}
		if !g.up.Load() {
			c.Close()
			continue
		}
		go g.pipe(c)
	}
}

func (g *tcpGate) pipe(c net.Conn) {
	u, err := net.DialTimeout("tcp", g.target, 5*time.Second)
	if err != nil {
		c.Close()
		return
	}
	g.track(c, u)
	go func() { _, _ = io.Copy(u, c); u.Close() }()
	_, _ = io.Copy(c, u)
	c.Close()
}

func (g *tcpGate) track(cs ...net.Conn) {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, c := range cs {
		g.conns[c] = struct{}{}
	}
}

// setUp lets connections through (true) or cuts every one (false).
func (g *tcpGate) setUp(up bool) {
	g.up.Store(up)
	if up {
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	for c := range g.conns {
		c.Close()
	}
	g.conns = map[net.Conn]struct{}{}
}

func readyzBody(t *testing.T, c *child) (int, string) {
	t.Helper()
	resp, err := http.Get(c.base + "/readyz")
	if err != nil {
		t.Fatalf("/readyz of %s: %v", c.name, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// serveWithoutHistory: S3 cannot be reached when serve starts. It starts anyway, /readyz
// is 200 and names the deployment history, wizard clicks work, and the review refuses a
// deploy with the history's sentence; when S3 answers again, a deploy works.
func serveWithoutHistory(t *testing.T, bin string) {
	fd := fakediscord.New(t)
	seed := fd.Seed(fakediscord.GuildOptions{ID: testenv.GuildID(t)})
	s3, gate := gatedS3(t)
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	settings := httpServeEnv(fd, pub, s3Env(s3, "http://"+gate.addr()), map[string]string{
		"ARRAKIS_REDIS_URL": "redis://" + testenv.RedisAddr(t),
		"ARRAKIS_DATA_DIR":  t.TempDir(),
		"ARRAKIS_LOG_LEVEL": "info",
	})
	a := startChild(t, bin, "a", settings)
	w := &wiz{t: t, fd: fd, seed: seed, priv: priv, live: []*child{a}, client: &http.Client{Timeout: 10 * time.Second}}
	w.play(walkToAssets)

	gate.setUp(false)
	b := startChild(t, bin, "b", settings) // waits for /readyz 200
	a.kill()
	status, body := readyzBody(t, b)
	if status != http.StatusOK || !strings.Contains(body, "history: failing") || !strings.Contains(body, "deployment history") || !strings.Contains(body, gate.addr()) {
		t.Fatalf("/readyz with S3 down: %d\n%s", status, body)
	}
	if !strings.Contains(tail(b.log, 20000), "s3.endpoint") {
		t.Fatalf("b's log does not name the failing setting:\n%s", tail(b.log, 4000))
	}
	w.live = []*child{b}
	w.play(walkToReview[:len(walkToReview)-1]) // every wizard click works on b
	rv := w.click("next")
	sentence := historySentence(s3, gate)
	if rv.title() != "Step 7 of 8 — Review" || !strings.Contains(rv.text(), sentence) {
		t.Fatalf("the review does not refuse with the history's sentence %q:\n%s", sentence, rv.text())
	}

	gate.setUp(true)
	waitFor(t, 20*time.Second, "b's /readyz shows the history back", func() bool {
		_, body := readyzBody(t, b)
		return strings.Contains(body, "history: ok")
	})
	w.click("back")
	w.play([]wizStep{
		{name: "review again", do: clickStep("next"), title: "Step 7 of 8 — Review"},
		{name: "deploy…", do: clickStep("deploy"), title: "Step 7 of 8 — Review"},
	})
	confirm := w.clickDeferred("confirm")
	waitFor(t, 60*time.Second, "the deploy completes", func() bool {
		m := fd.Original(confirm.in.Token)
		return m != nil && len(m.Embeds) > 0 && strings.Contains(m.Embeds[0].Description, "Deployed")
	})
}

// serveHistoryLostBeforeRecord: S3 goes away after the deploy's Discord writes and before
// its deployment record. The deploy stops with the history's sentence, /drift says the
// same sentence, and once S3 is back Retry answers with progress and converges.
func serveHistoryLostBeforeRecord(t *testing.T, bin string) {
	w, fd, gate, s3 := startGatedServeAtDeploy(t, bin)
	seed := w.seed

	// The channel's create is the deploy's last write: S3 goes away while it is in flight.
	reached, release := fd.Stall(http.MethodPost, "/guilds/"+seed.ID+"/channels", 1)
	t.Cleanup(release)
	confirm := w.clickDeferred("confirm")
	select {
	case <-reached:
	case <-time.After(60 * time.Second):
		t.Fatal("the deploy's last write never reached Discord")
	}
	gate.setUp(false)
	release()
	sentence := historySentence(s3, gate)
	var stopped string
	waitFor(t, 90*time.Second, "the deploy stops naming the deployment history", func() bool {
		m := fd.Original(confirm.in.Token)
		if m == nil || len(m.Embeds) == 0 {
			return false
		}
		stopped = m.Embeds[0].Description
		return strings.Contains(stopped, "stopped")
	})
	if !strings.Contains(stopped, sentence) {
		t.Fatalf("the stopped deploy does not name the deployment history (%q):\n%s", sentence, stopped)
	}
	drift := w.command("drift")
	if !strings.Contains(drift.text(), sentence) {
		t.Fatalf("/drift with S3 down does not say the same sentence %q:\n%s", sentence, drift.text())
	}
	if rb, want := w.rollbackAttempt(), historyLine(drift.text(), sentence); historyLine(rb.text(), sentence) != want {
		t.Fatalf("Roll back… with S3 down does not say /drift's line %q:\n%s", want, rb.text())
	}

	gate.setUp(true)
	if setup := w.command("setup"); !strings.Contains(setup.text(), sentence) {
		t.Fatalf("/setup does not show the stopped deploy with its sentence:\n%s", setup.text())
	}
	retryToDeployed(t, w, fd, "stopped")
	for _, name := range []string{"Holders", "holders-chat"} {
		n := 0
		for _, c := range fd.Channels(seed.ID) {
			if c.Name == name {
				n++
			}
		}
		if n != 1 {
			t.Fatalf("%d channels named %s, want 1", n, name)
		}
	}
}

// startGatedServeAtDeploy starts one HTTP-mode serve whose S3 endpoint is a TCP gate in
// front of the suite's versitygw (open), and walks the wizard to the deploy confirmation.
func startGatedServeAtDeploy(t *testing.T, bin string) (*wiz, *fakediscord.Server, *tcpGate, testenv.S3Settings) {
	fd := fakediscord.New(t)
	seed := fd.Seed(fakediscord.GuildOptions{ID: testenv.GuildID(t)})
	s3, gate := gatedS3(t)
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	a := startChild(t, bin, "a", httpServeEnv(fd, pub, s3Env(s3, "http://"+gate.addr()), map[string]string{
		"ARRAKIS_REDIS_URL": "redis://" + testenv.RedisAddr(t),
		"ARRAKIS_DATA_DIR":  t.TempDir(),
	}))
	w := &wiz{t: t, fd: fd, seed: seed, priv: priv, live: []*child{a}, client: &http.Client{Timeout: 10 * time.Second}}
	w.play(walkToAssets)
	w.play(walkToReview)
	w.play([]wizStep{{name: "deploy…", do: clickStep("deploy"), title: "Step 7 of 8 — Review"}})
	return w, fd, gate, s3
}

// historySentence is what every path says when the deployment history behind gate is
// out of reach (store.Error's sentence for the S3 part).
func historySentence(s3 testenv.S3Settings, gate *tcpGate) string {
	return "Arrakis can't reach its deployment history (the S3 bucket " + s3.Bucket + " at http://" + gate.addr() + ") right now."
}

// historyLine is the line of txt that holds the history's sentence ("" if none).
func historyLine(txt, sentence string) string {
	for _, l := range strings.Split(txt, "\n") {
		if strings.Contains(l, sentence) {
			return strings.TrimPrefix(l, "❌ ")
		}
	}
	return ""
}

// rollbackAttempt clicks Roll back… (the control /setup offers in a deployed guild) and
// returns the bot's answer.
func (w *wiz) rollbackAttempt() answer {
	w.t.Helper()
	return w.send(w.clickPayload("arrd:"+w.seed.ID+":rb:0", discordgo.ButtonComponent))
}

// serveHistoryLostBeforeSnapshot: S3 goes away after Confirm deploy's review and before the
// deploy saves its snapshot. The deploy is refused with the history's sentence and writes nothing
// to Discord; /drift and a rollback say the same sentence; once S3 is back, Retry answers
// with progress and converges.
func serveHistoryLostBeforeSnapshot(t *testing.T, bin string) {
	w, fd, gate, s3 := startGatedServeAtDeploy(t, bin)
	seed := w.seed

	// Confirm's review reads the guild's roles once, then the deploy reads them again
	// (after reading the history) before it saves its snapshot: S3 goes away while that
	// second read is in flight.
	reached, release := fd.Stall(http.MethodGet, "/guilds/"+seed.ID+"/roles", 1)
	t.Cleanup(release)
	confirm := w.clickDeferred("confirm")
	if !strings.Contains(confirm.text(), "Deploying") {
		t.Fatalf("Confirm deploy did not answer with progress:\n%s", confirm.text())
	}
	select {
	case <-reached:
	case <-time.After(60 * time.Second):
		t.Fatal("the deploy never read the guild's roles")
	}
	gate.setUp(false)
	release() // answered 503: the deploy reads the roles again, then cannot save its snapshot
	sentence := historySentence(s3, gate)
	var refused string
	waitFor(t, 90*time.Second, "the deploy is refused", func() bool {
		m := fd.Original(confirm.in.Token)
		if m == nil || len(m.Embeds) == 0 {
			return false
		}
		refused = m.Embeds[0].Description
		return !strings.Contains(refused, "Deploying")
	})
	if !strings.Contains(refused, sentence) {
		t.Fatalf("the deploy with S3 down is not refused with the history's sentence %q:\n%s", sentence, refused)
	}
	made := func() int {
		n := countNamed(fd.Roles(seed.ID), func(r *discordgo.Role) string { return r.Name }, "Bronze Holder")
		for _, name := range []string{"Holders", "holders-chat"} {
			n += countNamed(fd.Channels(seed.ID), func(c *discordgo.Channel) string { return c.Name }, name)
		}
		return n
	}
	if n := made(); n != 0 {
		t.Fatalf("the refused deploy made %d roles and channels in Discord", n)
	}
	// The whole line (the history's sentence and its advice) is the same byte for byte.
	line := historyLine(refused, sentence)
	drift, rb := w.command("drift"), w.rollbackAttempt()
	for what, txt := range map[string]string{"/drift": drift.text(), "Roll back…": rb.text()} {
		if got := historyLine(txt, sentence); got != line {
			t.Fatalf("%s with S3 down says %q, the refused deploy %q", what, got, line)
		}
	}
	if n := made(); n != 0 {
		t.Fatalf("with S3 down, %d roles and channels were made in Discord", n)
	}

	gate.setUp(true)
	w.last = fd.Original(confirm.in.Token) // the refusal, with Retry deploy…
	retryToDeployed(t, w, fd, sentence)
	if n := made(); n != 3 {
		t.Fatalf("after the deploy, %d of the role and two channels exist, want 3 (one each)", n)
	}
}
