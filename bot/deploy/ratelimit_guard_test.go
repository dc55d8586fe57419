package deploy

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

type fixedAnswer struct {
	status int
	header http.Header
	body   string
}

func (f fixedAnswer) RoundTrip(*http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: f.status, Header: f.header.Clone(), Body: io.NopCloser(strings.NewReader(f.body))}, nil
}

// A bucket 429 hides its headers from discordgo (the executor waits within its budget); a
// global 429 stays visible, with the Reset-After discordgo needs to hold the process's other
// requests, and its body is still readable.
func TestRateLimitGuardKeepsGlobalLimitsVisible(t *testing.T) {
	req, _ := http.NewRequest("POST", "http://x/api/v9/guilds/1/roles", nil)
	bucket := fixedAnswer{status: 429, header: http.Header{"X-Ratelimit-Bucket": {"b"}, "X-Ratelimit-Reset-After": {"0.5"}, "X-Ratelimit-Scope": {"user"}},
		body: `{"retry_after":0.5,"global":false}`}
	resp, _ := (&rateLimitGuard{next: bucket, budget: time.Minute}).RoundTrip(req)
	for _, h := range rateLimitHeaders {
		if resp.Header.Get(h) != "" {
			t.Fatalf("bucket 429 kept %s", h)
		}
	}
	global := fixedAnswer{status: 429, header: http.Header{"X-Ratelimit-Global": {"true"}, "X-Ratelimit-Scope": {"global"}, "Retry-After": {"2"}},
		body: `{"retry_after":1.25,"global":true}`}
	resp, _ = (&rateLimitGuard{next: global, budget: time.Second}).RoundTrip(req)
	if resp.Header.Get("X-RateLimit-Global") != "true" || resp.Header.Get("X-RateLimit-Reset-After") != "1.250" {
		t.Fatalf("global 429 headers: %v", resp.Header)
	}
	if b, _ := io.ReadAll(resp.Body); !strings.Contains(string(b), `"retry_after":1.25`) {
		t.Fatalf("body lost: %q", b)
	}
	// A global flag only in the body counts too.
	bodyOnly := fixedAnswer{status: 429, header: http.Header{}, body: `{"retry_after":0.75,"global":true}`}
	resp, _ = (&rateLimitGuard{next: bodyOnly, budget: time.Second}).RoundTrip(req)
	if resp.Header.Get("X-RateLimit-Global") != "true" || resp.Header.Get("X-RateLimit-Reset-After") != "0.750" {
		t.Fatalf("global-in-body 429 headers: %v", resp.Header)
	}
}
