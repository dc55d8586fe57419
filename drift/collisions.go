package drift

import (
	"strings"

	"github.com/arrakis-bot/arrakis/wizard"
)

// A name collision: the plan would create a role or channel whose name equals, exactly
// or ignoring case, one that already exists in the guild and that Arrakis does not
// manage. Drift never resolves it by itself (nothing is matched by name); the admin sees
// it in the review, in `arrakis plan` and in /drift, and chooses to adopt the existing
// one (adopt: its id) or to create another next to it.

// Collision kinds.
const (
	CollisionRole    = "role"
	CollisionChannel = "channel"
)

// Collision is one desired resource the plan creates that shares its name with an
// unmanaged live one.
type Collision struct {
	Kind     string      `json:"kind"` // CollisionRole or CollisionChannel
	Key      string      `json:"key"`  // tier id or channel key
	Name     string      `json:"name"` // the manifest's name
	Type     ChannelType `json:"type,omitempty"`
	LiveID   string      `json:"liveId"`
	LiveName string      `json:"liveName"`
	LiveType ChannelType `json:"liveType,omitempty"`
	// Exact is true when the names are equal, false when they differ only in case.
	Exact bool `json:"exact"`
	// Adoptable says whether the existing one may be adopted for this key: a role not
	// managed by an integration, a channel of the same type.
	Adoptable bool `json:"adoptable"`
}

// ID names a collision's choice ("role:t1", "channel:members") for sessions and
// components.
func (c Collision) ID() string { return c.Kind + ":" + c.Key }

// Collisions lists, in manifest order (tiers, then channels; live ids ascending), every
// role or channel the plan creates whose name equals an unmanaged live one's.
func Collisions(desired *wizard.Manifest, shadow *Shadow, actual Guild) []Collision {
	m := newMatching(desired, shadow, &actual)
	var out []Collision
	extraRole := m.extraRole
	extraChan := map[string]bool{}
	for _, e := range m.extraChans {
		extraChan[e.id] = true
	}
	for _, t := range m.desired.Tiers {
		if t.Role.Adopt != "" || m.tierRole[t.ID] != "" {
			continue
		}
		for _, i := range m.sortedRoleIdx() {
			r := &m.g.Roles[i]
			if r.ID == m.g.ID || r.ID == m.g.BotRoleID || m.roleTier[r.ID] != "" || extraRole[r.ID] != "" {
				continue
			}
			if strings.EqualFold(r.Name, t.Role.Name) {
				out = append(out, Collision{Kind: CollisionRole, Key: t.ID, Name: t.Role.Name, LiveID: r.ID, LiveName: r.Name,
					Exact: r.Name == t.Role.Name, Adoptable: !r.Managed})
			}
		}
	}
	for _, c := range m.desired.Channels {
		if c.Adopt != "" {
			continue
		}
		if _, ok := m.chanID[c.Key]; ok {
			continue
		}
		want := liveType(c.Type)
		for _, i := range m.sortedChanIdx() {
			l := &m.g.Channels[i]
			if m.idChan[l.ID] != "" || extraChan[l.ID] || (l.Type == TypeCategory) != (want == TypeCategory) {
				continue
			}
			if strings.EqualFold(l.Name, c.Name) {
				out = append(out, Collision{Kind: CollisionChannel, Key: c.Key, Name: c.Name, Type: want, LiveID: l.ID,
					LiveName: l.Name, LiveType: l.Type, Exact: l.Name == c.Name, Adoptable: l.Type == want && adoptableType(l.Type)})
			}
		}
	}
	return out
}

func (m *matching) sortedRoleIdx() []int {
	idx := make([]int, len(m.g.Roles))
	for i := range idx {
		idx[i] = i
	}
	sortByID(idx, func(i int) string { return m.g.Roles[i].ID })
	return idx
}

func (m *matching) sortedChanIdx() []int {
	idx := make([]int, len(m.g.Channels))
	for i := range idx {
		idx[i] = i
	}
	sortByID(idx, func(i int) string { return m.g.Channels[i].ID })
	return idx
}

func sortByID(idx []int, id func(int) string) {
	for i := 1; i < len(idx); i++ {
		for j := i; j > 0 && idLess(id(idx[j]), id(idx[j-1])); j-- {
			idx[j], idx[j-1] = idx[j-1], idx[j]
		}
	}
}

// DescribeCollision words a collision for people, with names (callers add the advice
// that fits where it is shown: buttons in Discord, adopt: in a manifest file).
func DescribeCollision(c Collision) string {
	what := "role"
	if c.Kind == CollisionChannel {
		what = kindNoun(c.Type)
	}
	same := "the same name"
	if !c.Exact {
		same = "the same name up to case"
	}
	s := "The " + what + " “" + c.Name + "” would be created, but the server already has “" + c.LiveName + "” (id " + c.LiveID + ", " + same + "), which Arrakis does not manage"
	if !c.Adoptable {
		s += "; it cannot be adopted"
		if c.Kind == CollisionChannel && c.LiveType != c.Type {
			s += " (it is a " + kindNoun(c.LiveType) + ")"
		}
	}
	return s
}

func kindNoun(t ChannelType) string {
	switch t {
	case TypeCategory:
		return "category"
	case TypeVoice:
		return "voice channel"
	case TypeText:
		return "channel"
	}
	return "channel of another kind"
}
