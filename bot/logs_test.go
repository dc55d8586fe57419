package bot

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest"

	"github.com/arrakis-bot/arrakis/bot/restbase"
	"github.com/arrakis-bot/arrakis/store/memory"
)

// The client address the test's requests come from: RemoteAddr and X-Forwarded-For as a
// load balancer would set them (documentation ranges, RFC 5737 / RFC 3849).
const (
	clientIPv4   = "203.0.113.77"
	clientIPv6   = "2001:db8:85a3::8a2e:370:7334"
	clientRemote = clientIPv4 + ":5555"
	clientXFF    = clientIPv4 + ", " + clientIPv6 + ", 198.51.100.23"
)

// lockedBuffer collects encoded log lines from concurrent goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) Sync() error { return nil }

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// capturedLogger writes every line (debug and up) as the production JSON encoder would —
// message, fields, caller and stack — into buf; warnings and errors also go to the test log
// (the info lines of a whole walk would flood scripts/test's -v output).
func capturedLogger(t *testing.T, buf *lockedBuffer) *zap.Logger {
	enc := zapcore.NewJSONEncoder(zap.NewProductionEncoderConfig())
	core := zapcore.NewCore(enc, buf, zapcore.DebugLevel)
	return zaptest.NewLogger(t, zaptest.Level(zapcore.WarnLevel), zaptest.WrapOptions(
		zap.WrapCore(func(c zapcore.Core) zapcore.Core { return zapcore.NewTee(c, core) }),
		zap.AddCaller(), zap.AddStacktrace(zapcore.ErrorLevel)))
}

// recordingTransport is the signed HTTP transport with the client address set on every
// request, recording each interaction it delivers (for their tokens).
type recordingTransport struct {
	inner *httpTransport
	mu    sync.Mutex
	sent  []*discordgo.Interaction
}

func newClientAddrTransport(pub *ed25519.PublicKey, priv ed25519.PrivateKey) func(*E2E) transport {
	return func(e *E2E) transport {
		h := &InteractionsHandler{Bot: e.Bot, PublicKey: *pub}
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			r.RemoteAddr = clientRemote
			r.Header.Set("X-Forwarded-For", clientXFF)
			r.Header.Set("X-Real-IP", clientIPv4)
			h.ServeHTTP(w, r)
		}))
		e.t.Cleanup(srv.Close)
		return &recordingTransport{inner: &httpTransport{srv: srv, priv: priv}}
	}
}

func (rt *recordingTransport) deliver(e *E2E, p map[string]any) Result {
	e.t.Helper()
	r := rt.inner.deliver(e, p)
	rt.mu.Lock()
	rt.sent = append(rt.sent, r.Interaction)
	rt.mu.Unlock()
	return r
}

// TestLogsCarryIDsButNoSecrets: the logs of a full wizard walk, a deploy, a drift, /drift
// and a reconcile — with every line encoded in full, fields included — name the guild,
// the session and the interactions, and hold no token, no key and no full client address.
func TestLogsCarryIDsButNoSecrets(t *testing.T) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	var buf lockedBuffer
	e := newE2E(t, newClientAddrTransport(&pub, priv), func(o *e2eOptions) { o.log = capturedLogger(t, &buf) })
	rt := e.tr.(*recordingTransport)
	gid := e.Seed.ID

	runWalk(t, e, wizardWalk())
	sessionID := e.Session().ID
	e.Click("deploy")
	r := e.Click("confirm")
	mustContain(t, "deploy", r.Text(), "Deployed")
	snap, err := e.Shadow.LatestDeployed(context.Background(), gid)
	if err != nil {
		t.Fatalf("latest deployed: %v", err)
	}
	e.FD.DeleteChannel(snap.Deployment.Resources.Channels["chan-2"])
	r = e.Command("drift")
	mustContain(t, "/drift", r.Text(), ": missing")
	e.Click("rec")
	r = e.Click("rec_ok")
	mustContain(t, "reconcile", r.Text(), "Reconciled")
	// A click on a session that is gone is refused (and may be logged).
	e.Press(customID{SessionID: sessionID, Step: 8, Version: 1, Action: "finish"}.String(), discordgo.ButtonComponent)
	e.Bot.Wait()

	logs := buf.String()
	if strings.TrimSpace(logs) == "" {
		t.Fatal("nothing was logged")
	}
	t.Logf("%d log lines captured", strings.Count(logs, "\n"))

	secrets := map[string]string{
		"bot token":          e.FD.BotToken(),
		"Ed25519 public key": hex.EncodeToString(pub),
		// The private key as hex, and its seed half, which is how keys are usually kept.
		"Ed25519 private key":      hex.EncodeToString(priv),
		"Ed25519 private key seed": hex.EncodeToString(priv.Seed()),
	}
	rt.mu.Lock()
	sent := append([]*discordgo.Interaction(nil), rt.sent...)
	rt.mu.Unlock()
	if len(sent) < 20 {
		t.Fatalf("only %d interactions were delivered; the walk did not run", len(sent))
	}
	for _, in := range sent {
		if in.Token == "" {
			t.Fatalf("interaction %s has no token", in.ID)
		}
		secrets["token of interaction "+in.ID] = in.Token
	}
	for what, secret := range secrets {
		if strings.Contains(logs, secret) {
			t.Errorf("the logs contain the %s: %s", what, lineWith(logs, secret))
		}
	}

	for _, full := range []string{clientIPv4, clientIPv6, "198.51.100.23", clientRemote} {
		if strings.Contains(logs, full) {
			t.Errorf("the logs contain the full client address %s: %s", full, lineWith(logs, full))
		}
	}
	// Any full IPv4 address at all other than loopback (the fake and the test servers)
	// would be someone's.
	for _, ip := range regexp.MustCompile(`\b(?:\d{1,3}\.){3}\d{1,3}\b`).FindAllString(logs, -1) {
		if !strings.HasPrefix(ip, "127.") {
			t.Errorf("the logs contain the IPv4 address %s: %s", ip, lineWith(logs, ip))
		}
	}

	for what, id := range map[string]string{"guild id": gid, "session id": sessionID} {
		if !strings.Contains(logs, id) {
			t.Errorf("the logs never name the %s %s", what, id)
		}
	}
	missing := 0
	for _, in := range sent {
		if !strings.Contains(logs, `"interaction":"`+in.ID+`"`) {
			missing++
		}
	}
	if missing > 0 {
		t.Errorf("%d of %d interactions are not named by id (\"interaction\" field) in the logs", missing, len(sent))
	}
}

// lineWith returns the first log line containing s, for a failure message.
func lineWith(logs, s string) string {
	for _, l := range strings.Split(logs, "\n") {
		if strings.Contains(l, s) {
			return l
		}
	}
	return ""
}

// A follow-up edit that cannot reach Discord fails with an error naming the webhook URL,
// which holds the interaction token: the logged error has the token cut out and still
// names the interaction.
func TestFailedFollowupLogsNoToken(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "http://" + ln.Addr().String() + "/api/v9"
	ln.Close() // nothing listens there now: every request fails before an HTTP answer
	dg, err := discordgo.New("Bot not-a-real-token")
	if err != nil {
		t.Fatal(err)
	}
	rtb, err := restbase.New(dead, http.DefaultTransport)
	if err != nil {
		t.Fatal(err)
	}
	dg.Client = &http.Client{Transport: rtb, Timeout: 5 * time.Second}

	var buf lockedBuffer
	b := New(Deps{
		Sessions: memory.NewSessions(memory.Options{}), Coordination: memory.NewCoordination(time.Now),
		Followups: SessionFollowups{S: dg}, Log: capturedLogger(t, &buf),
	})
	const token = "aW50ZXJhY3Rpb246MTIzNDU2Nzg5MDEyMzQ1Njc4OlNFQ1JFVA"
	i := &discordgo.Interaction{ID: "1234567890123456789", AppID: "1111111111111111111", Token: token,
		GuildID: "2222222222222222222", Type: discordgo.InteractionMessageComponent}
	var editErr error
	b.runLater(context.Background(), i, Reply{Later: func(ctx context.Context, edit EditFunc) {
		content := "x"
		editErr = edit(ctx, &discordgo.WebhookEdit{Content: &content})
	}})
	b.Wait()
	if editErr == nil || !strings.Contains(editErr.Error(), token) {
		t.Fatalf("the edit error should name the webhook URL with the token (the case this guards); got %v", editErr)
	}
	logs := buf.String()
	line := lineWith(logs, "edit interaction response")
	if line == "" {
		t.Fatalf("the failed edit was not logged:\n%s", logs)
	}
	if strings.Contains(logs, token) {
		t.Errorf("the logs contain the interaction token: %s", lineWith(logs, token))
	}
	if !strings.Contains(line, `"interaction":"`+i.ID+`"`) || !strings.Contains(line, "[interaction-token]") {
		t.Errorf("the line should name the interaction and show where the token was cut: %s", line)
	}
}
