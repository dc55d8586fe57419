package drift

import "github.com/arrakis-bot/arrakis/wizard"

// OpKind is what an operation does to the guild.
type OpKind string

const (
	OpCreateRole     OpKind = "create_role"
	OpUpdateRole     OpKind = "update_role"
	OpCreateChannel  OpKind = "create_channel"
	OpUpdateChannel  OpKind = "update_channel"
	OpSetOverwrite   OpKind = "set_overwrite"
	OpReorderRoles   OpKind = "reorder_roles"
	OpReorderChannel OpKind = "reorder_channels"
	OpDeleteRole     OpKind = "delete_role"
	OpDeleteChannel  OpKind = "delete_channel"
)

// Op is one write to the guild. Ops refer to managed resources by manifest key (Key); an
// Op that needs a Discord id not yet known (a role or category created earlier in the
// same plan) names it by key, and the executor resolves it from the ResourceMap it fills
// as it goes. ID is set when the resource already exists.
type Op struct {
	Kind OpKind `json:"kind"`
	// Key is the tier id (roles) or channel key (channels); for reorder_channels it is the
	// parent category's key, "" for the top level.
	Key  string `json:"key,omitempty"`
	ID   string `json:"id,omitempty"` // existing Discord id, for updates and deletes
	Name string `json:"name"`         // for people and the audit log
	// Role is the desired role for create_role and update_role.
	Role *wizard.RoleSpec `json:"role,omitempty"`
	// Channel is the desired channel for create_channel and update_channel; Channel.Parent
	// is a manifest key that the executor resolves to a Discord id.
	Channel *wizard.Channel `json:"channel,omitempty"`
	// Overwrites are the channel's desired overwrites for create_channel, update_channel
	// and set_overwrite; subjects are wizard.SubjectEveryone, wizard.SubjectBot or tier ids.
	Overwrites []wizard.Overwrite `json:"overwrites,omitempty"`
	// RemoveOverwrites lists the Discord ids (role or member) of live overwrites on
	// managed subjects that update_channel removes: @everyone, the bot, tier roles, or
	// roles the bot made that the manifest no longer wants. Overwrites of any other
	// subject (a moderator role) are never named here and must be kept; MergeOverwrites
	// computes the resulting list.
	RemoveOverwrites []string `json:"removeOverwrites,omitempty"`
	// ParentName is the parent category's name, for people (create_channel,
	// reorder_channels).
	ParentName string `json:"parentName,omitempty"`
	// OrderNames are the names matching Order, for people.
	OrderNames []string `json:"orderNames,omitempty"`
	// Subject is the one overwrite that set_overwrite writes.
	Subject string `json:"subject,omitempty"`
	// Order lists tier ids (reorder_roles, lowest first) or channel keys (reorder_channels).
	Order []string `json:"order,omitempty"`
	// Fields names what an update changes, for the review screen.
	Fields []string `json:"fields,omitempty"`
}

// Options tune Plan.
type Options struct {
	// Prune plans deletes of managed resources the manifest no longer wants.
	Prune bool
}
