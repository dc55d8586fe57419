package redis

import (
	"context"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// TestCountersNeverBlock: with Redis gone, counting never holds up a session write: add
// returns at once even when the queue is full, the lost increments are counted as dropped,
// and close returns within its bound.
func TestCountersNeverBlock(t *testing.T) {
	c := goredis.NewClient(&goredis.Options{Addr: closedPort(t), DialTimeout: 100 * time.Millisecond, MaxRetries: -1, DialerRetries: 1})
	defer c.Close()
	k := newCounters(c)
	start := time.Now()
	const n = 3 * counterQueue
	for range n {
		k.add(counterCreated)
	}
	if took := time.Since(start); took > time.Second {
		t.Errorf("%d increments with Redis down took %v to queue", n, took)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	k.flush(ctx)
	start = time.Now()
	k.close()
	if took := time.Since(start); took > 2*counterTimeout+time.Second {
		t.Errorf("close took %v", took)
	}
	// Every increment was lost: refused by the full queue, or sent to a Redis that is gone.
	if d := k.dropped.Load(); d != n {
		t.Errorf("dropped %d increments, want all %d", d, n)
	}
	k.add(counterCreated) // after close: dropped, no panic on the closed queue
}
