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
func (s *Service) Accept(ctx context.Context, guildID, by string) (*Result, error) {
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
	acc := s.accepted(desired.Manifest, st)
	sh := &drift.Shadow{Manifest: acc, Resources: st.res.Clone()}
	var left []string
	for _, it := range drift.Compare(acc, sh, st.live.Guild).Items {
		if it.Type == drift.ConfigMismatch {
			continue
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
		Report: fmt.Sprintf("Accepted the server as it is: saved as %s.", meta.ID)}, nil
}

func describeItem(it drift.Item) string {
	s := string(it.Type) + " " + it.Name
	if it.Field != "" {
		s += " (" + it.Field + ")"
	}
	return s
}

// accepted is the desired manifest with the live values of every matched resource.
func (s *Service) accepted(m *wizard.Manifest, st *state) *wizard.Manifest {
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
	return acc
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
