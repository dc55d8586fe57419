package web

import (
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap/zapcore"

	"github.com/arrakis-bot/arrakis/internal/testenv"
	"github.com/arrakis-bot/arrakis/store/redis"
)

// A link signs in once: the cookie it sets is HttpOnly, Secure, SameSite=Strict and scoped
// to its guild's pages; the same link a second time is refused.
func TestLinkWorksOnce(t *testing.T) {
	f := newFixture(t)
	c := client("127.0.0.1")
	link := f.link(guildA, adminID)
	r := f.redeem(c, link)
	if r.status != http.StatusSeeOther {
		t.Fatalf("first use: %d %s", r.status, r.body)
	}
	var ck *http.Cookie
	for _, x := range r.resp.Cookies() {
		ck = x
	}
	if ck == nil || ck.Name != cookiePrefix+guildA || !ck.HttpOnly || !ck.Secure || ck.SameSite != http.SameSiteStrictMode ||
		ck.Path != "/web/g/"+guildA+"/" || len(ck.Value) != secretLen {
		t.Fatalf("cookie %+v", ck)
	}
	page := f.get(c, "/web/g/"+guildA+"/drift", ck)
	if page.status != http.StatusOK || !strings.Contains(page.body, itemName) || !strings.Contains(page.body, guildName) {
		t.Fatalf("drift page: %d\n%s", page.status, page.body)
	}
	want := "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
	if got := page.header.Get("Content-Security-Policy"); got != want {
		t.Fatalf("CSP %q, want %q", got, want)
	}
	refused(t, "the same link again", f.redeem(c, link), http.StatusGone, refuseLinkUsed)
}

// A link works for 10 minutes by the server's clock, and not after.
func TestLinkExpiresAfterTenMinutes(t *testing.T) {
	f := newFixture(t)
	c := client("127.0.0.1")
	late := f.link(guildA, adminID)
	inTime := f.link(guildA, adminID)
	f.clock.Advance(9*time.Minute + 59*time.Second)
	if r := f.redeem(c, inTime); r.status != http.StatusSeeOther {
		t.Fatalf("a link at 9m59s: %d %s", r.status, r.body)
	}
	f.clock.Advance(2 * time.Second)
	refused(t, "a link at 10m01s", f.redeem(c, late), http.StatusGone, refuseLinkExpired)
}

// A link of a user who cannot manage the guild (any more) is refused, and so is one for a
// guild the bot is no longer in.
func TestLinkNeedsManageServer(t *testing.T) {
	f := newFixture(t)
	c := client("127.0.0.1")
	refused(t, "a moderator's link", f.redeem(c, f.link(guildA, modID)), http.StatusForbidden, refuseNoPermission)
	f.access.setUnknown(guildB)
	refused(t, "a link to a guild the bot left", f.redeem(c, f.link(guildB, adminID)), http.StatusNotFound, refuseUnknownGuild)
}

// A cookie issued to 127.0.0.1 and replayed from 127.0.0.2 is refused and logged without
// either full address; the session stays bound to 127.0.0.1 and keeps working there.
func TestCookieReplayedFromAnotherAddress(t *testing.T) {
	f := newFixture(t)
	home, thief := client("127.0.0.1"), client("127.0.0.2")
	ck := f.signIn(home, guildA, adminID)
	refused(t, "the cookie from 127.0.0.2", f.get(thief, "/web/g/"+guildA+"/drift", ck), http.StatusForbidden, refuseIPMismatch)
	hijack := f.logs.FilterMessageSnippet("another address")
	if hijack.Len() != 1 || hijack.All()[0].Level != zapcore.WarnLevel {
		t.Fatalf("hijack log lines: %+v", hijack.All())
	}
	fields := hijack.All()[0].ContextMap()
	if fields["bound"] != "127.0.0.x" || fields["client"] != "127.0.0.x" || fields["guild"] != guildA {
		t.Fatalf("hijack log fields %v", fields)
	}
	for _, e := range f.logs.All() {
		line := e.Message
		for k, v := range e.ContextMap() {
			line += " " + k + "=" + strings.TrimSpace(strings.ReplaceAll(toString(v), "\n", " "))
		}
		if strings.Contains(line, "127.0.0.1") || strings.Contains(line, "127.0.0.2") {
			t.Fatalf("a log line holds a full address: %s", line)
		}
	}
	if r := f.get(home, "/web/g/"+guildA+"/drift", ck); r.status != http.StatusOK {
		t.Fatalf("the rightful browser after the replay: %d %s", r.status, r.body)
	}
	refused(t, "the cookie from 127.0.0.2 again", f.get(thief, "/web/g/"+guildA+"/history", ck), http.StatusForbidden, refuseIPMismatch)
}

func toString(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	return ""
}

// Cookies that Arrakis did not make, or made for another guild, get nothing.
func TestForgedAndForeignCookies(t *testing.T) {
	f := newFixture(t)
	c := client("127.0.0.1")
	refused(t, "no cookie", f.get(c, "/web/g/"+guildA+"/drift", nil), http.StatusUnauthorized, refuseNotSignedIn)
	for name, value := range map[string]string{
		"random, well formed": strings.Repeat("A", secretLen-1) + "g",
		"garbage":             "not-a-session",
		"too long":            strings.Repeat("x", 500),
		"empty":               "",
	} {
		r := f.get(c, "/web/g/"+guildA+"/drift", &http.Cookie{Name: cookiePrefix + guildA, Value: value})
		if value == "" {
			refused(t, name, r, http.StatusUnauthorized, refuseNotSignedIn)
			continue
		}
		refused(t, name+" cookie", r, http.StatusUnauthorized, refuseSessionEnded)
	}
	a := f.signIn(c, guildA, adminID)
	foreign := &http.Cookie{Name: cookiePrefix + guildB, Value: a.Value}
	refused(t, "guild A's session as guild B's cookie", f.get(c, "/web/g/"+guildB+"/drift", foreign), http.StatusForbidden, refuseWrongGuild)
	refused(t, "guild A's cookie on guild B's page", f.get(c, "/web/g/"+guildB+"/manifest.yaml", a), http.StatusUnauthorized, refuseNotSignedIn)
	if r := f.get(c, "/web/g/"+guildA+"/drift", a); r.status != http.StatusOK {
		t.Fatalf("guild A's own page: %d", r.status)
	}
}

// X-Forwarded-For counts only when the peer is a trusted proxy.
func TestForwardedForOnlyFromTrustedProxies(t *testing.T) {
	f := newFixture(t)
	home, other := client("127.0.0.1"), client("127.0.0.2")
	ck := f.signIn(home, guildA, adminID)
	refused(t, "spoofed X-Forwarded-For from an untrusted peer",
		f.get(other, "/web/g/"+guildA+"/drift", ck, "X-Forwarded-For", "127.0.0.1"), http.StatusForbidden, refuseIPMismatch)

	// Behind a trusted proxy (127.0.0.2), the client is the nearest untrusted hop.
	p := newFixture(t, func(c *Config) { c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.2/32")} })
	proxy := client("127.0.0.2")
	pck := p.signIn(proxy, guildA, adminID, "X-Forwarded-For", "203.0.113.50")
	if r := p.get(proxy, "/web/g/"+guildA+"/drift", pck, "X-Forwarded-For", "198.51.100.7, 203.0.113.50"); r.status != http.StatusOK {
		t.Fatalf("the same client through the trusted proxy: %d %s", r.status, r.body)
	}
	refused(t, "another client through the trusted proxy",
		p.get(proxy, "/web/g/"+guildA+"/drift", pck, "X-Forwarded-For", "203.0.113.50, 198.51.100.7"), http.StatusForbidden, refuseIPMismatch)
	refused(t, "the proxy's client address sent straight from an untrusted peer",
		p.get(client("127.0.0.1"), "/web/g/"+guildA+"/drift", pck, "X-Forwarded-For", "203.0.113.50"), http.StatusForbidden, refuseIPMismatch)
}

// Sessions end after 30 minutes unused, after 8 hours in any case, and at sign-out.
func TestSessionExpiryAndSignOut(t *testing.T) {
	f := newFixture(t)
	c := client("127.0.0.1")
	ck := f.signIn(c, guildA, adminID)
	for range 3 { // used every 20 minutes: the idle limit does not end it
		f.clock.Advance(20 * time.Minute)
		if r := f.get(c, "/web/g/"+guildA+"/drift", ck); r.status != http.StatusOK {
			t.Fatalf("a session in use: %d", r.status)
		}
	}
	f.clock.Advance(31 * time.Minute)
	refused(t, "after 31 minutes idle", f.get(c, "/web/g/"+guildA+"/drift", ck), http.StatusUnauthorized, refuseSessionEnded)

	ck = f.signIn(c, guildA, adminID)
	for range 17 { // 8h13m in all, never idle 30 minutes
		f.clock.Advance(29 * time.Minute)
		f.get(c, "/web/g/"+guildA+"/drift", ck)
	}
	refused(t, "after 8 hours", f.get(c, "/web/g/"+guildA+"/drift", ck), http.StatusUnauthorized, refuseSessionEnded)

	ck = f.signIn(c, guildA, adminID)
	post := func(header ...string) response {
		req := mustRequest(t, http.MethodPost, f.ts.URL+"/web/g/"+guildA+"/signout", nil)
		req.AddCookie(ck)
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		return f.do(c, req)
	}
	refused(t, "sign-out posted from another site", post("Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example"), http.StatusForbidden, refuseCrossSite)
	if r := f.get(c, "/web/g/"+guildA+"/drift", ck); r.status != http.StatusOK {
		t.Fatalf("after a refused cross-site sign-out: %d", r.status)
	}
	if r := post("Sec-Fetch-Site", "same-origin", "Origin", f.ts.URL); r.status != http.StatusOK || !strings.Contains(r.body, "signed out") {
		t.Fatalf("sign-out: %d %s", r.status, r.body)
	}
	refused(t, "after sign-out", f.get(c, "/web/g/"+guildA+"/drift", ck), http.StatusUnauthorized, refuseSessionEnded)
}

// A sign-in posted from another site is refused without using the link.
func TestSignInFromAnotherSite(t *testing.T) {
	f := newFixture(t)
	c := client("127.0.0.1")
	link := f.link(guildA, adminID)
	refused(t, "cross-site sign-in", f.redeem(c, link, "Sec-Fetch-Site", "cross-site"), http.StatusForbidden, refuseCrossSite)
	if r := f.redeem(c, link, "Sec-Fetch-Site", "same-origin", "Origin", f.ts.URL); r.status != http.StatusSeeOther {
		t.Fatalf("the link after a refused cross-site try: %d %s", r.status, r.body)
	}
}

// Every page asks again whether the user may manage the guild (an answer is reused for 30
// seconds): a user who lost Manage Server is refused within that time.
func TestPermissionRecheckedOnEveryPage(t *testing.T) {
	f := newFixture(t)
	c := client("127.0.0.1")
	ck := f.signIn(c, guildA, adminID)
	if r := f.get(c, "/web/g/"+guildA+"/history", ck); r.status != http.StatusOK {
		t.Fatalf("history: %d", r.status)
	}
	f.access.mu.Lock()
	asked := f.access.calls
	f.access.mu.Unlock()
	f.get(c, "/web/g/"+guildA+"/drift", ck)
	f.access.mu.Lock()
	if f.access.calls != asked {
		t.Errorf("a page within 30 seconds asked Discord again (%d → %d calls)", asked, f.access.calls)
	}
	f.access.mu.Unlock()
	f.access.set(guildA, adminID, false)
	f.clock.Advance(31 * time.Second)
	refused(t, "after losing Manage Server", f.get(c, "/web/g/"+guildA+"/drift", ck), http.StatusForbidden, refuseNoPermission)
	f.access.setUnknown(guildA)
	f.clock.Advance(31 * time.Second)
	refused(t, "after the bot left the guild", f.get(c, "/web/g/"+guildA+"/drift", ck), http.StatusNotFound, refuseUnknownGuild)
}

// Links and sessions live in the shared store: a link issued by one instance is redeemed
// on another, and either serves the session (Redis).
func TestLinkRedeemedOnAnotherInstance(t *testing.T) {
	auth := redis.NewWebAuth(testenv.Redis(t))
	a := newFixture(t, func(c *Config) { c.Auth = auth })
	b := newFixture(t, func(c *Config) { c.Auth = auth })
	c := client("127.0.0.1")
	link := a.link(guildA, adminID)
	r := b.redeem(c, strings.Replace(link, a.ts.URL, b.ts.URL, 1))
	if r.status != http.StatusSeeOther {
		t.Fatalf("redeem on instance b: %d %s", r.status, r.body)
	}
	ck := r.resp.Cookies()[0]
	if p := a.get(c, "/web/g/"+guildA+"/drift", ck); p.status != http.StatusOK {
		t.Fatalf("instance a with b's session: %d", p.status)
	}
	refused(t, "the link again, on instance a", a.redeem(c, link), http.StatusGone, refuseLinkUsed)
}

// The pages: history, a diff between two versions, the manifest and its download.
func TestPages(t *testing.T) {
	f := newFixture(t)
	seedHistory(t, f.shadow, guildA)
	c := client("127.0.0.1")
	ck := f.signIn(c, guildA, adminID)
	h := f.get(c, "/web/g/"+guildA+"/history", ck)
	for _, want := range []string{"v2", "v1", "update", "initial", "not deployed", "deployed", "sand-admin", "diff?from=1&amp;to=2"} {
		if !strings.Contains(h.body, want) {
			t.Fatalf("history lacks %q:\n%s", want, h.body)
		}
	}
	d := f.get(c, "/web/g/"+guildA+"/diff?"+url.Values{"from": {"1"}, "to": {"2"}}.Encode(), ck)
	if d.status != http.StatusOK || !strings.Contains(d.body, `<td class="l">      name: Holder</td>`) ||
		!strings.Contains(d.body, `<td class="r">      name: Holder Prime</td>`) {
		t.Fatalf("diff: %d\n%s", d.status, d.body)
	}
	if bad := f.get(c, "/web/g/"+guildA+"/diff?from=1&to=9", ck); bad.status != http.StatusBadRequest || !strings.Contains(bad.body, "version 9 does not exist") {
		t.Fatalf("diff to a missing version: %d %s", bad.status, bad.body)
	}
	y := f.get(c, "/web/g/"+guildA+"/manifest.yaml", ck)
	if y.status != http.StatusOK || !strings.HasPrefix(y.header.Get("Content-Disposition"), "attachment;") ||
		!strings.Contains(y.body, "name: Holder Prime") {
		t.Fatalf("manifest.yaml: %d %v\n%s", y.status, y.header, y.body)
	}
	if css := f.get(c, "/web/static/style.css", nil); css.status != http.StatusOK || !strings.HasPrefix(css.header.Get("Content-Type"), "text/css") {
		t.Fatalf("style.css: %d %v", css.status, css.header)
	}
}
