package drift

import "github.com/arrakis-bot/arrakis/wizard"

// What an edit of the manifest means beyond the plan's writes, for the review and `plan`:
// channels whose access changes (above all, gated channels that would become open to
// everyone) and what leaves the manifest. Both compare the deployed manifest with the
// desired one by tier id and channel key.

// AccessChange is a channel (or category) kept by the desired manifest whose minimum
// tier differs from the deployed one's. From and To are tier ids, "" meaning open to
// everyone; FromName and ToName are those tiers' names.
type AccessChange struct {
	Key, Name        string
	Type             wizard.ChannelType
	From, To         string
	FromName, ToName string
	// FromRemoved says From's tier is not in the desired manifest any more.
	FromRemoved bool
}

// Public reports whether a gated channel becomes open to everyone.
func (a AccessChange) Public() bool { return a.From != "" && a.To == "" }

// AccessChanges lists, in the desired manifest's channel order, every kept channel whose
// access changes. Nil deployed (nothing deployed yet) changes nothing.
func AccessChanges(deployed, desired *wizard.Manifest) []AccessChange {
	if deployed == nil || desired == nil {
		return nil
	}
	var out []AccessChange
	for _, c := range desired.Channels {
		i := wizard.ChannelByKey(deployed.Channels, c.Key)
		if i < 0 || deployed.Channels[i].MinTier == c.MinTier {
			continue
		}
		from := deployed.Channels[i].MinTier
		out = append(out, AccessChange{
			Key: c.Key, Name: c.Name, Type: c.Type, From: from, To: c.MinTier,
			FromName: tierName(deployed, from), ToName: tierName(desired, c.MinTier),
			FromRemoved: from != "" && desired.TierIndex(from) < 0,
		})
	}
	return out
}

// Removal is a tier's role or a channel the deployed manifest has and the desired one
// does not: it stops being managed, and only a confirmed prune may delete it.
type Removal struct {
	Kind string // "role", or the channel's type (text, voice, category)
	Key  string // tier id or channel key
	Name string
}

// Removals lists what leaves the manifest: tiers' roles first, then channels, in the
// deployed manifest's order.
func Removals(deployed, desired *wizard.Manifest) []Removal {
	if deployed == nil || desired == nil {
		return nil
	}
	var out []Removal
	for _, t := range deployed.Tiers {
		if desired.TierIndex(t.ID) < 0 {
			out = append(out, Removal{Kind: "role", Key: t.ID, Name: t.Role.Name})
		}
	}
	for _, c := range deployed.Channels {
		if wizard.ChannelByKey(desired.Channels, c.Key) < 0 {
			out = append(out, Removal{Kind: string(c.Type), Key: c.Key, Name: c.Name})
		}
	}
	return out
}

// DescribeAccess words an access change for the terminal, e.g.
// "#vip: gated at tier “Gold” (removed from the manifest) → open to everyone".
func DescribeAccess(a AccessChange) string {
	c := &wizard.Channel{Type: a.Type}
	s := channelLabel(c, a.Name) + ": " + accessWords(a.From, a.FromName)
	if a.FromRemoved {
		s += " (removed from the manifest)"
	}
	return s + " → " + accessWords(a.To, a.ToName)
}

func accessWords(tier, name string) string {
	if tier == "" {
		return "open to everyone"
	}
	if name == "" {
		name = tier
	}
	return "gated at tier “" + name + "”"
}

func tierName(m *wizard.Manifest, id string) string {
	if i := m.TierIndex(id); i >= 0 {
		return m.Tiers[i].Name
	}
	return ""
}
