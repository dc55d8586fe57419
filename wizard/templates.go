package wizard

// Channel templates turn the tier list into concrete channels here, in wizard, so that the
// review screen, deploy and drift all read one list (Manifest.Channels). Every key a
// template makes derives from a tier id, never from a position or a name, so re-expanding
// after the admin renames, adds or reorders tiers keeps the ResourceMap keys — and with
// them the Discord channels — of the tiers that remain.
//
// Access follows the manifest rule: a channel gated at a tier is seen by that tier and
// every higher one.

import "strings"

// Channel templates.
const (
	// TemplateNone makes no channels: the community only gets its tier roles.
	TemplateNone = "none"
	// TemplateAdditiveOnly makes one category "Members" (key "members", gated at tier 1)
	// holding one text channel per tier, named after the tier and gated at it (key
	// "tier-<id>-chat"). Higher tiers therefore see their own channel and every lower
	// tier's: access adds up as members climb.
	TemplateAdditiveOnly = "additive_only"
	// TemplateParallelMirror makes, per tier, a category named after the tier (key
	// "tier-<id>", gated at the tier) holding a text channel (key "tier-<id>-chat") and a
	// voice channel (key "tier-<id>-voice"), all gated at that tier: every tier gets the
	// same layout, side by side, and higher tiers see the lower tiers' categories too.
	TemplateParallelMirror = "parallel_mirror"
	// TemplateCustom uses the admin's own channel list as given.
	TemplateCustom = "custom"
)

// Templates lists the channel templates in the order the wizard offers them.
var Templates = []string{TemplateNone, TemplateAdditiveOnly, TemplateParallelMirror, TemplateCustom}

var templateTitles = map[string]string{
	TemplateNone:           "No channels (roles only)",
	TemplateAdditiveOnly:   "One members category, a channel per tier",
	TemplateParallelMirror: "A category per tier with text and voice",
	TemplateCustom:         "Custom channels",
}

// TemplateTitle is a template's name as an admin sees it.
func TemplateTitle(template string) string { return templateTitles[template] }

// ValidTemplate reports whether t is one of the four templates.
func ValidTemplate(t string) bool { return templateTitles[t] != "" }

// Keys of template channels.
const additiveCategoryKey = "members"

// TierCategoryKey, TierChatKey and TierVoiceKey are the keys templates give a tier's
// channels.
func TierCategoryKey(tierID string) string { return "tier-" + tierID }
func TierChatKey(tierID string) string     { return "tier-" + tierID + "-chat" }
func TierVoiceKey(tierID string) string    { return "tier-" + tierID + "-voice" }

// ExpandChannels returns the channels a template makes for tiers, validated. For custom it
// returns a copy of custom; the other templates ignore custom.
func ExpandChannels(template string, custom []Channel, tiers []Tier) ([]Channel, Problems) {
	var chs []Channel
	switch template {
	case TemplateNone:
		chs = []Channel{}
	case TemplateAdditiveOnly:
		chs = expandAdditive(tiers)
	case TemplateParallelMirror:
		chs = expandParallel(tiers)
	case TemplateCustom:
		chs = append([]Channel{}, custom...)
	case "":
		return nil, Problems{problem("channelTemplate", "Channel template", "choose a channel template: none, additive_only, parallel_mirror or custom")}
	default:
		return nil, Problems{problem("channelTemplate", "Channel template", "unknown template "+quote(template)+"; choose none, additive_only, parallel_mirror or custom")}
	}
	return chs, ValidateChannels(chs, tiers, 0)
}

func expandAdditive(tiers []Tier) []Channel {
	if len(tiers) == 0 {
		return []Channel{}
	}
	chs := []Channel{{Key: additiveCategoryKey, Name: "Members", Type: ChannelCategory, MinTier: tiers[0].ID}}
	for i, t := range tiers {
		chs = append(chs, Channel{
			Key: TierChatKey(t.ID), Name: tierSlug(t, i), Type: ChannelText,
			Parent: additiveCategoryKey, Topic: tierTopic(t, i), MinTier: t.ID,
		})
	}
	return chs
}

func expandParallel(tiers []Tier) []Channel {
	chs := []Channel{}
	for i, t := range tiers {
		cat := TierCategoryKey(t.ID)
		chs = append(chs,
			Channel{Key: cat, Name: tierDisplay(t, i), Type: ChannelCategory, MinTier: t.ID},
			Channel{Key: TierChatKey(t.ID), Name: tierSlug(t, i), Type: ChannelText, Parent: cat, Topic: tierTopic(t, i), MinTier: t.ID},
			Channel{Key: TierVoiceKey(t.ID), Name: strings.TrimSpace(truncateRunes(tierDisplay(t, i)+" Voice", ChannelNameMax)), Type: ChannelVoice, Parent: cat, MinTier: t.ID},
		)
	}
	return chs
}

// tierDisplay is a tier's name, or "Tier N" when it has none yet.
func tierDisplay(t Tier, i int) string {
	if _, msg := checkName(t.Name, 1, TierNameMax); msg != "" {
		return "Tier " + itoa(i+1)
	}
	return t.Name
}

// tierSlug is a text-channel name for a tier: its name normalised, or "tier-N".
func tierSlug(t Tier, i int) string {
	if s := NormalizeChannelName(t.Name); s != "" {
		return s
	}
	return "tier-" + itoa(i+1)
}

func tierTopic(t Tier, i int) string {
	return "Open to " + tierDisplay(t, i) + " and every higher tier."
}

func truncateRunes(s string, max int) string {
	if runeLen(s) <= max {
		return s
	}
	return string([]rune(s)[:max])
}
