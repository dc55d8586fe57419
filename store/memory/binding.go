package memory

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
)

// BindIP implements store.Sessions.
func (m *Sessions) BindIP(_ context.Context, id, ip string) (*wizard.Session, error) {
	const op = "bind session"
	guild, ok := wizard.GuildOfSessionID(id)
	if !ok {
		return nil, notFound(op, fmt.Errorf("%q is not a session id", id))
	}
	addr, err := canonicalIP(ip)
	if err != nil {
		return nil, invalid(op, err)
	}
	if err := m.begin(op); err != nil {
		return nil, err
	}
	defer m.mu.Unlock()
	e, err := m.use(op, guild, id)
	if err != nil {
		return nil, err
	}
	switch e.s.BoundIP {
	case "":
		e.s.BoundIP = addr
		return m.save(e), nil
	case addr:
		return clone(e.s), nil
	}
	return nil, ipMismatch(op)
}

// Validate implements store.Sessions.
func (m *Sessions) Validate(_ context.Context, id, guildID, userID, ip string) (*wizard.Session, error) {
	const op = "validate session"
	if err := checkGuildOfID(op, id, guildID); err != nil {
		return nil, err
	}
	if err := m.begin(op); err != nil {
		return nil, err
	}
	defer m.mu.Unlock()
	return m.validate(op, id, guildID, userID, ip)
}

// ValidateOnce implements store.Sessions. The marks live in this store, kept apart from
// Coordination.MarkOnce's like Redis keeps them under other keys. Unlike Redis, a repeat
// does not slide the session's TTL (the contract allows both).
func (m *Sessions) ValidateOnce(_ context.Context, id, guildID, userID, ip, interactionID string, markTTL time.Duration) (*wizard.Session, bool, error) {
	const op = "validate session once"
	if interactionID == "" || !isSnowflake(guildID) || markTTL < time.Millisecond {
		return nil, false, invalid(op, fmt.Errorf("mark of interaction %q in guild %q for %v: needs an interaction id, a guild id and a TTL of at least 1ms", interactionID, guildID, markTTL))
	}
	if err := m.begin(op); err != nil {
		return nil, false, err
	}
	defer m.mu.Unlock()
	now := m.clock()
	m.sweep(now)
	mark := guildID + ":" + interactionID
	if exp, ok := m.marks[mark]; ok && now.Before(exp) {
		return nil, false, nil
	}
	m.marks[mark] = now.Add(markTTL)
	if err := checkGuildOfID(op, id, guildID); err != nil {
		return nil, true, err
	}
	s, err := m.validate(op, id, guildID, userID, ip)
	return s, true, err
}

// checkGuildOfID is Validate's first check, made on the id alone: it must parse and name
// guildID.
func checkGuildOfID(op, id, guildID string) error {
	idGuild, ok := wizard.GuildOfSessionID(id)
	if !ok {
		return notFound(op, fmt.Errorf("%q is not a session id", id))
	}
	if idGuild != guildID {
		return &store.Error{Code: store.CodeWrongGuild, Op: op, Err: errors.New("the session belongs to another guild")}
	}
	return nil
}

// validate reads session id of guildID for use and checks its owner and address. Callers
// hold mu.
func (m *Sessions) validate(op, id, guildID, userID, ip string) (*wizard.Session, error) {
	e, err := m.use(op, guildID, id)
	if err != nil {
		return nil, err
	}
	s := clone(e.s)
	if s.OwnerID != userID {
		return s, &store.Error{Code: store.CodeNotOwner, Op: op, Err: errors.New("the session belongs to another admin")}
	}
	if s.BoundIP != "" && ip != "" {
		if addr, err := canonicalIP(ip); err != nil || addr != s.BoundIP {
			return s, ipMismatch(op)
		}
	}
	return s, nil
}

func canonicalIP(ip string) (string, error) {
	a, err := netip.ParseAddr(strings.TrimSpace(ip))
	if err != nil {
		return "", fmt.Errorf("%q is not an IP address", ip)
	}
	return a.Unmap().String(), nil
}
