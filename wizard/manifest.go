package wizard

// The Manifest is the wizard's product and the single description of a community that
// review, deploy, drift and the CLI all read. It is versioned (APIVersion) and has one
// canonical JSON encoding so that its SHA-256 is stable; people keep it as YAML.
//
// Tiers are ordered: Tiers[0] is tier 1, the lowest. Channels is the concrete channel list,
// with any template already expanded, so every consumer sees the same channels.

// APIVersion is the schema version written into every manifest.
const APIVersion = "arrakis/v1"

// Manifest is a community's desired configuration.
type Manifest struct {
	APIVersion string    `json:"apiVersion" yaml:"apiVersion"`
	Community  Community `json:"community" yaml:"community"`
	Chains     []Chain   `json:"chains" yaml:"chains"`
	Assets     []Asset   `json:"assets" yaml:"assets"`
	Tiers      []Tier    `json:"tiers" yaml:"tiers"`
	// ChannelTemplate records how Channels was made (none, additive_only, parallel_mirror,
	// custom) so that editing starts from the same choice.
	ChannelTemplate string    `json:"channelTemplate" yaml:"channelTemplate"`
	Channels        []Channel `json:"channels" yaml:"channels"`
	// Alerts says where this guild's deploy results and drift reports go. It belongs to the
	// guild's manifest, never to the process, so one guild's alerts never reach another.
	Alerts *Alerts `json:"alerts,omitempty" yaml:"alerts,omitempty"`
}

// Alerts is where a guild's alerts go. Without a channel they go by DM to the last admin
// who deployed from Discord, or are kept and shown by /drift, /setup and `arrakis drift`.
type Alerts struct {
	Channel string `json:"channel,omitempty" yaml:"channel,omitempty"` // a text channel id of the guild
}

// AlertChannel is the guild's alert channel id, or "" when none is set.
func (m *Manifest) AlertChannel() string {
	if m == nil || m.Alerts == nil {
		return ""
	}
	return m.Alerts.Channel
}

// Community names the community. The community id is the guild id.
type Community struct {
	Name    string `json:"name" yaml:"name"`
	GuildID string `json:"guildId,omitempty" yaml:"guildId,omitempty"`
}

// Chain is a selected EVM chain: a known id and its EVM chain id.
type Chain struct {
	ID      string `json:"id" yaml:"id"`           // "ethereum", "polygon", …
	ChainID int64  `json:"chainId" yaml:"chainId"` // EVM chain id, 1 for ethereum
}

// AssetType is the kind of token an asset is.
type AssetType string

const (
	AssetERC20   AssetType = "erc20"
	AssetERC721  AssetType = "erc721"
	AssetERC1155 AssetType = "erc1155"
	AssetNative  AssetType = "native"
)

// Asset is a token that eligibility rules refer to by ID.
type Asset struct {
	ID       string    `json:"id" yaml:"id"`
	Type     AssetType `json:"type" yaml:"type"`
	Chain    string    `json:"chain" yaml:"chain"`                           // a selected chain id
	Contract string    `json:"contract,omitempty" yaml:"contract,omitempty"` // 0x + 40 hex; empty for native
	Name     string    `json:"name" yaml:"name"`
	Symbol   string    `json:"symbol" yaml:"symbol"`
	Decimals *int      `json:"decimals,omitempty" yaml:"decimals,omitempty"` // erc20 (0–36) and native
	TokenID  string    `json:"tokenId,omitempty" yaml:"tokenId,omitempty"`   // erc1155: decimal, < 2^256
}

// RuleType is the kind of an eligibility rule.
type RuleType string

const (
	RuleMinBalance      RuleType = "min_balance"
	RuleNFTOwnership    RuleType = "nft_ownership"
	RuleMinHoldDuration RuleType = "min_hold_duration"
	RuleScoreThreshold  RuleType = "score_threshold"
)

// Rule is one condition a member must meet for a tier. Which value field applies depends
// on Type; pointers keep a legal zero (score 0) apart from a missing value.
type Rule struct {
	Type   RuleType `json:"type" yaml:"type"`
	Asset  string   `json:"asset,omitempty" yaml:"asset,omitempty"`   // an Asset.ID
	Amount string   `json:"amount,omitempty" yaml:"amount,omitempty"` // min_balance: decimal in token units
	Count  *int64   `json:"count,omitempty" yaml:"count,omitempty"`   // nft_ownership: ≥ 1
	Days   *int     `json:"days,omitempty" yaml:"days,omitempty"`     // min_hold_duration: 1–3650
	Score  *int64   `json:"score,omitempty" yaml:"score,omitempty"`   // score_threshold: ≥ 0
}

// Tier is one level of membership. A member is in a tier when every rule holds.
type Tier struct {
	ID    string   `json:"id" yaml:"id"` // stable key: the ResourceMap and channels refer to it
	Name  string   `json:"name" yaml:"name"`
	Rules []Rule   `json:"rules" yaml:"rules"`
	Role  RoleSpec `json:"role" yaml:"role"`
}

// RoleSpec is the Discord role of a tier: one to create, or an existing one to adopt.
type RoleSpec struct {
	Name        string `json:"name" yaml:"name"`
	Color       int    `json:"color" yaml:"color"` // 0–0xFFFFFF
	Hoist       bool   `json:"hoist" yaml:"hoist"`
	Mentionable bool   `json:"mentionable" yaml:"mentionable"`
	Permissions int64  `json:"permissions" yaml:"permissions"` // guild-level bitset; 0 for gating roles
	// Adopt is the id of an existing role to use instead of creating one.
	Adopt string `json:"adopt,omitempty" yaml:"adopt,omitempty"`
}

// ChannelType is the kind of a Discord channel the manifest can hold.
type ChannelType string

const (
	ChannelText     ChannelType = "text"
	ChannelVoice    ChannelType = "voice"
	ChannelCategory ChannelType = "category"
)

// Channel is one category or channel. Key is stable within the manifest (the ResourceMap
// and Parent refer to it); Name is what Discord shows. Access is MinTier and every higher
// tier; an empty MinTier means the channel is not gated.
type Channel struct {
	Key     string      `json:"key" yaml:"key"`
	Name    string      `json:"name" yaml:"name"`
	Type    ChannelType `json:"type" yaml:"type"`
	Parent  string      `json:"parent,omitempty" yaml:"parent,omitempty"` // key of a category
	Topic   string      `json:"topic,omitempty" yaml:"topic,omitempty"`
	MinTier string      `json:"minTier,omitempty" yaml:"minTier,omitempty"` // a Tier.ID
	// Adopt is the id of an existing category or channel to manage instead of creating
	// one. An adopted channel keeps what it has unless the manifest says otherwise.
	Adopt string `json:"adopt,omitempty" yaml:"adopt,omitempty"`
}

// Discord permission bits the manifest's overwrites use.
const (
	PermManageChannels int64 = 1 << 4
	PermManageRoles    int64 = 1 << 28
	PermViewChannel    int64 = 1 << 10
	PermManageGuild    int64 = 1 << 5
)

// Overwrite subjects that are not tiers.
const (
	SubjectEveryone = "@everyone"
	SubjectBot      = "@bot"
)

// Overwrite is a permission overwrite a channel should carry, before role ids are known:
// Subject is SubjectEveryone, SubjectBot, or a Tier.ID.
type Overwrite struct {
	Subject string `json:"subject"`
	Allow   int64  `json:"allow"`
	Deny    int64  `json:"deny"`
}

// TierIndex returns the position of a tier id in m.Tiers, or -1.
func (m *Manifest) TierIndex(id string) int {
	for i, t := range m.Tiers {
		if t.ID == id {
			return i
		}
	}
	return -1
}

// ChannelOverwrites is the access a channel should have: for a gated channel, @everyone is
// denied VIEW_CHANNEL, the minimum tier and every higher tier are allowed it, and the bot
// is allowed VIEW_CHANNEL and MANAGE_CHANNELS so it never locks itself out. An ungated
// channel has no overwrites.
func (m *Manifest) ChannelOverwrites(ch Channel) []Overwrite {
	min := m.TierIndex(ch.MinTier)
	if ch.MinTier == "" || min < 0 {
		return nil
	}
	ows := []Overwrite{
		{Subject: SubjectEveryone, Deny: PermViewChannel},
		{Subject: SubjectBot, Allow: PermViewChannel | PermManageChannels},
	}
	for _, t := range m.Tiers[min:] {
		ows = append(ows, Overwrite{Subject: t.ID, Allow: PermViewChannel})
	}
	return ows
}
