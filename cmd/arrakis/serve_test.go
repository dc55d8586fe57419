package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"

	"github.com/arrakis-bot/arrakis/internal/config"
	"github.com/arrakis-bot/arrakis/internal/fakediscord"
	"github.com/arrakis-bot/arrakis/internal/testenv"
)

// serveFixture runs `serve` against the fake Discord until the test ends.
type serveFixture struct {
	fd   *fakediscord.Server
	base string // http://127.0.0.1:PORT
	priv ed25519.PrivateKey
	done chan error
	stop context.CancelFunc
}

func startServe(t *testing.T, mode string, configure ...func(*config.Config)) *serveFixture {
	t.Helper()
	fd := fakediscord.New(t)
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	cfg := config.Default()
	cfg.Discord.Token, cfg.Discord.ApplicationID = fd.BotToken(), fd.ApplicationID()
	cfg.Discord.RESTBaseURL, cfg.Discord.Mode, cfg.Discord.PublicKey = fd.RESTBase(), mode, hex.EncodeToString(pub)
	cfg.DataDir = t.TempDir()
	for _, c := range configure {
		c(cfg)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	f := &serveFixture{fd: fd, base: "http://" + ln.Addr().String(), priv: priv, done: make(chan error, 1), stop: stop}
	go func() { f.done <- serve(ctx, cfg, zaptest.NewLogger(t, zaptest.Level(zap.WarnLevel)), ln) }()
	t.Cleanup(func() { f.shutdown(t) })
	return f
}

// shutdown cancels serve (as SIGTERM does) and checks it returns cleanly and promptly.
func (f *serveFixture) shutdown(t *testing.T) {
	f.stop()
	select {
	case err := <-f.done:
		if err != nil {
			t.Errorf("serve returned %v after shutdown", err)
		}
	case <-time.After(20 * time.Second):
		t.Errorf("serve did not shut down within 20s")
	}
}

func (f *serveFixture) get(t *testing.T, path string) int {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		resp, err := http.Get(f.base + path)
		if err == nil {
			resp.Body.Close()
			return resp.StatusCode
		}
		if time.Now().After(deadline) {
			t.Fatalf("GET %s: %v", path, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (f *serveFixture) postSigned(t *testing.T, body []byte, key ed25519.PrivateKey) (int, []byte) {
	t.Helper()
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	req, _ := http.NewRequest(http.MethodPost, f.base+"/interactions", bytes.NewReader(body))
	req.Header.Set("X-Signature-Timestamp", ts)
	req.Header.Set("X-Signature-Ed25519", hex.EncodeToString(ed25519.Sign(key, append([]byte(ts), body...))))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("post: %v", err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, out
}

func TestServeHTTPMode(t *testing.T) {
	f := startServe(t, config.ModeHTTP)
	if code := f.get(t, "/healthz"); code != http.StatusOK {
		t.Fatalf("/healthz %d", code)
	}
	if code := f.get(t, "/readyz"); code != http.StatusOK {
		t.Fatalf("/readyz %d", code)
	}
	ping := []byte(`{"id":"1","application_id":"1","type":1,"token":"t","version":1}`)
	code, body := f.postSigned(t, ping, f.priv)
	var resp discordgo.InteractionResponse
	if code != http.StatusOK || json.Unmarshal(body, &resp) != nil || resp.Type != discordgo.InteractionResponsePong {
		t.Fatalf("PING: %d %s", code, body)
	}
	_, other, _ := ed25519.GenerateKey(rand.Reader)
	if code, _ := f.postSigned(t, ping, other); code != http.StatusUnauthorized {
		t.Fatalf("forged PING: %d, want 401", code)
	}
	if got := len(f.fd.Commands("")); got != 2 {
		t.Fatalf("%d global commands registered on start, want 2", got)
	}
	mresp, err := http.Get(f.base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer mresp.Body.Close()
	text, _ := io.ReadAll(mresp.Body)
	for _, want := range []string{`arrakis_interactions_total{outcome="ping",transport="http"} 1`, "arrakis_discord_request_duration_seconds"} {
		if !bytes.Contains(text, []byte(want)) {
			t.Fatalf("/metrics lacks %s:\n%s", want, text)
		}
	}
}

func TestServeGatewayMode(t *testing.T) {
	f := startServe(t, config.ModeGateway)
	g := f.fd.Seed(fakediscord.GuildOptions{})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := f.fd.WaitConnected(ctx, 1); err != nil {
		t.Fatalf("gateway: %v", err)
	}
	in := f.fd.DispatchInteraction(map[string]any{
		"type": 2, "guild_id": g.ID, "channel_id": g.GeneralID,
		"data": map[string]any{"id": "1", "name": "setup", "type": 1},
	})
	deadline := time.Now().Add(5 * time.Second)
	for f.fd.Original(in.Token) == nil || len(f.fd.Original(in.Token).Embeds) == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("/setup over the gateway showed no wizard; callbacks %v", f.fd.Callbacks(in.ID))
		}
		time.Sleep(20 * time.Millisecond)
	}
	if title := f.fd.Original(in.Token).Embeds[0].Title; title != "Step 1 of 8 — Community name" {
		t.Fatalf("wizard title %q", title)
	}
}

// With Redis configured, serve times every Redis round trip into /metrics.
func TestServeRedisMetrics(t *testing.T) {
	addr := testenv.RedisAddr(t)
	f := startServe(t, config.ModeHTTP, func(c *config.Config) { c.Redis.URL = "redis://" + addr + "/0" })
	if code := f.get(t, "/readyz"); code != http.StatusOK { // reads the session store: Redis EXISTS
		t.Fatalf("/readyz %d", code)
	}
	resp, err := http.Get(f.base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	text, _ := io.ReadAll(resp.Body)
	want := regexp.MustCompile(`(?m)^arrakis_redis_command_duration_seconds_count\{command="exists"\} [1-9]`)
	if !want.Match(text) {
		t.Fatalf("/metrics has no timed Redis EXISTS after /readyz:\n%s", text)
	}
}
