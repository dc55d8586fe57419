package deploy

import (
	"context"
	"errors"

	"github.com/arrakis-bot/arrakis/store"
)

// Drift compares the desired manifest, the shadow and the live guild.
func (s *Service) Drift(ctx context.Context, guildID string) (*DriftView, error) {
	return nil, errNotImplemented
}

// Reconcile makes the live guild match the desired manifest again (reason reconcile).
func (s *Service) Reconcile(ctx context.Context, guildID, by string) (*Result, error) {
	return nil, errNotImplemented
}

// Accept makes the live values of drifted fields the new desired manifest (reason accept)
// and records it as deployed, since the guild already matches it.
func (s *Service) Accept(ctx context.Context, guildID, by string) (*Result, error) {
	return nil, errNotImplemented
}

// Prune deletes exactly the managed resources the manifest no longer wants (_extra).
// Callers ask the admin to confirm first.
func (s *Service) Prune(ctx context.Context, guildID, by string) (*Result, error) {
	return nil, errNotImplemented
}

// Rollback deploys snapshot version again as a new version with reason rollback.
func (s *Service) Rollback(ctx context.Context, guildID string, version int, by string) (*Result, error) {
	return nil, errNotImplemented
}

// History lists a guild's snapshots, newest first, with their deployment records.
func (s *Service) History(ctx context.Context, guildID string) ([]HistoryEntry, error) {
	return nil, errNotImplemented
}

// Desired is the guild's newest snapshot (the desired manifest).
func (s *Service) Desired(ctx context.Context, guildID string) (*store.Snapshot, error) {
	return nil, errNotImplemented
}

// RunDriftChecks runs the scheduled drift check of every known guild each
// Config.DriftInterval until ctx ends; it returns at once when the interval is 0.
func (s *Service) RunDriftChecks(ctx context.Context, guildIDs func() []string) error {
	return errNotImplemented
}

// UserMessage words any error from the Service as a sentence for an admin: the Message of
// an *Error, and a generic sentence for anything else (which the caller logs in full).
func UserMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "Something went wrong on our side; the details are in the bot's log. Try again in a minute."
}
