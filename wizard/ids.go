package wizard

// Ids of assets, tiers and channels are never reused within a community: a new one skips
// every id the session holds, the deployed ResourceMap's keys and the retired ids.

// ReservedIDs are the ids a new asset, tier or channel must not take besides those in use.
func (d *SessionData) ReservedIDs() []string {
	out := make([]string, 0, len(d.DeployedKeys)+len(d.RetiredIDs))
	out = append(out, d.DeployedKeys...)
	return append(out, d.RetiredIDs...)
}

// Retire records that id is no longer used, so it is never handed out again.
func (d *SessionData) Retire(id string) {
	if id == "" || contains(d.RetiredIDs, id) {
		return
	}
	d.RetiredIDs = append(d.RetiredIDs, id)
}

// ManifestIDs lists the asset ids, tier ids and custom channel keys a manifest uses.
func ManifestIDs(m *Manifest) []string {
	if m == nil {
		return nil
	}
	var out []string
	for _, a := range m.Assets {
		out = append(out, a.ID)
	}
	for _, t := range m.Tiers {
		out = append(out, t.ID)
	}
	if m.ChannelTemplate == TemplateCustom { // a template's keys are derived, not handed out
		for _, c := range m.Channels {
			out = append(out, c.Key)
		}
	}
	return out
}

// RulesUsingAsset lists, per tier index, the indexes of the rules that check asset id.
func RulesUsingAsset(tiers []Tier, id string) map[int][]int {
	out := map[int][]int{}
	for i, t := range tiers {
		for j, r := range t.Rules {
			if r.Asset == id {
				out[i] = append(out[i], j)
			}
		}
	}
	return out
}

// RemoveAsset removes asset id and every rule that checks it, and retires the id.
func (d *SessionData) RemoveAsset(id string) {
	var assets []Asset
	for _, a := range d.Assets {
		if a.ID != id {
			assets = append(assets, a)
		}
	}
	d.Assets = assets
	for i := range d.Tiers {
		rules := make([]Rule, 0, len(d.Tiers[i].Rules))
		for _, r := range d.Tiers[i].Rules {
			if r.Asset != id {
				rules = append(rules, r)
			}
		}
		d.Tiers[i].Rules = rules
	}
	d.Retire(id)
}
