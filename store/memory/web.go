package memory

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/arrakis-bot/arrakis/store"
)

// WebAuth is store.WebAuth in memory, for a single instance; it is safe for concurrent use.
type WebAuth struct {
	now func() time.Time

	mu        sync.Mutex
	links     map[string]webLinkEntry
	sessions  map[string]webSessionEntry
	nextSweep time.Time
}

type webLinkEntry struct {
	link    store.WebLink
	expires time.Time
}

type webSessionEntry struct {
	session store.WebSession
	expires time.Time
}

var _ store.WebAuth = (*WebAuth)(nil)

// NewWebAuth returns empty web sign-in state on the clock now (time.Now when nil).
func NewWebAuth(now func() time.Time) *WebAuth {
	if now == nil {
		now = time.Now
	}
	return &WebAuth{now: now, links: map[string]webLinkEntry{}, sessions: map[string]webSessionEntry{}}
}

// sweep drops expired entries at most once per sweepEvery. Callers hold mu.
func (w *WebAuth) sweep(now time.Time) {
	if now.Before(w.nextSweep) {
		return
	}
	w.nextSweep = now.Add(sweepEvery)
	for k, e := range w.links {
		if !now.Before(e.expires) {
			delete(w.links, k)
		}
	}
	for k, e := range w.sessions {
		if !now.Before(e.expires) {
			delete(w.sessions, k)
		}
	}
}

func checkWebID(op, id string, ttl time.Duration, needTTL bool) error {
	if id == "" || len(id) > store.MaxWebIDLength {
		return invalid(op, fmt.Errorf("id of %d characters: want 1 to %d", len(id), store.MaxWebIDLength))
	}
	if needTTL && ttl < time.Millisecond {
		return invalid(op, fmt.Errorf("TTL %v: want at least 1ms", ttl))
	}
	return nil
}

// PutWebLink implements store.WebAuth.
func (w *WebAuth) PutWebLink(_ context.Context, id string, l store.WebLink, ttl time.Duration) error {
	const op = "store web link"
	if err := checkWebID(op, id, ttl, true); err != nil {
		return err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	now := w.now()
	w.sweep(now)
	if e, ok := w.links[id]; ok && now.Before(e.expires) {
		return &store.Error{Code: store.CodeAlreadyExists, Op: op, Err: errors.New("a link with this id exists")}
	}
	w.links[id] = webLinkEntry{link: l, expires: now.Add(ttl)}
	return nil
}

// TakeWebLink implements store.WebAuth.
func (w *WebAuth) TakeWebLink(_ context.Context, id string) (*store.WebLink, error) {
	const op = "take web link"
	if err := checkWebID(op, id, 0, false); err != nil {
		return nil, err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	e, ok := w.links[id]
	delete(w.links, id)
	if !ok || !w.now().Before(e.expires) {
		return nil, notFound(op, errors.New("no such link: unknown, used or expired"))
	}
	l := e.link
	return &l, nil
}

// PutWebSession implements store.WebAuth.
func (w *WebAuth) PutWebSession(_ context.Context, id string, s store.WebSession, ttl time.Duration) error {
	const op = "store web session"
	if err := checkWebID(op, id, ttl, true); err != nil {
		return err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	now := w.now()
	w.sweep(now)
	if e, ok := w.sessions[id]; ok && now.Before(e.expires) {
		return &store.Error{Code: store.CodeAlreadyExists, Op: op, Err: errors.New("a session with this id exists")}
	}
	w.sessions[id] = webSessionEntry{session: s, expires: now.Add(ttl)}
	return nil
}

// WebSession implements store.WebAuth.
func (w *WebAuth) WebSession(_ context.Context, id string) (*store.WebSession, error) {
	const op = "read web session"
	if err := checkWebID(op, id, 0, false); err != nil {
		return nil, err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	e, ok := w.sessions[id]
	if !ok || !w.now().Before(e.expires) {
		delete(w.sessions, id)
		return nil, notFound(op, errors.New("no such web session"))
	}
	s := e.session
	return &s, nil
}

// TouchWebSession implements store.WebAuth.
func (w *WebAuth) TouchWebSession(_ context.Context, id string, seen time.Time) error {
	const op = "touch web session"
	if err := checkWebID(op, id, 0, false); err != nil {
		return err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	e, ok := w.sessions[id]
	if !ok || !w.now().Before(e.expires) {
		return notFound(op, errors.New("no such web session"))
	}
	e.session.LastSeen = seen
	w.sessions[id] = e
	return nil
}

// DeleteWebSession implements store.WebAuth.
func (w *WebAuth) DeleteWebSession(_ context.Context, id string) error {
	const op = "delete web session"
	if err := checkWebID(op, id, 0, false); err != nil {
		return err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	delete(w.sessions, id)
	return nil
}
