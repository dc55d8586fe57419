package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// The baseline is what the same Redis can do for a click's worth of round trips with no
// bot in between: C workers on one bare go-redis client, each repeating "one group" — the
// commands one click was measured to send (the mix from INFO commandstats), one round trip
// each, in order — as fast as it can. clicks/s ÷ groups/s says how much of Redis's pace
// the bot keeps (HTTP, JSON, signature checks, rendering).

// casScript stands in for the session compare-and-swap: read the value, write a new one.
var casScript = goredis.NewScript(`local v = redis.call('GET', KEYS[1])
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return v and #v or 0`)

type baselineResult struct {
	Groups  int64
	Elapsed time.Duration
	Mix     []string
}

func (b baselineResult) Rate() float64 {
	if b.Elapsed <= 0 {
		return 0
	}
	return float64(b.Groups) / b.Elapsed.Seconds()
}

// runBaseline runs workers × groups of mix for d. payload is the size of a stored session.
func runBaseline(ctx context.Context, addr string, workers int, mix []string, payload int, d time.Duration) (baselineResult, error) {
	if len(mix) == 0 {
		return baselineResult{}, fmt.Errorf("baseline: no Redis commands per click were measured")
	}
	c := goredis.NewClient(&goredis.Options{Addr: addr, PoolSize: workers + 4, MinIdleConns: workers})
	defer c.Close()
	value := strings.Repeat("x", max(payload, 16))
	run := strconv.FormatInt(time.Now().UnixNano(), 36)
	for w := range workers {
		if err := c.Set(ctx, baselineKey(run, w), value, 15*time.Minute).Err(); err != nil {
			return baselineResult{}, fmt.Errorf("baseline: prepare: %w", err)
		}
	}
	var groups atomic.Int64
	var firstErr error
	var once sync.Once
	stop := time.Now().Add(d)
	start := time.Now()
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			key := baselineKey(run, w)
			for n := 0; time.Now().Before(stop) && ctx.Err() == nil; n++ {
				for _, cmd := range mix {
					if err := baselineCommand(ctx, c, cmd, key, value, w, n); err != nil {
						once.Do(func() { firstErr = fmt.Errorf("baseline %s: %w", cmd, err) })
						return
					}
				}
				groups.Add(1)
			}
		}()
	}
	wg.Wait()
	res := baselineResult{Groups: groups.Load(), Elapsed: time.Since(start), Mix: mix}
	for w := range workers {
		c.Del(ctx, baselineKey(run, w))
	}
	return res, firstErr
}

func baselineKey(run string, w int) string {
	return "arrakis-load:baseline:{" + run + "-" + strconv.Itoa(w) + "}"
}

// baselineCommand sends one round trip standing in for cmd.
func baselineCommand(ctx context.Context, c *goredis.Client, cmd, key, value string, w, n int) error {
	switch cmd {
	case "set": // MarkOnce: SET NX with a TTL on a fresh key
		mark := key + ":mark:" + strconv.Itoa(n)
		if err := c.SetArgs(ctx, mark, "1", goredis.SetArgs{Mode: "NX", TTL: time.Minute}).Err(); err != goredis.Nil {
			return err // nil, or a real failure; Nil is "already set", an answer like any other
		}
		return nil
	case "getex":
		return c.GetEx(ctx, key, 15*time.Minute).Err()
	case "get":
		return c.Get(ctx, key).Err()
	case "evalsha", "eval":
		return casScript.Run(ctx, c, []string{key}, value, 15*60*1000).Err()
	case "incrby", "incr":
		return c.IncrBy(ctx, key+":counter", 1).Err()
	case "del", "unlink":
		return c.Del(ctx, key+":mark:"+strconv.Itoa(n)).Err()
	}
	return c.Ping(ctx).Err()
}
