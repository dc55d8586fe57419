package drift

import (
	"strings"

	"github.com/arrakis-bot/arrakis/wizard"
)

// Plan returns the ordered writes that make the guild match the desired manifest for
// everything the bot manages, using the same matching as Compare:
//
//  1. create_role for each missing tier role, lowest tier first;
//  2. update_role for each tier role whose fields differ (Fields names them);
//  3. reorder_roles (Order = tier ids, lowest first) when roles were created or the tier
//     roles are out of tier order; the executor places them under the bot's role;
//  4. create_channel for missing categories, then for missing channels (Channel.Parent is
//     a manifest key the executor resolves through its ResourceMap; Overwrites name
//     subjects, including roles created in step 1);
//  5. update_channel for each channel whose fields or managed overwrites differ;
//  6. reorder_channels per parent (Key = parent key, "" = top level; Order = channel keys
//     in manifest order) when the parent got a new or moved channel or its channels are
//     out of order;
//  7. with opts.Prune only: delete_channel for channels, then categories, the bot made
//     that the manifest no longer wants, then delete_role for such roles.
//
// A tier that adopts a role which no longer exists cannot be fixed by a plan (the role is
// the admin's; creating a stand-in would not be it): Compare keeps reporting it as
// role_missing and the plan leaves its overwrites out. The same holds for an adopted
// category or channel. A plan never deletes a role it would recreate: deletes are only
// of roles the bot created whose key no desired tier has kept. Nothing is matched by
// name: a desired resource with no managed live id is created, even when an unmanaged
// one has its name (Collisions reports that, for the admin to decide first).
//
// Discord converts channels only between text and announcement; a manifest that changes
// a channel key's type otherwise yields an update_channel Discord will refuse.
func Plan(desired *wizard.Manifest, shadow *Shadow, actual Guild, opts Options) []Op {
	m := newMatching(desired, shadow, &actual)
	desired = m.desired
	var ops []Op

	created := 0
	for _, t := range desired.Tiers {
		if _, ok := m.tierRole[t.ID]; ok || t.Role.Adopt != "" {
			continue
		}
		spec := t.Role
		ops = append(ops, Op{Kind: OpCreateRole, Key: t.ID, Name: spec.Name, Role: &spec})
		created++
	}
	for _, t := range desired.Tiers {
		id, ok := m.tierRole[t.ID]
		if !ok {
			continue
		}
		if ds := roleDiffs(t.Role, m.role(id)); len(ds) > 0 {
			spec := t.Role
			ops = append(ops, Op{Kind: OpUpdateRole, Key: t.ID, ID: id, Name: spec.Name, Role: &spec, Fields: fieldNames(ds)})
		}
	}
	var order, names []string
	for _, t := range desired.Tiers {
		if t.Role.Adopt == "" {
			order = append(order, t.ID)
			names = append(names, t.Role.Name)
		}
	}
	if created > 0 && len(order) > 0 || len(order) >= 2 && !sorted(m.orderedTierRoles()) {
		ops = append(ops, Op{Kind: OpReorderRoles, Name: "tier roles", Order: order, OrderNames: names})
	}

	moved := map[string]bool{} // parent keys that get a new or moved channel
	for round := 0; round < 2; round++ {
		for _, c := range desired.Channels {
			if (c.Type == wizard.ChannelCategory) != (round == 0) {
				continue
			}
			if _, ok := m.chanID[c.Key]; ok || c.Adopt != "" {
				continue // an adopted channel that is gone is the admin's to bring back
			}
			_, want, _ := m.overwriteDiffs(c, nil, true)
			ch := c
			ops = append(ops, Op{Kind: OpCreateChannel, Key: c.Key, Name: c.Name, Channel: &ch,
				Overwrites: want, ParentName: m.parentLabel(c)})
			moved[m.parentKey(c)] = true
		}
	}
	for _, c := range desired.Channels {
		id, ok := m.chanID[c.Key]
		if !ok {
			continue
		}
		ds, want, remove := m.channelDiffs(c, m.channel(id), true)
		if len(ds) == 0 {
			continue
		}
		ch := c
		op := Op{Kind: OpUpdateChannel, Key: c.Key, ID: id, Name: c.Name, Channel: &ch,
			Fields: fieldNames(ds), ParentName: m.parentLabel(c)}
		for _, d := range ds {
			switch {
			case strings.HasPrefix(d.field, "overwrite:"):
				op.Overwrites, op.RemoveOverwrites = want, remove
			case d.field == "parent":
				moved[m.parentKey(c)] = true
			}
		}
		ops = append(ops, op)
	}
	parents, groups := m.channelGroups()
	for _, p := range parents {
		members := groups[p]
		if len(members) < 2 || (!moved[p] && sorted(m.inPlace(members))) {
			continue
		}
		op := Op{Kind: OpReorderChannel, Key: p, Name: "channels", ParentName: m.desiredKeyName(p)}
		for _, ci := range members {
			op.Order = append(op.Order, desired.Channels[ci].Key)
			op.OrderNames = append(op.OrderNames, desired.Channels[ci].Name)
		}
		ops = append(ops, op)
	}

	if opts.Prune {
		for round := 0; round < 2; round++ { // children before categories
			for _, e := range m.extraChans {
				c := m.channel(e.id)
				if (c.Type == TypeCategory) != (round == 1) {
					continue
				}
				ops = append(ops, Op{Kind: OpDeleteChannel, Key: e.key, ID: e.id, Name: c.Name})
			}
		}
		for _, e := range m.extraRoles {
			ops = append(ops, Op{Kind: OpDeleteRole, Key: e.key, ID: e.id, Name: m.role(e.id).Name})
		}
	}
	return ops
}

func fieldNames(ds []fieldDiff) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.field
	}
	return out
}

// parentLabel is the name of a channel's desired parent category, "" at top level.
func (m *matching) parentLabel(c wizard.Channel) string {
	return m.desiredKeyName(m.parentKey(c))
}

func (m *matching) desiredKeyName(key string) string {
	if key == "" {
		return ""
	}
	return m.desired.Channels[m.keyIdx[key]].Name
}
