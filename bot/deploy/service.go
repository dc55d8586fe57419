package deploy

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.uber.org/zap"

	"github.com/arrakis-bot/arrakis/drift"
	"github.com/arrakis-bot/arrakis/store"
	"github.com/arrakis-bot/arrakis/wizard"
)

// state is what a deploy or a review starts from: the snapshots, the live guild, the
// ResourceMap (the shadow's, or the one an interrupted deploy recorded) and the plan.
type state struct {
	latest   *store.Snapshot // newest snapshot (desired), nil when none
	deployed *store.Snapshot // newest deployed snapshot (shadow), nil when none
	progress *store.DeployProgress
	resuming bool // progress is of a deploy that did not complete
	live     *live
	shadow   *drift.Shadow // what Plan and Compare get: the shadow with the resume map
	res      wizard.ResourceMap
	plan     []drift.Op
}

// load reads the snapshots, the progress and the live guild, and plans m against them.
func (s *Service) load(ctx context.Context, guildID string, m *wizard.Manifest, prune bool) (*state, error) {
	st := &state{}
	var err error
	if st.latest, err = s.optional(s.cfg.Shadow.Latest(ctx, guildID)); err != nil {
		return nil, fmt.Errorf("read the newest snapshot of guild %s: %w", guildID, err)
	}
	if st.deployed, err = s.optional(s.cfg.Shadow.LatestDeployed(ctx, guildID)); err != nil {
		return nil, fmt.Errorf("read the deployed snapshot of guild %s: %w", guildID, err)
	}
	p, err := s.cfg.Coordination.Progress(ctx, guildID)
	switch {
	case store.IsCode(err, store.CodeNotFound):
	case err != nil:
		return nil, fmt.Errorf("read the deploy progress of guild %s: %w", guildID, err)
	default:
		st.progress = p
	}
	if st.live, err = s.fetch(ctx, guildID); err != nil {
		return nil, err
	}
	st.shadow = s.shadowFor(st, m)
	st.res = drift.Resources(m, st.shadow, st.live.Guild)
	st.plan = drift.Plan(m, st.shadow, st.live.Guild, drift.Options{Prune: prune})
	return st, nil
}

// shadowFor is the shadow that Plan and Compare see. A deploy that did not complete has
// recorded the ResourceMap of what it made so far; that map replaces the shadow's, so a
// resumed deploy recognises its own resources by id, and the ones it made but had not
// recorded yet through its create journal (journal.go), never by name alone.
func (s *Service) shadowFor(st *state, m *wizard.Manifest) *drift.Shadow {
	var sh *drift.Shadow
	if st.deployed != nil {
		sh = &drift.Shadow{Manifest: st.deployed.Manifest, Resources: wizard.NewResourceMap()}
		if st.deployed.Deployment != nil {
			sh.Resources = st.deployed.Deployment.Resources.Clone()
		}
	}
	if p := st.progress; p != nil && p.Status != wizard.DeployCompleted && (len(p.Resources.Roles) > 0 || len(p.Resources.Channels) > 0 || len(p.Creates) > 0) {
		st.resuming = true
		if sh == nil {
			sh = &drift.Shadow{Manifest: m}
		}
		sh.Resources = p.Resources.Clone()
		if sh.Resources.Roles == nil {
			sh.Resources.Roles = map[string]string{}
		}
		if sh.Resources.Channels == nil {
			sh.Resources.Channels = map[string]string{}
		}
		claimJournaled(sh.Resources, p.Creates, st.live.Guild)
	}
	if sh != nil {
		if sh.Resources.Roles == nil {
			sh.Resources.Roles = map[string]string{}
		}
		if sh.Resources.Channels == nil {
			sh.Resources.Channels = map[string]string{}
		}
	}
	return sh
}

// optional turns CodeNotFound into a nil snapshot.
func (s *Service) optional(snap *store.Snapshot, err error) (*store.Snapshot, error) {
	if store.IsCode(err, store.CodeNotFound) {
		return nil, nil
	}
	return snap, err
}

// Review plans m against the live guild and preflights the plan; it makes no write.
func (s *Service) Review(ctx context.Context, guildID string, m *wizard.Manifest) (*Review, error) {
	if m == nil {
		return nil, &Error{Code: CodeInvalid, Message: "There is no manifest to review; finish /setup first."}
	}
	st, err := s.load(ctx, guildID, m, false)
	if err != nil {
		return nil, err
	}
	alertProblems, warnings := s.alertPreflight(st.live, m)
	prune := deletesOnly(drift.Plan(m, st.shadow, st.live.Guild, drift.Options{Prune: true}))
	return &Review{
		GuildID: guildID, Manifest: m, Guild: st.live.Guild,
		Shadow: st.deployed, Desired: st.latest,
		Plan:        st.plan,
		PlanHash:    drift.PlanHash(st.plan),
		PruneHash:   drift.PlanHash(prune),
		Fingerprint: drift.GuildFingerprint(st.live.Guild),
		Report:      drift.Compare(m, st.shadow, st.live.Guild),
		Problems:    append(s.preflight(st.live, m, st.plan, st.res), alertProblems...),
		Warnings:    warnings,
		PrunePlan:   prune,
		Collisions:  drift.Collisions(m, st.shadow, st.live.Guild),
		Notes:       adoptedOrderNotes(st.live, m),
	}, nil
}

// Deploy takes the guild's deploy lease, preflights the plan, saves the manifest as a
// snapshot (reusing the newest when it has the same SHA-256 and is not deployed yet),
// executes the plan and records the deployment last. Re-deploying an unchanged manifest
// to an unchanged guild makes no write and no version. A second concurrent deploy of the
// guild gets an *Error with CodeRunning; a deploy that stops part-way returns an *Error
// whose Result lists what was done and what was not, and running it again resumes it.
func (s *Service) Deploy(ctx context.Context, req Request) (*Result, error) {
	if req.Manifest == nil {
		return nil, &Error{Code: CodeInvalid, Message: "There is no manifest to deploy; finish /setup first."}
	}
	runCtx, unlock, err := s.lock(ctx, req.GuildID)
	if err != nil {
		return nil, err
	}
	defer unlock()
	if err := s.markStarted(runCtx, req.GuildID, req.By); err != nil {
		return nil, err
	}
	res, err := s.deployLocked(runCtx, req)
	if err != nil && resultOf(err) == nil {
		// Refused before any write (preflight, an invalid manifest, a failed read): the
		// progress record says so instead of staying "pending".
		s.markRefused(runCtx, req.GuildID, UserMessage(err))
	}
	if err != nil && resultOf(err) == nil && errors.Is(context.Cause(runCtx), errLeaseLost) {
		err = &Error{Code: CodeInterrupted, Err: err,
			Message: "The deploy stopped because another instance took its lease over; run it again to continue where it stopped."}
	}
	return res, err
}

// errBeyondConfirmed stops a confirmed deploy whose re-read guild needs writes the
// admin did not confirm.
var errBeyondConfirmed = errors.New("the server changed during the deploy; what is left is not part of the confirmed plan")

// withinPlan reports whether every op of next is one of confirmed (each used once).
func withinPlan(next, confirmed []drift.Op) bool {
	left := map[string]int{}
	for _, op := range confirmed {
		left[drift.PlanHash([]drift.Op{op})]++
	}
	for _, op := range next {
		h := drift.PlanHash([]drift.Op{op})
		if left[h] == 0 {
			return false
		}
		left[h]--
	}
	return true
}

// errPlanChanged refuses a confirmation whose plan is no longer the one that would run.
func errPlanChanged() *Error {
	return &Error{Code: CodePlanChanged, Message: "Nothing was changed: your server or the setup changed since this plan was shown, so it is no longer what would run. Look at the new plan and confirm again."}
}

func resultOf(err error) *Result {
	var e *Error
	if errors.As(err, &e) {
		return e.Result
	}
	return nil
}

func (s *Service) deployLocked(ctx context.Context, req Request) (*Result, error) {
	m, guildID := req.Manifest, req.GuildID
	if m.Community.GuildID != "" && m.Community.GuildID != guildID {
		return nil, &Error{Code: CodeInvalid, Message: fmt.Sprintf(
			"This manifest is for server %s, not this one (%s); pull this server's manifest and edit that instead.", m.Community.GuildID, guildID)}
	}
	if v := m.Validate(); !v.Deployable {
		return nil, &Error{Code: CodeInvalid, Problems: problemStrings(v.Problems),
			Message: "The manifest cannot be deployed: " + v.Problems.Error() + "."}
	}
	st, err := s.load(ctx, guildID, m, req.Prune)
	if err != nil {
		return nil, err
	}
	if req.onlyDeletes {
		st.plan = deletesOnly(st.plan)
	}
	if req.PlanHash != "" && drift.PlanHash(st.plan) != req.PlanHash {
		return nil, errPlanChanged()
	}
	// Which snapshot this deploy is: the newest when it holds this manifest and was not
	// deployed yet (a retry or resume), nothing at all when it was deployed and the guild
	// still matches, else a new version.
	var snap *store.SnapshotMeta
	latestDeployed := st.latest != nil && st.deployed != nil && st.latest.Meta.ID == st.deployed.Meta.ID
	same, err := sameManifest(latestManifest(st), m)
	if err != nil {
		return nil, err
	}
	alertProblems, _ := s.alertPreflight(st.live, m)
	if problems := append(s.preflight(st.live, m, st.plan, st.res), alertProblems...); len(problems) > 0 {
		return nil, &Error{Code: CodePreflight, Problems: problems,
			Message: "The deploy did not start: " + joinSentences(problems)}
	}
	if same {
		if !latestDeployed {
			meta := st.latest.Meta
			snap = &meta
		} else if len(st.plan) == 0 {
			return s.unchanged(ctx, req, st)
		}
	}
	reused := snap != nil
	if snap == nil {
		reason := req.Reason
		if reason == "" {
			switch {
			case st.latest == nil:
				reason = store.ReasonInitial
			case same:
				reason = store.ReasonReconcile
			default:
				reason = store.ReasonUpdate
			}
		}
		meta, err := s.cfg.Shadow.Save(ctx, m, store.SnapshotMeta{CommunityID: guildID, GuildID: guildID, CreatedBy: req.By, Reason: reason})
		if err != nil {
			return nil, fmt.Errorf("save the snapshot of guild %s: %w", guildID, err)
		}
		snap = &meta
	}
	r := &run{
		s: s, guildID: guildID, manifest: m, live: st.live, res: st.res.Clone(), onProg: req.OnProgress,
		audit: fmt.Sprintf("%s deploy %s by %s", s.cfg.BotName, snap.ID, req.By),
		progress: &store.DeployProgress{
			GuildID: guildID, SnapshotID: snap.ID, Status: wizard.DeployPending,
			StartedBy: req.By, StartedAt: s.cfg.Now(),
			ApplicationID: req.ApplicationID, InteractionToken: req.InteractionToken,
		},
	}
	r.progress.DeployID = newDeployID()
	if st.resuming {
		// Keep the journal: if this run stops too, the next one still knows what the
		// interrupted run may have made.
		r.progress.Creates = append([]store.CreateEntry(nil), st.progress.Creates...)
	}
	if st.resuming && st.progress.SnapshotID == snap.ID {
		r.progress.Writes = st.progress.Writes // the deployment record counts every write
		// Totals count the whole deploy, not only the part this run resumes.
		r.earlierDone, r.earlierRoles, r.earlierChannels = st.progress.Done, st.progress.RolesDone, st.progress.ChannelsDone
		r.progress.Done, r.progress.RolesDone, r.progress.ChannelsDone = r.earlierDone, r.earlierRoles, r.earlierChannels
	}
	r.setTotals(st.plan)
	if err := r.saveProgress(ctx); err != nil {
		return nil, err
	}
	result := &Result{GuildID: guildID, SnapshotID: snap.ID, Version: snap.Version, Reused: reused}

	plan := st.plan
	var outage time.Time // when the current run of failed writes began
	attempt := 1
	for {
		n, err := r.execute(ctx, plan)
		if err == nil {
			break
		}
		if n > 0 || outage.IsZero() {
			// Writes went through since the last failure: a new outage, a new budget.
			outage, attempt = time.Now(), 1
		}
		next, err := s.afterServerError(ctx, r, req, st.plan, err, outage, &attempt)
		if err != nil {
			return nil, s.fail(ctx, r, result, plan[min(n, len(plan)):], err)
		}
		plan = next
	}

	result.Resources = r.res.Clone()
	dep := store.Deployment{
		SnapshotID: snap.ID, DeployedAt: s.cfg.Now(), DeployedBy: req.By,
		Result: string(wizard.DeployCompleted), Writes: r.progress.Writes, Resources: r.res.Clone(),
	}
	if err := s.cfg.Shadow.RecordDeployment(ctx, guildID, snap.ID, dep); err != nil && !store.IsCode(err, store.CodeAlreadyExists) {
		return nil, s.fail(ctx, r, result, nil, fmt.Errorf("record the deployment of %s: %w", snap.ID, err))
	}
	r.progress.Status = wizard.DeployCompleted
	r.progress.Error = ""
	if err := r.saveProgress(ctx); err != nil {
		s.log.Warn("save completed deploy progress failed", zap.String("guild", guildID), zap.Error(err))
	}
	s.fillResult(result, r, nil)
	result.Report = s.report(result, r)
	s.notify(ctx, guildID, m, req.By, fmt.Sprintf("deploy:%s:completed:%d", snap.ID, r.progress.StartedAt.UnixNano()), result.Report)
	return result, nil
}

// replan reads the guild again and plans what is left of r's deploy.
func (s *Service) replan(ctx context.Context, r *run, prune bool) ([]drift.Op, error) {
	l, err := s.fetch(ctx, r.guildID)
	if err != nil {
		return nil, err
	}
	sh := &drift.Shadow{Manifest: r.manifest, Resources: r.res.Clone()}
	claimJournaled(sh.Resources, r.progress.Creates, l.Guild) // a create whose answer was lost
	r.live = l
	r.res = drift.Resources(r.manifest, sh, l.Guild)
	plan := drift.Plan(r.manifest, sh, l.Guild, drift.Options{Prune: prune})
	r.setTotals(append(append([]drift.Op{}, r.done...), plan...))
	return plan, nil
}

func (r *run) setTotals(ops []drift.Op) {
	p := r.progress
	p.Total, p.RolesTotal, p.ChannelsTotal = r.earlierDone+len(ops), r.earlierRoles, r.earlierChannels
	for _, op := range ops {
		if isRoleOp(op) {
			p.RolesTotal++
		} else {
			p.ChannelsTotal++
		}
	}
}

func deletesOnly(ops []drift.Op) []drift.Op {
	var out []drift.Op
	for _, op := range ops {
		if isDelete(op) {
			out = append(out, op)
		}
	}
	return out
}

func latestManifest(st *state) *wizard.Manifest {
	if st.latest == nil {
		return nil
	}
	return st.latest.Manifest
}

func problemStrings(ps wizard.Problems) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.String()
	}
	return out
}

func (s *Service) markRefused(ctx context.Context, guildID, msg string) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5e9)
	defer cancel()
	p, err := s.cfg.Coordination.Progress(ctx, guildID)
	if err != nil || p.Status != wizard.DeployPending {
		return
	}
	p.Status, p.Error, p.UpdatedAt = wizard.DeployFailed, msg, s.cfg.Now()
	if err := s.cfg.Coordination.SaveProgress(ctx, p); err != nil {
		s.log.Warn("save refused deploy progress failed", zap.String("guild", guildID), zap.Error(err))
	}
}

// afterServerError decides what follows a failed write. A 5xx (the write may or may not
// have been applied) or a stale plan (someone changed the guild under it) is retried with
// capped exponential backoff and jitter while the outage is within the 5xx budget: read the
// guild again and plan what is left, recognising through the journal what an earlier
// write made. The deploy's lease is renewed meanwhile. It returns the plan to go on with,
// or the error that stops the deploy (resumably).
func (s *Service) afterServerError(ctx context.Context, r *run, req Request, confirmed []drift.Op, err error, outage time.Time, attempt *int) ([]drift.Op, error) {
	var crash *crashError
	for {
		if errors.As(err, &crash) || ctx.Err() != nil || !(isServerError(err) || isStale(err)) || !s.within5xxBudget(outage, *attempt) {
			return nil, err
		}
		s.log.Info("deploy write failed with a server error; re-reading the guild", zap.String("guild", r.guildID), zap.Int("attempt", *attempt), zap.Error(err))
		if sleep(ctx, s.backoff(*attempt)) != nil {
			return nil, err
		}
		*attempt++
		next, rerr := s.replan(ctx, r, req.Prune)
		if rerr != nil {
			err = rerr // a re-read that fails with a 5xx is the same outage going on
			continue
		}
		if req.onlyDeletes {
			next = deletesOnly(next)
		}
		if req.PlanHash != "" && !withinPlan(next, confirmed) {
			// What is left is no longer part of what the admin confirmed.
			return nil, errBeyondConfirmed
		}
		return next, nil
	}
}
