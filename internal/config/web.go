package config

import (
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"strings"
)

// checkWebBaseURL accepts an absolute http(s) URL without query or fragment: links are made
// by appending /web/… to it.
func checkWebBaseURL(s string) error {
	if err := checkURL(s, "https", "http"); err != nil {
		return err
	}
	u, _ := url.Parse(s)
	if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return errors.New("must be a plain base URL such as https://arrakis.example.com (no query, fragment or user)")
	}
	return nil
}

// Proxies parses web.trusted_proxies: comma-separated CIDRs, or single addresses (taken as
// /32 or /128).
func (w Web) Proxies() ([]netip.Prefix, error) {
	var out []netip.Prefix
	for part := range strings.SplitSeq(w.TrustedProxies, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if p, err := netip.ParsePrefix(part); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(part)
		if err != nil {
			return nil, fmt.Errorf("%q is not a CIDR such as 10.0.0.0/8 or an address such as 192.0.2.10", part)
		}
		out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
	}
	return out, nil
}
