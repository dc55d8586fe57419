package wizard

// Validation of a whole manifest and of each wizard step. A manifest is checked at two
// levels: *deployable* means the layout — tiers with ids and names, their roles, the
// channels — is complete and within Discord's limits, which is all plan and apply need;
// *complete* adds the community name, the chains with their EVM chain ids, the assets and
// every tier's rules, which the wizard requires before it deploys.

import "fmt"

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
	ps = append(ps, ValidateAlertChannel(m.AlertChannel())...)
	if ValidTemplate(m.ChannelTemplate) && m.ChannelTemplate != TemplateCustom {
		want, _ := ExpandChannels(m.ChannelTemplate, nil, m.Tiers)
		if !sameChannels(want, m.Channels) {
			path, what := templateDifference(m.ChannelTemplate, want, m.Channels)
			ps = append(ps, problem(path, "Channels", what+"; to keep the change, set channelTemplate to custom (the channel list is then yours to edit), or undo it"))
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

// ValidateAlertChannel checks an alert channel id ("" means none, which is valid). Whether
// the channel exists and is a text channel is for the bot to check against the live guild.
func ValidateAlertChannel(id string) Problems {
	if id != "" && !isSnowflakeID(id) {
		return Problems{problem("alerts.channel", "Alert channel", "expected a Discord channel id (digits only; right-click the channel → Copy Channel ID), got "+quote(id))}
	}
	return nil
}

// templateDifference names the first channel where have differs from what template makes
// (want), as a path and a phrase.
func templateDifference(template string, want, have []Channel) (string, string) {
	made := "the " + template + " template"
	for i := 0; i < len(want) && i < len(have); i++ {
		w, h := want[i], have[i]
		if w == h {
			continue
		}
		path := indexPath("channels", i)
		switch {
		case w.Key != h.Key:
			return path, fmt.Sprintf("channel %s is not where %s puts it (it makes %s there)", quote(h.Name), made, quote(w.Name))
		case w.Name != h.Name:
			return path + ".name", fmt.Sprintf("channel %s was renamed from %s, the name %s gives it", quote(h.Name), quote(w.Name), made)
		case w.Type != h.Type:
			return path + ".type", fmt.Sprintf("channel %s is a %s channel, but %s makes it a %s channel", quote(h.Name), h.Type, made, w.Type)
		case w.Parent != h.Parent:
			return path + ".parent", fmt.Sprintf("channel %s was moved from the category %s gives it", quote(h.Name), made)
		case w.Topic != h.Topic:
			return path + ".topic", fmt.Sprintf("the topic of channel %s differs from the one %s gives it", quote(h.Name), made)
		case w.MinTier != h.MinTier:
			return path + ".minTier", fmt.Sprintf("channel %s is gated at %s, but %s gates it at %s", quote(h.Name), orPublic(h.MinTier), made, orPublic(w.MinTier))
		}
		return path, fmt.Sprintf("channel %s differs from the one %s makes", quote(h.Name), made)
	}
	if len(have) > len(want) {
		return indexPath("channels", len(want)), fmt.Sprintf("channel %s was added to the ones %s makes", quote(have[len(want)].Name), made)
	}
	return "channels", fmt.Sprintf("channel %s, which %s makes, is missing", quote(want[len(have)].Name), made)
}

func orPublic(tier string) string {
	if tier == "" {
		return "nothing (public)"
	}
	return "tier " + tier
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
		return append(ps, ValidateAlertChannel(d.AlertChannel)...)
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
