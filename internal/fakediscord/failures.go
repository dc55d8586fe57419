package fakediscord

import (
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Failure injection: FailNext makes chosen requests answer 429 or 5xx.

// failure is one FailNext rule.
type failure struct {
	method, prefix string
	left, status   int
	retryAfter     time.Duration
	applied        bool   // the request is carried out first; only its answer is lost
	code           int    // Discord's JSON error code; 0 for FailNext
	message        string // its message; empty for FailNext
	global         bool   // a global 429 (FailNextGlobal)
	// lasting > 0 (LoseThenFailFor): the rule fails every matching request from its first
	// match until lasting has passed (until), then never again.
	lasting time.Duration
	until   time.Time
	after   *failure // the rule waits until this one has failed all its requests
}

// LoseThenFailFor carries out the next request matching method and pathPrefix but answers
// it status (a 5xx: the answer was lost), and from then on answers every request status
// for d: Discord applied a write, then went down. It returns when the outage began and
// ended, once it has (zero times before).
func (s *Server) LoseThenFailFor(method, pathPrefix string, status int, d time.Duration) func() (began, ended time.Time) {
	lose := &failure{method: strings.ToUpper(method), prefix: pathPrefix, left: 1, status: status, applied: true}
	f := &failure{left: 1, status: status, lasting: d, after: lose}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures = append(s.failures, lose, f)
	return func() (time.Time, time.Time) {
		s.mu.Lock()
		defer s.mu.Unlock()
		if f.until.IsZero() {
			return time.Time{}, time.Time{}
		}
		return f.until.Add(-f.lasting), f.until
	}
}

// FailNext makes the next n requests whose method matches (""=any) and whose
// path (without /api/v9) starts with pathPrefix fail with status. A 429 carries
// Discord's JSON body {message, retry_after (seconds), global:false} and the
// Retry-After and X-RateLimit-* headers; other statuses get {message, code:0}.
func (s *Server) FailNext(method, pathPrefix string, n int, status int, retryAfter time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures = append(s.failures, &failure{method: strings.ToUpper(method), prefix: pathPrefix, left: n, status: status, retryAfter: retryAfter})
}

// LoseNextAnswers makes the next n requests whose method matches (""=any) and whose path
// starts with pathPrefix be carried out as usual, and then answered with status (a 5xx)
// instead of their result: what a client sees when Discord applied a request but the
// answer was lost (a dropped connection, a gateway error). Whether a retry then
// duplicates anything is up to the client (message nonces, re-reading the guild).
func (s *Server) LoseNextAnswers(method, pathPrefix string, n int, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures = append(s.failures, &failure{method: strings.ToUpper(method), prefix: pathPrefix, left: n, status: status, applied: true})
}

// FailNextCode makes the next n matching requests fail as Discord refuses one: status
// with {message, code} (403 50013 "Missing Permissions", 403 50001 "Missing Access").
func (s *Server) FailNextCode(method, pathPrefix string, n, status, code int, message string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures = append(s.failures, &failure{method: strings.ToUpper(method), prefix: pathPrefix, left: n, status: status, code: code, message: message})
}

// FailNextGlobal answers the next n requests matching method and pathPrefix with a global
// 429 as Discord sends it: X-RateLimit-Global and X-RateLimit-Scope "global", Retry-After,
// and "global": true in the body, without per-bucket headers.
func (s *Server) FailNextGlobal(method, pathPrefix string, n int, retryAfter time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures = append(s.failures, &failure{method: strings.ToUpper(method), prefix: pathPrefix, left: n,
		status: http.StatusTooManyRequests, retryAfter: retryAfter, global: true})
}

func (s *Server) takeFailure(method, path string) *failure {
	for _, f := range s.failures {
		if f.after != nil && f.after.left > 0 {
			continue
		}
		if f.left > 0 && (f.method == "" || f.method == method) && strings.HasPrefix(path, f.prefix) {
			if f.lasting > 0 {
				now := time.Now()
				if f.until.IsZero() {
					f.until = now.Add(f.lasting)
				}
				if !now.Before(f.until) {
					f.left = 0 // the outage is over
					continue
				}
				return f
			}
			f.left--
			return f
		}
	}
	return nil
}

func writeFailure(w http.ResponseWriter, f *failure) {
	if f.code != 0 {
		writeError(w, f.status, f.code, f.message)
		return
	}
	if f.status != http.StatusTooManyRequests {
		writeError(w, f.status, 0, fmt.Sprintf("%d: %s", f.status, http.StatusText(f.status)))
		return
	}
	secs := f.retryAfter.Seconds()
	h := w.Header()
	if f.global {
		h.Set("Retry-After", fmt.Sprintf("%d", int64(secs+0.999)))
		h.Set("X-RateLimit-Global", "true")
		h.Set("X-RateLimit-Scope", "global")
		writeJSON(w, http.StatusTooManyRequests, map[string]any{
			"message": "You are being rate limited.", "retry_after": secs, "global": true, "code": 0,
		})
		return
	}
	h.Set("Retry-After", fmt.Sprintf("%d", int64(secs+0.999)))
	h.Set("X-RateLimit-Limit", "5")
	h.Set("X-RateLimit-Remaining", "0")
	h.Set("X-RateLimit-Reset", fmt.Sprintf("%.3f", float64(time.Now().Add(f.retryAfter).UnixMilli())/1000))
	h.Set("X-RateLimit-Reset-After", fmt.Sprintf("%.3f", secs))
	h.Set("X-RateLimit-Bucket", "fake-"+randomToken(8))
	h.Set("X-RateLimit-Scope", "user")
	writeJSON(w, http.StatusTooManyRequests, map[string]any{
		"message":     "You are being rate limited.",
		"retry_after": secs,
		"global":      false,
		"code":        0,
	})
}
