package main

import (
	"strings"
	"testing"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"
)

// net/http's own error lines reach zap with the client address truncated.
func TestHTTPErrorLogTruncatesAddresses(t *testing.T) {
	core, logs := observer.New(zapcore.DebugLevel)
	httpErrorLog(zap.New(core)).Printf("http: panic serving %s: %v", "203.0.113.77:5555", "boom")
	all := logs.All()
	if len(all) != 1 || all[0].Message != "http: panic serving 203.0.113.x:5555: boom" || all[0].Level != zapcore.WarnLevel {
		t.Fatalf("logged %+v", all)
	}
	if strings.Contains(all[0].Message, "203.0.113.77") {
		t.Fatal("the full address was logged")
	}
}
