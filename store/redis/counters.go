package redis

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// counters updates the created / completed / cancelled counters off the caller's path.
//
// The counters live in slots of their own, so on a Cluster they cannot share a round trip (or
// a script) with the session they count. A session write therefore only queues an increment;
// one background goroutine sends the queued increments in batches (one INCRBY per counter in a
// pipeline) after the write has returned. The caller pays no extra round trip, and the
// counters are best effort, as the design allows: an increment is dropped when the queue is
// full or Redis fails, and Stats reports what arrived.
type counters struct {
	c       goredis.UniversalClient
	queue   chan counterOp
	done    chan struct{}
	mu      sync.RWMutex // guards closed against a send on a closed queue
	closed  bool
	dropped atomic.Int64
}

// counterOp is one increment, or (key == "") a flush barrier that is closed once everything
// queued before it has been sent.
type counterOp struct {
	key     string
	flushed chan struct{}
}

const (
	counterQueue   = 4096
	counterBatch   = 256
	counterTimeout = 2 * time.Second
)

func newCounters(c goredis.UniversalClient) *counters {
	k := &counters{c: c, queue: make(chan counterOp, counterQueue), done: make(chan struct{})}
	go k.run()
	return k
}

// add queues one increment of key; it never blocks.
func (k *counters) add(key string) {
	k.mu.RLock()
	defer k.mu.RUnlock()
	if k.closed {
		k.dropped.Add(1)
		return
	}
	select {
	case k.queue <- counterOp{key: key}:
	default:
		k.dropped.Add(1)
	}
}

// flush waits until every increment queued before the call has been sent (or ctx ends), so
// that Stats right after a Create in the same process counts it.
func (k *counters) flush(ctx context.Context) {
	op := counterOp{flushed: make(chan struct{})}
	k.mu.RLock()
	if k.closed {
		k.mu.RUnlock()
		return
	}
	select {
	case k.queue <- op:
	case <-ctx.Done():
		k.mu.RUnlock()
		return
	}
	k.mu.RUnlock()
	select {
	case <-op.flushed:
	case <-ctx.Done():
	}
}

// close stops taking increments and waits (bounded) for the queued ones to be sent.
func (k *counters) close() {
	k.mu.Lock()
	if !k.closed {
		k.closed = true
		close(k.queue)
	}
	k.mu.Unlock()
	select {
	case <-k.done:
	case <-time.After(2 * counterTimeout):
	}
}

func (k *counters) run() {
	defer close(k.done)
	for op := range k.queue {
		batch := map[string]int64{}
		var flushes []chan struct{}
		take := func(op counterOp) {
			if op.key != "" {
				batch[op.key]++
			} else {
				flushes = append(flushes, op.flushed)
			}
		}
		take(op)
	drain:
		for n := 1; n < counterBatch; n++ {
			select {
			case op, ok := <-k.queue:
				if !ok {
					break drain
				}
				take(op)
			default:
				break drain
			}
		}
		k.send(batch)
		for _, f := range flushes {
			close(f)
		}
	}
}

func (k *counters) send(batch map[string]int64) {
	if len(batch) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), counterTimeout)
	defer cancel()
	_, err := k.c.Pipelined(ctx, func(p goredis.Pipeliner) error {
		for key, n := range batch {
			p.IncrBy(ctx, key, n)
		}
		return nil
	})
	if err != nil {
		var lost int64
		for _, n := range batch {
			lost += n
		}
		k.dropped.Add(lost)
	}
}
