package wizard

// Building the manifest from the wizard's answers, and the way back for edit mode: when a
// guild already has a deployed manifest, /setup starts from it, every step pre-filled, and
// BuildManifest(SessionDataFromManifest(m)) gives m again.

import "strings"

// BuildManifest makes the manifest for a guild from the session's answers: the template is
// expanded into channels and each chain gets its EVM chain id. It returns the problems
// instead when the result would not be complete.
func BuildManifest(guildID string, d SessionData) (*Manifest, Problems) {
	name, _ := ValidateCommunityName(d.CommunityName)
	m := &Manifest{
		APIVersion:      APIVersion,
		Community:       Community{Name: name, GuildID: guildID},
		Chains:          ChainsFor(d.Chains),
		Assets:          append([]Asset{}, d.Assets...),
		Tiers:           cloneTiers(d.Tiers),
		ChannelTemplate: d.ChannelTemplate,
	}
	m.Channels, _ = ExpandChannels(d.ChannelTemplate, d.CustomChannels, d.Tiers)
	if d.AlertChannel != "" {
		m.Alerts = &Alerts{Channel: d.AlertChannel}
	}
	for i := range m.Channels {
		if id := d.ChannelAdopts[m.Channels[i].Key]; id != "" {
			m.Channels[i].Adopt = id
		}
	}
	// The step checks word problems the way the wizard asked the questions; the manifest
	// check then catches anything only the whole shows.
	ps := ValidateStep(StateReview, d)
	if guildID != "" && !isSnowflakeID(guildID) {
		ps = append(ps, problem("community.guildId", "Guild", "expected a Discord guild id (digits only)"))
	}
	if len(ps) == 0 {
		if v := m.Validate(); !v.Complete {
			ps = v.Problems
		}
	}
	if len(ps) > 0 {
		return nil, ps
	}
	return m.normalized(), nil
}

// SessionDataFromManifest pre-fills a session from a deployed manifest (edit mode);
// snapshotID is the snapshot it came from. Custom channels are carried only for the custom
// template: the others re-expand from the tiers.
func SessionDataFromManifest(m *Manifest, snapshotID string) SessionData {
	c := m.normalized()
	d := SessionData{
		CommunityName:   c.Community.Name,
		Chains:          chainIDs(c.Chains),
		Assets:          c.Assets,
		Tiers:           c.Tiers,
		ChannelTemplate: c.ChannelTemplate,
		AlertChannel:    c.AlertChannel(),
		EditOf:          snapshotID,
	}
	if c.ChannelTemplate == TemplateCustom {
		d.CustomChannels = c.Channels
	}
	for _, ch := range c.Channels {
		if ch.Adopt != "" {
			if d.ChannelAdopts == nil {
				d.ChannelAdopts = map[string]string{}
			}
			d.ChannelAdopts[ch.Key] = ch.Adopt
		}
	}
	return d
}

// NewAssetID returns an id for a new asset: "asset-<n>" with n one more than the highest used,
// so an id is not handed out again while a higher one exists. Ids in reserved (for
// example keys of an old manifest) are skipped too.
func NewAssetID(assets []Asset, reserved ...string) string {
	ids := make([]string, 0, len(assets)+len(reserved))
	for _, a := range assets {
		ids = append(ids, a.ID)
	}
	return nextID("asset-", append(ids, reserved...))
}

// NewTierID returns an id for a new tier: "tier-<n>" with n one more than the highest used.
// Pass the tier ids of the deployed ResourceMap as reserved so that a removed tier's id —
// and with it its Discord role — is never given to a different tier.
func NewTierID(tiers []Tier, reserved ...string) string {
	ids := make([]string, 0, len(tiers)+len(reserved))
	for _, t := range tiers {
		ids = append(ids, t.ID)
	}
	return nextID("tier-", append(ids, reserved...))
}

// NewChannelKey returns a key for a new custom channel: "chan-<n>".
func NewChannelKey(chs []Channel, reserved ...string) string {
	ids := make([]string, 0, len(chs)+len(reserved))
	for _, c := range chs {
		ids = append(ids, c.Key)
	}
	return nextID("chan-", append(ids, reserved...))
}

func nextID(prefix string, used []string) string {
	max := 0
	for _, id := range used {
		rest, ok := strings.CutPrefix(id, prefix)
		if !ok || rest == "" || len(rest) > 9 || !allDigits(rest) {
			continue
		}
		n := 0
		for _, c := range rest {
			n = n*10 + int(c-'0')
		}
		if n > max {
			max = n
		}
	}
	return prefix + itoa(max+1)
}
