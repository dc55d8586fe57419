package memory

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/arrakis-bot/arrakis/store"
)

// Coordination is store.Coordination in memory, for a single instance; it is safe for
// concurrent use.
type Coordination struct {
	now func() time.Time

	mu        sync.Mutex
	leases    map[string]lease
	marks     map[string]time.Time // key → expiry
	progress  map[string]progressEntry
	nextSweep time.Time
}

type lease struct {
	token   string
	expires time.Time
}

type progressEntry struct {
	raw     []byte // JSON, as Redis keeps it: the InteractionToken is not in it
	expires time.Time
}

// sweepEvery bounds how long expired marks and leases linger in memory.
const sweepEvery = time.Minute

var _ store.Coordination = (*Coordination)(nil)

// NewCoordination returns empty coordination state on the clock now (time.Now when nil).
func NewCoordination(now func() time.Time) *Coordination {
	if now == nil {
		now = time.Now
	}
	return &Coordination{
		now:    now,
		leases: map[string]lease{}, marks: map[string]time.Time{}, progress: map[string]progressEntry{},
	}
}

// sweep drops whatever has expired, at most once per sweepEvery. Callers hold mu.
func (c *Coordination) sweep(now time.Time) {
	if now.Before(c.nextSweep) {
		return
	}
	c.nextSweep = now.Add(sweepEvery)
	for k, l := range c.leases {
		if !now.Before(l.expires) {
			delete(c.leases, k)
		}
	}
	for k, exp := range c.marks {
		if !now.Before(exp) {
			delete(c.marks, k)
		}
	}
	for k, p := range c.progress {
		if !now.Before(p.expires) {
			delete(c.progress, k)
		}
	}
}

// held returns the live lease called name. Callers hold mu.
func (c *Coordination) held(name string, now time.Time) (lease, bool) {
	l, ok := c.leases[name]
	if ok && !now.Before(l.expires) {
		delete(c.leases, name)
		return lease{}, false
	}
	return l, ok
}

// AcquireLease implements store.Coordination.
func (c *Coordination) AcquireLease(_ context.Context, name string, ttl time.Duration) (*store.Lease, error) {
	const op = "acquire lease"
	if name == "" || ttl < time.Millisecond {
		return nil, invalid(op, fmt.Errorf("lease %q for %v: needs a name and a TTL of at least 1ms", name, ttl))
	}
	token, err := newToken()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	c.sweep(now)
	if _, ok := c.held(name, now); ok {
		return nil, &store.Error{Code: store.CodeLeaseHeld, Op: op, Err: fmt.Errorf("lease %s is held by another holder", name)}
	}
	c.leases[name] = lease{token: token, expires: now.Add(ttl)}
	return &store.Lease{Name: name, Token: token, Expires: now.Add(ttl)}, nil
}

// RenewLease implements store.Coordination; on success l.Expires moves on.
func (c *Coordination) RenewLease(_ context.Context, l *store.Lease, ttl time.Duration) error {
	const op = "renew lease"
	if l == nil || l.Name == "" || ttl < time.Millisecond {
		return invalid(op, errors.New("renew needs a held lease and a TTL of at least 1ms"))
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	cur, ok := c.held(l.Name, now)
	if !ok || cur.token != l.Token {
		return leaseLost(op, l.Name)
	}
	c.leases[l.Name] = lease{token: l.Token, expires: now.Add(ttl)}
	l.Expires = now.Add(ttl)
	return nil
}

// LeaseHeld implements store.Coordination.
func (c *Coordination) LeaseHeld(_ context.Context, name string) (bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, ok := c.held(name, c.now())
	return ok, nil
}

// ReleaseLease implements store.Coordination.
func (c *Coordination) ReleaseLease(_ context.Context, l *store.Lease) error {
	const op = "release lease"
	if l == nil || l.Name == "" {
		return invalid(op, errors.New("release needs a held lease"))
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	cur, ok := c.held(l.Name, c.now())
	if !ok || cur.token != l.Token {
		return leaseLost(op, l.Name)
	}
	delete(c.leases, l.Name)
	return nil
}

// MarkOnce implements store.Coordination.
func (c *Coordination) MarkOnce(_ context.Context, key string, ttl time.Duration) (bool, error) {
	const op = "mark once"
	if key == "" || ttl < time.Millisecond {
		return false, invalid(op, fmt.Errorf("mark %q for %v: needs a key and a TTL of at least 1ms", key, ttl))
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	c.sweep(now)
	if exp, ok := c.marks[key]; ok && now.Before(exp) {
		return false, nil
	}
	c.marks[key] = now.Add(ttl)
	return true, nil
}

// SaveProgress implements store.Coordination.
func (c *Coordination) SaveProgress(_ context.Context, p *store.DeployProgress) error {
	const op = "save deploy progress"
	if p == nil || !isSnowflake(p.GuildID) {
		return invalid(op, errors.New("deploy progress needs a guild id"))
	}
	raw, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	c.sweep(now)
	c.progress[p.GuildID] = progressEntry{raw: raw, expires: now.Add(store.ProgressTTL)}
	return nil
}

// Progress implements store.Coordination.
func (c *Coordination) Progress(_ context.Context, guildID string) (*store.DeployProgress, error) {
	const op = "read deploy progress"
	c.mu.Lock()
	e, ok := c.progress[guildID]
	if ok && !c.now().Before(e.expires) {
		delete(c.progress, guildID)
		ok = false
	}
	c.mu.Unlock()
	if !ok {
		return nil, notFound(op, errors.New("the guild has no deploy progress"))
	}
	var p store.DeployProgress
	if err := json.Unmarshal(e.raw, &p); err != nil {
		return nil, &store.Error{Code: store.CodeCorrupt, Op: op, Err: err}
	}
	return &p, nil
}

func leaseLost(op, name string) error {
	return &store.Error{Code: store.CodeLeaseLost, Op: op, Err: fmt.Errorf("lease %s expired or is held by another holder", name)}
}

func newToken() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("lease token: %w", err)
	}
	return hex.EncodeToString(b[:]), nil
}
