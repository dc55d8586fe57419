package main

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// The baseline is what the same Redis can do for a click's worth of round trips with no
// bot in between: C workers on one bare go-redis client, each repeating "one group" — the
// commands one click was measured to send (the mix MONITOR saw), one round trip each, in
// order, except that when the probe counted fewer round trips than commands the mark and
// the session read (set, getex) go in one pipeline, as the bot sends them — as fast as it
// can. clicks/s ÷ groups/s says how much of Redis's pace the bot keeps (HTTP, JSON,
// signature checks, rendering).

// casScript stands in for the session compare-and-swap: read the value, write a new one.
var casScript = goredis.NewScript(`local v = redis.call('GET', KEYS[1])
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return v and #v or 0`)

type baselineResult struct {
	Groups  int64
	Elapsed time.Duration
	Steps   [][]string // one round trip each: a command, or a pipeline of several
}

// describe writes the group as "pipeline(set,getex)+evalsha".
func (b baselineResult) describe() string {
	parts := make([]string, len(b.Steps))
	for i, st := range b.Steps {
		parts[i] = st[0]
		if len(st) > 1 {
			parts[i] = "pipeline(" + strings.Join(st, ",") + ")"
		}
	}
	return strings.Join(parts, "+")
}

func (b baselineResult) roundTrips() int { return len(b.Steps) }

// baselineSteps turns a click's commands into its round trips; with pipelined, one set and
// one getex share the first.
func baselineSteps(mix []string, pipelined bool) [][]string {
	var steps [][]string
	rest := mix
	if pipelined && slices.Contains(mix, "set") && slices.Contains(mix, "getex") {
		steps = append(steps, []string{"set", "getex"})
		rest = nil
		set, getex := false, false
		for _, c := range mix {
			switch {
			case c == "set" && !set:
				set = true
			case c == "getex" && !getex:
				getex = true
			default:
				rest = append(rest, c)
			}
		}
	}
	for _, c := range rest {
		steps = append(steps, []string{c})
	}
	return steps
}

func (b baselineResult) Rate() float64 {
	if b.Elapsed <= 0 {
		return 0
	}
	return float64(b.Groups) / b.Elapsed.Seconds()
}

// runBaseline runs workers × groups of mix for d (see baselineSteps for pipelined). payload
// is the size of a stored session.
func runBaseline(ctx context.Context, addr string, workers int, mix []string, pipelined bool, payload int, d time.Duration) (baselineResult, error) {
	steps := baselineSteps(mix, pipelined)
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
				for _, st := range steps {
					if err := baselineStep(ctx, c, st, key, value, w, n); err != nil {
						once.Do(func() { firstErr = fmt.Errorf("baseline %s: %w", strings.Join(st, ","), err) })
						return
					}
				}
				groups.Add(1)
			}
		}()
	}
	wg.Wait()
	res := baselineResult{Groups: groups.Load(), Elapsed: time.Since(start), Steps: steps}
	for w := range workers {
		c.Del(ctx, baselineKey(run, w))
	}
	return res, firstErr
}

func baselineKey(run string, w int) string {
	return "arrakis-load:baseline:{" + run + "-" + strconv.Itoa(w) + "}"
}

// baselineStep sends one round trip standing in for the step's commands.
func baselineStep(ctx context.Context, c *goredis.Client, step []string, key, value string, w, n int) error {
	if len(step) == 1 {
		return baselineCommand(ctx, c, c, step[0], key, value, w, n)
	}
	cmds, _ := c.Pipelined(ctx, func(p goredis.Pipeliner) error {
		for _, cmd := range step {
			_ = baselineCommand(ctx, c, p, cmd, key, value, w, n)
		}
		return nil
	})
	for _, cmd := range cmds {
		if err := cmd.Err(); err != nil && err != goredis.Nil {
			return err
		}
	}
	return nil
}

// baselineCommand sends (or, on a pipeline, queues) the command standing in for cmd.
func baselineCommand(ctx context.Context, c *goredis.Client, r goredis.Cmdable, cmd, key, value string, w, n int) error {
	switch cmd {
	case "set": // MarkOnce: SET NX with a TTL on a fresh key
		mark := key + ":mark:" + strconv.Itoa(n)
		if err := r.SetArgs(ctx, mark, "1", goredis.SetArgs{Mode: "NX", TTL: time.Minute}).Err(); err != goredis.Nil {
			return err // nil, or a real failure; Nil is "already set", an answer like any other
		}
		return nil
	case "getex":
		return r.GetEx(ctx, key, 15*time.Minute).Err()
	case "get":
		return r.Get(ctx, key).Err()
	case "evalsha", "eval":
		return casScript.Run(ctx, c, []string{key}, value, 15*60*1000).Err() // never pipelined
	case "incrby", "incr":
		return r.IncrBy(ctx, key+":counter", 1).Err()
	case "del", "unlink":
		return r.Del(ctx, key+":mark:"+strconv.Itoa(n)).Err()
	}
	return r.Ping(ctx).Err()
}
