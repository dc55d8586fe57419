package deploy

import (
	"context"
	"errors"
	"sync"
)

// ErrStopped is why a deploy ends when its caller asked it to stop between writes (the
// CLI on Ctrl-C): the write in flight finished and was recorded, nothing after it was sent,
// and running the same deploy again continues from there.
var ErrStopped = errors.New("stopped on request after the write in flight")

type stopKey struct{}

type stopper struct {
	once sync.Once
	ch   chan struct{}
}

// WithStop returns a context whose deploys can be asked, with the returned func, to stop
// before their next write. Unlike cancelling the context, this never cuts a write that is
// already on its way to Discord, so nothing is left half-recorded.
func WithStop(ctx context.Context) (context.Context, func()) {
	s := &stopper{ch: make(chan struct{})}
	return context.WithValue(ctx, stopKey{}, s), func() { s.once.Do(func() { close(s.ch) }) }
}

// stopRequested reports whether ctx carries a stop that was asked for.
func stopRequested(ctx context.Context) bool {
	s, ok := ctx.Value(stopKey{}).(*stopper)
	if !ok {
		return false
	}
	select {
	case <-s.ch:
		return true
	default:
		return false
	}
}
