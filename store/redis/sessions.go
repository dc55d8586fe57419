// Package redis keeps Arrakis's wizard sessions and coordination state (leases, once-only
// marks, deploy progress) in Redis through go-redis v9's UniversalClient, so a single node,
// Sentinel or a Cluster all work. See keys.go for the key layout and codec.go for how a
// session is stored.
//
// Round trips per operation (after warm-up): Create, Get, GetByGuild, Validate,
// ValidateOnce, Update, Transition, TakeOver, BindIP, Delete, Refresh and ExistsForGuild are
// one each (ValidateOnce pipelines its mark with the read, in the guild's Cluster slot). The
// created / completed / cancelled counters are sent afterwards by a background goroutine
// (counters.go): they live in other Cluster slots and are best effort.
//
// Needs Redis 7.0 or later: Create uses SET … NX GET, which older servers refuse.
package redis

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/arrakis-bot/arrakis/store"
	"github.com/arrakis-bot/arrakis/wizard"
	goredis "github.com/redis/go-redis/v9"
)

// Options configure a Sessions store.
type Options struct {
	// TTL is how long an untouched session lives; store.DefaultSessionTTL when zero.
	// It slides: every read for use and every write sets it again.
	TTL time.Duration
	// Now stamps createdAt, updatedAt and ownerAt; time.Now when nil. Expiry is Redis's.
	Now func() time.Time
}

// Sessions is store.Sessions on Redis. It does not own the client: Close stops the
// background counter updates, and the caller closes the client.
type Sessions struct {
	c        goredis.UniversalClient
	ttl      time.Duration
	now      func() time.Time
	counters *counters
	ttlArg   any // the TTL in milliseconds, as the scripts receive it
	closed   atomic.Bool
}

var _ store.Sessions = (*Sessions)(nil)

// NewSessions returns a session store on c. It does no I/O; see Preload.
func NewSessions(c goredis.UniversalClient, o Options) *Sessions {
	if o.TTL <= 0 {
		o.TTL = store.DefaultSessionTTL
	}
	if o.TTL < time.Millisecond {
		o.TTL = time.Millisecond
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Sessions{c: c, ttl: o.TTL, now: o.Now, counters: newCounters(c), ttlArg: o.TTL.Milliseconds()}
}

// Preload loads the session scripts on every master, so that even the first write after a
// start is a single EVALSHA. Optional: without it the first use of each script on each node
// costs one extra round trip (EVALSHA answered NOSCRIPT, then EVAL).
func (s *Sessions) Preload(ctx context.Context) error {
	load := func(ctx context.Context, c goredis.Scripter) error {
		for _, sc := range sessionScripts {
			if err := sc.Load(ctx, c).Err(); err != nil {
				return err
			}
		}
		return nil
	}
	var err error
	if cc, ok := s.c.(*goredis.ClusterClient); ok {
		err = cc.ForEachMaster(ctx, func(ctx context.Context, c *goredis.Client) error { return load(ctx, c) })
	} else {
		err = load(ctx, s.c)
	}
	return wrap("preload session scripts", "", err)
}

func (s *Sessions) clock() time.Time { return s.now().UTC().Round(0) }

func (s *Sessions) open(op string) error {
	if s.closed.Load() {
		return &store.Error{Code: store.CodeUnavailable, Op: op, Err: errors.New("the session store is closed")}
	}
	return nil
}

// Create implements store.Sessions. SET NX GET (Redis ≥ 7.0) either stores the new session or
// answers the one already there, in one round trip and without changing it.
func (s *Sessions) Create(ctx context.Context, guildID, ownerID, ownerName string) (*wizard.Session, bool, error) {
	const op = "create session"
	if err := s.open(op); err != nil {
		return nil, false, err
	}
	if !isSnowflake(guildID) {
		return nil, false, invalid(op, fmt.Errorf("guild id %q is not a Discord id", guildID))
	}
	if ownerID == "" {
		return nil, false, invalid(op, errors.New("a session needs an owner"))
	}
	key := sessionKey(guildID)
	sess := wizard.NewSession(guildID, ownerID, ownerName, s.clock())
	raw := encodeSession(sess)
	old, err := s.c.SetArgs(ctx, key, raw, goredis.SetArgs{Mode: "NX", TTL: s.ttl, Get: true}).Result()
	if errors.Is(err, goredis.Nil) {
		s.counters.add(counterCreated)
		return sess, false, nil
	}
	if err != nil {
		return nil, false, wrap(op, key, err)
	}
	existing, err := decodeSession(op, key, old)
	if err != nil {
		return nil, false, err
	}
	return existing, true, nil
}

// Get implements store.Sessions: GETEX reads and extends the TTL in one round trip.
func (s *Sessions) Get(ctx context.Context, id string) (*wizard.Session, error) {
	const op = "get session"
	if err := s.open(op); err != nil {
		return nil, err
	}
	key, _, ok := sessionKeyOfID(id)
	if !ok {
		return nil, notFound(op, "", fmt.Errorf("%q is not a session id", id))
	}
	return s.getByKey(ctx, op, key, id)
}

// GetByGuild implements store.Sessions.
func (s *Sessions) GetByGuild(ctx context.Context, guildID string) (*wizard.Session, error) {
	const op = "get session by guild"
	if err := s.open(op); err != nil {
		return nil, err
	}
	if !isSnowflake(guildID) {
		return nil, notFound(op, "", fmt.Errorf("guild id %q is not a Discord id", guildID))
	}
	return s.getByKey(ctx, op, sessionKey(guildID), "")
}

// getByKey reads the session under key; when id is not empty it must be that session.
func (s *Sessions) getByKey(ctx context.Context, op, key, id string) (*wizard.Session, error) {
	raw, err := s.c.GetEx(ctx, key, s.ttl).Result()
	return sessionOfReply(op, key, id, raw, err)
}

// sessionOfReply turns the reply to a GETEX of key into the session; when id is not empty
// it must be that session.
func sessionOfReply(op, key, id, raw string, err error) (*wizard.Session, error) {
	if errors.Is(err, goredis.Nil) {
		if id == "" {
			return nil, notFound(op, key, errors.New("the guild has no wizard session"))
		}
		return nil, expired(op, key)
	}
	if err != nil {
		return nil, wrap(op, key, err)
	}
	sess, err := decodeSession(op, key, raw)
	if err != nil {
		return nil, err
	}
	if id != "" && sess.ID != id {
		return nil, expired(op, key) // the guild has started another session since
	}
	return sess, nil
}

// Update implements store.Sessions. Only UI and Data are taken from sess.
func (s *Sessions) Update(ctx context.Context, sess *wizard.Session) (*wizard.Session, error) {
	const op = "update session"
	if err := s.open(op); err != nil {
		return nil, err
	}
	if sess == nil {
		return nil, invalid(op, errors.New("no session given"))
	}
	key, _, ok := sessionKeyOfID(sess.ID)
	if !ok {
		return nil, notFound(op, "", fmt.Errorf("%q is not a session id", sess.ID))
	}
	body, uiLen := encodeBody(sess)
	n := len(body)
	body = strconv.AppendInt(body, s.clock().UnixNano(), 10) // "now", as timeField writes it
	res, err := s.runCAS(ctx, updateScript, key, nil,
		sess.ID, sess.Version, body[n:], body[:uiLen], body[uiLen:n], s.ttlArg, escapeField(store.WriteID(ctx)))
	raw, err := s.scriptStatus(op, key, res, err, "")
	if err != nil {
		return nil, err
	}
	// The session decodes from the body it sent: Update answers only the new header.
	return decodeWritten(op, key, raw, string(body[:n]), uiLen)
}

// Transition implements store.Sessions. The script allows the move only from the states
// wizard.CanTransition names for the target, and clears the step's UI state.
func (s *Sessions) Transition(ctx context.Context, id string, expectVersion int64, to wizard.State) (*wizard.Session, error) {
	const op = "transition session"
	if err := s.open(op); err != nil {
		return nil, err
	}
	key, _, ok := sessionKeyOfID(id)
	if !ok {
		return nil, notFound(op, "", fmt.Errorf("%q is not a session id", id))
	}
	ta, ok := transitionArgs[to]
	if !ok {
		return nil, invalid(op, fmt.Errorf("%q is not a step the wizard can move to", to))
	}
	res, err := s.runCAS(ctx, transitionScript, key, ta.from,
		id, expectVersion, timeField(s.clock()), ta.to, s.ttlArg, escapeField(store.WriteID(ctx)))
	return s.scriptResult(op, key, res, err, to)
}

// TakeOver implements store.Sessions.
func (s *Sessions) TakeOver(ctx context.Context, id string, expectVersion int64, ownerID, ownerName string) (*wizard.Session, error) {
	const op = "take over session"
	if err := s.open(op); err != nil {
		return nil, err
	}
	key, _, ok := sessionKeyOfID(id)
	if !ok {
		return nil, notFound(op, "", fmt.Errorf("%q is not a session id", id))
	}
	if ownerID == "" {
		return nil, invalid(op, errors.New("a session needs an owner"))
	}
	res, err := s.runCAS(ctx, takeOverScript, key, nil,
		id, expectVersion, timeField(s.clock()), escapeField(ownerID), escapeField(ownerName), s.ttlArg, escapeField(store.WriteID(ctx)))
	return s.scriptResult(op, key, res, err, "")
}

// Delete implements store.Sessions. It deletes only session id, never a newer session of
// the same guild, and counts a completed or cancelled end.
func (s *Sessions) Delete(ctx context.Context, id string, reason store.EndReason) error {
	const op = "delete session"
	if err := s.open(op); err != nil {
		return err
	}
	key, _, ok := sessionKeyOfID(id)
	if !ok {
		return notFound(op, "", fmt.Errorf("%q is not a session id", id))
	}
	res, err := deleteScript.Run(ctx, s.c, []string{key}, id).Result()
	if _, err := s.scriptStatus(op, key, res, err, ""); err != nil {
		return err
	}
	switch reason {
	case store.EndCompleted:
		s.counters.add(counterCompleted)
	case store.EndCancelled:
		s.counters.add(counterCancelled)
	}
	return nil
}

// Refresh implements store.Sessions.
func (s *Sessions) Refresh(ctx context.Context, id string) error {
	const op = "refresh session"
	if err := s.open(op); err != nil {
		return err
	}
	key, _, ok := sessionKeyOfID(id)
	if !ok {
		return notFound(op, "", fmt.Errorf("%q is not a session id", id))
	}
	res, err := refreshScript.Run(ctx, s.c, []string{key}, id, s.ttlArg).Result()
	_, err = s.scriptStatus(op, key, res, err, "")
	return err
}

// ExistsForGuild implements store.Sessions; it does not extend the TTL.
func (s *Sessions) ExistsForGuild(ctx context.Context, guildID string) (bool, error) {
	const op = "check for session"
	if err := s.open(op); err != nil {
		return false, err
	}
	if !isSnowflake(guildID) {
		return false, nil
	}
	key := sessionKey(guildID)
	n, err := s.c.Exists(ctx, key).Result()
	if err != nil {
		return false, wrap(op, key, err)
	}
	return n > 0, nil
}

// Close implements store.Sessions: it stops the counter updates after sending the queued
// ones. The client stays open: it belongs to the caller.
func (s *Sessions) Close() error {
	if s.closed.CompareAndSwap(false, true) {
		s.counters.close()
	}
	return nil
}

func invalid(op string, err error) error {
	return &store.Error{Code: store.CodeInvalid, Op: op, Err: err}
}

func notFound(op, key string, err error) error {
	return &store.Error{Code: store.CodeNotFound, Op: op, Key: key, Err: err}
}

func expired(op, key string) error {
	return &store.Error{Code: store.CodeExpired, Op: op, Key: key, Err: errors.New("the session expired or ended")}
}

// transitionArg is what a Transition to one state sends besides the session: the state,
// and every state wizard.CanTransition allows the move from, boxed once instead of per click.
type transitionArg struct {
	to   any
	from []any
}

var transitionArgs = func() map[wizard.State]transitionArg {
	m := map[wizard.State]transitionArg{}
	for _, to := range wizard.States {
		var from []any
		for _, f := range wizard.States {
			if wizard.CanTransition(f, to) {
				from = append(from, string(f))
			}
		}
		if len(from) > 0 {
			m[to] = transitionArg{to: string(to), from: from}
		}
	}
	return m
}()

// runCAS runs a compare-and-swap script. When its reply is lost (the connection dropped or
// timed out after the command was sent) and the write carries an id (store.WithWriteID),
// it is sent once more while the caller's context allows: the script recognises its own
// write and answers it as applied, so a lost reply never becomes "nothing of yours was
// applied". Without a write id nothing is re-sent blindly. The script's arguments are args
// then tail.
func (s *Sessions) runCAS(ctx context.Context, script casScript, key string, tail []any, args ...any) (any, error) {
	cmd := make([]any, 0, 4+len(args)+len(tail))
	cmd = append(cmd, "evalsha", script.sha, "1", key)
	cmd = append(cmd, args...)
	cmd = append(cmd, tail...)
	res, err := s.evalCAS(ctx, script, cmd)
	if err != nil && store.WriteID(ctx) != "" && ctx.Err() == nil && topologyError(err) {
		res, err = s.evalCAS(ctx, script, cmd)
	}
	return res, err
}

// evalCAS sends cmd (EVALSHA sha 1 key args…), and EVAL once when the server does not know
// the script yet, as Script.Run does.
func (s *Sessions) evalCAS(ctx context.Context, script casScript, cmd []any) (any, error) {
	res, err := s.c.Do(ctx, cmd...).Result()
	if err != nil && goredis.HasErrorPrefix(err, "NOSCRIPT") {
		res, err = script.Eval(ctx, s.c, []string{cmd[3].(string)}, cmd[4:]...).Result()
	}
	return res, err
}
