package web

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/arrakis-bot/arrakis/drift"
	"github.com/arrakis-bot/arrakis/store"
	"github.com/arrakis-bot/arrakis/store/dir"
	"github.com/arrakis-bot/arrakis/store/memory"
	"github.com/arrakis-bot/arrakis/store/storetest"
	"github.com/arrakis-bot/arrakis/wizard"
)

// The HTTP-level tests run the web view on a real loopback listener, so that the address a
// request comes from is the one its client bound (127.0.0.1 or 127.0.0.2).

const (
	guildA    = "1180000000000000001"
	guildB    = "1180000000000000002"
	adminID   = "1180000000000000010"
	modID     = "1180000000000000011"
	guildName = "Secret Dune Guild"
	itemName  = "Gold-role-7f3a"
)

// stubAccess answers Access from a table: who may manage which guild.
type stubAccess struct {
	mu      sync.Mutex
	manage  map[[2]string]bool
	unknown map[string]bool
	calls   int
}

func (a *stubAccess) Member(_ context.Context, guildID, userID string) (Membership, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.calls++
	if a.unknown[guildID] {
		return Membership{}, ErrUnknownGuild
	}
	return Membership{CanManage: a.manage[[2]string{guildID, userID}], GuildName: guildName, UserName: "sand-admin"}, nil
}

func (a *stubAccess) setUnknown(guildID string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.unknown[guildID] = true
}

func (a *stubAccess) set(guildID, userID string, ok bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.manage[[2]string{guildID, userID}] = ok
}

type stubDrift struct{}

func (stubDrift) Drift(_ context.Context, guildID string) (*DriftReport, error) {
	return &DriftReport{DesiredID: "v00000002", ShadowID: "v00000001", Report: drift.Report{Items: []drift.Item{
		{Type: drift.RoleMissing, Severity: drift.SeverityError, Name: itemName},
		{Type: drift.RoleMismatch, Severity: drift.SeverityInfo, Name: "Bronze", Field: "color", Expected: "#CD7F32", Actual: "#00FF00"},
	}}}, nil
}

type fixture struct {
	t      *testing.T
	srv    *Server
	ts     *httptest.Server
	clock  *storetest.SessionsClock
	access *stubAccess
	logs   *observer.ObservedLogs
	shadow store.Shadow
}

func newFixture(t *testing.T, configure ...func(*Config)) *fixture {
	t.Helper()
	f := &fixture{t: t, clock: storetest.NewSessionsClock(),
		access: &stubAccess{manage: map[[2]string]bool{}, unknown: map[string]bool{}}}
	f.access.set(guildA, adminID, true)
	f.access.set(guildB, adminID, true)
	sh, err := dir.NewShadow(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	f.shadow = sh
	core, logs := observer.New(zapcore.DebugLevel)
	f.logs = logs
	cfg := Config{Auth: memory.NewWebAuth(f.clock.Now), Shadow: sh, Access: f.access, Drift: stubDrift{},
		Log: zap.New(core), Now: f.clock.Now}
	for _, c := range configure {
		c(&cfg)
	}
	f.ts = httptest.NewUnstartedServer(nil)
	cfg.BaseURL = "http://" + f.ts.Listener.Addr().String()
	f.srv, err = New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	f.ts.Config.Handler = f.srv
	f.ts.Start()
	t.Cleanup(f.ts.Close)
	return f
}

// client dials from local (e.g. "127.0.0.2"), follows no redirects and keeps no cookies:
// each test says which cookie it sends.
func client(local string) *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(local)}, Timeout: 5 * time.Second}
	return &http.Client{
		Transport:     &http.Transport{DialContext: d.DialContext, DisableKeepAlives: true},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Timeout:       10 * time.Second,
	}
}

type response struct {
	status int
	body   string
	header http.Header
	resp   *http.Response
}

func (f *fixture) do(c *http.Client, req *http.Request) response {
	f.t.Helper()
	resp, err := c.Do(req)
	if err != nil {
		f.t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return response{status: resp.StatusCode, body: string(b), header: resp.Header, resp: resp}
}

// link makes a sign-in link for user in guild, as the bot does.
func (f *fixture) link(guild, user string) string {
	f.t.Helper()
	l, err := f.srv.WebLink(context.Background(), guild, user)
	if err != nil {
		f.t.Fatal(err)
	}
	if !strings.HasPrefix(l, f.ts.URL+"/web/signin/") {
		f.t.Fatalf("link %q is not under the base URL", l)
	}
	return l
}

// redeem opens the link's page and presses Continue, from c.
func (f *fixture) redeem(c *http.Client, link string, header ...string) response {
	f.t.Helper()
	page := f.do(c, mustRequest(f.t, http.MethodGet, link, nil))
	if page.status != http.StatusOK || !strings.Contains(page.body, `name="token"`) {
		f.t.Fatalf("sign-in page: %d %s", page.status, page.body)
	}
	token := link[strings.LastIndex(link, "/")+1:]
	req := mustRequest(f.t, http.MethodPost, f.ts.URL+"/web/signin", strings.NewReader(url.Values{"token": {token}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return f.do(c, req)
}

// signIn redeems a fresh link and returns the session cookie.
func (f *fixture) signIn(c *http.Client, guild, user string, header ...string) *http.Cookie {
	f.t.Helper()
	r := f.redeem(c, f.link(guild, user), header...)
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/web/g/"+guild+"/drift" {
		f.t.Fatalf("sign-in: %d %q %s", r.status, r.header.Get("Location"), r.body)
	}
	for _, ck := range r.resp.Cookies() {
		if ck.Name == cookiePrefix+guild {
			return ck
		}
	}
	f.t.Fatalf("sign-in set no cookie %s%s: %v", cookiePrefix, guild, r.header["Set-Cookie"])
	return nil
}

func (f *fixture) get(c *http.Client, path string, ck *http.Cookie, header ...string) response {
	f.t.Helper()
	req := mustRequest(f.t, http.MethodGet, f.ts.URL+path, nil)
	if ck != nil {
		req.AddCookie(ck)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return f.do(c, req)
}

func mustRequest(t *testing.T, method, u string, body io.Reader) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

// refused checks a refusal: its status, its sentence, and that nothing of the guild is in it.
func refused(t *testing.T, what string, r response, status int, f refusal) {
	t.Helper()
	if r.status != status || !strings.Contains(r.body, htmlText(f.text)) {
		t.Fatalf("%s: %d, want %d with %q; body:\n%s", what, r.status, status, f.text, r.body)
	}
	for _, secret := range []string{guildA, guildB, guildName, itemName, "Bronze", "Dune Traders", "Holder"} {
		if strings.Contains(r.body, secret) {
			t.Fatalf("%s: the refusal shows guild data %q:\n%s", what, secret, r.body)
		}
	}
}

// htmlText is s as html/template writes it in text.
func htmlText(s string) string {
	return strings.NewReplacer("'", "&#39;", "\"", "&#34;", "&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// seedHistory saves two versions of the example manifest for guild, the first deployed.
func seedHistory(t *testing.T, sh store.Shadow, guild string) {
	t.Helper()
	data, err := os.ReadFile("../examples/community.yaml")
	if err != nil {
		t.Fatal(err)
	}
	m, err := wizard.DecodeYAML(data)
	if err != nil {
		t.Fatal(err)
	}
	m.Community.GuildID = guild
	ctx := context.Background()
	v1, err := sh.Save(ctx, m, store.SnapshotMeta{CommunityID: guild, GuildID: guild, CreatedBy: "sand-admin", Reason: store.ReasonInitial})
	if err != nil {
		t.Fatal(err)
	}
	if err := sh.RecordDeployment(ctx, guild, v1.ID, store.Deployment{SnapshotID: v1.ID, DeployedAt: time.Now(), DeployedBy: "sand-admin", Result: "completed"}); err != nil {
		t.Fatal(err)
	}
	m.Tiers[0].Role.Name = "Holder Prime"
	if _, err := sh.Save(ctx, m, store.SnapshotMeta{CommunityID: guild, GuildID: guild, CreatedBy: "sand-admin", Reason: store.ReasonUpdate}); err != nil {
		t.Fatal(err)
	}
}
