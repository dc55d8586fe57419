package deploy

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.uber.org/zap"

	"github.com/arrakis-bot/arrakis/store"
	"github.com/arrakis-bot/arrakis/wizard"
)

func leaseName(guildID string) string { return "deploy:" + guildID }

// errLeaseLost stops a deploy whose lease another instance took over after it expired.
var errLeaseLost = errors.New("the deploy lease was lost")

// lock takes the guild's deploy lease and keeps renewing it until unlock is called. The
// returned context ends when the lease is lost, so no write is made without it.
func (s *Service) lock(ctx context.Context, guildID string) (context.Context, func(), error) {
	lease, err := s.cfg.Coordination.AcquireLease(ctx, leaseName(guildID), s.cfg.LeaseTTL)
	if store.IsCode(err, store.CodeLeaseHeld) {
		e := &Error{Code: CodeRunning, Err: err}
		if p := s.runningProgress(ctx, guildID); p != nil {
			e.HeldBy, e.Since = p.StartedBy, p.StartedAt
		}
		e.Message = "A deploy is already running for this server"
		if e.HeldBy != "" {
			e.Message += fmt.Sprintf(" (started by %s)", mentionUser(e.HeldBy))
		}
		e.Message += "; wait for it to finish and check /setup for its progress."
		return nil, nil, e
	}
	if err != nil {
		return nil, nil, fmt.Errorf("take the deploy lease of guild %s: %w", guildID, err)
	}
	runCtx, cancel := context.WithCancelCause(ctx)
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(s.cfg.LeaseTTL / 3)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-runCtx.Done():
				return
			case <-t.C:
				if err := s.cfg.Coordination.RenewLease(runCtx, lease, s.cfg.LeaseTTL); err != nil {
					if store.IsCode(err, store.CodeLeaseLost) {
						s.log.Warn("deploy lease lost; stopping the deploy", zap.String("guild", guildID))
						cancel(errLeaseLost)
						return
					}
					// A blip of the coordination store: try again at the next tick, while
					// the lease has not expired yet.
					s.log.Warn("renew deploy lease failed", zap.String("guild", guildID), zap.Error(err))
				}
			}
		}
	}()
	unlock := func() {
		close(done)
		rctx, rcancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer rcancel()
		if err := s.cfg.Coordination.ReleaseLease(rctx, lease); err != nil && !store.IsCode(err, store.CodeLeaseLost) {
			s.log.Warn("release deploy lease failed", zap.String("guild", guildID), zap.Error(err))
		}
		cancel(nil)
	}
	return runCtx, unlock, nil
}

// mentionUser shows who started something: a mention for a Discord user id, the name as
// it is otherwise (the CLI records "cli:<user>").
func mentionUser(by string) string {
	if isSnowflake(by) {
		return "<@" + by + ">"
	}
	return by
}

func isSnowflake(s string) bool {
	if s == "" || len(s) > 20 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// runningProgress reads the progress of the deploy that holds the lease. The holder
// records itself right after taking the lease, so a record that is not running yet is
// waited for briefly (the two deploys may have started at the same moment).
func (s *Service) runningProgress(ctx context.Context, guildID string) *store.DeployProgress {
	for i := 0; i < 10; i++ {
		p, err := s.cfg.Coordination.Progress(ctx, guildID)
		if err == nil && p != nil && running(p) {
			return p
		}
		if sleep(ctx, 50*time.Millisecond) != nil {
			return nil
		}
	}
	return nil
}

// markStarted records who holds the deploy lease, keeping what an interrupted deploy
// recorded (its snapshot and ResourceMap) so that this deploy can resume it.
func (s *Service) markStarted(ctx context.Context, guildID, by string) error {
	p, err := s.cfg.Coordination.Progress(ctx, guildID)
	switch {
	case store.IsCode(err, store.CodeNotFound) || err == nil && p.Status == wizard.DeployCompleted:
		p = &store.DeployProgress{GuildID: guildID}
	case err != nil:
		return fmt.Errorf("read the deploy progress of guild %s: %w", guildID, err)
	}
	p.Status, p.StartedBy, p.StartedAt, p.UpdatedAt, p.Error = wizard.DeployPending, by, s.cfg.Now(), s.cfg.Now(), ""
	if err := s.cfg.Coordination.SaveProgress(ctx, p); err != nil {
		return fmt.Errorf("save the deploy progress of guild %s: %w", guildID, err)
	}
	return nil
}
