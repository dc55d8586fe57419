package deploy

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/arrakis-bot/arrakis/store"
	"github.com/arrakis-bot/arrakis/wizard"
)

// reportMemory is how long a posted drift report is remembered, so the same report is
// not posted twice.
const reportMemory = 30 * 24 * time.Hour

// RunDriftChecks runs the scheduled drift check of every guild guildIDs returns, once per
// Config.DriftInterval, until ctx ends. It returns at once when the interval is 0 (the
// default: off). Several instances may run it: each guild is checked once per interval
// slot whichever instance gets there first.
func (s *Service) RunDriftChecks(ctx context.Context, guildIDs func() []string) error {
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
		for _, g := range guildIDs() {
			if ctx.Err() != nil {
				return nil
			}
			if _, err := s.CheckDrift(ctx, g); err != nil {
				s.log.Warn("scheduled drift check failed")
			}
		}
	}
}

// CheckDrift is one scheduled drift check of a guild: at most once per interval slot
// across instances, and it posts the report to the alert channel only when drift is
// there and the same report was not posted before. It reports whether it posted.
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
	if p, err := s.cfg.Coordination.Progress(ctx, guildID); err == nil && running(p) && s.cfg.Now().Sub(p.UpdatedAt) < 2*s.cfg.LeaseTTL {
		return false, nil // a deploy is under way: its half-done state is not drift
	}
	view, err := s.Drift(ctx, guildID)
	if ErrorCode(err) == CodeNoManifest {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if view.Report.Empty() {
		return false, nil
	}
	body, err := json.Marshal(view.Report.Items)
	if err != nil {
		return false, fmt.Errorf("encode drift report: %w", err)
	}
	sum := sha256.Sum256(body)
	first, err = s.cfg.Coordination.MarkOnce(ctx, "driftreport:"+guildID+":"+hex.EncodeToString(sum[:]), reportMemory)
	if err != nil || !first {
		return false, err
	}
	if s.cfg.AlertChannel == "" {
		s.log.Info("drift found; no alert channel is configured")
		return false, nil
	}
	s.post(ctx, s.cfg.AlertChannel, "Drift check: "+FormatReport(view.Report)+"\nRun /drift to review and fix it.")
	return true, nil
}

func running(p *store.DeployProgress) bool {
	switch p.Status {
	case wizard.DeployPending, wizard.DeployRoles, wizard.DeployChannels, wizard.DeployPermissions:
		return true
	}
	return false
}
