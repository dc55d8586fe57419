package redis

import (
	"testing"
	"time"

	"github.com/arrakis-bot/arrakis/store/storetest"
	"github.com/arrakis-bot/arrakis/wizard"
)

// BenchmarkDecodeSession is the decoding part of a read, without Redis: a mid-wizard session
// (name, chains, one UI key) and a filled one.
func BenchmarkDecodeSession(b *testing.B) {
	at := time.Date(2026, 11, 30, 12, 0, 0, 42, time.UTC)
	guild := "123456789012345678"
	mid := wizard.NewSession(guild, "123456789012345678", "Ada Lovelace", at)
	mid.Data = wizard.SessionData{CommunityName: "Load community 42", Chains: []string{"ethereum", "base"}}
	mid.UI = map[string]string{"chain": "ethereum"}
	mid.State, mid.Version = wizard.StateChainSelect, 5
	filled := *mid
	filled.Data = storetest.FilledSessionData()
	for _, c := range []struct {
		name string
		sess *wizard.Session
	}{{"mid", mid}, {"filled", &filled}} {
		raw := string(encodeSession(c.sess))
		key := sessionKey(guild)
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := decodeSession("bench", key, raw); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
