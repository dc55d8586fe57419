package restbase

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"
)

// recorder is a RoundTripper that remembers the URL it was asked for.
type recorder struct{ got []*http.Request }

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	r.got = append(r.got, req)
	return &http.Response{StatusCode: 200, Body: io.NopCloser(strings.NewReader("{}")), Request: req, Header: http.Header{}}, nil
}

func TestRewrite(t *testing.T) {
	cases := []struct {
		name, base, in, want string
	}{
		{"guild route", "http://127.0.0.1:1234/api/v9", "https://discord.com/api/v9/guilds/1/roles", "http://127.0.0.1:1234/api/v9/guilds/1/roles"},
		{"query kept", "http://127.0.0.1:1234/api/v9", "https://discord.com/api/v9/guilds/1?with_counts=true", "http://127.0.0.1:1234/api/v9/guilds/1?with_counts=true"},
		{"at-me path", "http://127.0.0.1:1234/api/v9", "https://discord.com/api/v9/webhooks/7/tok/messages/@original", "http://127.0.0.1:1234/api/v9/webhooks/7/tok/messages/@original"},
		{"base trailing slash", "http://127.0.0.1:1234/api/v9/", "https://discord.com/api/v9/gateway", "http://127.0.0.1:1234/api/v9/gateway"},
		{"other version and prefix", "https://proxy.example/discord/api/v10", "https://discord.com/api/v9/users/@me", "https://proxy.example/discord/api/v10/users/@me"},
		{"base without path keeps prefix", "http://127.0.0.1:1234", "https://discord.com/api/v9/users/@me", "http://127.0.0.1:1234/api/v9/users/@me"},
		{"escaped segment kept", "http://127.0.0.1:1234/api/v9", "https://discord.com/api/v9/channels/1/messages/2/reactions/%F0%9F%91%8D/@me", "http://127.0.0.1:1234/api/v9/channels/1/messages/2/reactions/%F0%9F%91%8D/@me"},
		{"cdn untouched", "http://127.0.0.1:1234/api/v9", "https://cdn.discordapp.com/avatars/1/a.png", "https://cdn.discordapp.com/avatars/1/a.png"},
		{"non-api discord path untouched", "http://127.0.0.1:1234/api/v9", "https://discord.com/oauth2/authorize", "https://discord.com/oauth2/authorize"},
		{"status host untouched", "http://127.0.0.1:1234/api/v9", "https://status.discord.com/api/v2/summary.json", "https://status.discord.com/api/v2/summary.json"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := &recorder{}
			rt, err := New(c.base, rec)
			if err != nil {
				t.Fatalf("New(%q): %v", c.base, err)
			}
			req, err := http.NewRequest("GET", c.in, nil)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := rt.RoundTrip(req); err != nil {
				t.Fatal(err)
			}
			if len(rec.got) != 1 {
				t.Fatalf("next saw %d requests, want 1", len(rec.got))
			}
			if got := rec.got[0].URL.String(); got != c.want {
				t.Errorf("rewrote %s to %s, want %s", c.in, got, c.want)
			}
			if req.URL.String() != c.in {
				t.Errorf("caller's request was modified: %s", req.URL)
			}
		})
	}
}

func TestRewriteKeepsHeadersAndBody(t *testing.T) {
	rec := &recorder{}
	rt, err := New("http://127.0.0.1:1/api/v9", rec)
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("POST", "https://discord.com/api/v9/guilds/1/roles", strings.NewReader(`{"name":"x"}`))
	req.Header.Set("Authorization", "Bot abc")
	req.Header.Set("X-Audit-Log-Reason", "deploy%20v3")
	if _, err := rt.RoundTrip(req); err != nil {
		t.Fatal(err)
	}
	got := rec.got[0]
	if got.Header.Get("Authorization") != "Bot abc" || got.Header.Get("X-Audit-Log-Reason") != "deploy%20v3" {
		t.Errorf("headers lost: %v", got.Header)
	}
	if got.Host != "" {
		t.Errorf("Host = %q, want empty so net/http uses the rewritten URL", got.Host)
	}
	b, _ := io.ReadAll(got.Body)
	if string(b) != `{"name":"x"}` {
		t.Errorf("body = %q", b)
	}
}

func TestNewRejectsBadBase(t *testing.T) {
	for _, base := range []string{"", "127.0.0.1:1234", "ftp://x/api/v9", "http:///api/v9", "http://x/api/v9?a=b", "://bad"} {
		if _, err := New(base, nil); err == nil {
			t.Errorf("New(%q) accepted a bad base URL", base)
		}
	}
}

// TestDiscordgoSession checks the rewrite through discordgo's own request path.
func TestDiscordgoSession(t *testing.T) {
	var gotPath, gotAuth string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotPath, gotAuth = r.URL.Path, r.Header.Get("Authorization")
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"id":"42","username":"arrakis","bot":true}`)
	}))
	defer srv.Close()

	s, err := discordgo.New("Bot secret")
	if err != nil {
		t.Fatal(err)
	}
	rt, err := New(srv.URL+"/api/v9", srv.Client().Transport)
	if err != nil {
		t.Fatal(err)
	}
	s.Client = &http.Client{Transport: rt}
	u, err := s.User("@me")
	if err != nil {
		t.Fatalf("User(@me) through the rewriter: %v", err)
	}
	if u.ID != "42" || gotPath != "/api/v9/users/@me" || gotAuth != "Bot secret" {
		t.Errorf("user %q, server saw path %q auth %q", u.ID, gotPath, gotAuth)
	}
	if discordgo.EndpointAPI != "https://discord.com/api/v9/" {
		t.Errorf("discordgo.EndpointAPI changed to %q", discordgo.EndpointAPI)
	}
}

// A network failure names the URL the request really went to.
func TestNetworkErrorNamesTheRealURL(t *testing.T) {
	rt, err := New("http://127.0.0.1:1/api/v9", nil)
	if err != nil {
		t.Fatal(err)
	}
	c := &http.Client{Transport: rt}
	_, err = c.Get("https://discord.com/api/v9/users/@me")
	if err == nil || !strings.Contains(err.Error(), "sent to http://127.0.0.1:1/api/v9/users/@me") {
		t.Fatalf("error = %v, want the real URL in it", err)
	}
}
