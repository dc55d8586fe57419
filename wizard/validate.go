package wizard

// Validation of a whole manifest and of each wizard step. A manifest is checked at two
// levels: *deployable* means the layout — tiers with ids and names, their roles, the
// channels — is complete and within Discord's limits, which is all plan and apply need;
// *complete* adds the community name, the chains with their EVM chain ids, the assets and
// every tier's rules, which the wizard requires before it deploys.

// Validation is the result of Manifest.Validate.
type Validation struct {
	Deployable bool
	Complete   bool
	Problems   Problems
}

// Validate checks m at both levels. Problems lists layout problems first.
func (m *Manifest) Validate() Validation {
	layout := m.layoutProblems()
	rest := m.contentProblems()
	return Validation{
		Deployable: len(layout) == 0,
		Complete:   len(layout) == 0 && len(rest) == 0,
		Problems:   append(layout, rest...),
	}
}

// layoutProblems is what makes m not deployable.
func (m *Manifest) layoutProblems() Problems {
	var ps Problems
	if m.APIVersion != APIVersion {
		ps = append(ps, problem("apiVersion", "Manifest version", "expected "+quote(APIVersion)+", got "+quote(m.APIVersion)))
	}
	ps = append(ps, validateTierLayout(m.Tiers)...)
	ps = append(ps, ValidateRoleMappings(m.Tiers)...)
	if !ValidTemplate(m.ChannelTemplate) {
		if m.ChannelTemplate == "" {
			ps = append(ps, problem("channelTemplate", "Channel template", "choose a channel template: none, additive_only, parallel_mirror or custom"))
		} else {
			ps = append(ps, problem("channelTemplate", "Channel template", "unknown template "+quote(m.ChannelTemplate)+"; use none, additive_only, parallel_mirror or custom"))
		}
	}
	ps = append(ps, ValidateChannels(m.Channels, m.Tiers, 0)...)
	if ValidTemplate(m.ChannelTemplate) && m.ChannelTemplate != TemplateCustom {
		want, _ := ExpandChannels(m.ChannelTemplate, nil, m.Tiers)
		if !sameChannels(want, m.Channels) {
			ps = append(ps, problem("channels", "Channels", "the channels differ from what the "+m.ChannelTemplate+
				" template makes for these tiers; set channelTemplate to custom to keep a hand-edited list, or let the wizard expand the template again"))
		}
	}
	return ps
}

// contentProblems is what, beyond the layout, makes m not complete.
func (m *Manifest) contentProblems() Problems {
	_, ps := ValidateCommunityName(m.Community.Name)
	if m.Community.Name != "" && m.Community.Name != trimSpace(m.Community.Name) {
		ps = append(ps, problem("community.name", "Community name", "remove the spaces at the start or end"))
	}
	if m.Community.GuildID != "" && !isSnowflakeID(m.Community.GuildID) {
		ps = append(ps, problem("community.guildId", "Guild", "expected a Discord guild id (digits only)"))
	}
	ps = append(ps, validateManifestChains(m.Chains)...)
	ps = append(ps, ValidateAssets(m.Assets, chainIDs(m.Chains))...)
	ps = append(ps, validateTierRules(m.Tiers, m.Assets)...)
	return ps
}

func sameChannels(a, b []Channel) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		x.Adopt, y.Adopt = "", "" // a template's channel may adopt an existing one
		if x != y {
			return false
		}
	}
	return true
}

// ValidateStep says what must hold before the wizard leaves state forward. Each step
// checks its own answers against earlier ones (an asset's chain among the selected
// chains); REVIEW re-checks everything. Going back is always allowed and needs no check.
func ValidateStep(state State, d SessionData) Problems {
	switch state {
	case StateInit:
		_, ps := ValidateCommunityName(d.CommunityName)
		return ps
	case StateChainSelect:
		return ValidateChains(d.Chains)
	case StateAssetConfig:
		return ValidateAssets(d.Assets, d.Chains)
	case StateEligibilityRules:
		return ValidateTiers(d.Tiers, d.Assets)
	case StateRoleMapping:
		if len(d.Tiers) == 0 {
			return Problems{problem("tiers", "Tiers", "add tiers in the Eligibility rules step first")}
		}
		return ValidateRoleMappings(d.Tiers)
	case StateChannelStructure:
		_, ps := ExpandChannels(d.ChannelTemplate, d.CustomChannels, d.Tiers)
		return ps
	case StateReview:
		var ps Problems
		for _, s := range States[:StateReview.Step()-1] {
			ps = append(ps, ValidateStep(s, d)...)
		}
		return ps
	case StateDeploy:
		return Problems{problem("", "Deploy", "deploy is the last step; there is no step after it")}
	}
	return Problems{problem("", "Step", "unknown wizard step "+quote(string(state)))}
}
