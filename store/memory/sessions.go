// Package memory is the embedded store: wizard sessions and coordination state (leases,
// once-only marks, deploy progress) kept in this process, for a single instance without
// Redis. It behaves like store/redis — the same conformance suites run against both —
// expiry included, measured on an injectable clock so that tests need not sleep.
//
// Everything is lost when the process stops, and nothing is shared between instances.
package memory

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/arrakis-bot/arrakis/store"
	"github.com/arrakis-bot/arrakis/wizard"
)

// Options configure a Sessions store.
type Options struct {
	// TTL is how long an untouched session lives; store.DefaultSessionTTL when zero.
	TTL time.Duration
	// Now is the clock for timestamps and expiry; time.Now when nil.
	Now func() time.Time
}

// Sessions is store.Sessions in memory; it is safe for concurrent use.
type Sessions struct {
	ttl time.Duration
	now func() time.Time

	mu        sync.Mutex
	byGuild   map[string]*sessionEntry
	marks     map[string]time.Time // ValidateOnce's marks: "<guildID>:<interactionID>" → expiry
	nextSweep time.Time
	created   int64
	completed int64
	cancelled int64
	closed    bool
}

// sessionEntry is a stored session: its own copy, never shared with a caller.
type sessionEntry struct {
	s       *wizard.Session
	expires time.Time
	// lastWrite is the write id (store.WithWriteID) of the write that made this version.
	lastWrite string
}

var _ store.Sessions = (*Sessions)(nil)

// NewSessions returns an empty session store.
func NewSessions(o Options) *Sessions {
	if o.TTL <= 0 {
		o.TTL = store.DefaultSessionTTL
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Sessions{ttl: o.TTL, now: o.Now, byGuild: map[string]*sessionEntry{}, marks: map[string]time.Time{}}
}

func (m *Sessions) clock() time.Time { return m.now().UTC().Round(0) }

// lookup returns the live entry of a guild; an expired one is removed. Callers hold mu.
func (m *Sessions) lookup(guildID string, now time.Time) *sessionEntry {
	e := m.byGuild[guildID]
	if e != nil && !now.Before(e.expires) {
		delete(m.byGuild, guildID)
		return nil
	}
	return e
}

// sweep drops expired sessions and marks now and then, so an idle guild's session does not
// stay in memory for ever. Callers hold mu.
func (m *Sessions) sweep(now time.Time) {
	if now.Before(m.nextSweep) {
		return
	}
	m.nextSweep = now.Add(m.ttl / 4)
	for g, e := range m.byGuild {
		if !now.Before(e.expires) {
			delete(m.byGuild, g)
		}
	}
	for k, exp := range m.marks {
		if !now.Before(exp) {
			delete(m.marks, k)
		}
	}
}

// begin takes the lock and checks that the store is open.
func (m *Sessions) begin(op string) error {
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return &store.Error{Code: store.CodeUnavailable, Op: op, Err: errors.New("the session store is closed")}
	}
	return nil
}

// Create implements store.Sessions.
func (m *Sessions) Create(_ context.Context, guildID, ownerID, ownerName string) (*wizard.Session, bool, error) {
	const op = "create session"
	if !isSnowflake(guildID) {
		return nil, false, invalid(op, fmt.Errorf("guild id %q is not a Discord id", guildID))
	}
	if ownerID == "" {
		return nil, false, invalid(op, errors.New("a session needs an owner"))
	}
	if err := m.begin(op); err != nil {
		return nil, false, err
	}
	defer m.mu.Unlock()
	now := m.clock()
	m.sweep(now)
	if e := m.lookup(guildID, now); e != nil {
		return clone(e.s), true, nil
	}
	s := wizard.NewSession(guildID, ownerID, ownerName, now)
	m.byGuild[guildID] = &sessionEntry{s: clone(s), expires: now.Add(m.ttl)}
	m.created++
	return s, false, nil
}

// Get implements store.Sessions.
func (m *Sessions) Get(_ context.Context, id string) (*wizard.Session, error) {
	const op = "get session"
	guild, ok := wizard.GuildOfSessionID(id)
	if !ok {
		return nil, notFound(op, fmt.Errorf("%q is not a session id", id))
	}
	if err := m.begin(op); err != nil {
		return nil, err
	}
	defer m.mu.Unlock()
	e, err := m.use(op, guild, id)
	if err != nil {
		return nil, err
	}
	return clone(e.s), nil
}

// GetByGuild implements store.Sessions.
func (m *Sessions) GetByGuild(_ context.Context, guildID string) (*wizard.Session, error) {
	const op = "get session by guild"
	if !isSnowflake(guildID) {
		return nil, notFound(op, fmt.Errorf("guild id %q is not a Discord id", guildID))
	}
	if err := m.begin(op); err != nil {
		return nil, err
	}
	defer m.mu.Unlock()
	now := m.clock()
	e := m.lookup(guildID, now)
	if e == nil {
		return nil, notFound(op, errors.New("the guild has no wizard session"))
	}
	e.expires = now.Add(m.ttl)
	return clone(e.s), nil
}

// use finds session id for use and slides its TTL, like GETEX. Callers hold mu.
func (m *Sessions) use(op, guildID, id string) (*sessionEntry, error) {
	now := m.clock()
	e := m.lookup(guildID, now)
	if e == nil {
		return nil, expired(op)
	}
	e.expires = now.Add(m.ttl)
	if e.s.ID != id {
		return nil, expired(op)
	}
	return e, nil
}

// writeBy is write for a write tagged wid: applied is true when the stored version is
// the one this very write made already (a re-send), which is then not done again.
func (m *Sessions) writeBy(op, id string, expect int64, wid string) (e *sessionEntry, applied bool, err error) {
	e, err = m.write(op, id, expect)
	if store.IsCode(err, store.CodeConflict) && wid != "" {
		if cur := m.lookup(guildOf(id), m.clock()); cur != nil && cur.lastWrite == wid && cur.s.Version == expect+1 {
			return cur, true, nil
		}
	}
	if err == nil {
		e.lastWrite = wid
	}
	return e, false, err
}

func guildOf(id string) string {
	g, _ := wizard.GuildOfSessionID(id)
	return g
}

// write finds session id at version expect for a write. Callers hold mu.
func (m *Sessions) write(op, id string, expect int64) (*sessionEntry, error) {
	guild, ok := wizard.GuildOfSessionID(id)
	if !ok {
		return nil, notFound(op, fmt.Errorf("%q is not a session id", id))
	}
	e := m.lookup(guild, m.clock())
	if e == nil || e.s.ID != id {
		return nil, expired(op)
	}
	if e.s.Version != expect {
		return nil, &store.Error{Code: store.CodeConflict, Op: op,
			Err: fmt.Errorf("the session changed meanwhile (now version %d): refresh and try again", e.s.Version)}
	}
	return e, nil
}

// save bumps the version of a written session and slides its TTL. Callers hold mu.
func (m *Sessions) save(e *sessionEntry) *wizard.Session {
	now := m.clock()
	e.s.Version++
	e.s.UpdatedAt = now
	e.expires = now.Add(m.ttl)
	return clone(e.s)
}

// Update implements store.Sessions. Only UI and Data are taken from s.
func (m *Sessions) Update(ctx context.Context, s *wizard.Session) (*wizard.Session, error) {
	const op = "update session"
	if s == nil {
		return nil, invalid(op, errors.New("no session given"))
	}
	if err := m.begin(op); err != nil {
		return nil, err
	}
	defer m.mu.Unlock()
	e, applied, err := m.writeBy(op, s.ID, s.Version, store.WriteID(ctx))
	if err != nil {
		return nil, err
	}
	if applied {
		return clone(e.s), nil
	}
	body := clone(&wizard.Session{UI: s.UI, Data: s.Data})
	e.s.UI, e.s.Data = body.UI, body.Data
	return m.save(e), nil
}

// Transition implements store.Sessions.
func (m *Sessions) Transition(ctx context.Context, id string, expectVersion int64, to wizard.State) (*wizard.Session, error) {
	const op = "transition session"
	if !reachable(to) {
		return nil, invalid(op, fmt.Errorf("%q is not a step the wizard can move to", to))
	}
	if err := m.begin(op); err != nil {
		return nil, err
	}
	defer m.mu.Unlock()
	e, applied, err := m.writeBy(op, id, expectVersion, store.WriteID(ctx))
	if err != nil {
		return nil, err
	}
	if applied {
		return clone(e.s), nil
	}
	if err := wizard.CheckTransition(e.s.State, to); err != nil {
		return nil, invalid(op, err)
	}
	e.s.State = to
	e.s.UI = nil
	return m.save(e), nil
}

// TakeOver implements store.Sessions.
func (m *Sessions) TakeOver(ctx context.Context, id string, expectVersion int64, ownerID, ownerName string) (*wizard.Session, error) {
	const op = "take over session"
	if _, ok := wizard.GuildOfSessionID(id); ok && ownerID == "" {
		return nil, invalid(op, errors.New("a session needs an owner"))
	}
	if err := m.begin(op); err != nil {
		return nil, err
	}
	defer m.mu.Unlock()
	e, applied, err := m.writeBy(op, id, expectVersion, store.WriteID(ctx))
	if err != nil {
		return nil, err
	}
	if applied {
		return clone(e.s), nil
	}
	e.s.OwnerID, e.s.OwnerName, e.s.OwnerAt = ownerID, ownerName, m.clock()
	return m.save(e), nil
}

// Delete implements store.Sessions.
func (m *Sessions) Delete(_ context.Context, id string, reason store.EndReason) error {
	const op = "delete session"
	guild, ok := wizard.GuildOfSessionID(id)
	if !ok {
		return notFound(op, fmt.Errorf("%q is not a session id", id))
	}
	if err := m.begin(op); err != nil {
		return err
	}
	defer m.mu.Unlock()
	e := m.lookup(guild, m.clock())
	if e == nil || e.s.ID != id {
		return expired(op)
	}
	delete(m.byGuild, guild)
	switch reason {
	case store.EndCompleted:
		m.completed++
	case store.EndCancelled:
		m.cancelled++
	}
	return nil
}

// Refresh implements store.Sessions.
func (m *Sessions) Refresh(_ context.Context, id string) error {
	const op = "refresh session"
	guild, ok := wizard.GuildOfSessionID(id)
	if !ok {
		return notFound(op, fmt.Errorf("%q is not a session id", id))
	}
	if err := m.begin(op); err != nil {
		return err
	}
	defer m.mu.Unlock()
	now := m.clock()
	e := m.lookup(guild, now)
	if e == nil || e.s.ID != id {
		return expired(op)
	}
	e.expires = now.Add(m.ttl)
	return nil
}

// ExistsForGuild implements store.Sessions; it does not extend the TTL.
func (m *Sessions) ExistsForGuild(_ context.Context, guildID string) (bool, error) {
	const op = "check for session"
	if err := m.begin(op); err != nil {
		return false, err
	}
	defer m.mu.Unlock()
	return m.lookup(guildID, m.clock()) != nil, nil
}

// Stats implements store.Sessions.
func (m *Sessions) Stats(context.Context) (store.SessionStats, error) {
	const op = "session stats"
	st := store.SessionStats{ByState: map[wizard.State]int64{}}
	if err := m.begin(op); err != nil {
		return st, err
	}
	defer m.mu.Unlock()
	now := m.clock()
	for g := range m.byGuild {
		if e := m.lookup(g, now); e != nil {
			st.Active++
			st.ByState[e.s.State]++
		}
	}
	st.Created, st.Completed, st.Cancelled = m.created, m.completed, m.cancelled
	return st, nil
}

// Close implements store.Sessions: the sessions are dropped and later calls fail.
func (m *Sessions) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.closed = true
	m.byGuild = map[string]*sessionEntry{}
	m.marks = map[string]time.Time{}
	return nil
}

// clone copies a session through its JSON form, so the stored copy and the caller's never
// share a map or slice, and both adapters hand out the same shapes (no empty UI map).
func clone(s *wizard.Session) *wizard.Session {
	raw, err := json.Marshal(s)
	if err != nil {
		panic(fmt.Sprintf("memory: a session does not encode: %v", err)) // plain data: cannot happen
	}
	var c wizard.Session
	if err := json.Unmarshal(raw, &c); err != nil {
		panic(fmt.Sprintf("memory: a session does not decode: %v", err))
	}
	if len(c.UI) == 0 {
		c.UI = nil
	}
	return &c
}

// reachable reports whether any state may move to to.
func reachable(to wizard.State) bool {
	for _, from := range wizard.States {
		if wizard.CanTransition(from, to) {
			return true
		}
	}
	return false
}

func isSnowflake(s string) bool {
	if len(s) == 0 || len(s) > 20 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func invalid(op string, err error) error {
	return &store.Error{Code: store.CodeInvalid, Op: op, Err: err}
}

func notFound(op string, err error) error {
	return &store.Error{Code: store.CodeNotFound, Op: op, Err: err}
}

func expired(op string) error {
	return &store.Error{Code: store.CodeExpired, Op: op, Err: errors.New("the session expired or ended")}
}

func ipMismatch(op string) error {
	return &store.Error{Code: store.CodeIPMismatch, Op: op, Err: errors.New("the session is bound to another client address")}
}
