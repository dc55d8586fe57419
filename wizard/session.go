package wizard

import (
	"crypto/rand"
	"encoding/base32"
	"fmt"
	"strings"
	"time"
)

// Session is one admin's /setup in one guild: the answers given so far and the step the
// wizard is on. A guild has at most one session at a time.
//
// ID, GuildID and CreatedAt never change after create. OwnerID changes only by take-over.
// Version is bumped by every write; stores update by compare-and-swap on it, so two racing
// clicks cannot both win.
type Session struct {
	ID        string    `json:"id"`
	GuildID   string    `json:"guildId"`
	CreatedAt time.Time `json:"createdAt"`

	OwnerID   string    `json:"ownerId"`
	OwnerName string    `json:"ownerName,omitempty"`
	OwnerAt   time.Time `json:"ownerAt"` // when the current owner started or took over
	Version   int64     `json:"version"`
	UpdatedAt time.Time `json:"updatedAt"`
	State     State     `json:"state"`

	// BoundIP is set on first use over a browser (a later web view) and never rebound.
	// Interactions that come through Discord carry Discord's address, so the Discord path
	// binds by OwnerID only.
	BoundIP string `json:"boundIp,omitempty"`

	Data SessionData `json:"data"`

	// UI holds choices made on the current step that are not answers yet: the chain picked
	// before the asset modal opens, the values of a rejected modal for its Fix button. The bot
	// owns its keys; it is cleared when the step changes.
	UI map[string]string `json:"ui,omitempty"`
}

// SessionData is everything the admin has answered, step by step.
type SessionData struct {
	CommunityName   string    `json:"communityName,omitempty"`   // INIT
	Chains          []string  `json:"chains,omitempty"`          // CHAIN_SELECT: chain ids
	Assets          []Asset   `json:"assets,omitempty"`          // ASSET_CONFIG
	Tiers           []Tier    `json:"tiers,omitempty"`           // ELIGIBILITY_RULES and, for Tier.Role, ROLE_MAPPING
	ChannelTemplate string    `json:"channelTemplate,omitempty"` // CHANNEL_STRUCTURE
	CustomChannels  []Channel `json:"customChannels,omitempty"`  // CHANNEL_STRUCTURE, template custom
	AlertChannel    string    `json:"alertChannel,omitempty"`    // CHANNEL_STRUCTURE: alerts.channel, "" = none

	// EditOf is the snapshot id the session started from when the guild already had a
	// deployed manifest (edit mode); empty for a first setup.
	EditOf string `json:"editOf,omitempty"`
	// DeployedKeys are the tier ids and channel keys of the deployed ResourceMap (edit
	// mode). New ids skip them, so a tier removed in this session never hands its Discord
	// role to a different, new tier.
	DeployedKeys []string `json:"deployedKeys,omitempty"`
	// RetiredIDs are ids of assets, tiers and custom channels this community used before and
	// no longer has: removed in this session, or present in an earlier snapshot (edit mode).
	// New ids skip them, so a rule or a channel can never silently point at a newcomer that
	// took a removed one's id.
	RetiredIDs []string `json:"retiredIds,omitempty"`

	// ChannelAdopts are existing categories and channels the admin chose to adopt, as
	// channel key → Discord id. They are kept apart from the channel list so that a
	// template layout keeps them when it expands again.
	ChannelAdopts map[string]string `json:"channelAdopts,omitempty"`
	// CreateAnyway lists the name collisions the admin resolved by creating another
	// resource next to the existing one ("role:<tier id>", "channel:<key>"), so the review
	// shows them as decided.
	CreateAnyway []string `json:"createAnyway,omitempty"`

	// Deploy is set once the wizard reaches DEPLOY.
	Deploy *DeployState `json:"deploy,omitempty"`
}

// DeployState is the part of a deploy the session shows; the full progress of a deploy is
// kept apart from the session because a deploy can outlive it.
type DeployState struct {
	Status     DeployStatus `json:"status"`
	SnapshotID string       `json:"snapshotId,omitempty"`
	Error      string       `json:"error,omitempty"`
	// Requested is when Deploy or Retry was confirmed: a progress record older than that
	// is the previous attempt's, and is not shown as this one's.
	Requested time.Time `json:"requested,omitzero"`
}

// NewSessionID makes an id "<guildID>.<random>". Embedding the guild lets a store find the
// session's one key from the id alone.
func NewSessionID(guildID string) string {
	var b [10]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(fmt.Sprintf("crypto/rand failed: %v", err)) // cannot happen on supported platforms
	}
	return guildID + "." + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b[:]))
}

// GuildOfSessionID returns the guild id embedded in a session id.
func GuildOfSessionID(id string) (string, bool) {
	guild, random, ok := strings.Cut(id, ".")
	if !ok || !isSnowflake(guild) || random == "" || strings.ContainsAny(random, ".:{}") {
		return "", false
	}
	return guild, true
}

// NewSession starts a session at INIT owned by ownerID.
func NewSession(guildID, ownerID, ownerName string, now time.Time) *Session {
	return &Session{
		ID: NewSessionID(guildID), GuildID: guildID, CreatedAt: now,
		OwnerID: ownerID, OwnerName: ownerName, OwnerAt: now,
		Version: 1, UpdatedAt: now, State: StateInit,
	}
}

// isSnowflake reports whether s looks like a Discord id: 1–20 decimal digits.
func isSnowflake(s string) bool {
	if len(s) == 0 || len(s) > 20 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
