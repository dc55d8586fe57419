package store_test

import (
	"testing"

	"github.com/arrakis-bot/arrakis/internal/testenv"
	"github.com/arrakis-bot/arrakis/store"
	"github.com/arrakis-bot/arrakis/store/memory"
	"github.com/arrakis-bot/arrakis/store/redis"
	"github.com/arrakis-bot/arrakis/store/storetest"
)

// TestWebAuthConformance runs the WebAuth suite against the memory store (on a fake clock),
// a single redis-server and a three-master Redis Cluster.
func TestWebAuthConformance(t *testing.T) {
	t.Run("memory", func(t *testing.T) {
		t.Parallel()
		clock := storetest.NewSessionsClock()
		storetest.TestWebAuth(t, func(*testing.T) store.WebAuth { return memory.NewWebAuth(clock.Now) },
			storetest.WithCoordinationClock(clock.Advance))
	})
	t.Run("redis", func(t *testing.T) {
		t.Parallel()
		c := testenv.Redis(t)
		storetest.TestWebAuth(t, func(*testing.T) store.WebAuth { return redis.NewWebAuth(c) })
	})
	t.Run("redis-cluster", func(t *testing.T) {
		t.Parallel()
		c := testenv.RedisCluster(t)
		storetest.TestWebAuth(t, func(*testing.T) store.WebAuth { return redis.NewWebAuth(c) })
	})
}
