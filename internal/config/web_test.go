package config

import (
	"net/netip"
	"slices"
	"strings"
	"testing"
)

func TestWebKeys(t *testing.T) {
	ps, err := Web{TrustedProxies: " 10.0.0.0/8, 192.0.2.10 ,2001:db8::/32,"}.Proxies()
	want := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("192.0.2.10/32"), netip.MustParsePrefix("2001:db8::/32")}
	if err != nil || !slices.Equal(ps, want) {
		t.Fatalf("Proxies = %v, %v; want %v", ps, err, want)
	}
	for _, tc := range []struct{ env, want string }{
		{"ARRAKIS_WEB_TRUSTED_PROXIES=10.0.0.0/8,proxy.local", `web.trusted_proxies: "proxy.local" is not a CIDR`},
		{"ARRAKIS_WEB_BASE_URL=arrakis.example.com", "web.base_url: must start with https://"},
		{"ARRAKIS_WEB_BASE_URL=https://arrakis.example.com/?x=1", "web.base_url: must be a plain base URL"},
	} {
		_, err := Load("", []string{tc.env})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Load(%s) = %v, want an error containing %q", tc.env, err, tc.want)
		}
	}
}
