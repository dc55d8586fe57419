// Package web is the read-only web view (DESIGN §8): a guild's drift report, its version
// history, the difference between two versions and the current manifest as YAML, rendered
// on the server with html/template. No JavaScript, no third-party assets, a strict
// Content-Security-Policy.
//
// Sign-in is by one-time link only. /drift and /setup in Discord offer "Open in browser"
// (Server.WebLink makes the link): a 256-bit token, valid 10 minutes, used once, kept in
// the coordination store (store.WebAuth) so that any instance can redeem it, bound to the
// Discord user and the guild. Redeeming it starts a cookie session bound to that user,
// that guild and the client address that redeemed it; every page checks the binding and
// asks Discord again (through Access, cached briefly) whether the user may manage the
// guild. The package never imports bot: cmd hands it Access and Drift.
//
// Where to look: auth.go (links, sessions, the checks of every page), clientip.go,
// refusals.go (every sentence a visitor can be refused with), pages.go, diff.go.
package web

import (
	"context"
	"embed"
	"errors"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/arrakis-bot/arrakis/drift"
	"github.com/arrakis-bot/arrakis/store"
)

// Defaults of Config's durations.
const (
	LinkTTL        = 10 * time.Minute // a sign-in link works this long, once
	IdleTimeout    = 30 * time.Minute // a session unused this long has ended
	MaxSessionAge  = 8 * time.Hour    // and every session ends this long after sign-in
	AccessCacheTTL = 30 * time.Second // how long one answer of Access is reused
)

// Access tells whether a Discord user may manage a guild (Manage Server or Administrator,
// or owning it), as Discord sees it now. ErrUnknownGuild when the guild does not exist or
// the bot cannot see it.
type Access interface {
	Member(ctx context.Context, guildID, userID string) (Membership, error)
}

// Membership is Access's answer.
type Membership struct {
	CanManage bool
	GuildName string
	UserName  string
}

// ErrUnknownGuild is what Access and Drift return for a guild the bot is not in.
var ErrUnknownGuild = errors.New("the guild is unknown or the bot cannot see it")

// ErrNothingDeployed is what Drift returns for a guild with nothing deployed yet.
var ErrNothingDeployed = errors.New("nothing has been deployed in the guild")

// Drift computes a guild's drift report: desired manifest vs last deployed vs live guild.
type Drift interface {
	Drift(ctx context.Context, guildID string) (*DriftReport, error)
}

// DriftReport is what the drift page shows.
type DriftReport struct {
	Report    drift.Report
	DesiredID string // snapshot id of the desired manifest
	ShadowID  string // snapshot id of the last deployed one ("" when none)
}

// Config is what the web view works with. Auth, Shadow, Access and Drift are required.
type Config struct {
	// BaseURL is the public URL that reaches this server; links are BaseURL + "/web/…".
	BaseURL string
	// TrustedProxies are the peers whose X-Forwarded-For is believed.
	TrustedProxies []netip.Prefix
	Auth           store.WebAuth
	Shadow         store.Shadow
	Access         Access
	Drift          Drift
	Log            *zap.Logger
	Now            func() time.Time // default time.Now
	// Zero durations take the defaults above.
	LinkTTL, IdleTimeout, MaxSessionAge, AccessCacheTTL time.Duration
}

// Server serves /web/. It is safe for concurrent use.
type Server struct {
	cfg    Config
	origin string // scheme://host of BaseURL, what browsers send as Origin
	mux    *http.ServeMux
	pages  *pageTemplates

	accessMu sync.Mutex
	access   map[accessKey]accessEntry
}

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static/style.css
var styleCSS []byte

// New returns the web view over cfg.
func New(cfg Config) (*Server, error) {
	if cfg.Auth == nil || cfg.Shadow == nil || cfg.Access == nil || cfg.Drift == nil {
		return nil, errors.New("web: Auth, Shadow, Access and Drift are required")
	}
	if cfg.Log == nil {
		cfg.Log = zap.NewNop()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	for _, d := range []struct {
		v   *time.Duration
		def time.Duration
	}{{&cfg.LinkTTL, LinkTTL}, {&cfg.IdleTimeout, IdleTimeout}, {&cfg.MaxSessionAge, MaxSessionAge}, {&cfg.AccessCacheTTL, AccessCacheTTL}} {
		if *d.v <= 0 {
			*d.v = d.def
		}
	}
	pages, err := parseTemplates()
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, mux: http.NewServeMux(), pages: pages, access: map[accessKey]accessEntry{}}
	if u, err := url.Parse(cfg.BaseURL); err == nil && u.Host != "" {
		s.origin = u.Scheme + "://" + u.Host
	}
	s.routes()
	return s, nil
}

func (s *Server) routes() {
	s.mux.HandleFunc("GET /web/static/style.css", serveCSS)
	s.mux.HandleFunc("GET /web/signin/{token}", s.signInPage)
	s.mux.HandleFunc("POST /web/signin", s.signIn)
	s.mux.HandleFunc("GET /web/g/{guild}/{$}", s.guildPage(s.redirectToDrift))
	s.mux.HandleFunc("GET /web/g/{guild}/drift", s.guildPage(s.driftPage))
	s.mux.HandleFunc("GET /web/g/{guild}/history", s.guildPage(s.historyPage))
	s.mux.HandleFunc("GET /web/g/{guild}/diff", s.guildPage(s.diffPage))
	s.mux.HandleFunc("GET /web/g/{guild}/manifest", s.guildPage(s.manifestPage))
	s.mux.HandleFunc("GET /web/g/{guild}/manifest.yaml", s.guildPage(s.manifestYAML))
	s.mux.HandleFunc("POST /web/g/{guild}/signout", s.signOut)
	s.mux.HandleFunc("/web/", func(w http.ResponseWriter, r *http.Request) { s.refuse(w, r, refuseNotFound) })
}

// ServeHTTP serves every /web/ page with the security headers: a strict CSP, no framing,
// no referrer (a sign-in link must not leak), no caching of guild data.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-store")
	defer func() {
		if p := recover(); p != nil {
			s.cfg.Log.Error("panic in the web view", zap.Any("panic", p), zap.String("path", r.URL.Path), zap.Stack("stack"))
			s.refuse(w, r, refuseInternal)
		}
	}()
	s.mux.ServeHTTP(w, r)
}

func serveCSS(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	_, _ = w.Write(styleCSS)
}

func (s *Server) now() time.Time { return s.cfg.Now() }
