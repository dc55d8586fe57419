package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"

	"github.com/arrakis-bot/arrakis/bot"
	"github.com/arrakis-bot/arrakis/bot/restbase"
	"github.com/arrakis-bot/arrakis/internal/testenv"
	"github.com/arrakis-bot/arrakis/store/redis"
)

func TestSignatureVerifies(t *testing.T) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	body := []byte(`{"type":1}`)
	ts := time.Unix(1795690000, 0)
	h := signHeaders(priv, body, ts)
	sig, err := hex.DecodeString(h.Get("X-Signature-Ed25519"))
	if err != nil {
		t.Fatalf("signature is not hex: %v", err)
	}
	if h.Get("X-Signature-Timestamp") != "1795690000" {
		t.Fatalf("timestamp header %q", h.Get("X-Signature-Timestamp"))
	}
	if !ed25519.Verify(pub, append([]byte("1795690000"), body...), sig) {
		t.Fatal("signature over timestamp+body does not verify")
	}
	if ed25519.Verify(pub, append([]byte("1795690001"), body...), sig) {
		t.Fatal("signature verifies for another timestamp")
	}
}

// The bot's own endpoint accepts what the tool signs (a PING needs no store).
func TestSignatureAcceptedByEndpoint(t *testing.T) {
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	srv := httptest.NewServer(&bot.InteractionsHandler{Bot: bot.New(bot.Deps{}), PublicKey: pub})
	defer srv.Close()
	post := func(key ed25519.PrivateKey) int {
		body := []byte(`{"id":"1","application_id":"1","type":1,"token":"t","version":1}`)
		req, _ := http.NewRequest(http.MethodPost, srv.URL, bytes.NewReader(body))
		req.Header = signHeaders(key, body, time.Now())
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := post(priv); got != http.StatusOK {
		t.Fatalf("PING signed by the tool: status %d, want 200", got)
	}
	_, other, _ := ed25519.GenerateKey(rand.Reader)
	if got := post(other); got != http.StatusUnauthorized {
		t.Fatalf("PING signed by another key: status %d, want 401", got)
	}
}

func TestParseKey(t *testing.T) {
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	for _, in := range []string{hex.EncodeToString(priv.Seed()), hex.EncodeToString(priv), " " + hex.EncodeToString(priv.Seed()) + "\n"} {
		k, err := parseKey(in)
		if err != nil {
			t.Fatalf("parseKey(%d chars): %v", len(in), err)
		}
		if !bytes.Equal(k, priv) {
			t.Fatalf("parseKey(%d chars) gave another key", len(in))
		}
	}
	for _, bad := range []string{"", "zz", hex.EncodeToString(make([]byte, 31))} {
		if _, err := parseKey(bad); err == nil {
			t.Fatalf("parseKey(%q) accepted", bad)
		}
	}
}

func TestPercentile(t *testing.T) {
	ms := func(n ...int) []time.Duration {
		out := make([]time.Duration, len(n))
		for i, v := range n {
			out[i] = time.Duration(v) * time.Millisecond
		}
		return out
	}
	hundred := make([]time.Duration, 100)
	for i := range hundred {
		hundred[i] = time.Duration(i+1) * time.Millisecond
	}
	for _, c := range []struct {
		in   []time.Duration
		p    float64
		want time.Duration
	}{
		{nil, 50, 0},
		{ms(7), 50, 7 * time.Millisecond},
		{ms(7), 99, 7 * time.Millisecond},
		{ms(1, 2, 3, 4), 50, 2 * time.Millisecond},
		{ms(1, 2, 3, 4), 51, 3 * time.Millisecond},
		{ms(1, 2, 3, 4), 100, 4 * time.Millisecond},
		{ms(1, 2, 3, 4), 0, 1 * time.Millisecond},
		{hundred, 50, 50 * time.Millisecond},
		{hundred, 95, 95 * time.Millisecond},
		{hundred, 99, 99 * time.Millisecond},
		{hundred, 99.5, 100 * time.Millisecond},
	} {
		if got := percentile(c.in, c.p); got != c.want {
			t.Errorf("percentile(%d samples, %v) = %v, want %v", len(c.in), c.p, got, c.want)
		}
	}
}

func TestRecorderSummary(t *testing.T) {
	r := newRecorder()
	for i := 100; i >= 1; i-- { // out of order: summary sorts
		var err error
		if i%25 == 0 {
			err = errString("HTTP 500: boom")
		}
		r.add(time.Duration(i)*time.Millisecond, err)
	}
	s := r.summary(2 * time.Second)
	if s.Clicks != 100 || s.Errors != 4 || s.Examples["HTTP 500: boom"] != 4 {
		t.Fatalf("clicks %d errors %d examples %v", s.Clicks, s.Errors, s.Examples)
	}
	if s.P50 != 50*time.Millisecond || s.P99 != 99*time.Millisecond || s.Max != 100*time.Millisecond {
		t.Fatalf("p50 %v p99 %v max %v", s.P50, s.P99, s.Max)
	}
	if s.Throughput() != 50 {
		t.Fatalf("throughput %v, want 50", s.Throughput())
	}
}

type errString string

func (e errString) Error() string { return string(e) }

func TestCommandStats(t *testing.T) {
	before, err := parseCommandStats("# Commandstats\r\ncmdstat_set:calls=10,usec=50,usec_per_call=5.00,rejected_calls=0,failed_calls=0\r\n" +
		"cmdstat_info:calls=3,usec=9\r\ncmdstat_getex:calls=4,usec=8\r\n")
	if err != nil {
		t.Fatal(err)
	}
	after, _ := parseCommandStats("cmdstat_set:calls=30,usec=50\r\ncmdstat_info:calls=9,usec=9\r\ncmdstat_getex:calls=14,usec=8\r\ncmdstat_evalsha:calls=10,usec=1\r\n")
	d := after.delta(before)
	if d["set"] != 20 || d["getex"] != 10 || d["evalsha"] != 10 || d["info"] != 0 || d.total() != 40 {
		t.Fatalf("delta %v", d)
	}
	if got := strings.Join(d.mix(10), "+"); got != "evalsha+getex+set+set" {
		t.Fatalf("mix %q", got)
	}
	if _, err := parseCommandStats("cmdstat_set:calls=x"); err == nil {
		t.Fatal("a bad count parsed")
	}
}

// A probe that saw fewer round trips than commands makes a baseline whose mark and read share
// a pipeline; one that did not keeps every command its own round trip.
func TestBaselineSteps(t *testing.T) {
	mix := []string{"evalsha", "getex", "set"}
	p := probe{Clicks: 10, Sent: commandStats{"set": 10, "getex": 10, "evalsha": 10}, ReadEvents: 20}
	if !p.pipelined() {
		t.Fatal("2 round trips for 3 commands per click: not seen as pipelined")
	}
	b := baselineResult{Steps: baselineSteps(mix, true)}
	if got := b.describe(); got != "pipeline(set,getex)+evalsha" || b.roundTrips() != 2 {
		t.Fatalf("pipelined steps %q (%d round trips)", got, b.roundTrips())
	}
	p.ReadEvents = 30
	if p.pipelined() {
		t.Fatal("3 round trips for 3 commands per click: seen as pipelined")
	}
	b = baselineResult{Steps: baselineSteps(mix, false)}
	if got := b.describe(); got != "evalsha+getex+set" || b.roundTrips() != 3 {
		t.Fatalf("steps %q (%d round trips)", got, b.roundTrips())
	}
	if v, ok := infoField("# Stats\r\ntotal_reads_processed:1234\r\ntotal_writes_processed:99\r\n", "total_reads_processed"); !ok || v != 1234 {
		t.Fatalf("infoField = %d, %v", v, ok)
	}
	if _, ok := infoField("# Stats\r\n", "total_reads_processed"); ok {
		t.Fatal("infoField found a missing field")
	}
	if got := redisAddrs(" a:1, b:2,,c:3 "); strings.Join(got, "|") != "a:1|b:2|c:3" {
		t.Fatalf("redisAddrs = %q", got)
	}
}

func TestParseMonitorLine(t *testing.T) {
	for _, c := range []struct {
		line, cmd string
		lua, ok   bool
	}{
		{`+1795690469.766666 [0 127.0.0.1:37348] "set" "k" "1" "ex" "1200" "nx"` + "\r\n", "set", false, true},
		{`+1795690469.766859 [0 lua] "GET" "arrakis:wizard:{1}:session"`, "get", true, true},
		{`+1795690469.766859 [0 unix:/tmp/r.sock] "EVALSHA" "abc"`, "evalsha", false, true},
		{"+OK\r\n", "", false, false},
	} {
		cmd, lua, ok := parseMonitorLine(c.line)
		if cmd != c.cmd || lua != c.lua || ok != c.ok {
			t.Errorf("parseMonitorLine(%q) = %q %v %v", c.line, cmd, lua, ok)
		}
	}
}

func TestParseCustomIDAndControls(t *testing.T) {
	id, ok := parseCustomID("arr:123456789012345678.abcdefghijklmnop:3v7:sel:chains")
	if !ok || id.Session != "123456789012345678.abcdefghijklmnop" || id.Step != 3 || id.Version != 7 || !id.matches("sel:chains") || !id.matches("sel") {
		t.Fatalf("parse: %+v %v", id, ok)
	}
	for _, bad := range []string{"arr:x:3:next", "drift:1:2v3:x", "arr:x:av1:next", "arr:x"} {
		if _, ok := parseCustomID(bad); ok {
			t.Errorf("parseCustomID(%q) accepted", bad)
		}
	}
	m := message{Embeds: []embed{{Title: "Step 2 of 8", Description: "▰▰"}}, Components: []row{{Components: []struct {
		CustomID string `json:"custom_id"`
		Disabled bool   `json:"disabled"`
	}{{CustomID: "arr:1.a:2v4:back"}, {CustomID: "arr:1.a:2v4:next", Disabled: true}}}}}
	if c, ok := m.control("back"); !ok || c != "arr:1.a:2v4:back" {
		t.Fatalf("control back: %q %v", c, ok)
	}
	if _, ok := m.control("next"); ok {
		t.Fatal("a disabled control was offered")
	}
	if p := m.problem(); p != "" {
		t.Fatalf("problem on a clean message: %q", p)
	}
	m.Embeds[0].Description = "▰▰\n\n⚠️ This message is out of date — here is the current step."
	if p := m.problem(); !strings.Contains(p, "out of date") {
		t.Fatalf("problem: %q", p)
	}
}

func TestFlags(t *testing.T) {
	env := func(string) string { return "" }
	var sink bytes.Buffer
	if _, _, err := parseFlags(nil, env, &sink); err == nil || !strings.Contains(err.Error(), "-private-key") {
		t.Fatalf("no key: %v", err)
	}
	c, _, err := parseFlags([]string{"-rate", "500"}, func(string) string { return "00" }, &sink)
	if err != nil || c.Sessions != 200 || c.PrivateKey != "00" {
		t.Fatalf("open loop defaults: %+v %v", c, err)
	}
	if _, _, err := parseFlags([]string{"-private-key", "00", "-sessions", "4", "-concurrency", "8"}, env, &sink); err == nil {
		t.Fatal("fewer sessions than concurrency accepted in closed loop")
	}
	var help bytes.Buffer
	if _, _, err := parseFlags([]string{"-h"}, env, &help); !errors.Is(err, flag.ErrHelp) ||
		!strings.Contains(help.String(), "measured apart") || !strings.Contains(help.String(), "whole wizard message as Discord sends it") || !strings.Contains(help.String(), "-serve-pid") {
		t.Fatalf("-h: %v\n%s", err, help.String())
	}
	if _, keygen, err := parseFlags([]string{"-keygen"}, env, &sink); err != nil || !keygen {
		t.Fatalf("-keygen: %v %v", keygen, err)
	}
}

// loadTarget is an in-process Arrakis HTTP endpoint on the test Redis, whose REST calls go
// to the tool's stub at stubAddr.
func loadTarget(t *testing.T, stubAddr string) (url, seed string) { return loadTargetB(t, stubAddr) }

func loadTargetB(t testing.TB, stubAddr string) (url, seed string) {
	t.Helper()
	rc := testenv.Redis(t)
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	dg, err := discordgo.New("Bot load-test")
	if err != nil {
		t.Fatal(err)
	}
	rt, err := restbase.New("http://"+stubAddr+"/api/v9", http.DefaultTransport)
	if err != nil {
		t.Fatal(err)
	}
	dg.Client = &http.Client{Transport: rt, Timeout: 5 * time.Second}
	sessions := redis.NewSessions(rc, redis.Options{})
	t.Cleanup(func() { _ = sessions.Close() })
	b := bot.New(bot.Deps{
		Sessions: sessions, Coordination: redis.NewCoordination(rc),
		Followups: bot.SessionFollowups{S: dg}, Log: zaptest.NewLogger(t, zaptest.Level(zap.WarnLevel)), // one info line per click would flood the test log
	})
	srv := httptest.NewServer(&bot.InteractionsHandler{Bot: b, PublicKey: pub})
	t.Cleanup(func() { srv.Close(); b.Wait() })
	return srv.URL, hex.EncodeToString(priv.Seed())
}

func freeAddr(t *testing.T) string { return freeAddrB(t) }

func freeAddrB(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// TestRunClosedLoop drives real sessions through the bot's handler on real Redis for two
// seconds, with the Redis probe and the baseline.
func TestRunClosedLoop(t *testing.T) {
	stubAddr := freeAddr(t)
	url, seed := loadTarget(t, stubAddr)
	cfg := config{
		URL: url, PrivateKey: seed, Sessions: 6, Concurrency: 3, Duration: 2 * time.Second, Warmup: 300 * time.Millisecond,
		Redis: testenv.RedisAddr(t), Baseline: true, BaselineDuration: 500 * time.Millisecond,
		StubListen: stubAddr, AppID: "1100000000000000001", SetupTimeout: 10 * time.Second,
	}
	var log bytes.Buffer
	rep, err := run(context.Background(), cfg, &log)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, log.String())
	}
	var out bytes.Buffer
	rep.print(&out)
	t.Log("\n" + out.String())
	if rep.Run.Clicks == 0 || rep.Run.Errors != 0 {
		t.Fatalf("clicks %d, errors %d: %v", rep.Run.Clicks, rep.Run.Errors, rep.Run.Examples)
	}
	if rep.ProbeErr != nil || rep.Probe == nil || rep.Probe.Clicks != probeClicks {
		t.Fatalf("probe: %+v %v", rep.Probe, rep.ProbeErr)
	}
	// Each click reads and writes the session (GETEX + EVALSHA) at least, in at least two
	// round trips; other packages' tests share this Redis, so only lower bounds can be asserted.
	if rep.Probe.Sent["getex"] < probeClicks || rep.Probe.Sent["evalsha"] < probeClicks || rep.Probe.ReadEvents < 2*probeClicks {
		t.Fatalf("probe saw %v and %d round trips for %d clicks", rep.Probe.Sent, rep.Probe.ReadEvents, probeClicks)
	}
	if rep.BaselineErr != nil || rep.Baseline == nil || rep.Baseline.Groups == 0 || rep.Ratio() <= 0 {
		t.Fatalf("baseline: %+v %v", rep.Baseline, rep.BaselineErr)
	}
	// serve is this process here (the listener of the handler's port), and Redis is real.
	if c := rep.CPU; !c.ServeOK || c.Serve <= 0 || c.ServePID != os.Getpid() || !c.RedisOK || c.Redis <= 0 || c.Self <= 0 {
		t.Fatalf("CPU over the window: %+v", c)
	}
	for _, want := range []string{"clicks/s", "p99", "round trips per click", "ratio:", "CPU per click", "µs", "measured apart"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q", want)
		}
	}
}

// TestRunOpenLoop: an open loop sends exactly rate × duration clicks, late or not.
func TestRunOpenLoop(t *testing.T) {
	stubAddr := freeAddr(t)
	url, seed := loadTarget(t, stubAddr)
	cfg := config{
		URL: url, PrivateKey: seed, Sessions: 5, Concurrency: 1, Rate: 50, Duration: 2 * time.Second,
		StubListen: stubAddr, AppID: "1100000000000000001", SetupTimeout: 10 * time.Second,
	}
	rep, err := run(context.Background(), cfg, &bytes.Buffer{})
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	if rep.Run.Clicks != 100 || rep.Run.Errors != 0 {
		t.Fatalf("clicks %d (want 100), errors %d: %v", rep.Run.Clicks, rep.Run.Errors, rep.Run.Examples)
	}
	if rep.Run.P50 <= 0 || rep.Run.P99 < rep.Run.P50 {
		t.Fatalf("percentiles p50 %v p99 %v", rep.Run.P50, rep.Run.P99)
	}
	if rep.RedisMeasured {
		t.Fatal("redis measured without -redis")
	}
}

// recorder keeps the body of the last request it carried.
type bodyRecorder struct {
	base http.RoundTripper
	mu   sync.Mutex
	last []byte
}

func (r *bodyRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	b, err := io.ReadAll(req.Body)
	if err != nil {
		return nil, err
	}
	req.Body.Close()
	r.mu.Lock()
	r.last = b
	r.mu.Unlock()
	req.Body = io.NopCloser(bytes.NewReader(b))
	return r.base.RoundTrip(req)
}

// TestClickCarriesWizardMessage: a click carries the whole wizard message as Discord sends
// it — the embeds and components of the last answer as the bot wrote them, ephemeral, with
// Discord's own fields — and the bot accepts every such click.
func TestClickCarriesWizardMessage(t *testing.T) {
	stubAddr := freeAddr(t)
	url, seed := loadTarget(t, stubAddr)
	priv, err := parseKey(seed)
	if err != nil {
		t.Fatal(err)
	}
	st, err := startStub(stubAddr)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rec := &bodyRecorder{base: http.DefaultTransport}
	ps := &poster{url: url, priv: priv, client: &http.Client{Timeout: 10 * time.Second, Transport: rec}}
	const appID = "1100000000000000001"
	s := newSession(appID, 0)
	ctx := context.Background()
	if err := s.setup(ctx, ps, st, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	compact := func(b []byte) string {
		var buf bytes.Buffer
		if err := json.Compact(&buf, b); err != nil {
			t.Fatalf("not JSON: %v: %s", err, b)
		}
		return buf.String()
	}
	for i := 0; i < 6; i++ { // select, Next, Back … over CHAIN_SELECT and ASSET_CONFIG
		last := s.msg
		if err := s.click(ctx, ps); err != nil {
			t.Fatalf("click %d: %v", i, err)
		}
		rec.mu.Lock()
		body := rec.last
		rec.mu.Unlock()
		var sent struct {
			Message struct {
				ID              string          `json:"id"`
				Type            int             `json:"type"`
				ChannelID       string          `json:"channel_id"`
				Flags           int             `json:"flags"`
				Embeds          json.RawMessage `json:"embeds"`
				Components      json.RawMessage `json:"components"`
				Timestamp       string          `json:"timestamp"`
				EditedTimestamp string          `json:"edited_timestamp"`
				WebhookID       string          `json:"webhook_id"`
				ApplicationID   string          `json:"application_id"`
				Attachments     []any           `json:"attachments"`
				Author          struct {
					ID, Discriminator string
					Bot               bool
				}
				InteractionMetadata struct {
					ID    string            `json:"id"`
					Type  int               `json:"type"`
					Owner map[string]string `json:"authorizing_integration_owners"`
				} `json:"interaction_metadata"`
			} `json:"message"`
		}
		if err := json.Unmarshal(body, &sent); err != nil {
			t.Fatalf("click %d body: %v", i, err)
		}
		m := sent.Message
		if len(last.Embeds) == 0 || len(last.Components) == 0 {
			t.Fatalf("click %d: the last answer had no wizard: %+v", i, last)
		}
		if compact(m.Embeds) != compact(last.RawEmbeds) || compact(m.Components) != compact(last.RawComponents) {
			t.Fatalf("click %d: message embeds/components are not the last answer's:\nsent %s\n     %s\nlast %s\n     %s",
				i, m.Embeds, m.Components, last.RawEmbeds, last.RawComponents)
		}
		if m.Type != messageChatInputCommand || m.Flags != flagEphemeral || m.ID != s.wiz.ID || m.ChannelID != s.a.ChannelID ||
			m.WebhookID != appID || m.ApplicationID != appID || m.Author.ID != appID || !m.Author.Bot || m.Author.Discriminator != "0" ||
			m.Attachments == nil || m.InteractionMetadata.Type != typeCommand || m.InteractionMetadata.ID != s.wiz.CommandID ||
			m.InteractionMetadata.Owner["0"] != s.a.GuildID {
			t.Fatalf("click %d: message fields: %+v", i, m)
		}
		for _, ts := range []string{m.Timestamp, m.EditedTimestamp} {
			if _, err := time.Parse(time.RFC3339Nano, ts); err != nil || !strings.HasSuffix(ts, "+00:00") || len(ts) != len("2006-01-02T15:04:05.000000+00:00") {
				t.Fatalf("click %d: timestamp %q (%v)", i, ts, err)
			}
		}
		// discordgo reads it as the bot's fallback decoder would.
		var in discordgo.Interaction
		if err := in.UnmarshalJSON(body); err != nil || in.Message == nil || len(in.Message.Embeds) != len(last.Embeds) ||
			len(in.Message.Components) != len(last.Components) || in.Message.Flags != discordgo.MessageFlagsEphemeral {
			t.Fatalf("click %d: discordgo reads %+v (%v)", i, in.Message, err)
		}
		if i == 0 {
			var p map[string]any
			_ = json.Unmarshal(body, &p)
			p["message"] = map[string]any{"id": s.a.ChannelID, "channel_id": s.a.ChannelID}
			minimal, _ := json.Marshal(p)
			t.Logf("click body: %d bytes with the whole message (%d with only id and channel_id)\n%s", len(body), len(minimal), body)
		}
	}
}
