package metrics

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

func TestRouteLabelHidesIDsAndTokens(t *testing.T) {
	cases := map[string]string{
		"/api/v9/guilds/123456789012345678/roles":                                 "/guilds/{id}/roles",
		"/api/v9/channels/123456789012345678/permissions/876543210987654":         "/channels/{id}/permissions/{id}",
		"/api/v9/interactions/123456789012345678/aW50ZXJhY3Rpb24.secret/callback": "/interactions/{id}/{token}/callback",
		"/api/v9/webhooks/111111111111111111/tok.en-value/messages/@original":     "/webhooks/{id}/{token}/messages/@original",
		"/api/v9/users/@me": "/users/@me",
	}
	for in, want := range cases {
		if got := RouteLabel(in); got != want {
			t.Errorf("RouteLabel(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFieldLabelDropsIndices(t *testing.T) {
	if got := FieldLabel("tiers[3].rules[10].amount"); got != "tiers[].rules[].amount" {
		t.Fatalf("FieldLabel = %q", got)
	}
	if got := FieldLabel(""); got != "unknown" {
		t.Fatalf("FieldLabel(\"\") = %q", got)
	}
}

func TestDiscordTransportCountsByRouteAndStatus(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/roles") {
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		w.WriteHeader(http.StatusOK)
	}))
	defer srv.Close()
	m := New(prometheus.NewRegistry())
	client := &http.Client{Transport: m.DiscordTransport(nil)}
	for _, p := range []string{"/api/v9/guilds/123456789012345678/roles", "/api/v9/users/@me"} {
		resp, err := client.Get(srv.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	if got := testutil.ToFloat64(m.DiscordErrors.WithLabelValues("GET", "/guilds/{id}/roles", "429")); got != 1 {
		t.Fatalf("429 errors = %v, want 1", got)
	}
	if got := testutil.CollectAndCount(m.DiscordDuration); got != 2 {
		t.Fatalf("duration series = %d, want 2 (one per route)", got)
	}
}
