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
	links     expiring[store.WebLink]
	sessions  expiring[store.WebSession]
	nextSweep time.Time
}

var _ store.WebAuth = (*WebAuth)(nil)

// expiring maps ids to values that stop existing at their expiry. Callers hold WebAuth.mu.
type expiring[T any] map[string]expiringEntry[T]

type expiringEntry[T any] struct {
	v       T
	expires time.Time
}

// put stores v under id for ttl unless a live entry has the id; it reports whether it did.
func (m expiring[T]) put(id string, v T, now time.Time, ttl time.Duration) bool {
	if e, ok := m[id]; ok && now.Before(e.expires) {
		return false
	}
	m[id] = expiringEntry[T]{v: v, expires: now.Add(ttl)}
	return true
}

// get returns the live entry under id, dropping it when it has expired.
func (m expiring[T]) get(id string, now time.Time) (expiringEntry[T], bool) {
	e, ok := m[id]
	if ok && !now.Before(e.expires) {
		delete(m, id)
		ok = false
	}
	return e, ok
}

func (m expiring[T]) sweep(now time.Time) {
	for k, e := range m {
		if !now.Before(e.expires) {
			delete(m, k)
		}
	}
}

// NewWebAuth returns empty web sign-in state on the clock now (time.Now when nil).
func NewWebAuth(now func() time.Time) *WebAuth {
	if now == nil {
		now = time.Now
	}
	return &WebAuth{now: now, links: expiring[store.WebLink]{}, sessions: expiring[store.WebSession]{}}
}

// sweep drops expired entries at most once per sweepEvery. Callers hold mu.
func (w *WebAuth) sweep(now time.Time) {
	if now.Before(w.nextSweep) {
		return
	}
	w.nextSweep = now.Add(sweepEvery)
	w.links.sweep(now)
	w.sessions.sweep(now)
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
	return putNew(w, w.links, "store web link", "link", id, l, ttl)
}

// TakeWebLink implements store.WebAuth.
func (w *WebAuth) TakeWebLink(_ context.Context, id string) (*store.WebLink, error) {
	const op = "take web link"
	if err := checkWebID(op, id, 0, false); err != nil {
		return nil, err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	e, ok := w.links.get(id, w.now())
	delete(w.links, id)
	if !ok {
		return nil, notFound(op, errors.New("no such link: unknown, used or expired"))
	}
	return &e.v, nil
}

// PutWebSession implements store.WebAuth.
func (w *WebAuth) PutWebSession(_ context.Context, id string, s store.WebSession, ttl time.Duration) error {
	return putNew(w, w.sessions, "store web session", "session", id, s, ttl)
}

// putNew stores v under id in m for ttl unless the id is taken (PutWebLink, PutWebSession).
func putNew[T any](w *WebAuth, m expiring[T], op, what, id string, v T, ttl time.Duration) error {
	if err := checkWebID(op, id, ttl, true); err != nil {
		return err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	now := w.now()
	w.sweep(now)
	if !m.put(id, v, now, ttl) {
		return &store.Error{Code: store.CodeAlreadyExists, Op: op, Err: fmt.Errorf("a %s with this id exists", what)}
	}
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
	e, ok := w.sessions.get(id, w.now())
	if !ok {
		return nil, notFound(op, errors.New("no such web session"))
	}
	return &e.v, nil
}

// TouchWebSession implements store.WebAuth.
func (w *WebAuth) TouchWebSession(_ context.Context, id string, seen time.Time) error {
	const op = "touch web session"
	if err := checkWebID(op, id, 0, false); err != nil {
		return err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	e, ok := w.sessions.get(id, w.now())
	if !ok {
		return notFound(op, errors.New("no such web session"))
	}
	e.v.LastSeen = seen
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
