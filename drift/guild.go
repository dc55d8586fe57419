// Package drift compares what a community should look like with what its guild looks like,
// and plans the operations that make them equal. It is pure: the bot reads the live guild
// into the small types of this file, and executes the Ops that Plan returns.
//
// Three inputs: the desired manifest (newest snapshot), the shadow (the last deployed
// snapshot with its ResourceMap, which may be absent), and the actual guild. Managed
// resources are matched by the ids in the shadow's ResourceMap and by explicit adoption,
// never by name (DESIGN §5 "Ownership").
package drift

// Guild is the live state of a guild, as far as drift needs it.
type Guild struct {
	ID string `json:"id"` // also the id of the @everyone role
	// BotRoleID is the bot's own managed role; BotUserID its user. Both take part in
	// overwrites (the bot's allow on gated channels).
	BotRoleID string `json:"botRoleId"`
	BotUserID string `json:"botUserId"`
	// BotTopRoleID is the highest of the bot member's roles: Discord lets the bot manage
	// only roles below it, whichever role that is (not necessarily its integration role).
	BotTopRoleID string    `json:"botTopRoleId,omitempty"`
	Roles        []Role    `json:"roles"`
	Channels     []Channel `json:"channels"`
}

// Role is a live guild role.
type Role struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Color       int    `json:"color"`
	Hoist       bool   `json:"hoist"`
	Mentionable bool   `json:"mentionable"`
	Permissions int64  `json:"permissions"`
	Position    int    `json:"position"`
	Managed     bool   `json:"managed"` // owned by an integration (a bot's own role)
}

// ChannelType mirrors Discord's channel type numbers for the kinds a manifest holds.
type ChannelType int

const (
	TypeText     ChannelType = 0
	TypeVoice    ChannelType = 2
	TypeCategory ChannelType = 4
)

// Channel is a live guild channel.
type Channel struct {
	ID         string      `json:"id"`
	Name       string      `json:"name"`
	Type       ChannelType `json:"type"`
	ParentID   string      `json:"parentId,omitempty"`
	Topic      string      `json:"topic,omitempty"`
	Position   int         `json:"position"`
	Overwrites []Overwrite `json:"overwrites,omitempty"`
}

// OverwriteType says whether an overwrite is for a role or a member.
type OverwriteType int

const (
	OverwriteRole   OverwriteType = 0
	OverwriteMember OverwriteType = 1
)

// Overwrite is a live permission overwrite on a channel.
type Overwrite struct {
	ID    string        `json:"id"`
	Type  OverwriteType `json:"type"`
	Allow int64         `json:"allow"`
	Deny  int64         `json:"deny"`
}
