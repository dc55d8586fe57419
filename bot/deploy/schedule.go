package deploy

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"go.uber.org/zap"

	"github.com/arrakis-bot/arrakis/store"
	"github.com/arrakis-bot/arrakis/wizard"
)

// GuildLister returns the guilds the scheduled drift checks visit: the gateway state's
// guilds in gateway mode, the communities with shadow history in HTTP mode.
type GuildLister func(ctx context.Context) ([]string, error)

// RunDriftChecks runs the scheduled drift check of every guild guilds returns, once per
// Config.DriftInterval, until ctx ends. It returns at once when the interval is 0 (the
// default: off). Several instances may run it: each guild is checked once per interval
// slot whichever instance gets there first. Nothing a guild does stops the loop: a failed
// listing waits for the next tick, a guild that removed the bot (Discord 50001) is
// skipped with an info line, and any other failure is logged and the next guild checked.
func (s *Service) RunDriftChecks(ctx context.Context, guilds GuildLister) error {
	if s.cfg.DriftInterval <= 0 {
		return nil
	}
	t := time.NewTicker(s.cfg.DriftInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		ids, err := guilds(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			s.log.Warn("scheduled drift checks: list the guilds; trying again next interval", zap.Error(err))
			continue
		}
		for _, g := range ids {
			if ctx.Err() != nil {
				return nil
			}
			s.scheduledCheck(ctx, g)
		}
	}
}

// scheduledCheck runs CheckDrift for one guild and logs its failure; a panic is logged too,
// never allowed to end the loop (and with it the process).
func (s *Service) scheduledCheck(ctx context.Context, guildID string) {
	defer func() {
		if r := recover(); r != nil {
			s.log.Error("scheduled drift check panicked", zap.String("guild", guildID), zap.Any("panic", r), zap.StackSkip("stack", 1))
		}
	}()
	_, err := s.CheckDrift(ctx, guildID)
	switch {
	case err == nil || ctx.Err() != nil:
	case ErrorCode(err) == CodeNoAccess:
		s.log.Info("scheduled drift check skipped: the bot is not in the guild or cannot see it", zap.String("guild", guildID))
	default:
		s.log.Warn("scheduled drift check failed", zap.String("guild", guildID), zap.Error(err))
	}
}

// CheckDrift is one scheduled drift check of a guild, at most once per interval slot
// across instances. Drift makes an alert for this guild (unless the same report was already
// made one); an alert not delivered yet (a refused post, a deploy result whose post failed)
// is retried; a drift alert whose drift is gone before delivery is dropped. It reports
// whether an alert was delivered.
func (s *Service) CheckDrift(ctx context.Context, guildID string) (bool, error) {
	interval := s.cfg.DriftInterval
	if interval <= 0 {
		interval = time.Hour
	}
	slot := s.cfg.Now().UnixNano() / int64(interval)
	first, err := s.cfg.Coordination.MarkOnce(ctx, fmt.Sprintf("driftcheck:%s:%d:%d", guildID, int64(interval), slot), 2*interval)
	if err != nil || !first {
		return false, err
	}
	if p, err := ReadProgress(ctx, s.cfg.Coordination, guildID); err == nil {
		if running(p) {
			return false, nil // a deploy is under way: its half-done state is not drift
		}
		if Stale(p) {
			// Its process ended mid-deploy: say so once, and leave the half-done state to
			// Retry rather than report it as drift.
			return s.announceStopped(ctx, p)
		}
	}
	view, err := s.Drift(ctx, guildID)
	if ErrorCode(err) == CodeNoManifest {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	m, kept := view.Desired.Manifest, view.Alert
	if view.Report.Empty() {
		switch {
		case kept == nil:
			return false, nil
		case kept.Kind == store.AlertDrift:
			kept.Resolved = true // the drift it reported is gone: nothing left to say
			if err := s.cfg.Shadow.SaveAlert(ctx, guildID, kept); err != nil {
				return false, fmt.Errorf("drop the resolved drift alert of guild %s: %w", guildID, err)
			}
			return false, nil
		}
		return s.deliver(ctx, kept, m), nil
	}
	body, err := json.Marshal(view.Report.Items)
	if err != nil {
		return false, fmt.Errorf("encode drift report: %w", err)
	}
	sum := sha256.Sum256(body)
	subject := "drift:" + hex.EncodeToString(sum[:])
	if kept != nil && kept.Subject == subject {
		return s.deliver(ctx, kept, m), nil // the same report, not delivered yet: retry it
	}
	last, err := s.cfg.Shadow.Alert(ctx, guildID)
	if err == nil && last.Subject == subject && !last.Resolved {
		return false, nil // this report was already delivered
	}
	dmUser := ""
	if m.AlertChannel() == "" {
		dmUser = s.lastDiscordDeployer(ctx, guildID, "")
	}
	a := s.newAlert(guildID, store.AlertDrift, subject, "Drift check: "+FormatReportFor(view.Report, m)+"\nRun /drift to review and fix it.", dmUser)
	return s.deliver(ctx, a, m), nil
}

func running(p *store.DeployProgress) bool {
	switch p.Status {
	case wizard.DeployPending, wizard.DeployRoles, wizard.DeployChannels, wizard.DeployPermissions:
		return true
	}
	return false
}

// AnnounceStopped announces the guild's deploy when it stopped because its process ended
// (see announceStopped); the wizard calls it when it shows such a deploy, so the alert does
// not wait for the next scheduled check.
func (s *Service) AnnounceStopped(ctx context.Context, guildID string) {
	p, err := ReadProgress(ctx, s.cfg.Coordination, guildID)
	if err != nil || !Stale(p) {
		return
	}
	if _, err := s.announceStopped(ctx, p); err != nil {
		s.log.Warn("announce a stopped deploy failed", zap.String("guild", guildID), zap.Error(err))
	}
}

// announceStopped tells the guild's alert channel (or the admin) once per deploy run that a
// deploy stopped because its process ended, with what it did and what is left.
func (s *Service) announceStopped(ctx context.Context, p *store.DeployProgress) (bool, error) {
	first, err := s.cfg.Coordination.MarkOnce(ctx, fmt.Sprintf("deploystopped:%s:%s:%d", p.GuildID, p.DeployID, p.StartedAt.UnixNano()), store.ProgressTTL)
	if err != nil || !first {
		return false, err
	}
	snap, err := s.cfg.Shadow.Latest(ctx, p.GuildID)
	if err != nil {
		return false, fmt.Errorf("read the manifest of guild %s to announce a stopped deploy: %w", p.GuildID, err)
	}
	subject := fmt.Sprintf("deploy:%s:failed:%d", p.SnapshotID, p.StartedAt.UnixNano())
	dmUser := ""
	if snap.Manifest.AlertChannel() == "" {
		dmUser = s.lastDiscordDeployer(ctx, p.GuildID, p.StartedBy)
	}
	a := s.newAlert(p.GuildID, store.AlertDeploy, subject, p.Error+" Open /setup to retry it.", dmUser)
	return s.deliver(ctx, a, snap.Manifest), nil
}
