// Package restbase points discordgo's REST calls at a configurable base URL.
//
// discordgo v0.29.0 builds every REST URL from package variables
// (EndpointAPI = "https://discord.com/api/v9/"). Those variables are read
// concurrently by every request, so changing them at run time is a data race.
// Instead, the RoundTripper returned by New sits in Session.Client.Transport and
// rewrites each outgoing request's scheme, host and API version prefix:
//
//	rt, err := restbase.New("http://127.0.0.1:1234/api/v9", nil)
//	s.Client = &http.Client{Transport: rt, Timeout: 20 * time.Second}
//
// https://discord.com/api/v9/guilds/1/roles then goes to
// http://127.0.0.1:1234/api/v9/guilds/1/roles. Requests to any other host
// (the CDN, status page) and non-API paths on discord.com pass through untouched.
package restbase

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
)

// discordHost is the host discordgo's EndpointDiscord names.
const discordHost = "discord.com"

// apiPrefix matches the "/api/v<N>" prefix discordgo puts on every REST path.
var apiPrefix = regexp.MustCompile(`^/api/v[0-9]+(/|$)`)

// New returns a RoundTripper that sends discordgo's REST requests to base and
// everything else to next unchanged. base is an absolute http(s) URL; its path
// replaces the "/api/v9" prefix (e.g. "http://127.0.0.1:1234/api/v9" or a proxy's
// "https://proxy.example/discord/api/v10"). A base without a path keeps
// discordgo's own "/api/v9" prefix. next nil means http.DefaultTransport.
func New(base string, next http.RoundTripper) (http.RoundTripper, error) {
	u, err := url.Parse(base)
	if err != nil {
		return nil, fmt.Errorf("parse REST base URL: %w", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("REST base URL %q: scheme must be http or https", base)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("REST base URL %q: no host", base)
	}
	if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return nil, fmt.Errorf("REST base URL %q: must not carry a query, fragment or user info", base)
	}
	if next == nil {
		next = http.DefaultTransport
	}
	return &rewriter{
		scheme:  u.Scheme,
		host:    u.Host,
		path:    strings.TrimSuffix(u.Path, "/"),
		rawPath: strings.TrimSuffix(u.EscapedPath(), "/"),
		next:    next,
	}, nil
}

type rewriter struct {
	scheme, host  string
	path, rawPath string // base path without trailing slash; "" keeps the original prefix
	next          http.RoundTripper
}

func (r *rewriter) RoundTrip(req *http.Request) (*http.Response, error) {
	if !strings.EqualFold(req.URL.Host, discordHost) || !apiPrefix.MatchString(req.URL.Path) {
		return r.next.RoundTrip(req)
	}
	// A RoundTripper must not modify the caller's request.
	out := req.Clone(req.Context())
	u := *req.URL
	u.Scheme = r.scheme
	u.Host = r.host
	if r.path != "" {
		rest := strings.TrimPrefix(u.Path, apiPrefix.FindString(u.Path))
		escRest := strings.TrimPrefix(req.URL.EscapedPath(), apiPrefix.FindString(req.URL.EscapedPath()))
		u.Path = r.path + "/" + rest
		if u.RawPath != "" || r.rawPath != r.path {
			u.RawPath = r.rawPath + "/" + escRest
		} else {
			u.RawPath = ""
		}
		if rest == "" && !strings.HasSuffix(req.URL.Path, "/") {
			u.Path = strings.TrimSuffix(u.Path, "/")
			u.RawPath = strings.TrimSuffix(u.RawPath, "/")
		}
	}
	out.URL = &u
	out.Host = "" // let net/http derive Host from the rewritten URL
	resp, err := r.next.RoundTrip(out)
	if err != nil {
		// net/http names the caller's URL (discord.com) in its error; say where the request
		// really went, so a network failure points at the configured base.
		return nil, fmt.Errorf("sent to %s: %w", u.Redacted(), err)
	}
	return resp, nil
}
