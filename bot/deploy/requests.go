package deploy

// The request bodies of the executor's writes: Discord ids resolved from the run's
// ResourceMap, overwrites merged with the live ones the way drift computes them.

import (
	"fmt"

	"github.com/bwmarrin/discordgo"

	"github.com/arrakis-bot/arrakis/drift"
	"github.com/arrakis-bot/arrakis/wizard"
)

func describeOp(op drift.Op) string {
	switch op.Kind {
	case drift.OpReorderRoles:
		return "order tier roles"
	case drift.OpReorderChannel:
		return "order channels"
	case drift.OpSetOverwrite:
		return fmt.Sprintf("set access of %s on #%s", op.Subject, op.Name)
	}
	return fmt.Sprintf("%s %s", op.Kind, op.Name)
}

func roleParams(spec *wizard.RoleSpec) *discordgo.RoleParams {
	if spec == nil {
		return &discordgo.RoleParams{}
	}
	color, hoist, mention, perms := spec.Color, spec.Hoist, spec.Mentionable, spec.Permissions
	return &discordgo.RoleParams{Name: spec.Name, Color: &color, Hoist: &hoist, Mentionable: &mention, Permissions: &perms}
}

// roleID is the Discord id an op's role has: its own, or the one recorded for its tier.
func (r *run) roleID(op drift.Op) string {
	if op.ID != "" {
		return op.ID
	}
	return r.res.Roles[op.Key]
}

func (r *run) channelID(op drift.Op) string {
	if op.ID != "" {
		return op.ID
	}
	return r.res.Channels[op.Key]
}

// subject resolves an overwrite subject (@everyone, @bot or a tier id) to a Discord id,
// the same way drift does.
func (r *run) subject(subject string) (string, discordgo.PermissionOverwriteType, error) {
	id, typ, ok := drift.ResolveSubject(r.live.Guild, r.res, subject)
	if !ok {
		return "", 0, fmt.Errorf("the role of %q is not known yet", subject)
	}
	return id, discordgo.PermissionOverwriteType(typ), nil
}

func (r *run) overwrites(ows []wizard.Overwrite) ([]*discordgo.PermissionOverwrite, error) {
	out := make([]*discordgo.PermissionOverwrite, 0, len(ows))
	for _, ow := range ows {
		id, typ, err := r.subject(ow.Subject)
		if err != nil {
			return nil, err
		}
		out = append(out, &discordgo.PermissionOverwrite{ID: id, Type: typ, Allow: ow.Allow, Deny: ow.Deny})
	}
	return out, nil
}

func channelType(t wizard.ChannelType) discordgo.ChannelType {
	switch t {
	case wizard.ChannelVoice:
		return discordgo.ChannelTypeGuildVoice
	case wizard.ChannelCategory:
		return discordgo.ChannelTypeGuildCategory
	}
	return discordgo.ChannelTypeGuildText
}

func (r *run) parentID(key string) (string, error) {
	if key == "" {
		return "", nil
	}
	if id := r.res.Channels[key]; id != "" {
		return id, nil
	}
	return "", fmt.Errorf("the category %q is not known yet", key)
}

func (r *run) channelCreate(op drift.Op) (discordgo.GuildChannelCreateData, error) {
	if op.Channel == nil {
		return discordgo.GuildChannelCreateData{}, fmt.Errorf("create_channel without a channel")
	}
	parent, err := r.parentID(op.Channel.Parent)
	if err != nil {
		return discordgo.GuildChannelCreateData{}, err
	}
	ows, err := r.overwrites(op.Overwrites)
	if err != nil {
		return discordgo.GuildChannelCreateData{}, err
	}
	data := discordgo.GuildChannelCreateData{
		Name: op.Channel.Name, Type: channelType(op.Channel.Type), ParentID: parent,
		PermissionOverwrites: ows,
	}
	if op.Channel.Type == wizard.ChannelText {
		data.Topic = op.Channel.Topic
	}
	return data, nil
}

// channelPatch is the body of an update_channel. discordgo's ChannelEdit omits empty
// topics and parents, so a map carries them (null parent = no category). A changed type
// is sent (see channel_type.go). Only the fields the op names are sent. When the op
// changes overwrites, the list sent is drift.MergeOverwrites of the live one: overwrites
// of subjects Arrakis does not manage (a moderator role on a gated channel) are kept.
func (r *run) channelPatch(op drift.Op, chID string) (map[string]any, error) {
	body := map[string]any{}
	if op.Channel != nil {
		if sends(op, "name") {
			body["name"] = op.Channel.Name
		}
		if changesType(op) {
			// text ↔ announcement only; preflight refused every other conversion.
			body["type"] = int(channelType(op.Channel.Type))
		}
		if op.Channel.Type == wizard.ChannelText && sends(op, "topic") {
			body["topic"] = op.Channel.Topic
		}
		if op.Channel.Type != wizard.ChannelCategory && sends(op, "parent") {
			parent, err := r.parentID(op.Channel.Parent)
			if err != nil {
				return nil, err
			}
			if parent == "" {
				body["parent_id"] = nil
			} else {
				body["parent_id"] = parent
			}
		}
	}
	if op.Overwrites != nil || len(op.RemoveOverwrites) > 0 {
		merged := r.mergedOverwrites(op, chID)
		ows := make([]*discordgo.PermissionOverwrite, 0, len(merged))
		for _, o := range merged {
			ows = append(ows, &discordgo.PermissionOverwrite{ID: o.ID, Type: discordgo.PermissionOverwriteType(o.Type), Allow: o.Allow, Deny: o.Deny})
		}
		body["permission_overwrites"] = ows
	}
	return body, nil
}

// sends reports whether an update sends field: only the fields that differ are written
// (an op without Fields writes them all), so an adopted channel keeps its category and
// topic when the manifest does not set them.
func sends(op drift.Op, field string) bool {
	if len(op.Fields) == 0 {
		return true
	}
	for _, f := range op.Fields {
		if f == field {
			return true
		}
	}
	return false
}

// mergedOverwrites is the channel's overwrite list after op, from the live list as this
// run last saw or wrote it.
func (r *run) mergedOverwrites(op drift.Op, chID string) []drift.Overwrite {
	var cur []drift.Overwrite
	if c, ok := r.live.channelByID[chID]; ok {
		cur = c.Overwrites
	}
	return drift.MergeOverwrites(r.live.Guild, r.res, cur, op)
}

// noteOverwrites keeps the run's view of a channel's overwrites current after a write, so
// that a later op on the same channel merges into what is really there.
func (r *run) noteOverwrites(op drift.Op, chID string) {
	if c, ok := r.live.channelByID[chID]; ok {
		c.Overwrites = r.mergedOverwrites(op, chID)
	}
}
