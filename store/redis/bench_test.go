package redis

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/arrakis-bot/arrakis/internal/testenv"
	"github.com/arrakis-bot/arrakis/store/storetest"
	"github.com/arrakis-bot/arrakis/wizard"
)

// The benchmarks run against the servers of scripts/test (ARRAKIS_TEST_REDIS_ADDR and
// ARRAKIS_TEST_REDIS_CLUSTER_ADDRS; without them they fail saying so), on a session with all
// eight steps answered:
//
//	scripts/test ./store/redis -run '^$' -bench . -benchtime 3s
//
// BenchmarkBaselineGET is a bare GET of the same key with the same client: the floor that
// BenchmarkRedisGet (GETEX + decoding) and BenchmarkRedisTransition (a Lua compare-and-swap +
// decoding) are measured against. Each reports the stored session's MEMORY USAGE as
// B/session.

func BenchmarkRedisGet(b *testing.B) {
	benchTopologies(b, func(b *testing.B, ctx context.Context, c goredis.UniversalClient, s *Sessions, sess *wizard.Session) {
		for b.Loop() {
			if _, err := s.Get(ctx, sess.ID); err != nil {
				b.Fatalf("Get: %v", err)
			}
		}
	})
}

func BenchmarkRedisTransition(b *testing.B) {
	benchTopologies(b, func(b *testing.B, ctx context.Context, c goredis.UniversalClient, s *Sessions, sess *wizard.Session) {
		cur := sess
		for b.Loop() {
			to, _ := cur.State.Next() // REVIEW ↔ CHANNEL_STRUCTURE: one step forward, one back
			if cur.State == wizard.StateReview {
				to, _ = cur.State.Prev()
			}
			next, err := s.Transition(ctx, cur.ID, cur.Version, to)
			if err != nil {
				b.Fatalf("Transition: %v", err)
			}
			cur = next
		}
	})
}

func BenchmarkBaselineGET(b *testing.B) {
	benchTopologies(b, func(b *testing.B, ctx context.Context, c goredis.UniversalClient, s *Sessions, sess *wizard.Session) {
		key := sessionKey(sess.GuildID)
		for b.Loop() {
			if err := c.Get(ctx, key).Err(); err != nil {
				b.Fatalf("GET: %v", err)
			}
		}
	})
}

type benchBody func(b *testing.B, ctx context.Context, c goredis.UniversalClient, s *Sessions, sess *wizard.Session)

func benchTopologies(b *testing.B, body benchBody) {
	b.Run("single", func(b *testing.B) { benchOn(b, testenv.Redis(b), body) })
	b.Run("cluster", func(b *testing.B) { benchOn(b, testenv.RedisCluster(b), body) })
}

func benchOn(b *testing.B, c goredis.UniversalClient, body benchBody) {
	ctx := context.Background()
	s := NewSessions(c, Options{TTL: time.Hour})
	b.Cleanup(func() { _ = s.Close() })
	if err := s.Preload(ctx); err != nil {
		b.Fatalf("Preload: %v", err)
	}
	sess := fillSession(b, ctx, s)
	usage, err := c.MemoryUsage(ctx, sessionKey(sess.GuildID)).Result()
	if err != nil {
		b.Fatalf("MEMORY USAGE: %v", err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	body(b, ctx, c, s, sess)
	b.ReportMetric(float64(usage), "B/session")
}

// fillSession stores a session with all eight steps answered, at REVIEW, with some UI state
// and a bound address: the largest a session normally gets.
func fillSession(tb testing.TB, ctx context.Context, s *Sessions) *wizard.Session {
	tb.Helper()
	sess, _, err := s.Create(ctx, testenv.GuildID(tb), "123456789012345678", "Ada Lovelace")
	if err != nil {
		tb.Fatalf("Create: %v", err)
	}
	edit := *sess
	edit.Data = storetest.FilledSessionData()
	edit.UI = map[string]string{"chain": "polygon", "page": "2", "fix": `{"name":"Spice","symbol":"SPICE"}`}
	if sess, err = s.Update(ctx, &edit); err != nil {
		tb.Fatalf("Update: %v", err)
	}
	for sess.State != wizard.StateReview {
		next, _ := sess.State.Next()
		if sess, err = s.Transition(ctx, sess.ID, sess.Version, next); err != nil {
			tb.Fatalf("Transition: %v", err)
		}
	}
	if sess, err = s.BindIP(ctx, sess.ID, "2001:db8::42"); err != nil {
		tb.Fatalf("BindIP: %v", err)
	}
	return sess
}

// TestSessionMemoryUsage stores a fully answered session and reports what Redis spends on
// it (MEMORY USAGE) and the stored value's size (the header and binary body of codec.go);
// it fails if either grows past 16 KiB.
func TestSessionMemoryUsage(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c := testenv.Redis(t)
	s := NewSessions(c, Options{TTL: time.Minute})
	defer s.Close()
	sess := fillSession(t, ctx, s)
	key := sessionKey(sess.GuildID)
	usage, err := c.MemoryUsage(ctx, key).Result()
	if err != nil {
		t.Fatalf("MEMORY USAGE %s: %v", key, err)
	}
	size, err := c.StrLen(ctx, key).Result()
	if err != nil {
		t.Fatalf("STRLEN %s: %v", key, err)
	}
	raw, err := c.Get(ctx, key).Result()
	if err != nil || !strings.HasPrefix(raw, headerMagic) {
		t.Fatalf("GET %s: %.40q, %v; want a value in the header layout", key, raw, err)
	}
	json, err := json.Marshal(sess.Data)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("a session with all eight steps answered: MEMORY USAGE %d bytes, value %d bytes (header + binary body; its data alone would be %d bytes of JSON) (%d tiers, %d channels)",
		usage, size, len(json), len(sess.Data.Tiers), len(sess.Data.CustomChannels))
	if usage <= size || usage > 16<<10 || size > 16<<10 {
		t.Errorf("MEMORY USAGE %d, value %d bytes: want the usage above the value's size and both under 16 KiB", usage, size)
	}
}

// The CPU benchmarks (issue #16) measure what one operation costs in CPU time, which this
// shared machine's noise barely moves, at 64 goroutines each on its own guild's session, as
// the load tool's 64 concurrent wizards:
//
//	BenchmarkStoreClick       ValidateOnce (mark + read, one round trip) and a
//	                          compare-and-swap: Update, Transition to a neighbour step, Transition
//	                          back, in turn, as the load tool's choose-chains / Next / Back
//	BenchmarkStoreValidateOnce, BenchmarkStoreTransition  the click's two round trips apart
//	BenchmarkStoreRead        Get
//	BenchmarkStoreBaselineGET a bare GET of the session key with the same client
//
// each on a mid-wizard session like the load tool's ("mid": name and chains chosen, at
// CHAIN_SELECT, ~400 B) and on the filled one of fillSession ("filled"), on a single node and
// on the Cluster. Each reports client-µs/op (getrusage RUSAGE_SELF user+system over the timed
// loop ÷ b.N: the whole test process, go-redis included, on a client made by Connect), server-µs/op (INFO cpu
// used_cpu_user+used_cpu_sys over the same loop ÷ b.N, summed over the Cluster's masters),
// total-µs/op and allocs/op. The test servers are shared with other test packages when the
// whole suite runs, and their CPU would be counted here: run the benchmarks alone, without
// -race, e.g.
//
//	go test -c -o /tmp/redis.test ./store/redis
//	ARRAKIS_TEST_REDIS_ADDR=… ARRAKIS_TEST_REDIS_CLUSTER_ADDRS=… /tmp/redis.test \
//	    -test.run '^$' -test.bench 'Store' -test.benchtime 20000x -test.count 3

// benchURLVar, when set, is the URL of the single-node runs instead of ARRAKIS_TEST_REDIS_ADDR's,
// to compare client settings or transports: redis://127.0.0.1:6379?pool_size=64,
// unix:///run/redis.sock.
const benchURLVar = "ARRAKIS_BENCH_REDIS_URL"

// benchConcurrency is the number of goroutines, each with its own session.
const benchConcurrency = 64

func BenchmarkStoreClick(b *testing.B) {
	benchCPU(b, func(ctx context.Context, c goredis.UniversalClient, s *Sessions, sess *wizard.Session) func(int) error {
		home := sess.State
		away, ok := home.Next()
		if sess.State == wizard.StateReview || !ok {
			away, _ = home.Prev()
		}
		cur := sess
		n := 0
		return func(i int) error {
			got, first, err := s.ValidateOnce(ctx, cur.ID, cur.GuildID, cur.OwnerID, "", benchInteractionID(), time.Minute)
			if err != nil || !first {
				return fmt.Errorf("ValidateOnce: first %v, %w", first, err)
			}
			switch n++; n % 3 {
			case 1: // choose chains: the select writes Data and UI
				edit := *got
				edit.Data.Chains = benchChains[n%len(benchChains)]
				edit.UI = map[string]string{"chain": edit.Data.Chains[0]}
				cur, err = s.Update(ctx, &edit)
			case 2:
				cur, err = s.Transition(ctx, got.ID, got.Version, away)
			default:
				cur, err = s.Transition(ctx, got.ID, got.Version, home)
			}
			return err
		}
	})
}

// BenchmarkStoreValidateOnce and BenchmarkStoreTransition are the two round trips of a click
// apart, to see which one costs what.
func BenchmarkStoreValidateOnce(b *testing.B) {
	benchCPU(b, func(ctx context.Context, c goredis.UniversalClient, s *Sessions, sess *wizard.Session) func(int) error {
		return func(int) error {
			_, first, err := s.ValidateOnce(ctx, sess.ID, sess.GuildID, sess.OwnerID, "", benchInteractionID(), time.Minute)
			if err == nil && !first {
				err = fmt.Errorf("a fresh interaction id answered as a repeat")
			}
			return err
		}
	})
}

func BenchmarkStoreTransition(b *testing.B) {
	benchCPU(b, func(ctx context.Context, c goredis.UniversalClient, s *Sessions, sess *wizard.Session) func(int) error {
		home := sess.State
		away, ok := home.Next()
		if home == wizard.StateReview || !ok {
			away, _ = home.Prev()
		}
		cur := sess
		return func(i int) error {
			to := away
			if cur.State == away {
				to = home
			}
			next, err := s.Transition(ctx, cur.ID, cur.Version, to)
			if err == nil {
				cur = next
			}
			return err
		}
	})
}

func BenchmarkStoreRead(b *testing.B) {
	benchCPU(b, func(ctx context.Context, c goredis.UniversalClient, s *Sessions, sess *wizard.Session) func(int) error {
		return func(int) error {
			_, err := s.Get(ctx, sess.ID)
			return err
		}
	})
}

func BenchmarkStoreBaselineGET(b *testing.B) {
	benchCPU(b, func(ctx context.Context, c goredis.UniversalClient, s *Sessions, sess *wizard.Session) func(int) error {
		key := sessionKey(sess.GuildID)
		return func(int) error { return c.Get(ctx, key).Err() }
	})
}

var benchChains = [][]string{{"ethereum", "base"}, {"polygon"}, {"arbitrum", "optimism", "berachain"}}

var benchInteractions atomic.Uint64

// benchInteractionID is a fresh interaction id (a snowflake-like number) for each click.
func benchInteractionID() string {
	return strconv.FormatUint(1300000000000000000+benchInteractions.Add(1), 10)
}

// midSession stores a session as the load tool leaves it between clicks: named, chains
// chosen, at CHAIN_SELECT.
func midSession(tb testing.TB, ctx context.Context, s *Sessions) *wizard.Session {
	tb.Helper()
	sess, _, err := s.Create(ctx, testenv.GuildID(tb), "123456789012345678", "Ada Lovelace")
	if err != nil {
		tb.Fatalf("Create: %v", err)
	}
	edit := *sess
	edit.Data.CommunityName = "Load community 42"
	if sess, err = s.Update(ctx, &edit); err != nil {
		tb.Fatalf("Update: %v", err)
	}
	if sess, err = s.Transition(ctx, sess.ID, sess.Version, wizard.StateChainSelect); err != nil {
		tb.Fatalf("Transition: %v", err)
	}
	edit = *sess
	edit.Data.Chains = benchChains[0]
	edit.UI = map[string]string{"chain": "ethereum"}
	if sess, err = s.Update(ctx, &edit); err != nil {
		tb.Fatalf("Update: %v", err)
	}
	return sess
}

type cpuBody func(ctx context.Context, c goredis.UniversalClient, s *Sessions, sess *wizard.Session) func(i int) error

func benchCPU(b *testing.B, body cpuBody) {
	for _, topo := range []string{"single", "cluster"} {
		for _, size := range []string{"mid", "filled"} {
			b.Run(topo+"/"+size, func(b *testing.B) {
				// The client is made as arrakis makes it (NewClient), so that its pool and
				// retry settings are the ones measured.
				url := "redis://" + testenv.RedisAddr(b)
				if u := os.Getenv(benchURLVar); u != "" && topo == "single" {
					url = u
				} else if topo == "cluster" {
					addrs := testenv.RedisClusterAddrs(b)
					url = "redis://" + addrs[0] + "?addr=" + strings.Join(addrs[1:], "&addr=")
				}
				c, err := Connect(context.Background(), url, ConnOptions{})
				if err != nil {
					b.Fatalf("Connect: %v", err)
				}
				b.Cleanup(func() { _ = c.Close() })
				benchCPUOn(b, c, size, body)
			})
		}
	}
}

func benchCPUOn(b *testing.B, c goredis.UniversalClient, size string, body cpuBody) {
	ctx := context.Background()
	s := NewSessions(c, Options{TTL: time.Hour})
	b.Cleanup(func() { _ = s.Close() })
	if err := s.Preload(ctx); err != nil {
		b.Fatalf("Preload: %v", err)
	}
	sessions := make([]*wizard.Session, benchConcurrency)
	for i := range sessions {
		if size == "mid" {
			sessions[i] = midSession(b, ctx, s)
		} else {
			sessions[i] = fillSession(b, ctx, s)
		}
	}
	raw, err := c.Get(ctx, sessionKey(sessions[0].GuildID)).Result()
	if err != nil {
		b.Fatalf("GET: %v", err)
	}
	procs := runtime.GOMAXPROCS(0)
	b.SetParallelism((benchConcurrency + procs - 1) / procs)
	var next atomic.Int64
	b.ReportAllocs()
	b.ResetTimer()
	user0, sys0 := processCPU(b)
	srv0 := serverCPU(b, ctx, c)
	b.RunParallel(func(pb *testing.PB) {
		sess := sessions[int(next.Add(1)-1)%len(sessions)]
		op := body(ctx, c, s, sess)
		for i := 0; pb.Next(); i++ {
			if err := op(i); err != nil {
				b.Errorf("%s: %v", sess.ID, err)
				return
			}
		}
	})
	user1, sys1 := processCPU(b)
	srv1 := serverCPU(b, ctx, c)
	b.StopTimer()
	n := float64(b.N)
	client := ((user1 - user0) + (sys1 - sys0)).Seconds() * 1e6 / n
	server := (srv1 - srv0).Seconds() * 1e6 / n
	b.ReportMetric(client, "client-µs/op")
	b.ReportMetric(server, "server-µs/op")
	b.ReportMetric(client+server, "total-µs/op")
	b.ReportMetric(float64(len(raw)), "B/value")
}

// processCPU is this process's user and system CPU time so far.
func processCPU(tb testing.TB) (user, sys time.Duration) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Fatalf("getrusage: %v", err)
	}
	return time.Duration(ru.Utime.Nano()), time.Duration(ru.Stime.Nano())
}

// serverCPU is the redis-server CPU time (user+system) so far: of the one node, or summed
// over a Cluster's masters.
func serverCPU(tb testing.TB, ctx context.Context, c goredis.UniversalClient) time.Duration {
	var mu sync.Mutex
	var total time.Duration
	add := func(ctx context.Context, n *goredis.Client) error {
		info, err := n.Info(ctx, "cpu").Result()
		if err != nil {
			return err
		}
		var sum float64
		for line := range strings.SplitSeq(info, "\n") {
			k, v, ok := strings.Cut(strings.TrimSpace(line), ":")
			if ok && (k == "used_cpu_user" || k == "used_cpu_sys") {
				f, err := strconv.ParseFloat(v, 64)
				if err != nil {
					return fmt.Errorf("INFO cpu %s=%q: %w", k, v, err)
				}
				sum += f
			}
		}
		mu.Lock()
		total += time.Duration(sum * 1e9)
		mu.Unlock()
		return nil
	}
	var err error
	switch c := c.(type) {
	case *goredis.ClusterClient:
		err = c.ForEachMaster(ctx, add)
	case *goredis.Client:
		err = add(ctx, c)
	default:
		err = fmt.Errorf("no INFO cpu for a %T", c)
	}
	if err != nil {
		tb.Fatalf("INFO cpu: %v", err)
	}
	return total
}
