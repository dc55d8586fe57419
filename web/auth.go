package web

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/netip"
	"time"

	"go.uber.org/zap"

	"github.com/arrakis-bot/arrakis/internal/ipmask"
	"github.com/arrakis-bot/arrakis/store"
)

// Secrets handed out (link tokens and cookie values) are 32 random bytes in unpadded
// base64url; the store keeps only their SHA-256, so what it holds cannot be used to sign in.
const (
	secretBytes  = 32
	secretLen    = 43 // base64.RawURLEncoding of secretBytes
	cookiePrefix = "arrakis_"
)

func newSecret() (string, error) {
	var b [secretBytes]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("random secret: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}

// storeID is the id a secret is stored under; ok is false for anything that is not one of
// our secrets (a forged cookie or link never reaches the store).
func storeID(secret string) (id string, ok bool) {
	if len(secret) != secretLen {
		return "", false
	}
	if _, err := base64.RawURLEncoding.DecodeString(secret); err != nil {
		return "", false
	}
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:]), true
}

// WebLink makes a one-time sign-in link to guildID's web view for userID. The caller has
// checked that the user may manage the guild; redeeming it checks again.
func (s *Server) WebLink(ctx context.Context, guildID, userID string) (string, error) {
	token, err := newSecret()
	if err != nil {
		return "", err
	}
	id, _ := storeID(token)
	now := s.now()
	l := store.WebLink{GuildID: guildID, UserID: userID, CreatedAt: now, ExpiresAt: now.Add(s.cfg.LinkTTL)}
	// The store keeps it a minute longer than it works, so that a late click is told it
	// expired rather than that it was used.
	if err := s.cfg.Auth.PutWebLink(ctx, id, l, s.cfg.LinkTTL+time.Minute); err != nil {
		return "", fmt.Errorf("store a web sign-in link for guild %s: %w", guildID, err)
	}
	return s.cfg.BaseURL + "/web/signin/" + token, nil
}

// signInPage is what a link opens: one button that redeems it. The link is not redeemed on
// GET, so a link preview or a prefetching scanner cannot use it up.
func (s *Server) signInPage(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	if _, ok := storeID(token); !ok {
		s.refuse(w, r, refuseLinkUsed)
		return
	}
	s.render(w, http.StatusOK, "signin", page{Title: "Sign in", Token: token})
}

// sameOrigin refuses a form posted from another site (login CSRF, forced sign-out):
// browsers say where a request comes from in Sec-Fetch-Site, and in Origin.
func (s *Server) sameOrigin(r *http.Request) bool {
	switch r.Header.Get("Sec-Fetch-Site") {
	case "", "same-origin", "none":
	default:
		return false
	}
	if o := r.Header.Get("Origin"); o != "" && o != "null" {
		return o == "http://"+r.Host || o == "https://"+r.Host || (s.origin != "" && o == s.origin)
	}
	return true
}

// signIn redeems a link: it is taken from the store (once, on any instance), checked for
// age and for the user's permission now, and turned into a session bound to the user, the
// guild and this client's address.
func (s *Server) signIn(w http.ResponseWriter, r *http.Request) {
	if !s.sameOrigin(r) {
		s.refuse(w, r, refuseCrossSite)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
	if err := r.ParseForm(); err != nil {
		s.refuse(w, r, refuseBadForm)
		return
	}
	id, ok := storeID(r.PostForm.Get("token"))
	if !ok {
		s.refuse(w, r, refuseLinkUsed)
		return
	}
	ip, ok := s.clientIP(r)
	if !ok {
		s.refuse(w, r, refuseBadForm)
		return
	}
	ctx := r.Context()
	l, err := s.cfg.Auth.TakeWebLink(ctx, id)
	switch {
	case store.IsCode(err, store.CodeNotFound):
		s.refuse(w, r, refuseLinkUsed)
		return
	case err != nil:
		s.cfg.Log.Warn("web sign-in: read the link", zap.Error(err))
		s.refuse(w, r, refuseUnavailable)
		return
	}
	now := s.now()
	if !now.Before(l.ExpiresAt) {
		s.refuse(w, r, refuseLinkExpired)
		return
	}
	if _, f := s.checkAccess(ctx, l.GuildID, l.UserID, true); f != nil {
		s.cfg.Log.Info("web sign-in refused", zap.String("guild", l.GuildID), zap.String("user", l.UserID), zap.String("reason", f.title))
		s.refuse(w, r, *f)
		return
	}
	secret, err := newSecret()
	if err != nil {
		s.refuse(w, r, refuseInternal)
		return
	}
	sid, _ := storeID(secret)
	sess := store.WebSession{GuildID: l.GuildID, UserID: l.UserID, IP: ip.String(), CreatedAt: now, LastSeen: now}
	if err := s.cfg.Auth.PutWebSession(ctx, sid, sess, s.cfg.MaxSessionAge); err != nil {
		s.cfg.Log.Warn("web sign-in: store the session", zap.String("guild", l.GuildID), zap.Error(err))
		s.refuse(w, r, refuseUnavailable)
		return
	}
	http.SetCookie(w, &http.Cookie{
		Name: cookiePrefix + l.GuildID, Value: secret, Path: "/web/g/" + l.GuildID + "/",
		MaxAge: int(s.cfg.MaxSessionAge / time.Second), HttpOnly: true, Secure: true, SameSite: http.SameSiteStrictMode,
	})
	s.cfg.Log.Info("web sign-in", zap.String("guild", l.GuildID), zap.String("user", l.UserID), zap.String("client", ipmask.String(ip.String())))
	http.Redirect(w, r, "/web/g/"+l.GuildID+"/drift", http.StatusSeeOther)
}

// signOut ends the session of this guild's cookie, wherever it was used from.
func (s *Server) signOut(w http.ResponseWriter, r *http.Request) {
	if !s.sameOrigin(r) {
		s.refuse(w, r, refuseCrossSite)
		return
	}
	guild := r.PathValue("guild")
	if c, err := r.Cookie(cookiePrefix + guild); err == nil {
		if id, ok := storeID(c.Value); ok {
			if err := s.cfg.Auth.DeleteWebSession(r.Context(), id); err != nil {
				s.cfg.Log.Warn("web sign-out: delete the session", zap.String("guild", guild), zap.Error(err))
				s.refuse(w, r, refuseUnavailable)
				return
			}
		}
	}
	http.SetCookie(w, &http.Cookie{Name: cookiePrefix + guild, Value: "", Path: "/web/g/" + guild + "/", MaxAge: -1,
		HttpOnly: true, Secure: true, SameSite: http.SameSiteStrictMode})
	s.render(w, http.StatusOK, "refusal", page{Title: "Signed out", Message: "You are signed out. To look again, run /drift in Discord and press “Open in browser”."})
}

// viewer is who is looking at a guild page, once every check passed.
type viewer struct {
	GuildID, UserID     string
	GuildName, UserName string
}

// guildPage wraps a page of /web/{guild}/ with the checks every page makes: a session
// cookie for this guild that the store knows, bound to this guild, not idle too long nor
// too old, used from the address it is bound to, by a user who may still manage the guild.
func (s *Server) guildPage(next func(http.ResponseWriter, *http.Request, viewer)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		v, f := s.authenticate(r)
		if f != nil {
			s.refuse(w, r, *f)
			return
		}
		next(w, r, v)
	}
}

func (s *Server) authenticate(r *http.Request) (viewer, *refusal) {
	ctx, guild := r.Context(), r.PathValue("guild")
	c, err := r.Cookie(cookiePrefix + guild)
	if err != nil || c.Value == "" {
		return viewer{}, &refuseNotSignedIn
	}
	id, ok := storeID(c.Value)
	if !ok {
		s.cfg.Log.Info("web: a cookie that Arrakis did not make", zap.String("guild", guild))
		return viewer{}, &refuseSessionEnded
	}
	sess, err := s.cfg.Auth.WebSession(ctx, id)
	switch {
	case store.IsCode(err, store.CodeNotFound):
		return viewer{}, &refuseSessionEnded
	case err != nil:
		s.cfg.Log.Warn("web: read the session", zap.String("guild", guild), zap.Error(err))
		return viewer{}, &refuseUnavailable
	}
	if sess.GuildID != guild {
		s.cfg.Log.Warn("web: a session used for another guild", zap.String("guild", guild),
			zap.String("session_guild", sess.GuildID), zap.String("user", sess.UserID))
		return viewer{}, &refuseWrongGuild
	}
	now := s.now()
	if now.Sub(sess.LastSeen) >= s.cfg.IdleTimeout || now.Sub(sess.CreatedAt) >= s.cfg.MaxSessionAge {
		_ = s.cfg.Auth.DeleteWebSession(ctx, id)
		return viewer{}, &refuseSessionEnded
	}
	ip, ok := s.clientIP(r)
	bound, err := netip.ParseAddr(sess.IP)
	if !ok || err != nil || ip != bound {
		// The binding is never moved: a stolen cookie is useless elsewhere, and the rightful
		// browser keeps its session.
		s.cfg.Log.Warn("web: session used from another address, refused (possible hijack)",
			zap.String("guild", guild), zap.String("user", sess.UserID),
			zap.String("bound", ipmask.String(sess.IP)), zap.String("client", ipmask.String(ip.String())))
		return viewer{}, &refuseIPMismatch
	}
	m, f := s.checkAccess(ctx, guild, sess.UserID, false)
	if f != nil {
		s.cfg.Log.Info("web: page refused", zap.String("guild", guild), zap.String("user", sess.UserID), zap.String("reason", f.title))
		return viewer{}, f
	}
	if now.Sub(sess.LastSeen) >= time.Minute { // one write a minute is enough for the idle limit
		if err := s.cfg.Auth.TouchWebSession(ctx, id, now); err != nil && !store.IsCode(err, store.CodeNotFound) {
			s.cfg.Log.Warn("web: touch the session", zap.String("guild", guild), zap.Error(err))
		}
	}
	return viewer{GuildID: guild, UserID: sess.UserID, GuildName: m.GuildName, UserName: m.UserName}, nil
}

type accessKey struct{ guild, user string }

type accessEntry struct {
	m       Membership
	expires time.Time
}

// checkAccess asks Access whether the user may manage the guild, reusing an answer for
// AccessCacheTTL unless fresh is set (sign-in always asks Discord).
func (s *Server) checkAccess(ctx context.Context, guildID, userID string, fresh bool) (Membership, *refusal) {
	k, now := accessKey{guildID, userID}, s.now()
	s.accessMu.Lock()
	e, ok := s.access[k]
	s.accessMu.Unlock()
	if !ok || fresh || !now.Before(e.expires) {
		m, err := s.cfg.Access.Member(ctx, guildID, userID)
		switch {
		case errors.Is(err, ErrUnknownGuild):
			return Membership{}, &refuseUnknownGuild
		case err != nil:
			s.cfg.Log.Warn("web: check the user's permissions", zap.String("guild", guildID), zap.String("user", userID), zap.Error(err))
			return Membership{}, &refuseUnavailable
		}
		e = accessEntry{m: m, expires: now.Add(s.cfg.AccessCacheTTL)}
		s.accessMu.Lock()
		if len(s.access) > 10000 { // bounded: a crude reset beats an unbounded map
			clear(s.access)
		}
		s.access[k] = e
		s.accessMu.Unlock()
	}
	if !e.m.CanManage {
		return Membership{}, &refuseNoPermission
	}
	return e.m, nil
}
