package redis

import (
	"context"
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
// it (MEMORY USAGE) and its JSON size; it fails if either grows past 16 KiB.
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
	t.Logf("a session with all eight steps answered: MEMORY USAGE %d bytes, JSON %d bytes (%d tiers, %d channels)",
		usage, size, len(sess.Data.Tiers), len(sess.Data.CustomChannels))
	if usage <= size || usage > 16<<10 || size > 16<<10 {
		t.Errorf("MEMORY USAGE %d, JSON %d bytes: want the usage above the JSON size and both under 16 KiB", usage, size)
	}
}
