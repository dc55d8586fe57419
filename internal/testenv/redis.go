package testenv

import (
	"context"
	"strings"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// pingTimeout bounds the first contact with a server; scripts/test has already seen it answer.
const pingTimeout = 5 * time.Second

// RedisAddr is host:port of the single redis-server.
func RedisAddr(t testing.TB) string {
	t.Helper()
	return Getenv(t, EnvRedisAddr)
}

// RedisClusterAddrs are the host:port of the three Cluster masters.
func RedisClusterAddrs(t testing.TB) []string {
	t.Helper()
	var addrs []string
	for _, a := range strings.Split(Getenv(t, EnvRedisClusterAddrs), ",") {
		if a = strings.TrimSpace(a); a != "" {
			addrs = append(addrs, a)
		}
	}
	if len(addrs) == 0 {
		t.Fatalf("%s holds no address: %s", EnvRedisClusterAddrs, Hint)
	}
	return addrs
}

// Redis is a client of the single redis-server that answered PING; it closes at cleanup.
func Redis(t testing.TB) *goredis.Client {
	t.Helper()
	addr := RedisAddr(t)
	c := goredis.NewClient(&goredis.Options{Addr: addr, DialTimeout: 2 * time.Second})
	t.Cleanup(func() { c.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), pingTimeout)
	defer cancel()
	if err := c.Ping(ctx).Err(); err != nil {
		t.Fatalf("redis at %s (%s) does not answer: %v: %s", addr, EnvRedisAddr, err, Hint)
	}
	return c
}

// RedisCluster is a client of the Cluster whose every master answered PING; it closes at cleanup.
func RedisCluster(t testing.TB) *goredis.ClusterClient {
	t.Helper()
	addrs := RedisClusterAddrs(t)
	c := goredis.NewClusterClient(&goredis.ClusterOptions{Addrs: addrs, DialTimeout: 2 * time.Second})
	t.Cleanup(func() { c.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), pingTimeout)
	defer cancel()
	err := c.ForEachMaster(ctx, func(ctx context.Context, m *goredis.Client) error {
		return m.Ping(ctx).Err()
	})
	if err != nil {
		t.Fatalf("redis cluster at %s (%s) does not answer: %v: %s", strings.Join(addrs, ","), EnvRedisClusterAddrs, err, Hint)
	}
	return c
}
