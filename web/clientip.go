package web

import (
	"net/http"
	"net/netip"
	"strings"
)

// clientIP is the address a request comes from: the connection's peer, or, when the peer
// is a trusted proxy, the nearest address in X-Forwarded-For that is not a trusted proxy
// (read from the right: what is left of the first untrusted hop could be anything the
// client sent). An untrusted peer's X-Forwarded-For is ignored.
func (s *Server) clientIP(r *http.Request) (netip.Addr, bool) {
	peer, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return netip.Addr{}, false
	}
	ip := peer.Addr().Unmap()
	if !s.trusted(ip) {
		return ip, true
	}
	var hops []string
	for _, v := range r.Header.Values("X-Forwarded-For") {
		hops = append(hops, strings.Split(v, ",")...)
	}
	for i := len(hops) - 1; i >= 0; i-- {
		hop, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			return ip, true // a garbled hop: believe no further than the last good one
		}
		ip = hop.Unmap()
		if !s.trusted(ip) {
			return ip, true
		}
	}
	return ip, true
}

func (s *Server) trusted(ip netip.Addr) bool {
	for _, p := range s.cfg.TrustedProxies {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}
