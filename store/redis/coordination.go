package redis

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/arrakis-bot/arrakis/store"
	goredis "github.com/redis/go-redis/v9"
)

// Coordination is store.Coordination on Redis: leases and marks are SET NX PX; a lease is
// renewed or released by a script that first compares the holder's token. Key layout: keys.go.
type Coordination struct {
	c   goredis.UniversalClient
	now func() time.Time
}

var _ store.Coordination = (*Coordination)(nil)

// NewCoordination returns coordination state on c. It does no I/O.
func NewCoordination(c goredis.UniversalClient) *Coordination {
	return &Coordination{c: c, now: time.Now}
}

// renewScript: KEYS[1] lease key; ARGV token, ttl ms. 1 when renewed, 0 when not held.
var renewScript = goredis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0
`)

// releaseScript: KEYS[1] lease key; ARGV token. 1 when released, 0 when not held.
var releaseScript = goredis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  return 1
end
return 0
`)

// AcquireLease implements store.Coordination.
func (c *Coordination) AcquireLease(ctx context.Context, name string, ttl time.Duration) (*store.Lease, error) {
	const op = "acquire lease"
	if name == "" || ttl < time.Millisecond {
		return nil, invalid(op, fmt.Errorf("lease %q for %v: needs a name and a TTL of at least 1ms", name, ttl))
	}
	key := leaseKey(name)
	token, err := newToken()
	if err != nil {
		return nil, internal(op, key, err)
	}
	start := c.now()
	ok, err := c.c.SetNX(ctx, key, token, ttl).Result()
	if err != nil {
		return nil, wrap(op, key, err)
	}
	if !ok {
		return nil, &store.Error{Code: store.CodeLeaseHeld, Op: op, Key: key, Err: fmt.Errorf("lease %s is held by another holder", name)}
	}
	return &store.Lease{Name: name, Token: token, Expires: start.Add(ttl)}, nil
}

// RenewLease implements store.Coordination; on success l.Expires moves on.
func (c *Coordination) RenewLease(ctx context.Context, l *store.Lease, ttl time.Duration) error {
	const op = "renew lease"
	if l == nil || l.Name == "" || ttl < time.Millisecond {
		return invalid(op, errors.New("renew needs a held lease and a TTL of at least 1ms"))
	}
	key := leaseKey(l.Name)
	start := c.now()
	n, err := renewScript.Run(ctx, c.c, []string{key}, l.Token, ttl.Milliseconds()).Int64()
	if err != nil {
		return wrap(op, key, err)
	}
	if n != 1 {
		return leaseLost(op, key, l.Name)
	}
	l.Expires = start.Add(ttl)
	return nil
}

// LeaseHeld implements store.Coordination.
func (c *Coordination) LeaseHeld(ctx context.Context, name string) (bool, error) {
	key := leaseKey(name)
	n, err := c.c.Exists(ctx, key).Result()
	if err != nil {
		return false, wrap("check lease", key, err)
	}
	return n == 1, nil
}

// ReleaseLease implements store.Coordination.
func (c *Coordination) ReleaseLease(ctx context.Context, l *store.Lease) error {
	const op = "release lease"
	if l == nil || l.Name == "" {
		return invalid(op, errors.New("release needs a held lease"))
	}
	key := leaseKey(l.Name)
	n, err := releaseScript.Run(ctx, c.c, []string{key}, l.Token).Int64()
	if err != nil {
		return wrap(op, key, err)
	}
	if n != 1 {
		return leaseLost(op, key, l.Name)
	}
	return nil
}

// MarkOnce implements store.Coordination.
func (c *Coordination) MarkOnce(ctx context.Context, key string, ttl time.Duration) (bool, error) {
	const op = "mark once"
	if key == "" || ttl < time.Millisecond {
		return false, invalid(op, fmt.Errorf("mark %q for %v: needs a key and a TTL of at least 1ms", key, ttl))
	}
	k := onceKey(key)
	first, err := c.c.SetNX(ctx, k, "1", ttl).Result()
	if err != nil {
		return false, wrap(op, k, err)
	}
	return first, nil
}

// SaveProgress implements store.Coordination. InteractionToken is never written (its JSON
// tag is "-").
func (c *Coordination) SaveProgress(ctx context.Context, p *store.DeployProgress) error {
	const op = "save deploy progress"
	if p == nil || !isSnowflake(p.GuildID) {
		return invalid(op, errors.New("deploy progress needs a guild id"))
	}
	key := progressKey(p.GuildID)
	raw, err := json.Marshal(p)
	if err != nil {
		return internal(op, key, err)
	}
	if err := c.c.Set(ctx, key, raw, store.ProgressTTL).Err(); err != nil {
		return wrap(op, key, err)
	}
	return nil
}

// Progress implements store.Coordination.
func (c *Coordination) Progress(ctx context.Context, guildID string) (*store.DeployProgress, error) {
	const op = "read deploy progress"
	if !isSnowflake(guildID) {
		return nil, notFound(op, "", fmt.Errorf("guild id %q is not a Discord id", guildID))
	}
	key := progressKey(guildID)
	raw, err := c.c.Get(ctx, key).Bytes()
	if errors.Is(err, goredis.Nil) {
		return nil, notFound(op, key, errors.New("the guild has no deploy progress"))
	}
	if err != nil {
		return nil, wrap(op, key, err)
	}
	var p store.DeployProgress
	if err := json.Unmarshal(raw, &p); err != nil || p.GuildID != guildID {
		if err == nil {
			err = fmt.Errorf("progress of guild %q", p.GuildID)
		}
		return nil, &store.Error{Code: store.CodeCorrupt, Op: op, Key: key, Err: fmt.Errorf("stored value does not decode: %w", err)}
	}
	return &p, nil
}

func leaseLost(op, key, name string) error {
	return &store.Error{Code: store.CodeLeaseLost, Op: op, Key: key, Err: fmt.Errorf("lease %s expired or is held by another holder", name)}
}

// newToken is a lease holder's identity: 128 random bits.
func newToken() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("lease token: %w", err)
	}
	return hex.EncodeToString(b[:]), nil
}
