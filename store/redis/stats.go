package redis

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/arrakis-bot/arrakis/store"
	"github.com/arrakis-bot/arrakis/wizard"
	goredis "github.com/redis/go-redis/v9"
)

// scanCount is the COUNT hint of each SCAN call.
const scanCount = 500

// statsFlushWait bounds how long Stats waits for queued counter increments to be sent.
const statsFlushWait = 500 * time.Millisecond

// Stats implements store.Sessions. Active and ByState come from a SCAN of the session keys
// on every master (never KEYS) and a read of each session's state; the counters are read
// after the increments this process queued have been sent.
func (s *Sessions) Stats(ctx context.Context) (store.SessionStats, error) {
	const op = "session stats"
	st := store.SessionStats{ByState: map[wizard.State]int64{}}
	if err := s.open(op); err != nil {
		return st, err
	}
	flushCtx, cancel := context.WithTimeout(ctx, statsFlushWait)
	s.counters.flush(flushCtx)
	cancel()

	var mu sync.Mutex
	scan := func(ctx context.Context, c goredis.Cmdable) error {
		active, byState, err := scanSessions(ctx, c)
		mu.Lock()
		defer mu.Unlock()
		st.Active += active
		for k, v := range byState {
			st.ByState[k] += v
		}
		return err
	}
	var err error
	if cc, ok := s.c.(*goredis.ClusterClient); ok {
		err = cc.ForEachMaster(ctx, func(ctx context.Context, c *goredis.Client) error { return scan(ctx, c) })
	} else {
		err = scan(ctx, s.c)
	}
	if err != nil {
		return st, wrap(op, sessionScanMatch, err)
	}

	// One GET per counter: on a Cluster they are in different slots, and go-redis splits the
	// pipeline by node.
	cmds := map[*int64]*goredis.StringCmd{}
	_, err = s.c.Pipelined(ctx, func(p goredis.Pipeliner) error {
		cmds[&st.Created] = p.Get(ctx, counterCreated)
		cmds[&st.Completed] = p.Get(ctx, counterCompleted)
		cmds[&st.Cancelled] = p.Get(ctx, counterCancelled)
		return nil
	})
	if err != nil && !errors.Is(err, goredis.Nil) {
		return st, wrap(op, counterCreated, err)
	}
	for dst, cmd := range cmds {
		if n, err := cmd.Int64(); err == nil {
			*dst = n
		}
	}
	return st, nil
}

// scanSessions counts the sessions on one node by state. A key that expires between the
// SCAN and the read is not counted; a value that does not decode is not a session.
func scanSessions(ctx context.Context, c goredis.Cmdable) (int64, map[wizard.State]int64, error) {
	byState := map[wizard.State]int64{}
	var active int64
	var cursor uint64
	for {
		keys, next, err := c.Scan(ctx, cursor, sessionScanMatch, scanCount).Result()
		if err != nil {
			return active, byState, err
		}
		var sessionKeys []string
		for _, k := range keys {
			if strings.HasSuffix(k, sessionKeySuffix) && guildOfSessionKey(k) != "" {
				sessionKeys = append(sessionKeys, k)
			}
		}
		if len(sessionKeys) > 0 {
			cmds, err := c.Pipelined(ctx, func(p goredis.Pipeliner) error {
				for _, k := range sessionKeys {
					p.Get(ctx, k)
				}
				return nil
			})
			if err != nil && !errors.Is(err, goredis.Nil) {
				return active, byState, err
			}
			for _, cmd := range cmds {
				raw, err := cmd.(*goredis.StringCmd).Result()
				if err != nil {
					continue
				}
				state := stateOfValue(raw)
				if !state.Valid() {
					continue
				}
				active++
				byState[state]++
			}
		}
		cursor = next
		if cursor == 0 {
			return active, byState, nil
		}
	}
}
