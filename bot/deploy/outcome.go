package deploy

// How a deploy ends: nothing to do, stopped part-way (what was done and what was not), or
// completed.

import (
	"context"
	"errors"
	"fmt"

	"go.uber.org/zap"

	"github.com/arrakis-bot/arrakis/drift"
	"github.com/arrakis-bot/arrakis/store"
	"github.com/arrakis-bot/arrakis/wizard"
)

// unchanged answers a deploy of the manifest that is already deployed to a guild that
// still matches it: no write, no version.
func (s *Service) unchanged(ctx context.Context, req Request, st *state) (*Result, error) {
	meta := st.latest.Meta
	res := st.res.Clone()
	r := &run{s: s, guildID: req.GuildID, res: res, onProg: req.OnProgress, progress: &store.DeployProgress{
		GuildID: req.GuildID, SnapshotID: meta.ID, Status: wizard.DeployCompleted,
		StartedBy: req.By, StartedAt: s.cfg.Now(), Resources: res,
	}}
	if err := r.saveProgress(ctx); err != nil {
		return nil, err
	}
	result := &Result{GuildID: req.GuildID, SnapshotID: meta.ID, Version: meta.Version, Reused: true,
		Status: wizard.DeployCompleted, Resources: res, Done: []drift.Op{}, Remaining: []drift.Op{}}
	result.Report = fmt.Sprintf("Nothing to do: the server already matches version %d of the setup.", meta.Version)
	return result, nil
}

// fail records a stopped deploy (unless the test hook simulated a crash) and returns the
// error that says what was done and what was not.
func (s *Service) fail(ctx context.Context, r *run, result *Result, remaining []drift.Op, cause error) error {
	s.fillResult(result, r, remaining)
	result.Status = wizard.DeployFailed
	e := &Error{Code: CodeDiscord, Err: cause, Result: result}
	var rl *rateLimitedError
	var crash *crashError
	switch {
	case errors.As(cause, &crash):
		e.Code = CodeInterrupted
	case errors.As(cause, &rl):
		e.Code = CodeRateLimited
		e.Message = fmt.Sprintf("Discord is rate limiting %s (it asked to wait %s).", s.cfg.BotName, rl.RetryAfter.Round(1e9))
	case errors.Is(cause, errLeaseLost) || errors.Is(context.Cause(ctx), errLeaseLost):
		e.Code = CodeInterrupted
		e.Message = "The deploy stopped because another instance took its lease over."
	case errors.Is(cause, ErrStopped) || errors.Is(cause, context.Canceled) || errors.Is(cause, context.DeadlineExceeded):
		e.Code = CodeInterrupted
		e.Message = "The deploy was stopped before it finished."
	case store.PartSentence(cause) != "":
		e.Code = CodeInterrupted
		e.Message = store.PartSentence(cause)
	case store.ErrorCode(cause) != "":
		e.Code = CodeInterrupted
		e.Message = "The deploy stopped because its records could not be saved (the storage is unavailable)."
	case errors.Is(cause, errBeyondConfirmed):
		e.Code = CodePlanChanged
		e.Message = "The deploy stopped: your server changed while it ran, and finishing it would take changes you did not confirm."
	case isNoAccess(cause):
		e.Code = CodeNoAccess
		e.Message = fmt.Sprintf("%s lost access to this server during the deploy.", s.cfg.BotName)
	default:
		if status, code := restStatus(cause); code == 50013 || status == 403 {
			e.Message = fmt.Sprintf("Discord refused a change because %s is missing a permission; check its role in Server Settings → Roles.", s.cfg.BotName)
		} else {
			e.Message = "Discord did not accept a change."
		}
	}
	e.Message += " " + summary(result) + " Run the deploy again to continue where it stopped."
	if errors.As(cause, &crash) || errors.Is(context.Cause(ctx), errLeaseLost) {
		// A simulated crash records nothing more; nor does a deploy whose lease another
		// instance now holds (its progress is that instance's to write).
		result.Report = e.Message
		return e
	}
	r.progress.Status = wizard.DeployFailed
	r.progress.Error = e.Message
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5e9)
	defer cancel()
	if err := r.saveProgress(sctx); err != nil {
		s.log.Warn("save failed deploy progress failed", zap.String("guild", r.guildID), zap.Error(err))
	}
	result.Report = e.Message
	s.notify(sctx, r.guildID, r.manifest, r.progress.StartedBy,
		fmt.Sprintf("deploy:%s:failed:%d", r.progress.SnapshotID, r.progress.StartedAt.UnixNano()), e.Message)
	return e
}

func (s *Service) fillResult(result *Result, r *run, remaining []drift.Op) {
	result.Status = r.progress.Status
	result.Writes = r.writes
	result.Done = append([]drift.Op{}, r.done...)
	result.Resumed = r.earlierDone
	result.Remaining = append([]drift.Op{}, remaining...)
	result.Resources = r.res.Clone()
	result.CreatedRoles = append([]string(nil), r.createdRoles...)
	result.CreatedChannels = append([]string(nil), r.createdChannels...)
}
