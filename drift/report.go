package drift

// ItemType is the kind of a difference.
type ItemType string

const (
	RoleMissing     ItemType = "role_missing"
	RoleExtra       ItemType = "role_extra"
	RoleMismatch    ItemType = "role_mismatch"
	ChannelMissing  ItemType = "channel_missing"
	ChannelExtra    ItemType = "channel_extra"
	ChannelMismatch ItemType = "channel_mismatch"
	ConfigMismatch  ItemType = "config_mismatch"
)

// Severity ranks a difference: error (a managed resource is missing), warning (it changes
// who can see or do what), info (cosmetic, or a resource the manifest no longer wants).
type Severity string

const (
	SeverityError   Severity = "error"
	SeverityWarning Severity = "warning"
	SeverityInfo    Severity = "info"
)

// Item is one difference. Key is the manifest key (tier id or channel key) where there is
// one; ID the Discord id where there is one; Field the differing field (name, color,
// permissions, type, parent, topic, position, overwrite:<subject>, manifest). An
// overwrite subject is @everyone, @bot (the bot's role), @bot-user (a member overwrite on
// the bot's user, when the bot has a role), a tier id, or the key of a role the bot made
// that the manifest no longer wants.
type Item struct {
	Type     ItemType `json:"type"`
	Severity Severity `json:"severity"`
	Key      string   `json:"key,omitempty"`
	ID       string   `json:"id,omitempty"`
	Name     string   `json:"name"`
	Field    string   `json:"field,omitempty"`
	Expected string   `json:"expected,omitempty"`
	Actual   string   `json:"actual,omitempty"`
}

// Report is the result of Compare, in a deterministic order.
type Report struct {
	Items []Item `json:"items"`
}

// Empty reports whether there is no drift.
func (r Report) Empty() bool { return len(r.Items) == 0 }
