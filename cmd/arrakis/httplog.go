package main

import (
	"fmt"
	"log"
	"net"
	"regexp"
	"strings"

	"go.uber.org/zap"
)

// net/http writes its own complaints to http.Server.ErrorLog, and some name the client
// ("http: panic serving 203.0.113.77:5555: …", "http: TLS handshake error from …"). No
// full client address goes into Arrakis's logs, so those lines are passed through
// truncateIPs on their way into zap.

// httpErrorLog is an http.Server.ErrorLog that logs each line at warn level with every IP
// address in it truncated.
func httpErrorLog(l *zap.Logger) *log.Logger {
	return log.New(errorLogWriter{l}, "", 0)
}

type errorLogWriter struct{ l *zap.Logger }

func (w errorLogWriter) Write(p []byte) (int, error) {
	w.l.Warn(truncateIPs(strings.TrimSpace(string(p))))
	return len(p), nil
}

// ipCandidate matches what might be an address: IPv6 in brackets (before a port), IPv4,
// or bare IPv6. net.ParseIP decides; a port after the address is left as it is.
var ipCandidate = regexp.MustCompile(`\[[0-9A-Fa-f:.]+\]|\b\d{1,3}(?:\.\d{1,3}){3}\b|[0-9A-Fa-f]*:[0-9A-Fa-f:.]*[0-9A-Fa-f]`)

// truncateIPs replaces every IPv4 address with its /24 (203.0.113.x) and every IPv6
// address with its /48 (2001:db8:85a3:x): enough to tell networks apart, not enough to
// name a client.
func truncateIPs(s string) string {
	return ipCandidate.ReplaceAllStringFunc(s, func(tok string) string {
		host := strings.TrimSuffix(strings.TrimPrefix(tok, "["), "]")
		ip := net.ParseIP(host)
		if ip == nil {
			return tok
		}
		if host != tok {
			return "[" + truncateIP(ip) + "]"
		}
		return truncateIP(ip)
	})
}

func truncateIP(ip net.IP) string {
	if v4 := ip.To4(); v4 != nil {
		return fmt.Sprintf("%d.%d.%d.x", v4[0], v4[1], v4[2])
	}
	return fmt.Sprintf("%x:%x:%x:x", uint16(ip[0])<<8|uint16(ip[1]), uint16(ip[2])<<8|uint16(ip[3]), uint16(ip[4])<<8|uint16(ip[5]))
}
