package bot

import (
	"context"
	"fmt"
	"time"

	"github.com/bwmarrin/discordgo"
	"go.uber.org/zap"

	"github.com/arrakis-bot/arrakis/bot/deploy"
	"github.com/arrakis-bot/arrakis/store"
	"github.com/arrakis-bot/arrakis/wizard"
)

// Step 8, DEPLOY: the deploy runs in the background with a context of its own (it may
// outlive the interaction's 15-minute token). Its progress lives in store.Coordination,
// not in the session: the wizard message shows it while the token lives, and /setup shows
// it later.

// uiCancelAsk marks a Cancel after a part-way deploy that awaits its confirmation.
const uiCancelAsk = "cancel.ask"

// deployProgress is the guild's deploy progress record when it is about this session's
// deploy, or nil.
func (b *Bot) deployProgress(ctx context.Context, s *wizard.Session) *store.DeployProgress {
	if b.d.Coordination == nil {
		return nil
	}
	p, err := deploy.ReadProgress(ctx, b.d.Coordination, s.GuildID)
	if err != nil || (s.Data.Deploy != nil && s.Data.Deploy.SnapshotID != "" && s.Data.Deploy.SnapshotID != p.SnapshotID) {
		return nil
	}
	return p
}

// madeSomething reports whether a deploy wrote anything to the server.
func madeSomething(p *store.DeployProgress) bool {
	return p != nil && (p.Writes > 0 || p.RolesDone > 0 || p.ChannelsDone > 0)
}

// deployTimeout bounds one background deploy.
const deployTimeout = time.Hour

func deployStep() stepDef {
	return stepDef{ui: deployUI, actions: map[string]actionFunc{
		"refresh":  (*Bot).refreshDeploy,
		"retry":    (*Bot).askRetryConfirm,
		"retry_ok": (*Bot).retryDeploy,
		"finish":   (*Bot).finishSetup,
	}}
}

func deployUI(sc *stepCtx) stepUI {
	s := sc.s
	ui := stepUI{NoNav: true}
	var p *store.DeployProgress
	if sc.b.d.Coordination != nil {
		p, _ = deploy.ReadProgress(sc.ctx, sc.b.d.Coordination, s.GuildID)
	}
	p = sinceRequest(s.Data.Deploy, p)
	if deploy.Stale(p) {
		sc.b.announceStopped(sc.ctx, s.GuildID)
	}
	ui.Body = deployStatusText(s.Data.Deploy, p)
	switch status(s.Data.Deploy, p) {
	case wizard.DeployCompleted:
		ui.Buttons = []discordgo.Button{button(s, "Finish", discordgo.SuccessButton, "finish")}
	case wizard.DeployFailed:
		if rv := sc.review; rv != nil {
			// Retry… was pressed: what is left to do, bound to the Confirm retry button.
			if rv.deployable(s) {
				ui.Body += "\n\n**Retry** makes exactly these changes:\n" + planText(rv.Review)
				ui.Buttons = []discordgo.Button{button(s, "Confirm retry", discordgo.SuccessButton, "retry_ok", rv.Review.PlanHash),
					button(s, "Not yet", discordgo.SecondaryButton, "refresh")}
				return ui
			}
			ui.Body += "\n\n" + retryBlocked(rv)
		}
		ui.Buttons = []discordgo.Button{button(s, "Retry deploy…", discordgo.SuccessButton, "retry"),
			button(s, "Cancel", discordgo.DangerButton, actCancel)}
		if s.UI[uiCancelAsk] != "" && madeSomething(p) {
			ui.Body += "\n\n**Cancel this setup?** The deploy stopped part-way, so your server already has what it made: " +
				progressText(p) + ". Cancelling leaves those in place (Arrakis still manages them); **Retry deploy** finishes the job."
			ui.Buttons[1].Label = "Cancel anyway"
		}
	default:
		ui.Buttons = []discordgo.Button{button(s, "Refresh", discordgo.SecondaryButton, "refresh")}
	}
	return ui
}

// sinceRequest drops a progress record written before the session's deploy was asked for:
// right after Retry the record still holds the previous attempt's failure, and showing it
// (with its Retry button) would invite a second click.
func sinceRequest(d *wizard.DeployState, p *store.DeployProgress) *store.DeployProgress {
	if p != nil && d != nil && d.Status == wizard.DeployPending && !d.Requested.IsZero() && p.UpdatedAt.Before(d.Requested) {
		return nil
	}
	return p
}

// status prefers the progress record (it is written as the deploy runs) when it is about
// the session's deploy.
func status(d *wizard.DeployState, p *store.DeployProgress) wizard.DeployStatus {
	if p != nil && (d == nil || d.SnapshotID == "" || d.SnapshotID == p.SnapshotID) && p.Status != "" {
		return p.Status
	}
	if d != nil {
		return d.Status
	}
	return wizard.DeployPending
}

// progressText words what a deploy has made: "1 of 2 roles and 0 of 3 channels made".
func progressText(p *store.DeployProgress) string {
	return fmt.Sprintf("%d of %s and %d of %s made", p.RolesDone, plural(p.RolesTotal, "role", "roles"),
		p.ChannelsDone, plural(p.ChannelsTotal, "channel", "channels"))
}

func deployStatusText(d *wizard.DeployState, p *store.DeployProgress) string {
	st := status(d, p)
	switch st {
	case wizard.DeployCompleted:
		t := "✅ **Deployed.** Your roles and channels are in place."
		if p != nil {
			t = "✅ **Deployed " + versionWords(p.SnapshotID) + " of the setup.** Your roles and channels are in place"
			if p.RolesTotal+p.ChannelsTotal > 0 {
				t += ": " + progressText(p)
			}
			t += "."
		}
		return t
	case wizard.DeployFailed:
		// Stopped before anything was made (refused by preflight or a store that does not
		// answer, or its first write refused): there is no "so far" and nothing to continue.
		started := madeSomething(p)
		t := "❌ **The deploy stopped before changing anything in your server.**"
		if started {
			t = "❌ **The deploy stopped.** So far " + progressText(p) + "."
		}
		if d != nil && d.Error != "" {
			t += "\n" + d.Error
		} else if p != nil && p.Error != "" {
			t += "\n" + p.Error
		}
		if !started {
			return t + "\nRetry starts it again once that is fixed."
		}
		return t + "\nRetry continues where it stopped; nothing is made twice."
	}
	if p == nil {
		return "⏳ **Deploying…** Starting."
	}
	switch st {
	case wizard.DeployRoles:
		return fmt.Sprintf("⏳ **Deploying…** Creating roles: %d of %d done.", p.RolesDone, p.RolesTotal)
	case wizard.DeployChannels:
		return fmt.Sprintf("⏳ **Deploying…** Creating channels: %d of %d done.", p.ChannelsDone, p.ChannelsTotal)
	case wizard.DeployPermissions:
		return "⏳ **Deploying…** Setting who can see each channel."
	}
	return "⏳ **Deploying…** Starting."
}

// confirmDeploy moves REVIEW → DEPLOY and starts the deploy in the background — only when
// the plan is still the one the Confirm button was shown with (its hash is the button's
// arg). Otherwise nothing runs and the review shows the new plan to confirm afresh. The
// plan is read from the live guild, which may take longer than 3 s, so the click is
// deferred; the deploy checks the hash again under its lease.
func (b *Bot) confirmDeploy(ctx context.Context, c *click) Reply {
	m, ps := wizard.BuildManifest(c.s.GuildID, c.s.Data)
	if len(ps) > 0 {
		return b.show(ctx, c.s, "Before deploying:\n"+problemList(ps), updateMessage)
	}
	if h := manifestHash(c.s); h == "" || c.s.UI[uiConfirm] != h {
		return b.show(ctx, c.s, "Press Deploy… and review the plan first; nothing was deployed.", updateMessage)
	}
	if b.d.Deploy == nil {
		return b.show(ctx, c.s, "Deploying is unavailable: this Arrakis has no deploy service configured.", updateMessage)
	}
	return deferThenDeploy(func(ctx context.Context) (view, func()) {
		rv := b.review(ctx, c.s)
		if !rv.deployable(c.s) || rv.Review.PlanHash != c.id.Arg {
			return b.frame(ctx, c.s, msgPlanChanged, rv), nil
		}
		s, err := b.d.Sessions.Transition(ctx, c.s.ID, c.s.Version, wizard.StateDeploy)
		if err == nil {
			s, err = b.setDeployState(ctx, s, wizard.DeployState{Status: wizard.DeployPending, Requested: b.now()})
		}
		if err != nil {
			return b.storeFailedView(ctx, c, err), nil
		}
		return b.frame(ctx, s, "", nil), func() { b.startDeploy(ctx, c.i, s, m, c.id.Arg) }
	})
}

// deferThenDeploy acknowledges a click (type 6), then edits the message with the view
// work returns and only after that runs its start (a deploy whose progress edits must
// come after this one).
func deferThenDeploy(work func(ctx context.Context) (view, func())) Reply {
	return Reply{
		Response: &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredMessageUpdate},
		Later: func(ctx context.Context, edit EditFunc) {
			v, start := work(ctx)
			_ = edit(ctx, v.edit()) // the bound EditFunc logs its own failure
			if start != nil {
				start()
			}
		},
	}
}

// retryBlocked says why a failed deploy cannot be retried as it stands.
func retryBlocked(rv *reviewResult) string {
	switch {
	case len(rv.Problems) > 0:
		return "The setup needs attention before a retry:\n" + problemList(rv.Problems)
	case rv.Review == nil:
		return rv.Unavailable
	}
	return planText(rv.Review)
}

// askRetryConfirm shows what a retry of a failed deploy would do now (the rest of the
// plan, read afresh from the server) and asks to confirm it.
func (b *Bot) askRetryConfirm(ctx context.Context, c *click) Reply {
	if b.d.Deploy == nil {
		return b.show(ctx, c.s, "This deploy cannot be retried from here; run /setup again.", updateMessage)
	}
	return deferUpdate(func(ctx context.Context) view { return b.frame(ctx, c.s, "", b.review(ctx, c.s)) })
}

// retryDeploy continues a failed deploy, only when what is left is still what Confirm
// retry showed; otherwise the new rest is shown to confirm afresh.
func (b *Bot) retryDeploy(ctx context.Context, c *click) Reply {
	m, ps := wizard.BuildManifest(c.s.GuildID, c.s.Data)
	if len(ps) > 0 || b.d.Deploy == nil {
		return b.show(ctx, c.s, "This deploy cannot be retried from here; run /setup again.", updateMessage)
	}
	return deferThenDeploy(func(ctx context.Context) (view, func()) {
		rv := b.review(ctx, c.s)
		if !rv.deployable(c.s) || rv.Review.PlanHash != c.id.Arg {
			return b.frame(ctx, c.s, msgPlanChanged, rv), nil
		}
		s, err := b.setDeployState(ctx, c.s, wizard.DeployState{Status: wizard.DeployPending, Requested: b.now()})
		if err != nil {
			return b.storeFailedView(ctx, c, err), nil
		}
		return b.frame(ctx, s, "", nil), func() { b.startDeploy(ctx, c.i, s, m, c.id.Arg) }
	})
}

func (b *Bot) refreshDeploy(ctx context.Context, c *click) Reply {
	return b.show(ctx, c.s, "", updateMessage)
}

// finishSetup ends a completed session.
func (b *Bot) finishSetup(ctx context.Context, c *click) Reply {
	if err := b.d.Sessions.Delete(ctx, c.s.ID, store.EndCompleted); err != nil {
		return b.storeFailed(ctx, c, err)
	}
	b.sessionEvent(sessionCompleted, c.i, c.s.ID)
	return updateMessage(view{Content: "Setup complete. Run /setup any time to change your community, and /drift to check it."})
}

func (b *Bot) setDeployState(ctx context.Context, s *wizard.Session, d wizard.DeployState) (*wizard.Session, error) {
	s.Data.Deploy = &d
	return b.d.Sessions.Update(ctx, s)
}

// startDeploy runs the deploy detached from the request, edits the wizard message with its
// progress while the token lives, and records the outcome in the session.
// planHash is the hash of the plan the admin confirmed (for a retry: of what was left).
func (b *Bot) startDeploy(ctx context.Context, i *discordgo.Interaction, s *wizard.Session, m *wizard.Manifest, planHash string) {
	user, _ := userOf(i)
	progress := make(chan store.DeployProgress, 1)
	started := b.now()
	b.countDeploy("started", 0)
	logged := append(interactionFields(i), zap.String("session", s.ID))
	b.d.Log.Info("deploy started", logged...)
	b.goBackground(ctx, deployTimeout, func(ctx context.Context) {
		ctx, stop := deploy.WithStop(ctx)
		defer b.stoppable(stop)()
		editsDone := make(chan struct{})
		go b.editProgress(ctx, i, s, progress, editsDone)
		res, err := b.d.Deploy.Deploy(ctx, deploy.Request{
			GuildID: s.GuildID, Manifest: m, By: user, ApplicationID: i.AppID, InteractionToken: i.Token, PlanHash: planHash,
			OnProgress: func(p store.DeployProgress) { latest(progress, p) },
		})
		close(progress)
		<-editsDone
		took := b.now().Sub(started)
		if err != nil {
			b.countDeploy("failed", took)
		} else {
			b.countDeploy("completed", took)
			b.d.Log.Info("deploy completed", append(logged, zap.String("snapshot", res.SnapshotID),
				zap.Int("writes", res.Writes), zap.Duration("took", took))...)
		}
		b.deployFinished(ctx, i, s, res, err)
	})
}

// latest puts p in a one-slot channel, replacing what the editor has not taken yet.
func latest(ch chan store.DeployProgress, p store.DeployProgress) {
	for {
		select {
		case ch <- p:
			return
		default:
			select {
			case <-ch:
			default:
			}
		}
	}
}

// editProgress edits the wizard message at most once a second while the token lives.
func (b *Bot) editProgress(ctx context.Context, i *discordgo.Interaction, s *wizard.Session, ch <-chan store.DeployProgress, done chan<- struct{}) {
	defer close(done)
	tokenEnd := b.now().Add(14 * time.Minute)
	for p := range ch {
		if b.d.Followups == nil || b.now().After(tokenEnd) {
			continue
		}
		v := view{Embeds: []*discordgo.MessageEmbed{{
			Title: fmt.Sprintf("Step 8 of 8 — %s", wizard.StateDeploy.Title()), Color: colorWizard,
			Description: progressBar(8) + "\n\n" + deployStatusText(s.Data.Deploy, &p),
		}}}
		if err := b.d.Followups.EditOriginal(ctx, i, v.edit()); err != nil {
			b.d.Log.Debug("deploy progress edit", append(interactionFields(i), zap.String("session", s.ID), tokenFreeError(err, i))...)
		}
		select {
		case <-ctx.Done():
		case <-time.After(time.Second):
		}
	}
}

// deployFinished records the outcome in the session (if it still exists) and shows it.
func (b *Bot) deployFinished(ctx context.Context, i *discordgo.Interaction, s *wizard.Session, res *deploy.Result, err error) {
	d := wizard.DeployState{Status: wizard.DeployCompleted}
	if res != nil {
		d.SnapshotID = res.SnapshotID
	}
	if err != nil {
		d.Status, d.Error = wizard.DeployFailed, b.deploySentence(err, s.GuildID)
		b.d.Log.Warn("deploy failed", append(interactionFields(i), zap.String("session", s.ID), tokenFreeError(err, i))...)
	}
	cur, gerr := b.d.Sessions.Get(ctx, s.ID)
	if gerr != nil {
		return // the session ended or expired; /setup shows the progress record
	}
	if cur, gerr = b.setDeployState(ctx, cur, d); gerr != nil {
		b.d.Log.Warn("record deploy outcome in session", append(interactionFields(i), zap.String("session", s.ID), zap.Error(gerr))...)
		return
	}
	if b.d.Followups != nil {
		_ = b.d.Followups.EditOriginal(ctx, i, b.frame(ctx, cur, "", nil).edit())
	}
}

// announceStopped raises, in the background and once per deploy run, the guild's alert for
// a deploy whose process ended mid-way.
func (b *Bot) announceStopped(ctx context.Context, guildID string) {
	a, ok := b.d.Deploy.(interface {
		AnnounceStopped(ctx context.Context, guildID string)
	})
	if !ok {
		return
	}
	b.goBackground(ctx, time.Minute, func(ctx context.Context) { a.AnnounceStopped(ctx, guildID) })
}
