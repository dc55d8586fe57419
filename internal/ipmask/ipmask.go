// Package ipmask shortens client addresses before they are logged: no full client address
// goes into Arrakis's logs, only its network (an IPv4 /24, an IPv6 /48), which is enough to
// tell networks apart and not enough to name a client.
package ipmask

import (
	"fmt"
	"net"
	"regexp"
	"strings"
)

// ipCandidate matches what might be an address: IPv6 in brackets (before a port), IPv4,
// or bare IPv6. net.ParseIP decides; a port after the address is left as it is.
var ipCandidate = regexp.MustCompile(`\[[0-9A-Fa-f:.]+\]|\b\d{1,3}(?:\.\d{1,3}){3}\b|[0-9A-Fa-f]*:[0-9A-Fa-f:.]*[0-9A-Fa-f]`)

// All replaces every IPv4 address in s with its /24 (203.0.113.x) and every IPv6 address
// with its /48 (2001:db8:85a3:x).
func All(s string) string {
	return ipCandidate.ReplaceAllStringFunc(s, func(tok string) string {
		host := strings.TrimSuffix(strings.TrimPrefix(tok, "["), "]")
		ip := net.ParseIP(host)
		if ip == nil {
			return tok
		}
		if host != tok {
			return "[" + IP(ip) + "]"
		}
		return IP(ip)
	})
}

// IP is ip truncated: 203.0.113.x or 2001:db8:85a3:x.
func IP(ip net.IP) string {
	if v4 := ip.To4(); v4 != nil {
		return fmt.Sprintf("%d.%d.%d.x", v4[0], v4[1], v4[2])
	}
	if len(ip) != net.IPv6len {
		return "invalid"
	}
	return fmt.Sprintf("%x:%x:%x:x", uint16(ip[0])<<8|uint16(ip[1]), uint16(ip[2])<<8|uint16(ip[3]), uint16(ip[4])<<8|uint16(ip[5]))
}

// String is IP for an address in text form ("invalid" when it does not parse).
func String(addr string) string {
	ip := net.ParseIP(addr)
	if ip == nil {
		return "invalid"
	}
	return IP(ip)
}
