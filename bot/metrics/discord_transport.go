package metrics

import (
	"net/http"
	"strconv"
	"time"
)

// DiscordTransport wraps next so that every Discord REST request is timed and every
// failure counted by route template. Put it on discordgo's Session.Client.Transport.
func (m *Metrics) DiscordTransport(next http.RoundTripper) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	return discordTransport{m: m, next: next}
}

type discordTransport struct {
	m    *Metrics
	next http.RoundTripper
}

func (t discordTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	route := RouteLabel(req.URL.Path)
	start := time.Now()
	resp, err := t.next.RoundTrip(req)
	t.m.DiscordDuration.WithLabelValues(req.Method, route).Observe(time.Since(start).Seconds())
	switch {
	case err != nil:
		t.m.DiscordErrors.WithLabelValues(req.Method, route, "transport").Inc()
	case resp.StatusCode == http.StatusTooManyRequests:
		t.m.DiscordErrors.WithLabelValues(req.Method, route, "429").Inc()
	case resp.StatusCode >= 400:
		t.m.DiscordErrors.WithLabelValues(req.Method, route, strconv.Itoa(resp.StatusCode/100)+"xx").Inc()
	}
	return resp, err
}
