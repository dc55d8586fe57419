package testenv

import (
	"context"
	"fmt"
	"strings"
	"sync"

	goredis "github.com/redis/go-redis/v9"
)

// RoundTrips is a go-redis hook that writes down what a client sends, one entry per round
// trip: a command ("GETEX arrakis:wizard:{g}:session") or a pipeline to one node
// ("pipeline[SET …; GETEX …]"). Round trips that touch only the session counters
// (arrakis:stats:…) are kept apart: a background goroutine sends them after the caller has
// its answer, so they are not on the caller's path. Add it with client.AddHook.
type RoundTrips struct {
	// Skip, when set, leaves out round trips with a command it names (a Cluster client's
	// CLUSTER SLOTS refresh, the HELLO of a new connection).
	Skip func(name string) bool

	mu       sync.Mutex
	critical []string
	counters []string
}

func (h *RoundTrips) DialHook(next goredis.DialHook) goredis.DialHook { return next }

func (h *RoundTrips) ProcessHook(next goredis.ProcessHook) goredis.ProcessHook {
	return func(ctx context.Context, cmd goredis.Cmder) error {
		h.record([]goredis.Cmder{cmd}, false)
		return next(ctx, cmd)
	}
}

func (h *RoundTrips) ProcessPipelineHook(next goredis.ProcessPipelineHook) goredis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []goredis.Cmder) error {
		h.record(cmds, true)
		return next(ctx, cmds)
	}
}

func (h *RoundTrips) record(cmds []goredis.Cmder, pipeline bool) {
	var parts []string
	stats := true
	for _, c := range cmds {
		if h.Skip != nil && h.Skip(c.Name()) {
			return
		}
		key := ""
		if args := c.Args(); len(args) > 1 {
			key = fmt.Sprint(args[1])
			if (c.Name() == "evalsha" || c.Name() == "eval") && len(args) > 3 {
				key = fmt.Sprint(args[3]) // EVALSHA sha numkeys key …
			}
		}
		stats = stats && strings.HasPrefix(key, "arrakis:stats:")
		parts = append(parts, strings.ToUpper(c.Name())+" "+key)
	}
	entry := strings.Join(parts, "; ")
	if pipeline {
		entry = "pipeline[" + entry + "]"
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if stats {
		h.counters = append(h.counters, entry)
	} else {
		h.critical = append(h.critical, entry)
	}
}

// Take returns and forgets what was written down since the last Take: the round trips the
// caller waited for, and the background counter round trips.
func (h *RoundTrips) Take() (critical, counters []string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	critical, counters = h.critical, h.counters
	h.critical, h.counters = nil, nil
	return critical, counters
}
