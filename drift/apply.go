package drift

import (
	"strconv"
	"strings"

	"github.com/arrakis-bot/arrakis/wizard"
)

// Apply simulates what Discord does with ops, without touching its inputs: it returns the
// guild afterwards and the ResourceMap res filled in for every resource created and
// cleared for every resource deleted. newID gives each created resource a unique,
// snowflake-shaped id (nil: 9000000001, 9000000002, …). Subjects and parents are resolved through the map as it fills, as the executor
// does. Positions are renormalised after every op the way Discord does it: roles 1..n
// bottom-up with @everyone at 0 (a new role lands at 1, just above @everyone); channels
// 0..k-1 within each parent (a new or moved channel lands last). Deleting a category
// leaves its channels at the top level; deleting a role removes its overwrites.
//
// It is the reference the plan is tested against: Compare after Apply(Plan) is empty.
func Apply(actual Guild, ops []Op, res wizard.ResourceMap, newID func() string) (Guild, wizard.ResourceMap) {
	g := cloneGuild(actual)
	r := res.Clone()
	if newID == nil {
		n := 0
		newID = func() string { n++; return strconv.Itoa(9_000_000_000 + n) }
	}
	for _, op := range ops {
		applyOp(&g, r, op, newID)
		renormalise(&g)
	}
	renormalise(&g)
	return g, r
}

func cloneGuild(a Guild) Guild {
	g := a
	g.Roles = append([]Role(nil), a.Roles...)
	g.Channels = make([]Channel, len(a.Channels))
	for i, c := range a.Channels {
		c.Overwrites = append([]Overwrite(nil), c.Overwrites...)
		g.Channels[i] = c
	}
	return g
}

func applyOp(g *Guild, r wizard.ResourceMap, op Op, newID func() string) {
	switch op.Kind {
	case OpCreateRole:
		if op.Role == nil {
			return
		}
		for i := range g.Roles {
			if g.Roles[i].ID != g.ID && g.Roles[i].Position >= 1 {
				g.Roles[i].Position++
			}
		}
		id := newID()
		g.Roles = append(g.Roles, Role{ID: id, Name: op.Role.Name, Color: op.Role.Color, Hoist: op.Role.Hoist,
			Mentionable: op.Role.Mentionable, Permissions: op.Role.Permissions, Position: 1})
		r.Roles[op.Key] = id
	case OpUpdateRole:
		rl := findRole(g, pick(op.ID, r.Roles[op.Key]))
		if rl == nil || op.Role == nil {
			return
		}
		for _, f := range fieldsOrAll(op.Fields, "name", "color", "hoist", "mentionable", "permissions") {
			switch f {
			case "name":
				rl.Name = op.Role.Name
			case "color":
				rl.Color = op.Role.Color
			case "hoist":
				rl.Hoist = op.Role.Hoist
			case "mentionable":
				rl.Mentionable = op.Role.Mentionable
			case "permissions":
				rl.Permissions = op.Role.Permissions
			}
		}
	case OpReorderRoles:
		reorderRoles(g, resolveAll(op.Order, r.Roles))
	case OpDeleteRole:
		id := pick(op.ID, r.Roles[op.Key])
		if id == "" || id == g.ID {
			return
		}
		g.Roles = removeWhere(g.Roles, func(x Role) bool { return x.ID == id })
		for i := range g.Channels {
			g.Channels[i].Overwrites = removeWhere(g.Channels[i].Overwrites, func(o Overwrite) bool {
				return o.ID == id && o.Type == OverwriteRole
			})
		}
		forget(r.Roles, id)
	case OpCreateChannel:
		if op.Channel == nil {
			return
		}
		c := Channel{ID: newID(), Name: op.Channel.Name, Type: liveType(op.Channel.Type), Topic: op.Channel.Topic}
		if op.Channel.Type != wizard.ChannelCategory && op.Channel.Parent != "" {
			c.ParentID = r.Channels[op.Channel.Parent]
		}
		c.Position = lastPosition(g, c.ParentID)
		c.Overwrites = mergeOverwrites(g, r.Roles, nil, Op{Kind: OpUpdateChannel, Overwrites: op.Overwrites})
		g.Channels = append(g.Channels, c)
		r.Channels[op.Key] = c.ID
	case OpUpdateChannel, OpSetOverwrite:
		c := findChannel(g, pick(op.ID, r.Channels[op.Key]))
		if c == nil {
			return
		}
		if op.Kind == OpSetOverwrite {
			c.Overwrites = mergeOverwrites(g, r.Roles, c.Overwrites, op)
			return
		}
		if op.Channel == nil {
			return
		}
		merged := false
		for _, f := range fieldsOrAll(op.Fields, "name", "type", "parent", "topic", "overwrite:") {
			switch {
			case f == "name":
				c.Name = op.Channel.Name
			case f == "type":
				c.Type = liveType(op.Channel.Type)
			case f == "topic":
				c.Topic = op.Channel.Topic
			case f == "parent":
				pid := ""
				if op.Channel.Type != wizard.ChannelCategory && op.Channel.Parent != "" {
					pid = r.Channels[op.Channel.Parent]
				}
				if pid != c.ParentID {
					c.ParentID = pid
					c.Position = lastPosition(g, pid)
				}
			case strings.HasPrefix(f, "overwrite:") && !merged:
				c.Overwrites = mergeOverwrites(g, r.Roles, c.Overwrites, op)
				merged = true
			}
		}
	case OpReorderChannel:
		reorderChannels(g, resolveAll(op.Order, r.Channels))
	case OpDeleteChannel:
		id := pick(op.ID, r.Channels[op.Key])
		if id == "" {
			return
		}
		g.Channels = removeWhere(g.Channels, func(c Channel) bool { return c.ID == id })
		for i := range g.Channels {
			if g.Channels[i].ParentID == id {
				g.Channels[i].ParentID = ""
			}
		}
		forget(r.Channels, id)
	}
}

func pick(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func fieldsOrAll(fields []string, all ...string) []string {
	if len(fields) > 0 {
		return fields
	}
	return all
}

func resolveAll(keys []string, mp map[string]string) []string {
	var ids []string
	seen := map[string]bool{}
	for _, k := range keys {
		if id := mp[k]; id != "" && !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	return ids
}

func forget(mp map[string]string, id string) {
	for k, v := range mp {
		if v == id {
			delete(mp, k)
		}
	}
}

func removeWhere[T any](xs []T, drop func(T) bool) []T {
	out := xs[:0]
	for _, x := range xs {
		if !drop(x) {
			out = append(out, x)
		}
	}
	return out
}

func findRole(g *Guild, id string) *Role {
	for i := range g.Roles {
		if g.Roles[i].ID == id && id != "" {
			return &g.Roles[i]
		}
	}
	return nil
}

func findChannel(g *Guild, id string) *Channel {
	for i := range g.Channels {
		if g.Channels[i].ID == id && id != "" {
			return &g.Channels[i]
		}
	}
	return nil
}

func lastPosition(g *Guild, parent string) int {
	p := -1
	for _, c := range g.Channels {
		if c.ParentID == parent && c.Position > p {
			p = c.Position
		}
	}
	return p + 1
}

// reorderRoles puts the roles ids (lowest first) into the slots they already occupy in
// the role list, so every other role keeps its place.
func reorderRoles(g *Guild, ids []string) {
	var idx []int
	for i, rl := range g.Roles {
		if rl.ID != g.ID {
			idx = append(idx, i)
		}
	}
	sortRolesBottomUp(g.Roles, idx)
	rank := map[string]int{}
	for i, id := range ids {
		rank[id] = i
	}
	var slots, members []int
	for s, i := range idx {
		if _, ok := rank[g.Roles[i].ID]; ok {
			slots = append(slots, s)
			members = append(members, i)
		}
	}
	sortByRank(members, func(i int) int { return rank[g.Roles[i].ID] })
	next := append([]int(nil), idx...)
	for n, s := range slots {
		next[s] = members[n]
	}
	for pos, i := range next {
		g.Roles[i].Position = pos + 1
	}
}

// reorderChannels does the same within each parent.
func reorderChannels(g *Guild, ids []string) {
	rank := map[string]int{}
	for i, id := range ids {
		rank[id] = i
	}
	groups := map[string][]int{}
	var parents []string
	for i, c := range g.Channels {
		if _, ok := groups[c.ParentID]; !ok {
			parents = append(parents, c.ParentID)
		}
		groups[c.ParentID] = append(groups[c.ParentID], i)
	}
	for _, p := range parents {
		idx := groups[p]
		sortChannels(g.Channels, idx)
		var slots, members []int
		for s, i := range idx {
			if _, ok := rank[g.Channels[i].ID]; ok {
				slots = append(slots, s)
				members = append(members, i)
			}
		}
		if len(members) < 2 {
			continue
		}
		sortByRank(members, func(i int) int { return rank[g.Channels[i].ID] })
		next := append([]int(nil), idx...)
		for n, s := range slots {
			next[s] = members[n]
		}
		for pos, i := range next {
			g.Channels[i].Position = pos
		}
	}
}

func sortByRank(xs []int, rank func(int) int) {
	for i := 1; i < len(xs); i++ { // insertion sort: groups are small
		for j := i; j > 0 && rank(xs[j]) < rank(xs[j-1]); j-- {
			xs[j], xs[j-1] = xs[j-1], xs[j]
		}
	}
}

// renormalise renumbers positions as Discord reports them after a change.
func renormalise(g *Guild) {
	var idx []int
	for i, rl := range g.Roles {
		if rl.ID == g.ID {
			g.Roles[i].Position = 0
			continue
		}
		idx = append(idx, i)
	}
	sortRolesBottomUp(g.Roles, idx)
	for pos, i := range idx {
		g.Roles[i].Position = pos + 1
	}
	groups := map[string][]int{}
	for i, c := range g.Channels {
		groups[c.ParentID] = append(groups[c.ParentID], i)
	}
	for _, idx := range groups {
		sortChannels(g.Channels, idx)
		for pos, i := range idx {
			g.Channels[i].Position = pos
		}
	}
}
