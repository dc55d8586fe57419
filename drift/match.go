package drift

import (
	"sort"
	"strings"

	"github.com/arrakis-bot/arrakis/wizard"
)

// matching is which live roles and channels are the managed ones. Compare, Plan and
// Resources all start from it, so they always agree on what "the Gold role" is.
//
// Roles: an adopted role is its Adopt id; otherwise the shadow's ResourceMap id, then the
// exact name, then the name ignoring case, among live roles not yet matched that are
// neither @everyone, the bot's role nor managed by an integration. Channels: the shadow's
// id, then (name, type, parent) among live channels not yet matched; categories first,
// so a channel's parent is known before it is matched.
type matching struct {
	desired *wizard.Manifest
	g       *Guild

	roleIdx map[string]int // live role id → index in g.Roles
	chanIdx map[string]int // live channel id → index in g.Channels

	tierRole map[string]string // tier id → live role id
	roleTier map[string]string // live role id → tier id (desired tiers only)
	chanID   map[string]string // channel key → live channel id
	idChan   map[string]string // live channel id → channel key (desired only)

	tierIdx  map[string]int // tier id → index in desired.Tiers
	keyIdx   map[string]int // channel key → index in desired.Channels
	category map[string]int // category key → index in desired.Channels

	// extras: resources in the shadow's ResourceMap the desired manifest no longer
	// matches, still live. key is the shadow key, made unique against desired keys.
	extraRoles []extra
	extraChans []extra
	extraRole  map[string]string // live role id → extra key
}

type extra struct{ key, id string }

func newMatching(desired *wizard.Manifest, shadow *Shadow, g *Guild) *matching {
	if desired == nil { // nothing desired: everything the shadow made is extra
		desired = &wizard.Manifest{}
	}
	m := &matching{
		desired:   desired,
		g:         g,
		roleIdx:   make(map[string]int, len(g.Roles)),
		chanIdx:   make(map[string]int, len(g.Channels)),
		tierRole:  map[string]string{},
		roleTier:  map[string]string{},
		chanID:    map[string]string{},
		idChan:    map[string]string{},
		tierIdx:   map[string]int{},
		keyIdx:    map[string]int{},
		category:  map[string]int{},
		extraRole: map[string]string{},
	}
	for i, r := range g.Roles {
		m.roleIdx[r.ID] = i
	}
	for i, c := range g.Channels {
		m.chanIdx[c.ID] = i
	}
	for i, t := range desired.Tiers {
		if _, dup := m.tierIdx[t.ID]; !dup {
			m.tierIdx[t.ID] = i
		}
	}
	for i, c := range desired.Channels {
		if _, dup := m.keyIdx[c.Key]; !dup {
			m.keyIdx[c.Key] = i
		}
		if c.Type == wizard.ChannelCategory {
			if _, dup := m.category[c.Key]; !dup {
				m.category[c.Key] = i
			}
		}
	}
	var res wizard.ResourceMap
	adopted := map[string]bool{}
	if shadow != nil {
		res = shadow.Resources
		if shadow.Manifest != nil {
			for _, t := range shadow.Manifest.Tiers {
				if t.Role.Adopt != "" {
					adopted[t.Role.Adopt] = true
				}
			}
		}
	}
	m.matchRoles(res)
	m.matchChannels(res)
	m.findExtras(res, adopted)
	return m
}

// matchable reports whether a live role may stand for a created tier role.
func (m *matching) matchable(r *Role) bool {
	return !r.Managed && r.ID != m.g.ID && r.ID != m.g.BotRoleID && m.roleTier[r.ID] == ""
}

func (m *matching) claimRole(tier, id string) {
	m.tierRole[tier] = id
	m.roleTier[id] = tier
}

func (m *matching) matchRoles(res wizard.ResourceMap) {
	tiers := m.desired.Tiers
	for _, t := range tiers {
		if t.Role.Adopt == "" || m.tierRole[t.ID] != "" {
			continue
		}
		if _, ok := m.roleIdx[t.Role.Adopt]; ok && m.roleTier[t.Role.Adopt] == "" {
			m.claimRole(t.ID, t.Role.Adopt)
		}
	}
	for _, t := range tiers {
		if t.Role.Adopt != "" || m.tierRole[t.ID] != "" {
			continue
		}
		id := res.Roles[t.ID]
		if i, ok := m.roleIdx[id]; ok && id != "" && m.matchable(&m.g.Roles[i]) {
			m.claimRole(t.ID, id)
		}
	}
	// Name passes: exact, then ignoring case. Candidates are tried oldest first so that
	// the choice does not depend on the order the guild was read in.
	for pass := 0; pass < 2; pass++ {
		var byName map[string][]string
		for _, t := range tiers {
			if t.Role.Adopt != "" || m.tierRole[t.ID] != "" {
				continue
			}
			if byName == nil {
				byName = m.rolesByName(pass == 1)
			}
			name := t.Role.Name
			if pass == 1 {
				name = strings.ToLower(name)
			}
			for _, id := range byName[name] {
				if m.matchable(&m.g.Roles[m.roleIdx[id]]) {
					m.claimRole(t.ID, id)
					break
				}
			}
		}
	}
}

func (m *matching) rolesByName(fold bool) map[string][]string {
	by := map[string][]string{}
	for i := range m.g.Roles {
		r := &m.g.Roles[i]
		if !m.matchable(r) {
			continue
		}
		name := r.Name
		if fold {
			name = strings.ToLower(name)
		}
		by[name] = append(by[name], r.ID)
	}
	for _, ids := range by {
		sort.Slice(ids, func(i, j int) bool { return idLess(ids[i], ids[j]) })
	}
	return by
}

// parentKey is the channel's parent if it names a category of the manifest, else "".
func (m *matching) parentKey(c wizard.Channel) string {
	if c.Type == wizard.ChannelCategory {
		return ""
	}
	if _, ok := m.category[c.Parent]; ok {
		return c.Parent
	}
	return ""
}

// parentID is the live id the channel's parent should have; ok is false when the parent
// category is not matched (missing), so no live channel can be in the right place yet.
func (m *matching) parentID(c wizard.Channel) (string, bool) {
	pk := m.parentKey(c)
	if pk == "" {
		return "", true
	}
	id, ok := m.chanID[pk]
	return id, ok
}

func (m *matching) claimChan(key, id string) {
	m.chanID[key] = id
	m.idChan[id] = key
}

type chanSig struct {
	name   string
	typ    ChannelType
	parent string
}

func (m *matching) matchChannels(res wizard.ResourceMap) {
	chans := m.desired.Channels
	for _, c := range chans {
		if _, done := m.chanID[c.Key]; done {
			continue
		}
		id := res.Channels[c.Key]
		if _, ok := m.chanIdx[id]; ok && id != "" && m.idChan[id] == "" {
			m.claimChan(c.Key, id)
		}
	}
	var by map[chanSig][]string
	for round := 0; round < 2; round++ { // categories, then the rest
		for _, c := range chans {
			if (c.Type == wizard.ChannelCategory) != (round == 0) {
				continue
			}
			if _, done := m.chanID[c.Key]; done {
				continue
			}
			pid, ok := m.parentID(c)
			if !ok {
				continue
			}
			if by == nil {
				by = m.channelsBySig()
			}
			sig := chanSig{c.Name, liveType(c.Type), pid}
			for _, id := range by[sig] {
				if m.idChan[id] == "" {
					m.claimChan(c.Key, id)
					break
				}
			}
		}
	}
}

func (m *matching) channelsBySig() map[chanSig][]string {
	by := map[chanSig][]string{}
	for _, c := range m.g.Channels {
		if m.idChan[c.ID] != "" {
			continue
		}
		s := chanSig{c.Name, c.Type, c.ParentID}
		by[s] = append(by[s], c.ID)
	}
	for _, ids := range by {
		sort.Slice(ids, func(i, j int) bool { return idLess(ids[i], ids[j]) })
	}
	return by
}

// findExtras lists what the shadow says the bot made that nothing desired matched and
// that still exists. A role the deployed manifest adopted was the admin's, not made by
// the bot, so it is never an extra (and never pruned). Keys that a desired tier or
// channel now uses get the live id appended, so that the ResourceMap can carry both.
func (m *matching) findExtras(res wizard.ResourceMap, adopted map[string]bool) {
	seen := map[string]bool{}
	for _, k := range unmatchedKeys(res.Roles, m.roleTier) {
		id := res.Roles[k]
		i, ok := m.roleIdx[id]
		if !ok || id == "" || seen[id] || adopted[id] || m.roleTier[id] != "" || id == m.g.ID || id == m.g.BotRoleID || m.g.Roles[i].Managed {
			continue
		}
		seen[id] = true
		key := k
		if _, clash := m.tierIdx[k]; clash {
			key = k + "~" + id
		}
		m.extraRoles = append(m.extraRoles, extra{key, id})
		m.extraRole[id] = key
	}
	for _, k := range unmatchedKeys(res.Channels, m.idChan) {
		id := res.Channels[k]
		if _, ok := m.chanIdx[id]; !ok || id == "" || seen[id] || m.idChan[id] != "" {
			continue
		}
		seen[id] = true
		key := k
		if m.desiredChannel(k) >= 0 {
			key = k + "~" + id
		}
		m.extraChans = append(m.extraChans, extra{key, id})
	}
}

func (m *matching) desiredChannel(key string) int {
	if i, ok := m.keyIdx[key]; ok {
		return i
	}
	return -1
}

// unmatchedKeys are the keys of res whose id nothing desired matched, sorted.
func unmatchedKeys(res map[string]string, matched map[string]string) []string {
	var ks []string
	for k, id := range res {
		if matched[id] == "" {
			ks = append(ks, k)
		}
	}
	sort.Strings(ks)
	return ks
}

func (m *matching) role(id string) *Role {
	if i, ok := m.roleIdx[id]; ok {
		return &m.g.Roles[i]
	}
	return nil
}

func (m *matching) channel(id string) *Channel {
	if i, ok := m.chanIdx[id]; ok {
		return &m.g.Channels[i]
	}
	return nil
}

// resources is the matching as a ResourceMap: every desired key that has a live
// resource, plus the still-live extras, so a deploy that records it keeps knowing what
// it made and a later prune can still find it.
func (m *matching) resources() wizard.ResourceMap {
	r := wizard.NewResourceMap()
	for k, id := range m.tierRole {
		r.Roles[k] = id
	}
	for k, id := range m.chanID {
		r.Channels[k] = id
	}
	for _, e := range m.extraRoles {
		r.Roles[e.key] = e.id
	}
	for _, e := range m.extraChans {
		r.Channels[e.key] = e.id
	}
	return r
}

// Resources is the ResourceMap of what Compare and Plan consider managed right now: the
// live id of every desired tier role and channel that exists, plus resources the bot made
// earlier that the manifest no longer wants and that still exist (kept so that prune can
// find them later; a key a desired resource now uses gets "~<id>" appended). A deploy
// starts its executor from this map and records it even when the plan is empty.
func Resources(desired *wizard.Manifest, shadow *Shadow, actual Guild) wizard.ResourceMap {
	return newMatching(desired, shadow, &actual).resources()
}

// liveType maps a manifest channel type to Discord's number; an unknown type maps to -1
// so that it never matches and is always reported.
func liveType(t wizard.ChannelType) ChannelType {
	switch t {
	case wizard.ChannelText:
		return TypeText
	case wizard.ChannelVoice:
		return TypeVoice
	case wizard.ChannelCategory:
		return TypeCategory
	}
	return -1
}
