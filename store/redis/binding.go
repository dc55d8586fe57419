package redis

// Who may use a session: its guild, its owner and, once bound, its client address.

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"time"

	"github.com/arrakis-bot/arrakis/store"
	"github.com/arrakis-bot/arrakis/wizard"
	goredis "github.com/redis/go-redis/v9"
)

// BindIP implements store.Sessions.
func (s *Sessions) BindIP(ctx context.Context, id, ip string) (*wizard.Session, error) {
	const op = "bind session"
	if err := s.open(op); err != nil {
		return nil, err
	}
	key, _, ok := sessionKeyOfID(id)
	if !ok {
		return nil, notFound(op, "", fmt.Errorf("%q is not a session id", id))
	}
	addr, err := canonicalIP(ip)
	if err != nil {
		return nil, invalid(op, err)
	}
	res, err := bindIPScript.Run(ctx, s.c, []string{key}, id, addr, timeField(s.clock()), s.ttlArg).Result()
	return s.scriptResult(op, key, res, err, "")
}

// Validate implements store.Sessions. The guild is checked from the id before anything is
// read, so a session is never touched on another guild's behalf.
func (s *Sessions) Validate(ctx context.Context, id, guildID, userID, ip string) (*wizard.Session, error) {
	const op = "validate session"
	if err := s.open(op); err != nil {
		return nil, err
	}
	key, idGuild, ok := sessionKeyOfID(id)
	if !ok {
		return nil, notFound(op, "", fmt.Errorf("%q is not a session id", id))
	}
	if idGuild != guildID {
		return nil, &store.Error{Code: store.CodeWrongGuild, Op: op, Key: key, Err: errors.New("the session belongs to another guild")}
	}
	sess, err := s.getByKey(ctx, op, key, id)
	if err != nil {
		return nil, err
	}
	return sess, checkUse(op, key, sess, userID, ip)
}

// ValidateOnce implements store.Sessions: SET NX PX of the interaction's mark and GETEX of the
// session in one pipeline. Both keys carry the guild's hash tag, so on a Cluster the pipeline
// goes to one node: one round trip. When the session id is not the guild's (or does not
// parse), only the mark is sent and the session is never read.
func (s *Sessions) ValidateOnce(ctx context.Context, id, guildID, userID, ip, interactionID string, markTTL time.Duration) (*wizard.Session, bool, error) {
	const op = "validate session once"
	if err := s.open(op); err != nil {
		return nil, false, err
	}
	if interactionID == "" || !isSnowflake(guildID) || markTTL < time.Millisecond {
		return nil, false, invalid(op, fmt.Errorf("mark of interaction %q in guild %q for %v: needs an interaction id, a guild id and a TTL of at least 1ms", interactionID, guildID, markTTL))
	}
	mark := interactionMarkKey(guildID, interactionID)
	key, idGuild, ok := sessionKeyOfID(id)
	read := ok && idGuild == guildID
	p := s.c.Pipeline()
	set := p.SetNX(ctx, mark, "1", markTTL)
	var get *goredis.StringCmd
	if read {
		get = p.GetEx(ctx, key, s.ttl)
	}
	// Exec's own error is the first failed command's, goredis.Nil included: each command's
	// result is looked at instead.
	_, _ = p.Exec(ctx)
	first, err := set.Result()
	if err != nil {
		return nil, false, wrap(op, mark, err)
	}
	if !first {
		return nil, false, nil
	}
	switch {
	case !ok:
		return nil, true, notFound(op, "", fmt.Errorf("%q is not a session id", id))
	case !read:
		return nil, true, &store.Error{Code: store.CodeWrongGuild, Op: op, Key: key, Err: errors.New("the session belongs to another guild")}
	}
	raw, err := get.Result()
	sess, err := sessionOfReply(op, key, id, raw, err)
	if err != nil {
		return nil, true, err
	}
	return sess, true, checkUse(op, key, sess, userID, ip)
}

// checkUse is Validate's owner and address check.
func checkUse(op, key string, sess *wizard.Session, userID, ip string) error {
	if sess.OwnerID != userID {
		return &store.Error{Code: store.CodeNotOwner, Op: op, Key: key, Err: errors.New("the session belongs to another admin")}
	}
	if sess.BoundIP != "" && ip != "" {
		addr, err := canonicalIP(ip)
		if err != nil || addr != sess.BoundIP {
			return &store.Error{Code: store.CodeIPMismatch, Op: op, Key: key, Err: errors.New("the session is bound to another client address")}
		}
	}
	return nil
}

// canonicalIP parses a client address so that one address has one spelling.
func canonicalIP(ip string) (string, error) {
	a, err := netip.ParseAddr(strings.TrimSpace(ip))
	if err != nil {
		return "", fmt.Errorf("%q is not an IP address", ip)
	}
	return a.Unmap().String(), nil
}
