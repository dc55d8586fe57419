package deploy

import (
	"net/http"
	"strconv"
	"time"
)

// discordgo keeps per-bucket rate-limit state from response headers and, before the next
// request on a bucket (or any request, for a global limit), sleeps until the reset time —
// without bound and without looking at the request's context. The executor waits for
// rate limits itself, within a budget, so for its own requests it hides the headers that
// would make discordgo sleep longer than that budget: every 429's headers (the executor
// reads retry_after from the body instead), and a Reset-After beyond the budget.
type rateLimitGuard struct {
	next   http.RoundTripper
	budget time.Duration
}

var rateLimitHeaders = []string{
	"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset",
	"X-RateLimit-Reset-After", "X-RateLimit-Global", "X-RateLimit-Bucket", "X-RateLimit-Scope",
}

func (g *rateLimitGuard) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := g.next.RoundTrip(req)
	if err != nil || resp == nil {
		return resp, err
	}
	strip := resp.StatusCode == http.StatusTooManyRequests
	if !strip {
		if after, perr := strconv.ParseFloat(resp.Header.Get("X-RateLimit-Reset-After"), 64); perr == nil &&
			time.Duration(after*float64(time.Second)) > g.budget {
			strip = true
		}
	}
	if strip {
		for _, h := range rateLimitHeaders {
			resp.Header.Del(h)
		}
	}
	return resp, nil
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
