package store_test

import (
	"context"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/arrakis-bot/arrakis/internal/testenv"
	"github.com/arrakis-bot/arrakis/store"
	"github.com/arrakis-bot/arrakis/store/memory"
	"github.com/arrakis-bot/arrakis/store/redis"
	"github.com/arrakis-bot/arrakis/store/storetest"
)

// deadTimeout is the dial/read/write timeout of the stores pointed at a Redis that is down.
const deadTimeout = 500 * time.Millisecond

// TestSessionStoreConformance runs the Sessions suite against the memory store (on a fake
// clock), a single redis-server and a three-master Redis Cluster (both from scripts/test).
func TestSessionStoreConformance(t *testing.T) {
	t.Run("memory", func(t *testing.T) {
		t.Parallel()
		clock := storetest.NewSessionsClock()
		storetest.TestSessions(t, func(t *testing.T, ttl time.Duration) store.Sessions {
			s := memory.NewSessions(memory.Options{TTL: ttl, Now: clock.Now})
			t.Cleanup(func() { _ = s.Close() })
			return s
		}, storetest.WithClock(clock.Advance), storetest.WithExclusiveStats())
	})
	t.Run("redis", func(t *testing.T) {
		t.Parallel()
		c := testenv.Redis(t)
		storetest.TestSessions(t, newRedisSessions(c), append(redisProbes(c),
			storetest.WithUnavailable(stoppedRedisSessions))...)
	})
	t.Run("redis-cluster", func(t *testing.T) {
		t.Parallel()
		c := testenv.RedisCluster(t)
		storetest.TestSessions(t, newRedisSessions(c), append(redisProbes(c),
			storetest.WithUnavailable(unreachableClusterSessions))...)
	})
}

func newRedisSessions(c goredis.UniversalClient) storetest.NewSessionsFunc {
	return func(t *testing.T, ttl time.Duration) store.Sessions {
		s := redis.NewSessions(c, redis.Options{TTL: ttl})
		t.Cleanup(func() { _ = s.Close() })
		return s
	}
}

// redisProbes look at the keys behind the store: EXISTS and PTTL, and a raw SET.
func redisProbes(c goredis.UniversalClient) []storetest.SessionsOption {
	return []storetest.SessionsOption{
		storetest.WithProbe(func(t *testing.T, guildID string) (bool, time.Duration) {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			key := redis.SessionKey(guildID)
			n, err := c.Exists(ctx, key).Result()
			if err != nil {
				t.Fatalf("EXISTS %s: %v", key, err)
			}
			ttl, err := c.PTTL(ctx, key).Result()
			if err != nil {
				t.Fatalf("PTTL %s: %v", key, err)
			}
			return n == 1, ttl
		}),
		storetest.WithCorrupter(func(t *testing.T, guildID, value string) {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if err := c.Set(ctx, redis.SessionKey(guildID), value, time.Minute).Err(); err != nil {
				t.Fatalf("SET corrupt value: %v", err)
			}
		}),
	}
}

// stoppedRedisSessions is a store whose redis-server answered, held a session, and was then
// killed.
func stoppedRedisSessions(t *testing.T) (store.Sessions, time.Duration) {
	srv := storetest.StartRedisServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := redis.Connect(ctx, "redis://"+srv.Addr, redis.ConnOptions{DialTimeout: deadTimeout, ReadTimeout: deadTimeout, WriteTimeout: deadTimeout})
	if err != nil {
		t.Fatalf("Connect to the private redis-server: %v", err)
	}
	t.Cleanup(func() { _ = c.Close() })
	s := redis.NewSessions(c, redis.Options{})
	if _, _, err := s.Create(ctx, testenv.GuildID(t), "1001", "Ada"); err != nil {
		t.Fatalf("Create before the stop: %v", err)
	}
	srv.Stop()
	return s, deadTimeout
}

// unreachableClusterSessions is a store on a Cluster client whose only seed address is a
// closed port, built with Connect's options (one dial, no retry).
func unreachableClusterSessions(t *testing.T) (store.Sessions, time.Duration) {
	srv := storetest.StartRedisServer(t)
	srv.Stop() // its port is now closed
	c, err := redis.NewClient("redis://"+srv.Addr+"?cluster=true", redis.ConnOptions{DialTimeout: deadTimeout, ReadTimeout: deadTimeout, WriteTimeout: deadTimeout})
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	if _, ok := c.(*goredis.ClusterClient); !ok {
		t.Fatalf("NewClient(?cluster=true) made a %T, want a *ClusterClient", c)
	}
	t.Cleanup(func() { _ = c.Close() })
	return redis.NewSessions(c, redis.Options{}), deadTimeout
}
