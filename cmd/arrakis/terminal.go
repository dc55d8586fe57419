package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"

	"golang.org/x/term"

	"github.com/arrakis-bot/arrakis/bot/deploy"
)

// exitInterrupted is the exit status after Ctrl-C (128 + SIGINT), as shells report it.
const exitInterrupted = 130

// isTerminal reports whether r is an interactive terminal. A character device is not
// enough (/dev/null is one): the terminal's own ioctl must answer. A variable so tests
// can say.
var isTerminal = func(r any) bool {
	f, ok := r.(interface{ Fd() uintptr })
	return ok && term.IsTerminal(int(f.Fd()))
}

// interrupts turns SIGINT and SIGTERM during a deploy into a stop between writes: the
// first signal lets the write in flight finish and be recorded, then the deploy stops and
// says what was done and what was not; a second signal cancels at once.
type interrupts struct {
	signals chan os.Signal
	got     atomic.Bool
	done    chan struct{}
}

// onInterrupt returns a context for a deploy that stops after the write in flight on the
// first SIGINT or SIGTERM and is cancelled on the second, with a func that releases the
// signals (call it when the command ends) and the interrupts to ask whether one came.
func onInterrupt(ctx context.Context, stderr io.Writer) (context.Context, *interrupts, func()) {
	ctx, stop := deploy.WithStop(ctx)
	ctx, cancel := context.WithCancel(ctx)
	in := &interrupts{signals: make(chan os.Signal, 2), done: make(chan struct{})}
	signal.Notify(in.signals, os.Interrupt, syscall.SIGTERM)
	go func() {
		for n := 0; ; n++ {
			select {
			case <-in.done:
				return
			case <-in.signals:
				in.got.Store(true)
				if n == 0 {
					fmt.Fprintln(stderr, "arrakis: stopping after the change in progress (press Ctrl-C again to stop at once)…")
					stop()
					continue
				}
				cancel()
				return
			}
		}
	}()
	return ctx, in, func() {
		signal.Stop(in.signals)
		close(in.done)
		cancel()
	}
}

// interrupted reports whether a signal arrived.
func (in *interrupts) interrupted() bool { return in != nil && in.got.Load() }
