package bot

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/bwmarrin/discordgo"
	"go.uber.org/zap"

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
	return b.d.Sessions.Update(ctx, s)
}

// runningDeployNotice tells a /setup that a deploy is under way (its session may be gone).
func (b *Bot) runningDeployNotice(ctx context.Context, guildID string, s *wizard.Session) string {
	if b.d.Coordination == nil || s.State == wizard.StateDeploy {
		return ""
	}
	p, err := b.d.Coordination.Progress(ctx, guildID)
	if err != nil || p.Status == wizard.DeployCompleted || p.Status == wizard.DeployFailed {
		return ""
	}
	return fmt.Sprintf("A deploy started by <@%s> is running: %s.", p.StartedBy, progressText(p))
}

// ownershipView tells a second admin who owns the session and since when.
func ownershipView(s *wizard.Session) view {
	text := fmt.Sprintf("<@%s> is running /setup in this server (since <t:%d:R>, now at step %d of %d — %s).\n"+
		"Take it over to continue where they are (their buttons stop working), or cancel it to start afresh.",
		s.OwnerID, s.OwnerAt.Unix(), s.State.Step(), len(wizard.States), s.State.Title())
	return view{Content: text, Components: []discordgo.MessageComponent{buttonRow([]discordgo.Button{
		{Label: "Take over", Style: discordgo.PrimaryButton, CustomID: idOutsideStep(s, "takeover")},
		{Label: "Cancel their session", Style: discordgo.DangerButton, CustomID: idOutsideStep(s, "cancel")},
	})}}
}

// ownershipAction handles Take over and Cancel from the ownership notice. Any admin of
// the guild may use them; the session version in the custom_id makes a stale notice
// harmless.
func (b *Bot) ownershipAction(ctx context.Context, i *discordgo.Interaction, id customID) Reply {
	s, err := b.d.Sessions.Get(ctx, id.SessionID)
	if err != nil {
		return say(b.sentenceFor(err, "", zap.String("guild", i.GuildID)))
	}
	if s.GuildID != i.GuildID {
		return say(msgWrongGuild)
	}
	if s.Version != id.Version {
		return updateMessage(ownershipView(s))
	}
	user, name := userOf(i)
	switch id.Action {
	case "takeover":
		prev := s.OwnerID
		s, err = b.d.Sessions.TakeOver(ctx, s.ID, id.Version, user, name)
		if err != nil {
			return say(b.sentenceFor(err, prev))
		}
		b.sessionEvent(metrics.SessionTakenOver, i, s.ID)
		return b.show(ctx, s, fmt.Sprintf("You took over this setup from <@%s>; their buttons no longer work.", prev), updateMessage)
	case "cancel":
		if err := b.d.Sessions.Delete(ctx, s.ID, store.EndCancelled); err != nil {
			return say(b.sentenceFor(err, s.OwnerID))
		}
		b.sessionEvent(metrics.SessionCancelled, i, s.ID)
		return updateMessage(view{Content: "That setup session is cancelled. Run /setup to start your own."})
	}
	return say(msgUnknown)
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
