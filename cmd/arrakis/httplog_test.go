package main

import (
	"strings"
	"testing"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"
)

func TestTruncateIPs(t *testing.T) {
	for in, want := range map[string]string{
		"http: panic serving 203.0.113.77:5555: boom":                            "http: panic serving 203.0.113.x:5555: boom",
		"http: TLS handshake error from [2001:db8:85a3::8a2e:370:7334]:443: EOF": "http: TLS handshake error from [2001:db8:85a3:x]:443: EOF",
		"from 2001:db8:85a3::8a2e:370:7334 and 198.51.100.23":                    "from 2001:db8:85a3:x and 198.51.100.x",
		"at 12:34:56, version 1.26.0, ratio 0.5":                                 "at 12:34:56, version 1.26.0, ratio 0.5",
		"no address here":                                                        "no address here",
	} {
		if got := truncateIPs(in); got != want {
			t.Errorf("truncateIPs(%q)\n = %q\nwant %q", in, got, want)
		}
	}
}

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
