// Package bot is Arrakis on Discord: the /setup wizard and /drift, as one handler that turns
// an interaction into a response. The same handler serves the gateway (gateway.go) and the
// HTTP interactions endpoint (interactions_http.go).
//
// Where to look: router.go decides where a command, click or modal submit goes;
// customid.go is the grammar of component ids; render_*.go draw the wizard message;
// step_*.go hold each step's controls and what its clicks do; errors.go has every sentence
// an admin can be refused with; limits.go states Discord's size limits.
package bot

import (
	"context"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
	"go.uber.org/zap"

	"github.com/arrakis-bot/arrakis/bot/metrics"
	"github.com/arrakis-bot/arrakis/drift"
	"github.com/arrakis-bot/arrakis/store"
)

// GuildFetcher reads a guild's live roles and channels (bot/deploy's Service does).
type GuildFetcher interface {
	FetchGuild(ctx context.Context, guildID string) (drift.Guild, error)
}

// Followups edits a response after the initial one was sent: the wizard message after a
// deferred click, or a deploy's progress while the interaction token lives.
type Followups interface {
	EditOriginal(ctx context.Context, i *discordgo.Interaction, e *discordgo.WebhookEdit) error
}

// Deps are what the bot works with. Sessions and Coordination are required; the rest may
// be nil and the bot says what is unavailable.
type Deps struct {
	Sessions     store.Sessions
	Coordination store.Coordination
	Shadow       store.Shadow
	Guilds       GuildFetcher
	Deploy       Deployer
	Followups    Followups
	Metrics      *metrics.Metrics // optional
	WebLinks     WebLinks         // optional: "Open in browser" (weblink.go)
	Log          *zap.Logger
	Now          func() time.Time
	// ClickBudget bounds the synchronous work of one click, every store call included
	// (discord.click_budget; default and ceiling keep ≥ 0.5 s of Discord's 3 s).
	ClickBudget time.Duration
	// SessionTTL is how long an untouched session lives, for the wizard's footer (0:
	// store.DefaultSessionTTL).
	SessionTTL time.Duration
}

// Bot handles interactions. It is safe for concurrent use.
type Bot struct {
	d Deps
	// background tracks deferred work and deploys so that shutdown and tests can wait.
	background sync.WaitGroup
	// budget is the time synchronous work may take before the 3-second deadline.
	budget time.Duration
	// stops asks each running deploy to stop after its write in flight (shutdown).
	stopsMu sync.Mutex
	stops   map[*func()]struct{}
}

// DefaultClickBudget leaves the answer at least 1 s of Discord's 3 s deadline.
const DefaultClickBudget = 2 * time.Second

// StopDeploys asks every deploy this instance runs to stop after the write in flight; each
// records itself as stopped and releases its lease, so Retry (here or on another instance)
// continues it. serve calls it on SIGTERM, before waiting for background work.
func (b *Bot) StopDeploys() {
	b.stopsMu.Lock()
	defer b.stopsMu.Unlock()
	for f := range b.stops {
		(*f)()
	}
}

// stoppable registers a deploy's stop until the returned func is called.
func (b *Bot) stoppable(stop func()) func() {
	b.stopsMu.Lock()
	defer b.stopsMu.Unlock()
	if b.stops == nil {
		b.stops = map[*func()]struct{}{}
	}
	key := &stop
	b.stops[key] = struct{}{}
	return func() {
		b.stopsMu.Lock()
		defer b.stopsMu.Unlock()
		delete(b.stops, key)
	}
}

// New returns a Bot over deps.
func New(d Deps) *Bot {
	if d.Log == nil {
		d.Log = zap.NewNop()
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	budget := d.ClickBudget
	if budget <= 0 || budget > 2500*time.Millisecond {
		budget = DefaultClickBudget
	}
	return &Bot{d: d, budget: budget}
}

// Wait blocks until every deferred follow-up and background deploy has finished.
func (b *Bot) Wait() { b.background.Wait() }

func (b *Bot) now() time.Time { return b.d.Now() }

// goBackground runs fn detached from the request that started it, so a deploy or a deferred
// edit outlives the HTTP request or gateway event.
func (b *Bot) goBackground(ctx context.Context, timeout time.Duration, fn func(ctx context.Context)) {
	b.background.Add(1)
	go func() {
		defer b.background.Done()
		bctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), timeout)
		defer cancel()
		defer b.recoverBackground()
		fn(bctx)
	}()
}

func (b *Bot) recoverBackground() {
	if r := recover(); r != nil {
		b.d.Log.Error("panic in background work", zap.Any("panic", r), zap.Stack("stack"))
	}
}

// runLater runs a reply's follow-up work in the background, bound to the interaction.
func (b *Bot) runLater(ctx context.Context, i *discordgo.Interaction, r Reply) {
	if r.Later == nil {
		return
	}
	edit := func(ctx context.Context, e *discordgo.WebhookEdit) error {
		if b.d.Followups == nil {
			b.d.Log.Error("no followups configured; cannot edit @original", interactionFields(i)...)
			return nil
		}
		err := b.d.Followups.EditOriginal(ctx, i, e)
		if err != nil {
			b.d.Log.Warn("edit interaction response", append(interactionFields(i), tokenFreeError(err, i))...)
		}
		return err
	}
	// An interaction token lives 15 minutes; nothing deferred is worth more than that.
	b.goBackground(ctx, 14*time.Minute, func(ctx context.Context) { r.Later(ctx, edit) })
}
