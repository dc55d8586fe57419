// Package deploy applies a community manifest to its Discord guild and keeps it true.
//
// It is the only part of Arrakis that writes to a guild. A deploy reads the live guild
// (FetchGuild), plans against it with the pure drift package, preflights the plan (the
// bot's permissions, its place in the role hierarchy, Discord's hard limits and the
// role-creation budget) before any write, then executes the plan one write at a time:
// every write carries an X-Audit-Log-Reason, is retried by a bounded retry of its own on
// 429 and 5xx, and its result is recorded (store.Coordination progress) as it returns so
// that an interrupted deploy resumes without duplicating anything. The deployment record
// (store.Shadow) is written last.
//
// The same executor serves reconcile (fix drift), prune (delete what the manifest no
// longer wants) and rollback (deploy an earlier snapshot again as a new version). One
// deploy per guild runs at a time, across every instance, by a Coordination lease.
package deploy

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
	"go.uber.org/zap"

	"github.com/arrakis-bot/arrakis/drift"
	"github.com/arrakis-bot/arrakis/store"
	"github.com/arrakis-bot/arrakis/wizard"
)

// Config wires a Service. Session, Shadow and Coordination are required.
type Config struct {
	// Session is the bot's discordgo session; its Client already points at the configured
	// REST base URL. The service never changes discordgo's package variables.
	Session      *discordgo.Session
	Shadow       store.Shadow
	Coordination store.Coordination
	Logger       *zap.Logger // nil: no logging

	// BotName names the bot in sentences for admins ("Arrakis's role must be above …").
	BotName string
	// Rerun is the advice that ends a preflight problem, after its fix: "run /setup again"
	// (the default) in Discord, a command line's own words in a terminal.
	Rerun string
	// DriftInterval is how often scheduled drift checks run; 0 turns them off.
	DriftInterval time.Duration

	// Retry bounds the executor's own retry of 429s and 5xx responses.
	Retry RetryPolicy
	// LeaseTTL is how long a deploy lease lasts between renewals (default 30 s).
	LeaseTTL time.Duration
	// RoleCreateBudget is how many roles the bot creates in one guild per 48 hours before
	// preflight refuses a plan (Discord's undocumented limit is about 250; default 200).
	RoleCreateBudget int

	// Now is the clock (default time.Now).
	Now func() time.Time

	// afterWrite is a test-only fault-injection hook: it runs after the k-th write (1-based)
	// returns, once before its result is recorded (recorded=false) and once after; an
	// error it returns stops the deploy as if the process had died there.
	afterWrite func(k int, recorded bool) error
}

// RetryPolicy bounds the executor's own retries. discordgo's unbounded sleep on 429 is
// turned off per request; the executor waits instead, but never longer than Budget in total
// for one write, and gives a 5xx at most Attempts5xx attempts.
type RetryPolicy struct {
	Budget time.Duration // total time one write may spend waiting for rate limits (default 30 s)
	// Budget5xx is how long a run of 5xx answers (an outage) may last before the deploy
	// stops resumably (default 60 s, discord.server_error_budget).
	Budget5xx time.Duration
	// Attempts5xx bounds a read's attempts on 5xx (default 4); for writes, when set, it
	// also bounds the attempts within Budget5xx.
	Attempts5xx int
	BaseBackoff time.Duration // first 5xx backoff, doubled each time, with jitter (default 250 ms)
	MaxBackoff  time.Duration // cap of one backoff (default 5 s)
}

// Service deploys manifests, reports drift and fixes it. Safe for concurrent use.
type Service struct {
	cfg    Config
	dg     *discordgo.Session
	client *http.Client // the session's client with rate-limit headers of 429s kept from discordgo
	log    *zap.Logger
	// writeAttempts bounds a write's attempts on 5xx when the caller set Attempts5xx;
	// otherwise (0) only Budget5xx does.
	writeAttempts int

	mu        sync.Mutex
	botUserID string // cached from State or @me
}

// New returns a Service for cfg, filling defaults.
func New(cfg Config) *Service {
	if cfg.BotName == "" {
		cfg.BotName = "Arrakis"
	}
	if cfg.Rerun == "" {
		cfg.Rerun = "run /setup again"
	}
	if cfg.Retry.Budget <= 0 {
		cfg.Retry.Budget = 30 * time.Second
	}
	writeAttempts := cfg.Retry.Attempts5xx // 0: writes are bounded by Budget5xx alone
	if cfg.Retry.Attempts5xx <= 0 {
		cfg.Retry.Attempts5xx = 4
	}
	if cfg.Retry.Budget5xx <= 0 {
		cfg.Retry.Budget5xx = 60 * time.Second
	}
	if cfg.Retry.MaxBackoff <= 0 {
		cfg.Retry.MaxBackoff = 5 * time.Second
	}
	if cfg.Retry.BaseBackoff <= 0 {
		cfg.Retry.BaseBackoff = 250 * time.Millisecond
	}
	if cfg.LeaseTTL <= 0 {
		cfg.LeaseTTL = 30 * time.Second
	}
	if cfg.RoleCreateBudget <= 0 {
		cfg.RoleCreateBudget = 200
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	log := cfg.Logger
	if log == nil {
		log = zap.NewNop()
	}
	s := &Service{cfg: cfg, dg: cfg.Session, log: log, writeAttempts: writeAttempts}
	if s.dg != nil {
		s.client = guardClient(s.dg.Client, cfg.Retry.Budget)
	}
	return s
}

// Request asks for one deploy of a manifest to a guild.
type Request struct {
	GuildID  string
	Manifest *wizard.Manifest
	// By is who asked (a Discord user id or "cli:<user>"), recorded in the snapshot,
	// the deployment record and the audit log reason.
	By string
	// Reason is why the snapshot is made; empty means initial for a first deploy and
	// update otherwise.
	Reason store.Reason
	// Prune also deletes managed resources the manifest no longer wants. Prune is a
	// separate, confirmed action: callers set it only after the admin said yes.
	Prune bool
	// OnProgress, when set, is called after every recorded step (from the deploy's
	// goroutine; it must not block for long).
	OnProgress func(store.DeployProgress)
	// ApplicationID and InteractionToken are copied into the progress record so that the
	// bot can edit the wizard message while the token is valid.
	ApplicationID    string
	InteractionToken string

	// PlanHash, when set, is drift.PlanHash of the plan the admin saw and confirmed. The
	// plan is recomputed under the deploy lease; when its hash differs, nothing is written
	// and the *Error has CodePlanChanged. Callers that showed a plan always set it.
	PlanHash string

	// onlyDeletes keeps only the plan's deletes (Prune).
	onlyDeletes bool
}

// Result says what a deploy did.
type Result struct {
	GuildID    string              `json:"guildId"`
	SnapshotID string              `json:"snapshotId"`
	Version    int                 `json:"version"`
	Reused     bool                `json:"reused"` // the newest snapshot already had this manifest
	Status     wizard.DeployStatus `json:"status"`
	Writes     int                 `json:"writes"` // Discord write calls made by this run
	// Done and Remaining are the plan's operations that were and were not carried out.
	Done []drift.Op `json:"done"`
	// Resumed counts the changes earlier, interrupted runs of this deploy made before this
	// run resumed it: the deploy's whole total is len(Done)+Resumed.
	Resumed   int                `json:"resumed,omitempty"`
	Remaining []drift.Op         `json:"remaining"`
	Resources wizard.ResourceMap `json:"resources"`
	// CreatedRoles and CreatedChannels are the ids this run created.
	CreatedRoles    []string `json:"createdRoles,omitempty"`
	CreatedChannels []string `json:"createdChannels,omitempty"`
	// Report is the final report for admins, with <@&id> and <#id> mentions.
	Report string `json:"report"`
}

// Review is a plan checked against the live guild, with no write made.
type Review struct {
	GuildID  string           `json:"guildId"`
	Manifest *wizard.Manifest `json:"manifest"`
	Guild    drift.Guild      `json:"guild"`
	// Shadow is the last deployed snapshot (nil when nothing was deployed yet); Desired the
	// newest snapshot (nil when none).
	Shadow  *store.Snapshot `json:"shadow,omitempty"`
	Desired *store.Snapshot `json:"desired,omitempty"`
	Plan    []drift.Op      `json:"plan"`
	// PlanHash is drift.PlanHash(Plan): what a Confirm control carries and Request.PlanHash
	// checks. PruneHash is the same for PrunePlan.
	PlanHash  string       `json:"planHash"`
	PruneHash string       `json:"pruneHash,omitempty"`
	Report    drift.Report `json:"report"`
	// Fingerprint is drift.GuildFingerprint of the live guild the plan was made against.
	Fingerprint string `json:"fingerprint"`
	// PrunePlan lists what a separate, confirmed prune would delete: the resources the bot
	// made that this manifest no longer wants (in edit mode, the removals). Deploy never
	// makes these deletes unless asked.
	PrunePlan []drift.Op `json:"prunePlan,omitempty"`
	// Problems are the preflight failures, each a sentence naming the fix. A review with
	// problems must not be deployed.
	Problems []string `json:"problems,omitempty"`
	// Warnings are worth reading but do not stop a deploy (an alert channel everyone can
	// read).
	Warnings []string `json:"warnings,omitempty"`
	// Collisions are creates whose name equals a role or channel Arrakis does not
	// manage; the admin chooses to adopt it or to create another (never resolved here).
	Collisions []drift.Collision `json:"collisions,omitempty"`
	// Notes are warnings that do not stop a deploy (an adopted role out of tier order).
	Notes []string `json:"notes,omitempty"`
}

// OK reports whether the plan passed preflight.
func (r *Review) OK() bool { return len(r.Problems) == 0 }

// DriftView is what /drift and `arrakis drift` show: the report of desired vs shadow vs
// live, the snapshots it was made from, the live guild, and the plan that would fix it.
type DriftView struct {
	GuildID string          `json:"guildId"`
	Report  drift.Report    `json:"report"`
	Desired *store.Snapshot `json:"desired"`
	Shadow  *store.Snapshot `json:"shadow,omitempty"`
	Guild   drift.Guild     `json:"guild"`
	Plan    []drift.Op      `json:"plan"`
	// PrunePlan deletes the _extra resources; shown only for a confirmed prune.
	PrunePlan []drift.Op `json:"prunePlan,omitempty"`
	// Alert is the guild's alert that could not be delivered yet (nil when none).
	Alert *store.Alert `json:"alert,omitempty"`
	// PlanHash, PruneHash and AcceptHash bind the Reconcile, Prune and Accept
	// confirmations to what they showed (drift.PlanHash of Plan and PrunePlan,
	// drift.ReportHash of the desired snapshot id and Report).
	PlanHash   string `json:"planHash"`
	PruneHash  string `json:"pruneHash"`
	AcceptHash string `json:"acceptHash"`
	// AcceptNote is what Accept would tell the admin about the manifest beyond the
	// accepted values (a template layout becoming custom); "" when nothing.
	AcceptNote string `json:"acceptNote,omitempty"`
	// Collisions are the plan's creates whose name an unmanaged role or channel has.
	Collisions []drift.Collision `json:"collisions,omitempty"`
}

// HistoryEntry is one snapshot as `arrakis history` lists it.
type HistoryEntry struct {
	Meta     store.SnapshotMeta `json:"meta"`
	Deployed *store.Deployment  `json:"deployed,omitempty"`
}

// Progress is the guild's latest deploy progress (store.CodeNotFound when none), shown as
// stopped when its deploy's lease is gone (ReadProgress).
func (s *Service) Progress(ctx context.Context, guildID string) (*store.DeployProgress, error) {
	return ReadProgress(ctx, s.cfg.Coordination, guildID)
}

// SetRerun sets the advice that ends a preflight problem (Config.Rerun) for a caller
// with its own words, such as a command line. Call it before the Service is used.
func (s *Service) SetRerun(advice string) {
	if advice != "" {
		s.cfg.Rerun = advice
	}
}
