package deploy

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// discordgo keeps per-bucket rate-limit state from response headers and, before the next
// request on a bucket (or any request, for a global limit), sleeps until the reset time —
// without bound and without looking at the request's context. The executor waits for
// per-route rate limits itself, within a budget, so for its own requests it hides the
// headers that would make discordgo sleep longer than that budget: a 429's bucket headers
// (the executor reads retry_after from the body instead), and a Reset-After beyond the
// budget. A global 429 stays visible: it binds every request of the process (Discord
// counts them together), so discordgo is told when it ends (X-RateLimit-Global with a
// Reset-After of the body's retry_after, which Discord itself may not send) and the
// process's other requests wait for it. Interaction answers do not share that limiter
// (bot.CallbackSession), so they never wait on it.
type rateLimitGuard struct {
	next   http.RoundTripper
	budget time.Duration
}

var rateLimitHeaders = []string{
	"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset",
	"X-RateLimit-Reset-After", "X-RateLimit-Global", "X-RateLimit-Bucket", "X-RateLimit-Scope",
}

// maxRateLimitBody bounds what the guard reads of a 429's body.
const maxRateLimitBody = 64 << 10

func (g *rateLimitGuard) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := g.next.RoundTrip(req)
	if err != nil || resp == nil {
		return resp, err
	}
	tooMany := resp.StatusCode == http.StatusTooManyRequests
	strip := tooMany
	if !strip {
		if after, perr := strconv.ParseFloat(resp.Header.Get("X-RateLimit-Reset-After"), 64); perr == nil &&
			time.Duration(after*float64(time.Second)) > g.budget {
			strip = true
		}
	}
	global := tooMany && (resp.Header.Get("X-RateLimit-Global") != "" || strings.EqualFold(resp.Header.Get("X-RateLimit-Scope"), "global"))
	var retryAfter float64
	if tooMany {
		retryAfter, global = readRetryAfter(resp, global)
	}
	if strip {
		for _, h := range rateLimitHeaders {
			resp.Header.Del(h)
		}
	}
	if global {
		resp.Header.Set("X-RateLimit-Global", "true")
		resp.Header.Set("X-RateLimit-Reset-After", strconv.FormatFloat(retryAfter, 'f', 3, 64))
	}
	return resp, nil
}

// readRetryAfter reads a 429 body's retry_after and global flag, and puts the body back.
func readRetryAfter(resp *http.Response, global bool) (float64, bool) {
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxRateLimitBody))
	_ = resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	var b struct {
		RetryAfter float64 `json:"retry_after"`
		Global     bool    `json:"global"`
	}
	if err != nil || json.Unmarshal(body, &b) != nil {
		if s, perr := strconv.ParseFloat(resp.Header.Get("Retry-After"), 64); perr == nil {
			return s, global
		}
		return 0, global
	}
	return b.RetryAfter, global || b.Global
}

// guardClient returns a copy of c whose transport is wrapped by a rateLimitGuard.
func guardClient(c *http.Client, budget time.Duration) *http.Client {
	if c == nil {
		c = http.DefaultClient
	}
	next := c.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	cp := *c
	cp.Transport = &rateLimitGuard{next: next, budget: budget}
	return &cp
}
