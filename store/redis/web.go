package redis

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/arrakis-bot/arrakis/store"
)

// WebAuth is store.WebAuth on Redis. A link is a JSON string taken with GETDEL, so of two
// redemptions on any two instances exactly one gets it. A session is a hash whose binding
// fields are written once, by a script that refuses an existing key; a touch rewrites only
// "seen". Keys (one each, hash-tagged by the id, so they spread over a Cluster):
//
//	arrakis:web:link:{<id>}       a one-time sign-in link (JSON), PX = the link's lifetime
//	arrakis:web:session:{<id>}    a browser session (hash), PX = its absolute lifetime
type WebAuth struct {
	c goredis.UniversalClient
}

var _ store.WebAuth = (*WebAuth)(nil)

// NewWebAuth returns web sign-in state on c. It does no I/O.
func NewWebAuth(c goredis.UniversalClient) *WebAuth { return &WebAuth{c: c} }

func webLinkKey(id string) string    { return keyPrefix + "web:link:{" + id + "}" }
func webSessionKey(id string) string { return keyPrefix + "web:session:{" + id + "}" }

// WebSessionKey is the key of a web session, for tests that look inside Redis.
func WebSessionKey(id string) string { return webSessionKey(id) }

// putSessionScript: KEYS[1] session key; ARGV ttl ms, then field/value pairs. 1 when
// stored, 0 when the key exists (a session is never rebound).
var putSessionScript = goredis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 1
`)

// touchSessionScript: KEYS[1] session key; ARGV seen. 1 when touched, 0 when gone.
var touchSessionScript = goredis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'seen', ARGV[1])
return 1
`)

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
func (w *WebAuth) PutWebLink(ctx context.Context, id string, l store.WebLink, ttl time.Duration) error {
	const op = "store web link"
	if err := checkWebID(op, id, ttl, true); err != nil {
		return err
	}
	key := webLinkKey(id)
	raw, err := json.Marshal(l)
	if err != nil {
		return internal(op, key, err)
	}
	ok, err := w.c.SetNX(ctx, key, raw, ttl).Result()
	if err != nil {
		return wrap(op, key, err)
	}
	if !ok {
		return &store.Error{Code: store.CodeAlreadyExists, Op: op, Key: key, Err: errors.New("a link with this id exists")}
	}
	return nil
}

// TakeWebLink implements store.WebAuth.
func (w *WebAuth) TakeWebLink(ctx context.Context, id string) (*store.WebLink, error) {
	const op = "take web link"
	if err := checkWebID(op, id, 0, false); err != nil {
		return nil, err
	}
	key := webLinkKey(id)
	raw, err := w.c.GetDel(ctx, key).Bytes()
	if errors.Is(err, goredis.Nil) {
		return nil, notFound(op, key, errors.New("no such link: unknown, used or expired"))
	}
	if err != nil {
		return nil, wrap(op, key, err)
	}
	var l store.WebLink
	if err := json.Unmarshal(raw, &l); err != nil {
		return nil, corrupt(op, key, err)
	}
	return &l, nil
}

// PutWebSession implements store.WebAuth.
func (w *WebAuth) PutWebSession(ctx context.Context, id string, s store.WebSession, ttl time.Duration) error {
	const op = "store web session"
	if err := checkWebID(op, id, ttl, true); err != nil {
		return err
	}
	key := webSessionKey(id)
	n, err := putSessionScript.Run(ctx, w.c, []string{key}, ttl.Milliseconds(),
		"guild", s.GuildID, "user", s.UserID, "ip", s.IP,
		"created", s.CreatedAt.UTC().Format(time.RFC3339Nano), "seen", s.LastSeen.UTC().Format(time.RFC3339Nano)).Int64()
	if err != nil {
		return wrap(op, key, err)
	}
	if n != 1 {
		return &store.Error{Code: store.CodeAlreadyExists, Op: op, Key: key, Err: errors.New("a session with this id exists")}
	}
	return nil
}

// WebSession implements store.WebAuth.
func (w *WebAuth) WebSession(ctx context.Context, id string) (*store.WebSession, error) {
	const op = "read web session"
	if err := checkWebID(op, id, 0, false); err != nil {
		return nil, err
	}
	key := webSessionKey(id)
	h, err := w.c.HGetAll(ctx, key).Result()
	if err != nil {
		return nil, wrap(op, key, err)
	}
	if len(h) == 0 {
		return nil, notFound(op, key, errors.New("no such web session"))
	}
	s := store.WebSession{GuildID: h["guild"], UserID: h["user"], IP: h["ip"]}
	created, cerr := time.Parse(time.RFC3339Nano, h["created"])
	seen, serr := time.Parse(time.RFC3339Nano, h["seen"])
	if s.GuildID == "" || s.UserID == "" || s.IP == "" || cerr != nil || serr != nil {
		return nil, corrupt(op, key, errors.New("the session hash lacks a field or holds a bad time"))
	}
	s.CreatedAt, s.LastSeen = created, seen
	return &s, nil
}

// TouchWebSession implements store.WebAuth.
func (w *WebAuth) TouchWebSession(ctx context.Context, id string, seen time.Time) error {
	const op = "touch web session"
	if err := checkWebID(op, id, 0, false); err != nil {
		return err
	}
	key := webSessionKey(id)
	n, err := touchSessionScript.Run(ctx, w.c, []string{key}, seen.UTC().Format(time.RFC3339Nano)).Int64()
	if err != nil {
		return wrap(op, key, err)
	}
	if n != 1 {
		return notFound(op, key, errors.New("no such web session"))
	}
	return nil
}

// DeleteWebSession implements store.WebAuth.
func (w *WebAuth) DeleteWebSession(ctx context.Context, id string) error {
	const op = "delete web session"
	if err := checkWebID(op, id, 0, false); err != nil {
		return err
	}
	key := webSessionKey(id)
	return wrap(op, key, w.c.Del(ctx, key).Err())
}
