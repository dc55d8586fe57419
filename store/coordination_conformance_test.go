package store_test

import (
	"context"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/arrakis-bot/arrakis/internal/testenv"
	"github.com/arrakis-bot/arrakis/store"
	"github.com/arrakis-bot/arrakis/store/dir"
	"github.com/arrakis-bot/arrakis/store/memory"
	"github.com/arrakis-bot/arrakis/store/redis"
	"github.com/arrakis-bot/arrakis/store/storetest"
)

// TestCoordinationConformance runs the Coordination suite against the memory store (on a
// fake clock), a single redis-server and a three-master Redis Cluster.
func TestCoordinationConformance(t *testing.T) {
	t.Run("memory", func(t *testing.T) {
		t.Parallel()
		clock := storetest.NewSessionsClock()
		storetest.TestCoordination(t, func(*testing.T) store.Coordination {
			return memory.NewCoordination(clock.Now)
		}, storetest.WithCoordinationClock(clock.Advance))
	})
	t.Run("dir", func(t *testing.T) {
		t.Parallel()
		clock := storetest.NewSessionsClock()
		var last *dir.Coordination
		storetest.TestCoordination(t, func(t *testing.T) store.Coordination {
			sh, err := dir.NewShadow(t.TempDir())
			if err != nil {
				t.Fatalf("dir.NewShadow: %v", err)
			}
			last = dir.NewCoordination(memory.NewCoordination(clock.Now), sh, clock.Now)
			return last
		}, storetest.WithCoordinationClock(clock.Advance),
			storetest.WithProgressProbe(func(t *testing.T, guildID string) (string, time.Duration) {
				raw, expires, err := last.ReadProgressFile(guildID)
				if err != nil {
					t.Fatalf("read progress file: %v", err)
				}
				return string(raw), expires.Sub(clock.Now())
			}))
	})
	t.Run("redis", func(t *testing.T) {
		t.Parallel()
		c := testenv.Redis(t)
		storetest.TestCoordination(t, func(*testing.T) store.Coordination { return redis.NewCoordination(c) },
			redisProgressProbe(c))
	})
	t.Run("redis-cluster", func(t *testing.T) {
		t.Parallel()
		c := testenv.RedisCluster(t)
		storetest.TestCoordination(t, func(*testing.T) store.Coordination { return redis.NewCoordination(c) },
			redisProgressProbe(c))
	})
}

// redisProgressProbe reads the stored progress (GET) and its TTL (PTTL).
func redisProgressProbe(c goredis.UniversalClient) storetest.CoordinationOption {
	return storetest.WithProgressProbe(func(t *testing.T, guildID string) (string, time.Duration) {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		key := redis.ProgressKey(guildID)
		raw, err := c.Get(ctx, key).Result()
		if err != nil {
			t.Fatalf("GET %s: %v", key, err)
		}
		ttl, err := c.PTTL(ctx, key).Result()
		if err != nil {
			t.Fatalf("PTTL %s: %v", key, err)
		}
		return raw, ttl
	})
}
