package main

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkClick is one session-writing click through the bot's HTTP handler in this
// process (signature check, session read and compare-and-swap on real Redis, rendering),
// from the tool's side of the wire. Profile the bot's share with
//
//	go test -run '^$' -bench Click -cpuprofile cpu.out ./cmd/arrakis-load
//	go tool pprof -top -focus 'InteractionsHandler' cpu.out
func BenchmarkClick(b *testing.B) {
	stubAddr := freeAddrB(b)
	url, seed := loadTargetB(b, stubAddr)
	key, err := parseKey(seed)
	if err != nil {
		b.Fatal(err)
	}
	st, err := startStub(stubAddr)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	ps := &poster{url: url, priv: key, client: &http.Client{Timeout: 10 * time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: 256}}}
	const sessions = 64
	all := make([]*session, sessions)
	for i := range all {
		all[i] = newSession("1100000000000000001", i)
		if err := all[i].setup(context.Background(), ps, st, 10*time.Second); err != nil {
			b.Fatal(err)
		}
	}
	var next atomic.Int64
	var errs atomic.Int64
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		s := all[int(next.Add(1)-1)%sessions]
		for pb.Next() {
			if err := s.click(context.Background(), ps); err != nil {
				errs.Add(1)
			}
		}
	})
	b.StopTimer()
	if n := errs.Load(); n > 0 {
		b.Fatalf("%d clicks failed", n)
	}
}
