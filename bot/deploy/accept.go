package deploy

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"go.uber.org/zap"

	"github.com/arrakis-bot/arrakis/drift"
	"github.com/arrakis-bot/arrakis/store"
	"github.com/arrakis-bot/arrakis/wizard"
)

// Accept takes the live values of the drifted fields as the new desired manifest (reason
// accept) and records it as deployed, since the guild already matches it: role names,
// colours, hoist, mentionable and permissions; channel names, topics, categories, order
// and access (the lowest tier a gated channel lets in); and channels deleted in Discord
// leave the manifest. What a manifest cannot express (a deleted tier role, an access rule
// that is not "a tier and every higher one") is refused with the reason, and nothing changes.
//
// The accepted manifest must deploy as it stands: a template layout whose channels were
// changed in Discord becomes an explicit custom layout (the result says so), and a
// manifest the bot's own validation would refuse is never saved.
//
// stateHash is DriftView.AcceptHash of the differences the admin confirmed ("" only for
// callers that showed none): when they are no longer those, nothing is saved
// (CodePlanChanged).
func (s *Service) Accept(ctx context.Context, guildID, by, stateHash string) (*Result, error) {
	desired, err := s.Desired(ctx, guildID)
	if err != nil {
		return nil, err
	}
	runCtx, unlock, err := s.lock(ctx, guildID)
	if err != nil {
		return nil, err
	}
	defer unlock()
	ctx = runCtx
	st, err := s.load(ctx, guildID, desired.Manifest, false)
	if err != nil {
		return nil, err
	}
	if st.deployed == nil {
		return nil, &Error{Code: CodeNothingDeployed, Message: "Nothing was deployed to this server yet, so there is no drift to accept; deploy first."}
	}
	if stateHash != "" && drift.ReportHash(desired.Meta.ID, drift.Compare(desired.Manifest, st.shadow, st.live.Guild)) != stateHash {
		return nil, errPlanChanged()
	}
	acc, note := s.accepted(desired.Manifest, st)
	if v := acc.Validate(); !v.Deployable {
		return nil, &Error{Code: CodeInvalid, Problems: problemStrings(v.Problems),
			Message: "The server as it is cannot be accepted, because the setup would not be valid: " + v.Problems.Error() +
				". Use Reconcile to put it back as the setup says, or change it in Discord first."}
	}
	sh := &drift.Shadow{Manifest: acc, Resources: st.res.Clone()}
	var left []string
	for _, it := range drift.Compare(acc, sh, st.live.Guild).Items {
		if it.Type == drift.ConfigMismatch || isExtra(it) {
			continue // resources the setup no longer wants stay Prune's to delete
		}
		left = append(left, describeItem(it))
	}
	if len(left) > 0 {
		return nil, &Error{Code: CodeInvalid, Message: "These differences cannot be accepted into the manifest: " +
			strings.Join(left, "; ") + ". Use Reconcile to put them back as the manifest says."}
	}
	meta, err := s.cfg.Shadow.Save(ctx, acc, store.SnapshotMeta{CommunityID: guildID, GuildID: guildID, CreatedBy: by, Reason: store.ReasonAccept})
	if err != nil {
		return nil, fmt.Errorf("save the accepted manifest of guild %s: %w", guildID, err)
	}
	res := drift.Resources(acc, sh, st.live.Guild)
	dep := store.Deployment{SnapshotID: meta.ID, DeployedAt: s.cfg.Now(), DeployedBy: by,
		Result: string(wizard.DeployCompleted), Resources: res}
	if err := s.cfg.Shadow.RecordDeployment(ctx, guildID, meta.ID, dep); err != nil {
		return nil, fmt.Errorf("record the accepted snapshot %s: %w", meta.ID, err)
	}
	r := &run{s: s, guildID: guildID, res: res, progress: &store.DeployProgress{
		GuildID: guildID, SnapshotID: meta.ID, Status: wizard.DeployCompleted, StartedBy: by, StartedAt: s.cfg.Now()}}
	if err := r.saveProgress(ctx); err != nil {
		s.log.Warn("save accept progress failed", zap.String("guild", guildID), zap.Error(err))
	}
	return &Result{GuildID: guildID, SnapshotID: meta.ID, Version: meta.Version, Status: wizard.DeployCompleted,
		Resources: res, Done: []drift.Op{}, Remaining: []drift.Op{},
		Report: strings.TrimSpace(fmt.Sprintf("Accepted the server as it is: saved as version %d of the setup. %s", meta.Version, note))}, nil
}

// layoutNote tells the admin that an accepted template layout became a custom one.
func layoutNote(template string) string {
	return fmt.Sprintf("The channels no longer match the “%s” template, so the setup now lists them as custom channels; /setup edits them one by one.",
		wizard.TemplateTitle(template))
}

func isExtra(it drift.Item) bool {
	return it.Type == drift.RoleExtra || it.Type == drift.ChannelExtra
}

func describeItem(it drift.Item) string { return drift.DescribeItem(it, nil) }

// accepted is the desired manifest with the live values of every matched resource. When
// the channels are no longer what the manifest's template makes, the layout becomes
// custom, and note says so for the admin ("" otherwise).
func (s *Service) accepted(m *wizard.Manifest, st *state) (*wizard.Manifest, string) {
	acc := cloneManifest(m)
	l := st.live
	roleTier := map[string]string{}
	for i := range acc.Tiers {
		t := &acc.Tiers[i]
		id := st.res.Roles[t.ID]
		r, ok := l.roleByID[id]
		if !ok {
			continue
		}
		roleTier[id] = t.ID
		t.Role.Name, t.Role.Color, t.Role.Hoist, t.Role.Mentionable, t.Role.Permissions = r.Name, r.Color, r.Hoist, r.Mentionable, r.Permissions
	}
	chanKey := map[string]string{}
	for _, c := range acc.Channels {
		if id := st.res.Channels[c.Key]; id != "" {
			chanKey[id] = c.Key
		}
	}
	kept := acc.Channels[:0]
	pos := map[string]int{}
	for _, c := range acc.Channels {
		live, ok := l.channelByID[st.res.Channels[c.Key]]
		if !ok {
			continue // deleted in Discord: accepted as gone
		}
		c.Name = live.Name
		if c.Type == wizard.ChannelText {
			c.Topic = live.Topic
		}
		if c.Type != wizard.ChannelCategory {
			c.Parent = chanKey[live.ParentID]
		}
		c.MinTier = acceptedMinTier(acc, live, l.Guild.ID, roleTier, c.MinTier)
		pos[c.Key] = live.Position
		kept = append(kept, c)
	}
	// Keep the live relative order (Discord's order within a parent is by position).
	sort.SliceStable(kept, func(i, j int) bool { return pos[kept[i].Key] < pos[kept[j].Key] })
	acc.Channels = kept
	note := ""
	if acc.ChannelTemplate != wizard.TemplateCustom && wizard.ValidTemplate(acc.ChannelTemplate) {
		want, _ := wizard.ExpandChannels(acc.ChannelTemplate, nil, acc.Tiers)
		if sameLayout(want, acc.Channels) {
			acc.Channels = want // the template's own order, which differs only across parents
		} else {
			note = layoutNote(acc.ChannelTemplate)
			acc.ChannelTemplate = wizard.TemplateCustom
		}
	}
	return acc, note
}

// sameLayout reports whether two channel lists hold the same channels with the same
// order within each parent; order across parents means nothing to Discord.
func sameLayout(a, b []wizard.Channel) bool {
	if len(a) != len(b) {
		return false
	}
	byKey := map[string]wizard.Channel{}
	for _, c := range a {
		byKey[c.Key] = c
	}
	order := func(chs []wizard.Channel) map[string]string {
		out := map[string]string{}
		for _, c := range chs {
			out[c.Parent] += c.Key + "\n"
		}
		return out
	}
	for _, c := range b {
		if x, ok := byKey[c.Key]; !ok || x != c {
			return false
		}
	}
	oa, ob := order(a), order(b)
	for p, keys := range oa {
		if ob[p] != keys {
			return false
		}
	}
	return true
}

// acceptedMinTier reads a channel's access back from its overwrites: gated when
// @everyone is denied View Channel, from the lowest tier allowed it. When the overwrites
// say something else the current value stays (and Compare reports what is left).
func acceptedMinTier(m *wizard.Manifest, c *drift.Channel, everyone string, roleTier map[string]string, cur string) string {
	gated := false
	lowest := -1
	for _, o := range c.Overwrites {
		if o.Type != drift.OverwriteRole {
			continue
		}
		if o.ID == everyone && o.Deny&wizard.PermViewChannel != 0 {
			gated = true
		}
		if t, ok := roleTier[o.ID]; ok && o.Allow&wizard.PermViewChannel != 0 {
			if i := m.TierIndex(t); i >= 0 && (lowest < 0 || i < lowest) {
				lowest = i
			}
		}
	}
	switch {
	case !gated:
		return ""
	case lowest >= 0:
		return m.Tiers[lowest].ID
	}
	return cur
}
