package main

import (
	"log"
	"strings"

	"go.uber.org/zap"

	"github.com/arrakis-bot/arrakis/internal/ipmask"
)

// net/http writes its own complaints to http.Server.ErrorLog, and some name the client
// ("http: panic serving 203.0.113.77:5555: …", "http: TLS handshake error from …"). No
// full client address goes into Arrakis's logs, so those lines are passed through
// ipmask.All on their way into zap.

// httpErrorLog is an http.Server.ErrorLog that logs each line at warn level with every IP
// address in it truncated.
func httpErrorLog(l *zap.Logger) *log.Logger {
	return log.New(errorLogWriter{l}, "", 0)
}

type errorLogWriter struct{ l *zap.Logger }

func (w errorLogWriter) Write(p []byte) (int, error) {
	w.l.Warn(ipmask.All(strings.TrimSpace(string(p))))
	return len(p), nil
}
