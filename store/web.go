package store

import (
	"context"
	"time"
)

// WebAuth keeps the web view's sign-in state in the coordination store (Redis when shared,
// memory when embedded), so that any instance can redeem a link or serve a session that
// another instance issued. Ids are chosen by the caller (the web view passes a hash of the
// secret it hands out, so the store never holds a usable token); an id is 1–128 characters.
type WebAuth interface {
	// PutWebLink stores a one-time sign-in link for ttl. CodeAlreadyExists when the id is
	// taken: a link is never overwritten.
	PutWebLink(ctx context.Context, id string, l WebLink, ttl time.Duration) error
	// TakeWebLink returns a link and removes it in the same step, so that of two racing
	// redemptions exactly one gets it. CodeNotFound when the link is unknown, already
	// taken, or past its TTL.
	TakeWebLink(ctx context.Context, id string) (*WebLink, error)
	// PutWebSession stores a browser session for ttl (its absolute lifetime).
	// CodeAlreadyExists when the id is taken: a session is never rebound.
	PutWebSession(ctx context.Context, id string, s WebSession, ttl time.Duration) error
	// WebSession reads a session; CodeNotFound when it is unknown, ended or past its TTL.
	WebSession(ctx context.Context, id string) (*WebSession, error)
	// TouchWebSession records that the session was used at seen. Only LastSeen changes:
	// the binding to guild, user and address and the TTL stay. CodeNotFound when gone.
	TouchWebSession(ctx context.Context, id string, seen time.Time) error
	// DeleteWebSession ends a session (sign-out); ending one that is gone is not an error.
	DeleteWebSession(ctx context.Context, id string) error
}

// WebLink is a one-time sign-in link, bound to the Discord user it was issued to and the
// guild it shows.
type WebLink struct {
	GuildID   string    `json:"guildId"`
	UserID    string    `json:"userId"`
	CreatedAt time.Time `json:"createdAt"`
	ExpiresAt time.Time `json:"expiresAt"`
}

// WebSession is a signed-in browser: bound to one user, one guild and the client address
// that redeemed the link.
type WebSession struct {
	GuildID   string    `json:"guildId"`
	UserID    string    `json:"userId"`
	IP        string    `json:"ip"`
	CreatedAt time.Time `json:"createdAt"`
	LastSeen  time.Time `json:"lastSeen"`
}

// MaxWebIDLength bounds the ids of links and sessions.
const MaxWebIDLength = 128
