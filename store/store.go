// Package store keeps what Arrakis must remember between clicks, across restarts and
// across instances:
//
//   - Sessions: the /setup wizard's state, one per guild, with a sliding TTL
//     (Redis in production, memory when embedded).
//   - Shadow: the versioned history of each community's manifest and what was deployed
//     (S3 or an S3-compatible server in production, a local directory when embedded).
//   - Coordination: deploy leases, deploy progress and once-only marks that let several
//     instances act as one (Redis, or memory when embedded).
//
// Every implementation passes the same conformance suite. Errors that the bot must word
// for an admin are *Error values with a Code; anything else is an internal error.
package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/arrakis-bot/arrakis/wizard"
)

// DefaultSessionTTL is how long an untouched wizard session lives.
const DefaultSessionTTL = 15 * time.Minute

// Sessions stores wizard sessions, one per guild. Reads for use and writes extend the TTL.
type Sessions interface {
	// Create starts a session for the guild atomically. When the guild already has one it
	// is returned with existing = true and nothing is changed.
	Create(ctx context.Context, guildID, ownerID, ownerName string) (s *wizard.Session, existing bool, err error)
	// Get and GetByGuild read a session and extend its TTL.
	Get(ctx context.Context, id string) (*wizard.Session, error)
	GetByGuild(ctx context.Context, guildID string) (*wizard.Session, error)
	// Update writes s if the stored version still equals s.Version, and returns the stored
	// session with its version bumped. Id, guild, createdAt and owner are not changed by it.
	// A stale version is CodeConflict.
	Update(ctx context.Context, s *wizard.Session) (*wizard.Session, error)
	// Transition moves the session to another state (validated by wizard.CheckTransition)
	// if its version is still expectVersion, clearing Session.UI.
	Transition(ctx context.Context, id string, expectVersion int64, to wizard.State) (*wizard.Session, error)
	// TakeOver gives the session to another admin; the old owner's buttons go stale.
	TakeOver(ctx context.Context, id string, expectVersion int64, ownerID, ownerName string) (*wizard.Session, error)
	// Delete ends a session; the reason feeds the counters in Stats.
	Delete(ctx context.Context, id string, reason EndReason) error
	// Refresh extends the TTL without reading the session.
	Refresh(ctx context.Context, id string) error
	ExistsForGuild(ctx context.Context, guildID string) (bool, error)
	// BindIP binds a session to a client address on first use; it never rebinds.
	BindIP(ctx context.Context, id, ip string) (*wizard.Session, error)
	// Validate reads a session for use and checks that it belongs to guildID, that userID
	// owns it, and (when the session is bound and ip is not empty) that ip matches. Failures
	// are *Error with CodeNotFound, CodeExpired, CodeWrongGuild, CodeNotOwner or CodeIPMismatch.
	// With CodeNotOwner and CodeIPMismatch the session is returned too, so that the bot can
	// say who owns it and since when.
	Validate(ctx context.Context, id, guildID, userID, ip string) (*wizard.Session, error)
	// ValidateOnce is MarkOnce and Validate together, for a click on a wizard message: it
	// records interactionID for markTTL in guildID's keyspace and, in the same round trip
	// (Redis: one pipeline in the guild's Cluster slot), reads session id for use as
	// Validate does. first = false means the interaction id was already recorded (a repeated
	// delivery): the session is nil, err is nil, and the caller must do nothing else. With
	// first = true the results are Validate's, typed errors included. The mark is recorded
	// whatever the session check finds (not found, expired, wrong guild, not the owner), so a
	// repeat of a refused click is also answered once; it is not recorded when the call
	// fails with CodeInvalid (no interaction id, guildID not a Discord id, markTTL under
	// 1ms) or CodeUnavailable (then nobody can tell whether it was). On Redis the session's
	// TTL slides on a repeat too (the read was sent with the mark); nothing else changes.
	// The marks are the store's own, apart from Coordination.MarkOnce's.
	ValidateOnce(ctx context.Context, id, guildID, userID, ip, interactionID string, markTTL time.Duration) (s *wizard.Session, first bool, err error)
	Stats(ctx context.Context) (SessionStats, error)
	Close() error
}

// EndReason says why a session ended.
type EndReason string

const (
	EndCancelled EndReason = "cancelled"
	EndCompleted EndReason = "completed"
	EndRemoved   EndReason = "removed" // the bot left or lost access to the guild
)

// SessionStats counts sessions. Active and ByState are exact at the time of the scan;
// the counters are best effort.
type SessionStats struct {
	Active    int64                  `json:"active"`
	ByState   map[wizard.State]int64 `json:"byState"`
	Created   int64                  `json:"created"`
	Completed int64                  `json:"completed"`
	Cancelled int64                  `json:"cancelled"`
}

// Shadow stores versioned snapshots of each community's manifest and the record of each
// deploy. The community id is the guild id.
type Shadow interface {
	// Save stores m as the next version for meta.CommunityID. Id, Version, PreviousID,
	// ManifestKey, ManifestSHA256 and CreatedAt are filled in by the store; two writers
	// never get the same version.
	Save(ctx context.Context, m *wizard.Manifest, meta SnapshotMeta) (SnapshotMeta, error)
	// Get reads one snapshot, verifying the manifest's SHA-256.
	Get(ctx context.Context, communityID, id string) (*Snapshot, error)
	// Latest is the newest snapshot: the desired manifest. CodeNotFound when there is none.
	Latest(ctx context.Context, communityID string) (*Snapshot, error)
	// RecordDeployment writes the deployment record of a snapshot, once; a second record
	// for the same snapshot is CodeAlreadyExists.
	RecordDeployment(ctx context.Context, communityID, id string, d Deployment) error
	// LatestDeployed is the newest snapshot with a deployment record (the shadow), with
	// Snapshot.Deployment set. CodeNotFound when nothing was ever deployed.
	LatestDeployed(ctx context.Context, communityID string) (*Snapshot, error)
	// List returns every snapshot's metadata, newest first.
	List(ctx context.Context, communityID string) ([]SnapshotMeta, error)
	// Communities returns the ids (= guild ids) of every community with shadow history, in
	// ascending order. It is what an instance without a gateway (HTTP mode) knows of the
	// guilds it serves, e.g. for scheduled drift checks. A community whose first Save did
	// not finish may be listed; its Latest is then CodeNotFound.
	Communities(ctx context.Context) ([]string, error)
	// Check verifies that the backend is reachable and honours conditional writes.
	Check(ctx context.Context) error
	// SaveAlert replaces the community's kept alert (there is one at a time: a later alert
	// supersedes the earlier one). It lives beside the history, so `serve` and the CLI see
	// the same alert whatever coordination store each uses.
	SaveAlert(ctx context.Context, communityID string, a *Alert) error
	// Alert reads the community's kept alert; CodeNotFound when there is none.
	Alert(ctx context.Context, communityID string) (*Alert, error)
}

// AlertKind says what an alert reports.
type AlertKind string

const (
	AlertDeploy AlertKind = "deploy" // a deploy's result
	AlertDrift  AlertKind = "drift"  // a scheduled drift check found drift
)

// Alert is a guild's latest alert and where it stands. It counts as delivered only once
// Discord accepted the message (DeliveredAt set); until then every check retries it with
// the same Nonce, so a retry whose earlier answer was lost never posts twice. /drift,
// /setup and `arrakis drift` show an undelivered alert, with Problem saying why.
type Alert struct {
	GuildID string    `json:"guildId"`
	Kind    AlertKind `json:"kind"`
	// Subject is what the alert is about ("drift:<report sha256>", "deploy:<snapshot id>"):
	// a check that finds the same subject again does not make a new alert.
	Subject   string    `json:"subject"`
	Text      string    `json:"text"`
	Nonce     string    `json:"nonce"` // Discord message nonce (≤ 25 characters), fixed at creation
	CreatedAt time.Time `json:"createdAt"`
	// DMUser is the admin a DM goes to when the manifest has no alert channel: the last
	// admin who deployed from Discord ("" when there is none).
	DMUser string `json:"dmUser,omitempty"`
	// Attempts counts posts tried; Problem is the last reason it was not delivered.
	Attempts    int       `json:"attempts"`
	Problem     string    `json:"problem,omitempty"`
	DeliveredAt time.Time `json:"deliveredAt,omitempty"`
	DeliveredTo string    `json:"deliveredTo,omitempty"` // the channel id it was posted to
	MessageID   string    `json:"messageId,omitempty"`
	// Resolved marks a drift alert whose drift is gone before it was delivered: it is no
	// longer shown and not retried.
	Resolved bool `json:"resolved,omitempty"`
}

// Pending reports whether the alert still waits for delivery (and is shown to admins).
func (a *Alert) Pending() bool { return a != nil && a.DeliveredAt.IsZero() && !a.Resolved }

// Reason says why a snapshot was made.
type Reason string

const (
	ReasonInitial   Reason = "initial"
	ReasonUpdate    Reason = "update"
	ReasonRollback  Reason = "rollback"
	ReasonReconcile Reason = "reconcile"
	ReasonAccept    Reason = "accept"
	ReasonManual    Reason = "manual"
)

// SnapshotMeta is the immutable metadata of one snapshot; writing it commits the version.
type SnapshotMeta struct {
	ID             string    `json:"id"` // "v00000042"
	Version        int       `json:"version"`
	CommunityID    string    `json:"communityId"`
	GuildID        string    `json:"guildId"`
	CreatedAt      time.Time `json:"createdAt"`
	CreatedBy      string    `json:"createdBy"`
	Reason         Reason    `json:"reason"`
	PreviousID     string    `json:"previousId,omitempty"`
	ManifestKey    string    `json:"manifestKey"`
	ManifestSHA256 string    `json:"manifestSha256"`
}

// SnapshotID formats a version as a snapshot id that sorts in version order.
func SnapshotID(version int) string { return fmt.Sprintf("v%08d", version) }

// Snapshot is a snapshot's metadata with its manifest and, when it was deployed, the record.
type Snapshot struct {
	Meta       SnapshotMeta     `json:"meta"`
	Manifest   *wizard.Manifest `json:"manifest"`
	Deployment *Deployment      `json:"deployment,omitempty"`
}

// Deployment records that a snapshot was applied to its guild, and which Discord objects
// stand for the manifest's tiers and channels.
type Deployment struct {
	SnapshotID string             `json:"snapshotId"`
	DeployedAt time.Time          `json:"deployedAt"`
	DeployedBy string             `json:"deployedBy"`
	Result     string             `json:"result"` // "completed"
	Writes     int                `json:"writes"` // Discord write calls the deploy made
	Resources  wizard.ResourceMap `json:"resources"`
}

// Coordination is the small shared state that lets several instances act as one.
type Coordination interface {
	// AcquireLease takes a named lease for ttl. CodeLeaseHeld when another holder has it.
	AcquireLease(ctx context.Context, name string, ttl time.Duration) (*Lease, error)
	// RenewLease extends a lease still held by its holder; CodeLeaseLost otherwise.
	RenewLease(ctx context.Context, l *Lease, ttl time.Duration) error
	// ReleaseLease gives a lease up; only its holder can.
	ReleaseLease(ctx context.Context, l *Lease) error
	// LeaseHeld reports whether anyone holds the named lease now. A deploy whose progress
	// says "running" while its lease is gone has stopped (its process ended).
	LeaseHeld(ctx context.Context, name string) (bool, error)
	// MarkOnce records key for ttl and reports whether this call was the first to do so
	// (a repeated interaction id, a drift report already posted).
	MarkOnce(ctx context.Context, key string, ttl time.Duration) (first bool, err error)
	// SaveProgress and Progress keep a deploy's progress apart from the 15-minute session.
	SaveProgress(ctx context.Context, p *DeployProgress) error
	Progress(ctx context.Context, guildID string) (*DeployProgress, error) // CodeNotFound when none
}

// ProgressTTL is how long a deploy's progress is kept after its last update.
const ProgressTTL = 7 * 24 * time.Hour

// Lease is a held lease. Token identifies the holder.
type Lease struct {
	Name    string
	Token   string
	Expires time.Time
}

// DeployProgress is where a guild's latest deploy stands, recorded as each write returns so
// that an interrupted deploy can resume without duplicating anything.
type DeployProgress struct {
	GuildID    string              `json:"guildId"`
	SnapshotID string              `json:"snapshotId"`
	Status     wizard.DeployStatus `json:"status"`
	StartedBy  string              `json:"startedBy"`
	StartedAt  time.Time           `json:"startedAt"`
	UpdatedAt  time.Time           `json:"updatedAt"`
	// Done and Total count the plan's operations; the per-kind counts feed "roles 3/5".
	Done          int                `json:"done"`
	Total         int                `json:"total"`
	RolesDone     int                `json:"rolesDone"`
	RolesTotal    int                `json:"rolesTotal"`
	ChannelsDone  int                `json:"channelsDone"`
	ChannelsTotal int                `json:"channelsTotal"`
	Writes        int                `json:"writes"`
	Resources     wizard.ResourceMap `json:"resources"` // what exists so far
	// DeployID names this run of the deploy; Creates journals every create before it is
	// sent, so that a resumed deploy recognises only what it made itself (DESIGN §5).
	DeployID string        `json:"deployId,omitempty"`
	Creates  []CreateEntry `json:"creates,omitempty"`
	Error    string        `json:"error,omitempty"`
	// Interaction lets the deploy edit the wizard message while its token is valid.
	ApplicationID    string `json:"applicationId,omitempty"`
	InteractionToken string `json:"-"` // never persisted
}

// CreateEntry is one create a deploy is about to send: which run, what kind ("role" or
// "channel"), the manifest key, and the name, Discord channel type and parent id the new
// resource will have, at the time (the deploy's clock) just before it was sent.
type CreateEntry struct {
	DeployID string    `json:"deployId"`
	Kind     string    `json:"kind"`
	Key      string    `json:"key"`
	Name     string    `json:"name"`
	Type     int       `json:"type,omitempty"`
	ParentID string    `json:"parentId,omitempty"`
	At       time.Time `json:"at"`
}

// Code is the machine-readable kind of a store error.
type Code string

const (
	CodeNotFound      Code = "not_found"
	CodeExpired       Code = "expired"
	CodeConflict      Code = "conflict"
	CodeWrongGuild    Code = "wrong_guild"
	CodeNotOwner      Code = "not_owner"
	CodeIPMismatch    Code = "ip_mismatch"
	CodeInvalid       Code = "invalid" // e.g. a transition the wizard does not allow
	CodeUnavailable   Code = "unavailable"
	CodeCorrupt       Code = "corrupt"   // a stored value that does not decode
	CodeIntegrity     Code = "integrity" // a stored object whose hash does not match
	CodeAlreadyExists Code = "already_exists"
	CodeLeaseHeld     Code = "lease_held"
	CodeLeaseLost     Code = "lease_lost"
	CodeUnsupported   Code = "unsupported" // a backend without conditional writes
	CodeAccessDenied  Code = "access_denied"
	CodeDiskFull      Code = "disk_full" // the data directory's file system is full (ENOSPC, EDQUOT)
	CodeIO            Code = "io_error"  // the data directory's file system failed (EIO)
)

// Error is a store failure with a Code the bot can word for an admin. Key names the
// Redis key or S3 object involved, when there is one; Err is the cause.
type Error struct {
	Code Code
	Op   string
	Key  string
	Err  error
	// Part is the store that failed, Where how the operator configured it (part.go).
	Part  Part
	Where string
}

func (e *Error) Error() string {
	msg := e.Op + ": " + string(e.Code)
	if e.Key != "" {
		msg += " (" + e.Key + ")"
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

// ErrorCode returns the Code of the first *Error in err's chain, or "".
func ErrorCode(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// IsCode reports whether err carries code.
func IsCode(err error, code Code) bool { return ErrorCode(err) == code }
