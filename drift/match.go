package drift

import (
	"sort"

	"github.com/arrakis-bot/arrakis/wizard"
)

// matching is which live roles and channels are the managed ones. Compare, Plan and
// Resources all start from it, so they always agree on what "the Gold role" is.
//
// Ownership (DESIGN §5): a live role, category or channel is managed only when the desired
// manifest adopts it by id, or its id is in the shadow's ResourceMap as one the bot created.
// Nothing is ever matched by name: a live role or channel that merely shares a name with
// one of the manifest's is not Arrakis's (Collisions reports it so the admin can choose).
// A ResourceMap entry the bot adopted stands for the desired resource only while the
// manifest still adopts it; when the manifest drops the adoption, the bot stops managing
// it.
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

	// adopted are ids the admin owns and lent the bot (adopted now or by the shadow):
	// never claimed as created resources, never extra, never pruned.
	adopted map[string]bool
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
	if shadow != nil {
		res = shadow.Resources
	}
	m.adopted = adoptedIDs(shadow)
	for _, t := range desired.Tiers {
		if t.Role.Adopt != "" {
			m.adopted[t.Role.Adopt] = true
		}
	}
	for _, c := range desired.Channels {
		if c.Adopt != "" {
			m.adopted[c.Adopt] = true
		}
	}
	m.matchRoles(res)
	m.matchChannels(res)
	m.findExtras(res)
	return m
}

// adoptedIDs are the ids the shadow knows as adopted: marked so in its ResourceMap, or
// adopted by the deployed manifest (records written before the marks existed).
func adoptedIDs(shadow *Shadow) map[string]bool {
	out := map[string]bool{}
	if shadow == nil {
		return out
	}
	for id, a := range shadow.Resources.Adopted {
		if a {
			out[id] = true
		}
	}
	if sm := shadow.Manifest; sm != nil {
		for _, t := range sm.Tiers {
			if t.Role.Adopt != "" {
				out[t.Role.Adopt] = true
			}
		}
		for _, c := range sm.Channels {
			if c.Adopt != "" {
				out[c.Adopt] = true
			}
		}
	}
	return out
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
		if id == "" || m.adopted[id] {
			continue
		}
		if i, ok := m.roleIdx[id]; ok && m.matchable(&m.g.Roles[i]) {
			m.claimRole(t.ID, id)
		}
	}
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

// adoptableType reports whether a live channel's type is one the manifest can express
// (text, voice, category); announcement, forum, stage channels and threads are never
// adopted.
func adoptableType(t ChannelType) bool {
	return t == TypeText || t == TypeVoice || t == TypeCategory
}

func (m *matching) matchChannels(res wizard.ResourceMap) {
	chans := m.desired.Channels
	for _, c := range chans {
		if c.Adopt == "" {
			continue
		}
		if i, ok := m.chanIdx[c.Adopt]; ok && m.idChan[c.Adopt] == "" && adoptableType(m.g.Channels[i].Type) {
			m.claimChan(c.Key, c.Adopt)
		}
	}
	for _, c := range chans {
		if _, done := m.chanID[c.Key]; done || c.Adopt != "" {
			continue
		}
		id := res.Channels[c.Key]
		if id == "" || m.adopted[id] {
			continue
		}
		if _, ok := m.chanIdx[id]; ok && m.idChan[id] == "" {
			m.claimChan(c.Key, id)
		}
	}
}

// findExtras lists what the shadow says the bot made that nothing desired matched and
// that still exists. A role or channel the bot adopted was the admin's, not made by the
// bot, so it is never an extra (and never pruned): dropping it only stops managing it.
// Keys that a desired tier or channel now uses get the live id appended, so that the
// ResourceMap can carry both.
func (m *matching) findExtras(res wizard.ResourceMap) {
	adopted := m.adopted
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
		if _, ok := m.chanIdx[id]; !ok || id == "" || seen[id] || adopted[id] || m.idChan[id] != "" {
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
	for _, t := range m.desired.Tiers {
		if id := m.tierRole[t.ID]; t.Role.Adopt != "" && id == t.Role.Adopt {
			r.MarkAdopted(id)
		}
	}
	for _, c := range m.desired.Channels {
		if id := m.chanID[c.Key]; c.Adopt != "" && id == c.Adopt {
			r.MarkAdopted(id)
		}
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
