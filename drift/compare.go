package drift

import (
	"sort"
	"strconv"

	"github.com/arrakis-bot/arrakis/wizard"
)

// Compare reports how the live guild differs from the desired manifest for everything the
// bot manages, and whether the desired manifest differs from the deployed one (shadow).
// See DESIGN §5 for what each item type and severity means. An adopted role is matched by
// its id and only its presence and its place in channel overwrites are checked: the bot
// uses the admin's role but does not rename, recolour, re-permission or move it.
func Compare(desired *wizard.Manifest, shadow *Shadow, actual Guild) Report {
	m := newMatching(desired, shadow, &actual)
	desired = m.desired
	var items []Item
	add := func(typ ItemType, key, id, name string, d fieldDiff) {
		items = append(items, Item{Type: typ, Severity: d.severity, Key: key, ID: id, Name: name,
			Field: d.field, Expected: d.expected, Actual: d.actual})
	}

	for _, t := range desired.Tiers {
		id, ok := m.tierRole[t.ID]
		if !ok {
			exp := t.Role.Name
			if t.Role.Adopt != "" {
				exp = "adopted role " + t.Role.Adopt
			}
			add(RoleMissing, t.ID, t.Role.Adopt, roleName(t, nil), fieldDiff{"", SeverityError, exp, "missing"})
			continue
		}
		r := m.role(id)
		for _, d := range roleDiffs(t.Role, r) {
			add(RoleMismatch, t.ID, id, roleName(t, r), d)
		}
	}
	for tier, d := range m.roleOrderDiffs() {
		t := desired.Tiers[m.tierIdx[tier]]
		id := m.tierRole[tier]
		add(RoleMismatch, tier, id, roleName(t, m.role(id)), d)
	}

	for _, c := range desired.Channels {
		id, ok := m.chanID[c.Key]
		if !ok {
			add(ChannelMissing, c.Key, "", c.Name, fieldDiff{"", SeverityError, string(c.Type) + " " + c.Name, "missing"})
			continue
		}
		diffs, _, _ := m.channelDiffs(c, m.channel(id), false)
		for _, d := range diffs {
			add(ChannelMismatch, c.Key, id, c.Name, d)
		}
	}
	for key, d := range m.channelOrderDiffs() {
		c := desired.Channels[m.keyIdx[key]]
		add(ChannelMismatch, key, m.chanID[key], c.Name, d)
	}

	for _, e := range m.extraRoles {
		r := m.role(e.id)
		add(RoleExtra, e.key, e.id, r.Name, fieldDiff{"", SeverityInfo, "absent", "present"})
	}
	for _, e := range m.extraChans {
		c := m.channel(e.id)
		add(ChannelExtra, e.key, e.id, c.Name, fieldDiff{"", SeverityInfo, "absent", "present"})
	}

	if shadow != nil && shadow.Manifest != nil {
		if d, differ := configDiff(desired, shadow.Manifest); differ {
			items = append(items, d)
		}
	}
	sortItems(items)
	return Report{Items: items}
}

var severityRank = map[Severity]int{SeverityError: 0, SeverityWarning: 1, SeverityInfo: 2}

// sortItems orders items by severity, type, key, name, field, then id.
func sortItems(items []Item) {
	sort.Slice(items, func(i, j int) bool {
		a, b := items[i], items[j]
		if a.Severity != b.Severity {
			return severityRank[a.Severity] < severityRank[b.Severity]
		}
		if a.Type != b.Type {
			return a.Type < b.Type
		}
		if a.Key != b.Key {
			return a.Key < b.Key
		}
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		if a.Field != b.Field {
			return a.Field < b.Field
		}
		return a.ID < b.ID
	})
}

// roleName is the name people know a tier role by: the live name of an adopted role,
// else the manifest's.
func roleName(t wizard.Tier, live *Role) string {
	if t.Role.Adopt != "" {
		if live != nil {
			return live.Name
		}
		if t.Role.Name != "" {
			return t.Role.Name
		}
		return "role " + t.Role.Adopt
	}
	return t.Role.Name
}

// roleDiffs compares the fields of a created tier role. Position is compared separately,
// as relative order.
func roleDiffs(spec wizard.RoleSpec, r *Role) []fieldDiff {
	if spec.Adopt != "" {
		return nil
	}
	var ds []fieldDiff
	if spec.Name != r.Name {
		ds = append(ds, fieldDiff{"name", SeverityInfo, spec.Name, r.Name})
	}
	if spec.Color != r.Color {
		ds = append(ds, fieldDiff{"color", SeverityInfo, renderColor(spec.Color), renderColor(r.Color)})
	}
	if spec.Hoist != r.Hoist {
		ds = append(ds, fieldDiff{"hoist", SeverityInfo, strconv.FormatBool(spec.Hoist), strconv.FormatBool(r.Hoist)})
	}
	if spec.Mentionable != r.Mentionable {
		ds = append(ds, fieldDiff{"mentionable", SeverityInfo, strconv.FormatBool(spec.Mentionable), strconv.FormatBool(r.Mentionable)})
	}
	if spec.Permissions != r.Permissions {
		ds = append(ds, fieldDiff{"permissions", SeverityWarning, strconv.FormatInt(spec.Permissions, 10), strconv.FormatInt(r.Permissions, 10)})
	}
	return ds
}

// channelDiffs compares a managed channel's fields and overwrites (see overwriteDiffs for
// want and remove). Relative order is compared separately.
//
// An adopted channel keeps what the manifest does not set: with no parent in the manifest
// it stays in whatever category it is in, and with no topic it keeps its topic.
func (m *matching) channelDiffs(c wizard.Channel, live *Channel, plan bool) (ds []fieldDiff, want []wizard.Overwrite, remove []string) {
	adopted := m.isAdoptedChannel(c, live)
	if lt := liveType(c.Type); lt != live.Type {
		ds = append(ds, fieldDiff{"type", SeverityWarning, string(c.Type), renderType(live.Type)})
	}
	if pid, ok := m.parentID(c); (!adopted || m.parentKey(c) != "") && (!ok || pid != live.ParentID) {
		ds = append(ds, fieldDiff{"parent", SeverityWarning, m.desiredParentName(c), m.liveParentName(live)})
	}
	if c.Name != live.Name && (!adopted || c.Name != "") {
		ds = append(ds, fieldDiff{"name", SeverityInfo, c.Name, live.Name})
	}
	if c.Type == wizard.ChannelText && c.Topic != live.Topic && (!adopted || c.Topic != "") {
		ds = append(ds, fieldDiff{"topic", SeverityInfo, c.Topic, live.Topic})
	}
	ows, want, remove := m.overwriteDiffs(c, live, plan)
	return append(ds, ows...), want, remove
}

// isAdoptedChannel reports whether live is the admin's channel that c adopts.
func (m *matching) isAdoptedChannel(c wizard.Channel, live *Channel) bool {
	return c.Adopt != "" && live != nil && live.ID == c.Adopt
}

func (m *matching) desiredParentName(c wizard.Channel) string {
	pk := m.parentKey(c)
	if pk == "" {
		return "(none)"
	}
	return m.desired.Channels[m.category[pk]].Name
}

func (m *matching) liveParentName(c *Channel) string {
	if c.ParentID == "" {
		return "(none)"
	}
	if p := m.channel(c.ParentID); p != nil {
		return p.Name
	}
	return "(unknown " + c.ParentID + ")"
}

// orderedTierRoles is the created tier roles that exist, as tier indices in live order,
// lowest first. Adopted roles are the admin's to place and are left out.
func (m *matching) orderedTierRoles() []int {
	var idx []int
	for _, t := range m.desired.Tiers {
		if t.Role.Adopt != "" {
			continue
		}
		if id, ok := m.tierRole[t.ID]; ok {
			idx = append(idx, m.roleIdx[id])
		}
	}
	sortRolesBottomUp(m.g.Roles, idx)
	seq := make([]int, len(idx))
	for i, ri := range idx {
		seq[i] = m.tierIdx[m.roleTier[m.g.Roles[ri].ID]]
	}
	return seq
}

// roleOrderDiffs reports each tier role whose neighbour below (among tier roles) is not
// the one tier order puts there. No item ⇔ the tier roles are in tier order; absolute
// positions never matter.
func (m *matching) roleOrderDiffs() map[string]fieldDiff {
	seq := m.orderedTierRoles()
	name := func(ti int) string { return roleName(m.desired.Tiers[ti], nil) }
	return neighbourDiffs(seq, func(ti int) string { return m.desired.Tiers[ti].ID },
		func(prev int) string {
			if prev < 0 {
				return "lowest tier role"
			}
			return "above " + name(prev)
		})
}

// neighbourDiffs takes ranks in live order and reports every element whose live
// predecessor is not its desired predecessor (the next smaller rank present).
func neighbourDiffs(seq []int, key func(int) string, render func(prev int) string) map[string]fieldDiff {
	if sorted(seq) {
		return nil
	}
	byRank := append([]int(nil), seq...)
	sort.Ints(byRank)
	want := make(map[int]int, len(seq))
	for i, r := range byRank {
		want[r] = -1
		if i > 0 {
			want[r] = byRank[i-1]
		}
	}
	out := map[string]fieldDiff{}
	for i, r := range seq {
		got := -1
		if i > 0 {
			got = seq[i-1]
		}
		if got != want[r] {
			out[key(r)] = fieldDiff{"position", SeverityInfo, render(want[r]), render(got)}
		}
	}
	return out
}

// channelGroups lists, per desired parent key ("" = top level), the manifest indices of
// the channels that belong there, in manifest order. Parents come in manifest order.
// Adopted channels are left out: like adopted roles, they are never moved.
func (m *matching) channelGroups() (parents []string, groups map[string][]int) {
	groups = map[string][]int{}
	parents = []string{""}
	for i, c := range m.desired.Channels {
		if c.Type == wizard.ChannelCategory && m.category[c.Key] == i {
			parents = append(parents, c.Key)
		}
		if c.Adopt != "" {
			continue // the admin's channel keeps its place
		}
		pk := m.parentKey(c)
		groups[pk] = append(groups[pk], i)
	}
	return parents, groups
}

// inPlace is the live order (manifest indices) of a group's channels that exist and
// already sit under the right parent.
func (m *matching) inPlace(members []int) []int {
	var idx []int
	for _, ci := range members {
		c := m.desired.Channels[ci]
		id, ok := m.chanID[c.Key]
		if !ok {
			continue
		}
		if pid, ok := m.parentID(c); !ok || m.channel(id).ParentID != pid {
			continue
		}
		idx = append(idx, m.chanIdx[id])
	}
	sortChannels(m.g.Channels, idx)
	seq := make([]int, len(idx))
	for i, li := range idx {
		seq[i] = m.keyIdx[m.idChan[m.g.Channels[li].ID]]
	}
	return seq
}

// channelOrderDiffs reports managed channels out of manifest order within their parent.
func (m *matching) channelOrderDiffs() map[string]fieldDiff {
	parents, groups := m.channelGroups()
	out := map[string]fieldDiff{}
	for _, p := range parents {
		seq := m.inPlace(groups[p])
		ds := neighbourDiffs(seq, func(ci int) string { return m.desired.Channels[ci].Key },
			func(prev int) string {
				if prev < 0 {
					return "first"
				}
				return "after " + m.desired.Channels[prev].Name
			})
		for k, d := range ds {
			out[k] = d
		}
	}
	return out
}
