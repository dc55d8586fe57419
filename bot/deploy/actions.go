package deploy

import (
	"context"
	"fmt"

	"github.com/arrakis-bot/arrakis/drift"
	"github.com/arrakis-bot/arrakis/store"
	"github.com/arrakis-bot/arrakis/wizard"
)

// Desired is the guild's newest snapshot (the desired manifest); CodeNoManifest when
// nothing was set up yet.
func (s *Service) Desired(ctx context.Context, guildID string) (*store.Snapshot, error) {
	snap, err := s.cfg.Shadow.Latest(ctx, guildID)
	if store.IsCode(err, store.CodeNotFound) {
		return nil, &Error{Code: CodeNoManifest, Err: err,
			Message: "Nothing has been set up in this server yet; run /setup (or arrakis apply) first."}
	}
	if err != nil {
		return nil, fmt.Errorf("read the desired manifest of guild %s: %w", guildID, err)
	}
	return snap, nil
}

// Drift compares the desired manifest, the shadow and the live guild, and plans the fix.
func (s *Service) Drift(ctx context.Context, guildID string) (*DriftView, error) {
	desired, err := s.Desired(ctx, guildID)
	if err != nil {
		return nil, err
	}
	st, err := s.load(ctx, guildID, desired.Manifest, false)
	if err != nil {
		return nil, err
	}
	view := &DriftView{
		GuildID: guildID, Desired: desired, Shadow: st.deployed, Guild: st.live.Guild,
		Report:     drift.Compare(desired.Manifest, st.shadow, st.live.Guild),
		Plan:       st.plan,
		Collisions: drift.Collisions(desired.Manifest, st.shadow, st.live.Guild),
	}
	view.PrunePlan = deletesOnly(drift.Plan(desired.Manifest, st.shadow, st.live.Guild, drift.Options{Prune: true}))
	view.PlanHash, view.PruneHash = drift.PlanHash(view.Plan), drift.PlanHash(view.PrunePlan)
	view.AcceptHash = drift.ReportHash(desired.Meta.ID, view.Report)
	if st.deployed != nil {
		_, view.AcceptNote = s.accepted(desired.Manifest, st)
	}
	view.Alert = s.KeptAlert(ctx, guildID)
	return view, nil
}

func isDelete(op drift.Op) bool {
	return op.Kind == drift.OpDeleteRole || op.Kind == drift.OpDeleteChannel
}

// Reconcile makes the live guild match the desired manifest again, through the same
// executor as a deploy, and records the deployment as a new version with reason
// reconcile (nothing is written when there is no drift). planHash is DriftView.PlanHash
// of the plan the admin confirmed ("" only for callers that showed none): when the plan
// is no longer that one, nothing is written (CodePlanChanged).
func (s *Service) Reconcile(ctx context.Context, guildID, by, planHash string) (*Result, error) {
	desired, err := s.Desired(ctx, guildID)
	if err != nil {
		return nil, err
	}
	return s.Deploy(ctx, Request{GuildID: guildID, Manifest: desired.Manifest, By: by, Reason: store.ReasonReconcile, PlanHash: planHash})
}

// Prune deletes exactly the managed resources the manifest no longer wants (the _extra
// items of the drift report), and nothing else. Callers ask the admin to confirm first
// and pass DriftView.PruneHash of the list they showed: when the deletes are no longer
// exactly those, nothing is deleted (CodePlanChanged).
func (s *Service) Prune(ctx context.Context, guildID, by, planHash string) (*Result, error) {
	desired, err := s.Desired(ctx, guildID)
	if err != nil {
		return nil, err
	}
	return s.Deploy(ctx, Request{GuildID: guildID, Manifest: desired.Manifest, By: by,
		Reason: store.ReasonReconcile, Prune: true, onlyDeletes: true, PlanHash: planHash})
}

// Rollback deploys snapshot version again, as a new version with reason rollback.
func (s *Service) Rollback(ctx context.Context, guildID string, version int, by string) (*Result, error) {
	if version < 1 {
		return nil, &Error{Code: CodeInvalid, Message: fmt.Sprintf("Version %d does not exist; versions start at 1 (see arrakis history).", version)}
	}
	snap, err := s.cfg.Shadow.Get(ctx, guildID, store.SnapshotID(version))
	if store.IsCode(err, store.CodeNotFound) {
		return nil, &Error{Code: CodeInvalid, Err: err, Message: fmt.Sprintf("Version %d does not exist for this server; see arrakis history for the versions there are.", version)}
	}
	if err != nil {
		return nil, fmt.Errorf("read version %d of guild %s: %w", version, guildID, err)
	}
	return s.Deploy(ctx, Request{GuildID: guildID, Manifest: snap.Manifest, By: by, Reason: store.ReasonRollback})
}

// History lists a guild's snapshots, newest first, with their deployment records.
func (s *Service) History(ctx context.Context, guildID string) ([]HistoryEntry, error) {
	metas, err := s.cfg.Shadow.List(ctx, guildID)
	if err != nil {
		return nil, fmt.Errorf("list the snapshots of guild %s: %w", guildID, err)
	}
	out := make([]HistoryEntry, 0, len(metas))
	for _, meta := range metas {
		e := HistoryEntry{Meta: meta}
		snap, err := s.cfg.Shadow.Get(ctx, guildID, meta.ID)
		if err != nil {
			return nil, fmt.Errorf("read snapshot %s of guild %s: %w", meta.ID, guildID, err)
		}
		e.Deployed = snap.Deployment
		out = append(out, e)
	}
	return out, nil
}

// Snapshot reads one version of a guild's manifest.
func (s *Service) Snapshot(ctx context.Context, guildID string, version int) (*store.Snapshot, error) {
	snap, err := s.cfg.Shadow.Get(ctx, guildID, store.SnapshotID(version))
	if store.IsCode(err, store.CodeNotFound) {
		return nil, &Error{Code: CodeInvalid, Err: err, Message: fmt.Sprintf("Version %d does not exist for this server; see arrakis history.", version)}
	}
	if err != nil {
		return nil, fmt.Errorf("read version %d of guild %s: %w", version, guildID, err)
	}
	return snap, nil
}

// cloneManifest deep-copies m through its JSON form.
func cloneManifest(m *wizard.Manifest) *wizard.Manifest {
	c := *m
	c.Chains = append([]wizard.Chain(nil), m.Chains...)
	c.Assets = append([]wizard.Asset(nil), m.Assets...)
	c.Tiers = make([]wizard.Tier, len(m.Tiers))
	for i, t := range m.Tiers {
		t.Rules = append([]wizard.Rule(nil), t.Rules...)
		c.Tiers[i] = t
	}
	c.Channels = append([]wizard.Channel(nil), m.Channels...)
	return &c
}
