package fakediscord

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"unicode"
	"unicode/utf8"
)

// apiPrefix is the path prefix discordgo v0.29.0 uses (API v9).
const apiPrefix = "/api/v9"

// Server is a fake Discord: REST under /api/v9 and a gateway websocket at /gateway.
// All methods are safe for concurrent use.
type Server struct {
	t    testing.TB
	http *httptest.Server
	mux  *http.ServeMux

	appID, botToken, botUserID string
	violation                  func(msg string)

	checker        *checkerClient
	checkResponses bool

	mu           sync.Mutex
	users        map[string]*user
	guilds       map[string]*guild
	guildOrder   []string
	channels     map[string]*channel
	commands     map[string][]json.RawMessage // "" = global, else guild id
	interactions map[string]*interaction      // by interaction id
	byToken      map[string]*interaction
	messages     map[string]*message
	channelMsgs  map[string][]string // channel id → message ids posted with POST /channels/{id}/messages
	dmBlocked    map[string]bool
	requests     []Request
	writes       int
	failures     []*failure
	stalls       []*stall

	gw gateway
}

// Option configures New.
type Option func(*Server)

// WithApplicationID sets the application id (default: a fresh snowflake).
func WithApplicationID(id string) Option { return func(s *Server) { s.appID = id } }

// WithBotToken sets the bot token the fake accepts as "Bot <token>".
func WithBotToken(token string) Option { return func(s *Server) { s.botToken = token } }

// WithViolationHandler replaces t.Errorf as the sink for contract violations
// (OpenAPI mismatches, unknown routes, badly encoded audit-log reasons). For
// the fake's own tests; everyone else wants the default.
func WithViolationHandler(f func(msg string)) Option { return func(s *Server) { s.violation = f } }

// WithResponseCheck also checks every response the fake sends against the
// spec's responses for the operation (with the same permission-field
// normalisation), so a fake answer that Discord would never give fails the
// test. The fake's own tests use it.
func WithResponseCheck() Option { return func(s *Server) { s.checkResponses = true } }

// New starts a fake Discord on a loopback port; it is closed at t.Cleanup.
// The fake starts with no guilds: add them with AddGuild.
func New(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s := &Server{
		t:            t,
		appID:        newID(),
		botToken:     "fake." + randomToken(16),
		botUserID:    "",
		users:        map[string]*user{},
		guilds:       map[string]*guild{},
		channels:     map[string]*channel{},
		commands:     map[string][]json.RawMessage{},
		interactions: map[string]*interaction{},
		byToken:      map[string]*interaction{},
		messages:     map[string]*message{},
		channelMsgs:  map[string][]string{},
		dmBlocked:    map[string]bool{},
	}
	s.violation = func(msg string) { t.Errorf("%s", msg) }
	// For sweeps of other packages' tests: check the fake's answers too.
	s.checkResponses = os.Getenv("ARRAKIS_FAKEDISCORD_CHECK_RESPONSES") == "1"
	for _, o := range opts {
		o(s)
	}
	// The bot user shares the application's id, as it does on Discord.
	s.botUserID = s.appID
	s.users[s.botUserID] = &user{ID: s.botUserID, Username: "Arrakis", Bot: true}
	s.checker = newCheckerClient(t)
	s.gw.init()
	s.mux = http.NewServeMux()
	s.routes()
	s.http = httptest.NewServer(s)
	t.Cleanup(s.close)
	return s
}

func (s *Server) close() {
	s.gw.closeAll()
	s.http.Close()
}

// RESTBase is the REST base URL, e.g. http://127.0.0.1:PORT/api/v9.
func (s *Server) RESTBase() string { return s.http.URL + apiPrefix }

// GatewayURL is the websocket URL, ws://127.0.0.1:PORT/gateway.
func (s *Server) GatewayURL() string {
	return "ws" + strings.TrimPrefix(s.http.URL, "http") + "/gateway"
}

// ApplicationID is the bot's application id (also the bot user's id).
func (s *Server) ApplicationID() string { return s.appID }

// BotToken is the token the fake accepts; send it as "Bot " + BotToken().
func (s *Server) BotToken() string { return s.botToken }

// BotUserID is the bot user's id.
func (s *Server) BotUserID() string { return s.botUserID }

// Request is one REST request the fake received.
type Request struct {
	Method string
	Path   string // without the /api/v9 prefix, e.g. "/guilds/1/roles"
	Query  string
	Body   []byte
	// AuditLogReason is the X-Audit-Log-Reason header URL-decoded ("" if absent).
	AuditLogReason string
	Status         int
}

// Requests returns a copy of every REST request received so far, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Request, len(s.requests))
	for i, r := range s.requests {
		r.Body = append([]byte(nil), r.Body...)
		out[i] = r
	}
	return out
}

// WriteCount is the number of non-GET requests to guild, role and channel
// routes (what a deploy writes), failed ones included. Interaction callbacks,
// webhooks, application commands, DMs and channel messages are not counted.
func (s *Server) WriteCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.writes
}

// ResetCounts clears the request log and the write count.
func (s *Server) ResetCounts() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = nil
	s.writes = 0
}

func isWrite(method, path string) bool {
	if method == http.MethodGet || method == http.MethodHead {
		return false
	}
	if strings.HasPrefix(path, "/guilds/") {
		return true
	}
	return strings.HasPrefix(path, "/channels/") && !strings.Contains(path, "/messages")
}

// statusRecorder remembers the status a handler wrote (and, when body is
// set, a copy of the response body).
type statusRecorder struct {
	http.ResponseWriter
	status int
	body   *bytes.Buffer
}

func (r *statusRecorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	if r.body != nil {
		r.body.Write(b)
	}
	return r.ResponseWriter.Write(b)
}

// ServeHTTP logs, checks and dispatches every request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/gateway" || r.URL.Path == "/gateway/" {
		s.serveGateway(w, r)
		return
	}
	body, _ := io.ReadAll(io.LimitReader(r.Body, 25<<20))
	r.Body = io.NopCloser(bytes.NewReader(body))
	path := strings.TrimPrefix(r.URL.Path, apiPrefix)
	if !strings.HasPrefix(r.URL.Path, apiPrefix+"/") {
		s.violation(fmt.Sprintf("fakediscord: %s %s is outside %s (is the REST base URL rewritten?)", r.Method, r.URL.Path, apiPrefix))
		writeError(w, http.StatusNotFound, 0, "404: Not Found")
		return
	}
	reason, reasonErr := auditLogReason(r.Header)
	if reasonErr != "" {
		s.violation(fmt.Sprintf("fakediscord: %s %s: X-Audit-Log-Reason %s", r.Method, path, reasonErr))
	}
	if s.checker != nil {
		s.checker.check(s, r.Method, path, r.URL.RawQuery, r.Header, body)
	}

	rec := &statusRecorder{ResponseWriter: w}
	if s.checkResponses && s.checker != nil {
		rec.body = &bytes.Buffer{}
		defer func() {
			s.checker.checkResponse(s, r.Method, path, r.URL.RawQuery, r.Header, body, rec.status, w.Header(), rec.body.Bytes())
		}()
	}
	idx := s.logRequest(Request{Method: r.Method, Path: path, Query: r.URL.RawQuery, Body: body, AuditLogReason: reason})
	defer func() { s.setStatus(idx, rec.status) }()

	_, pattern := s.mux.Handler(r)
	if pattern == "" {
		s.violation(fmt.Sprintf("fakediscord: no route for %s %s (the fake does not implement it, or Discord has no such route)", r.Method, path))
		writeError(rec, http.StatusNotFound, 0, "404: Not Found")
		return
	}
	if !strings.HasPrefix(path, "/webhooks/") && !strings.HasPrefix(path, "/interactions/") {
		if r.Header.Get("Authorization") != "Bot "+s.botToken {
			writeError(rec, http.StatusUnauthorized, 0, "401: Unauthorized")
			return
		}
	}
	if utf8.RuneCountInString(reason) > 512 { // Discord's limit is 512 characters
		writeFormError(rec, "reason", "BASE_TYPE_MAX_LENGTH", "Must be 512 or fewer in length.")
		return
	}
	s.mu.Lock()
	st := s.takeStall(r.Method, path)
	var f *failure
	if st == nil {
		f = s.takeFailure(r.Method, path)
	}
	s.mu.Unlock()
	if st != nil {
		s.holdStalled(rec, r, st)
		return
	}
	if f != nil && f.applied {
		s.mux.ServeHTTP(discardWriter{h: http.Header{}}, r)
		writeFailure(rec, f)
		return
	}
	if f != nil {
		writeFailure(rec, f)
		return
	}
	s.mux.ServeHTTP(rec, r)
}

// discardWriter takes a handler's answer and drops it (LoseNextAnswers).
type discardWriter struct{ h http.Header }

func (d discardWriter) Header() http.Header         { return d.h }
func (d discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (d discardWriter) WriteHeader(int)             {}

func (s *Server) logRequest(req Request) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, req)
	if isWrite(req.Method, req.Path) {
		s.writes++
	}
	return len(s.requests) - 1
}

func (s *Server) setStatus(idx, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if idx < len(s.requests) {
		s.requests[idx].Status = status
	}
}

// auditLogReason decodes the header; Discord expects it URL-encoded, and raw
// non-ASCII bytes arrive garbled, so the fake reports them as a violation.
func auditLogReason(h http.Header) (reason, problem string) {
	raw := h.Get("X-Audit-Log-Reason")
	if raw == "" {
		return "", ""
	}
	for _, c := range raw {
		if c > unicode.MaxASCII || c < 0x20 {
			return raw, fmt.Sprintf("%q is not URL-encoded (raw non-ASCII or control characters)", raw)
		}
	}
	dec, err := url.PathUnescape(raw)
	if err != nil {
		return raw, fmt.Sprintf("%q is not valid URL encoding: %v", raw, err)
	}
	return dec, ""
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	var b []byte
	switch v := v.(type) {
	case json.RawMessage:
		b = v
	case []byte:
		b = v
	default:
		var err error
		if b, err = json.Marshal(v); err != nil {
			panic(fmt.Sprintf("fakediscord: marshal response: %v", err))
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// writeError writes Discord's error body {"message", "code"}.
func writeError(w http.ResponseWriter, status, code int, message string) {
	writeJSON(w, status, map[string]any{"message": message, "code": code})
}

// writeFormError writes a 400 Invalid Form Body naming the field, as Discord does.
func writeFormError(w http.ResponseWriter, field, code, message string) {
	writeJSON(w, http.StatusBadRequest, map[string]any{
		"message": "Invalid Form Body",
		"code":    50035,
		"errors": map[string]any{
			field: map[string]any{"_errors": []any{map[string]any{"code": code, "message": message}}},
		},
	})
}

// Discord's JSON error codes the fake uses.
const (
	codeUnknownChannel     = 10003
	codeUnknownGuild       = 10004
	codeUnknownMember      = 10007
	codeUnknownMessage     = 10008
	codeUnknownOverwrite   = 10009
	codeUnknownRole        = 10011
	codeUnknownUser        = 10013
	codeUnknownWebhook     = 10015
	codeUnknownCommand     = 10063
	codeUnknownInteraction = 10062
	codeMaxRoles           = 30005
	codeMaxChannels        = 30013
	codeAlreadyAcked       = 40060
	codeMissingAccess      = 50001
	codeCannotSendToUser   = 50007
	codeMissingPermissions = 50013
	codeInvalidToken       = 50027
	codeInvalidRole        = 50028
)

func decodeBody(r *http.Request, v any) error {
	return json.NewDecoder(r.Body).Decode(v)
}
