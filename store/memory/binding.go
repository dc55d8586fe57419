package memory

// Who may use a session: its guild, its owner and, once bound, its client address.

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strings"

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
	idGuild, ok := wizard.GuildOfSessionID(id)
	if !ok {
		return nil, notFound(op, fmt.Errorf("%q is not a session id", id))
	}
	if idGuild != guildID {
		return nil, &store.Error{Code: store.CodeWrongGuild, Op: op, Err: errors.New("the session belongs to another guild")}
	}
	if err := m.begin(op); err != nil {
		return nil, err
	}
	defer m.mu.Unlock()
	e, err := m.use(op, idGuild, id)
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
