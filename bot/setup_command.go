package bot

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/bwmarrin/discordgo"
	"go.uber.org/zap"

	"github.com/arrakis-bot/arrakis/bot/deploy"
	"github.com/arrakis-bot/arrakis/bot/metrics"
	"github.com/arrakis-bot/arrakis/store"
	"github.com/arrakis-bot/arrakis/wizard"
)

// /setup starts a session, resumes the admin's own, or shows another admin's with Take over
// and Cancel. A guild with a deployed manifest starts in edit mode, every step pre-filled.
// The work touches the session store and the shadow (S3), so the command is deferred.

func (b *Bot) setupCommand(i *discordgo.Interaction) Reply {
	return deferNew(func(ctx context.Context) view { return b.startSetup(ctx, i) })
}

func (b *Bot) startSetup(ctx context.Context, i *discordgo.Interaction) view {
	user, name := userOf(i)
	s, existing, err := b.d.Sessions.Create(ctx, i.GuildID, user, name)
	if err != nil {
		return view{Content: b.sentenceFor(err, "", zap.String("guild", i.GuildID))}
	}
	if existing && s.OwnerID != user {
		return ownershipView(s)
	}
	if existing {
		b.sessionEvent(metrics.SessionResumed, i, s.ID)
	} else {
		b.sessionEvent(metrics.SessionStarted, i, s.ID)
	}
	notice := b.runningDeployNotice(ctx, i.GuildID, s)
	if kept := b.keptAlertNotice(ctx, i.GuildID); kept != "" {
		notice = strings.TrimSpace(notice + "\n\n" + kept)
	}
	if !existing {
		if s, err = b.prefillFromShadow(ctx, s); err != nil {
			return view{Content: b.sentenceFor(err, "", zap.String("guild", i.GuildID))}
		}
	}
	return b.withSetupWebLink(ctx, i, b.render(ctx, s, notice))
}

// prefillFromShadow puts a new session in edit mode when the guild has a deployed manifest.
func (b *Bot) prefillFromShadow(ctx context.Context, s *wizard.Session) (*wizard.Session, error) {
	if b.d.Shadow == nil {
		return s, nil
	}
	snap, err := b.d.Shadow.LatestDeployed(ctx, s.GuildID)
	if store.IsCode(err, store.CodeNotFound) {
		return s, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read deployed manifest of guild %s: %w", s.GuildID, err)
	}
	s.Data = wizard.SessionDataFromManifest(snap.Manifest, snap.Meta.ID)
	if snap.Deployment != nil {
		s.Data.DeployedKeys = deployedKeys(snap.Deployment.Resources)
	}
	if err := b.retireHistoryIDs(ctx, s); err != nil {
		return nil, err
	}
	return b.d.Sessions.Update(ctx, s)
}

// runningDeployNotice tells a /setup that a deploy is under way (its session may be gone).
func (b *Bot) runningDeployNotice(ctx context.Context, guildID string, s *wizard.Session) string {
	if b.d.Coordination == nil || s.State == wizard.StateDeploy {
		return ""
	}
	p, err := deploy.ReadProgress(ctx, b.d.Coordination, guildID)
	if err == nil && deploy.Stale(p) {
		b.announceStopped(ctx, guildID)
		return fmt.Sprintf("The deploy started by <@%s> stopped part-way: %s. Deploy again from the review to continue it; nothing is made twice.", p.StartedBy, progressText(p))
	}
	if err != nil || p.Status == wizard.DeployCompleted || p.Status == wizard.DeployFailed {
		return ""
	}
	return fmt.Sprintf("A deploy started by <@%s> is running: %s.", p.StartedBy, progressText(p))
}

// deployedKeys lists the tier ids and channel keys a deployment recorded, sorted.
func deployedKeys(r wizard.ResourceMap) []string {
	keys := make([]string, 0, len(r.Roles)+len(r.Channels))
	for k := range r.Roles {
		keys = append(keys, k)
	}
	for k := range r.Channels {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// retireHistoryIDs retires every asset, tier and channel id an earlier snapshot of the
// community used that the session does not hold now, so edit mode never hands one out again.
func (b *Bot) retireHistoryIDs(ctx context.Context, s *wizard.Session) error {
	metas, err := b.d.Shadow.List(ctx, s.GuildID)
	if err != nil {
		return fmt.Errorf("list the snapshots of guild %s: %w", s.GuildID, err)
	}
	inUse := map[string]bool{}
	for _, a := range s.Data.Assets {
		inUse[a.ID] = true
	}
	for _, t := range s.Data.Tiers {
		inUse[t.ID] = true
	}
	for _, c := range s.Data.CustomChannels {
		inUse[c.Key] = true
	}
	for _, meta := range metas {
		snap, err := b.d.Shadow.Get(ctx, s.GuildID, meta.ID)
		if err != nil {
			return fmt.Errorf("read snapshot %s of guild %s: %w", meta.ID, s.GuildID, err)
		}
		for _, id := range wizard.ManifestIDs(snap.Manifest) {
			if !inUse[id] {
				s.Data.Retire(id)
			}
		}
	}
	return nil
}
