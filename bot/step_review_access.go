package bot

import (
	"fmt"
	"strings"

	"github.com/arrakis-bot/arrakis/drift"
	"github.com/arrakis-bot/arrakis/wizard"
)

// The review opens with who will see what: each channel with the tier roles that see it
// (and whether everyone else is shut out), then each tier's role — new, or adopted with a
// warning when it carries staff permissions, since every member of the tier would get
// them. Access is read from the manifest's own overwrites (wizard.Manifest.ChannelOverwrites),
// the same rules deploy writes.

// maxAccessLines bounds the channel list on the review; the rest is counted.
const maxAccessLines = 20

// accessTable is the review's access section for the manifest against the live guild.
func accessTable(m *wizard.Manifest, g drift.Guild) string {
	var b strings.Builder
	b.WriteString("**Who sees what**\n")
	if len(m.Channels) == 0 {
		b.WriteString("No channels: Arrakis creates only the tier roles.\n")
	}
	for i, c := range m.Channels {
		if i == maxAccessLines {
			fmt.Fprintf(&b, "…and %s more.\n", plural(len(m.Channels)-i, "channel", "channels"))
			break
		}
		b.WriteString("• " + channelAccessLine(m, c) + "\n")
	}
	b.WriteString("\n**Tier roles**\n")
	for i, t := range m.Tiers {
		b.WriteString(fmt.Sprintf("• Tier %d **%s** → %s\n", i+1, esc(t.Name), tierRoleText(t, g)))
	}
	return b.String()
}

// channelAccessLine: "#holders-chat in Holders — seen by Bronze Holder, @Gold; hidden from
// everyone else".
func channelAccessLine(m *wizard.Manifest, c wizard.Channel) string {
	name := "#" + esc(c.Name)
	switch c.Type {
	case wizard.ChannelCategory:
		name = "Category **" + esc(c.Name) + "**"
	case wizard.ChannelVoice:
		name = "Voice **" + esc(c.Name) + "**"
	default:
		name = "**#" + esc(c.Name) + "**"
	}
	if c.Parent != "" {
		if i := wizard.ChannelByKey(m.Channels, c.Parent); i >= 0 {
			name += " in " + esc(m.Channels[i].Name)
		}
	}
	var seen []string
	hidden := false
	for _, o := range m.ChannelOverwrites(c) {
		switch {
		case o.Subject == wizard.SubjectEveryone && o.Deny&wizard.PermViewChannel != 0:
			hidden = true
		case o.Subject == wizard.SubjectEveryone || o.Subject == wizard.SubjectBot:
		case o.Allow&wizard.PermViewChannel != 0:
			if i := m.TierIndex(o.Subject); i >= 0 {
				seen = append(seen, tierRoleName(m.Tiers[i]))
			}
		}
	}
	if !hidden {
		return name + " — everyone in the server"
	}
	if len(seen) == 0 {
		return name + " — hidden from everyone (no tier sees it)"
	}
	return name + " — " + strings.Join(seen, ", ") + "; hidden from everyone else"
}

// tierRoleName names a tier's role: a mention of an adopted one, the new one's name.
func tierRoleName(t wizard.Tier) string {
	if t.Role.Adopt != "" {
		return "<@&" + t.Role.Adopt + ">"
	}
	return "**" + esc(t.Role.Name) + "**"
}

// tierRoleText says whether a tier's role is new or adopted, and warns when an adopted
// role carries moderation or administrative permissions.
func tierRoleText(t wizard.Tier, g drift.Guild) string {
	if t.Role.Adopt == "" {
		return "new role " + tierRoleName(t)
	}
	text := "existing role " + tierRoleName(t) + " (adopted)"
	if r := findRole(g, t.Role.Adopt); r != nil {
		if staff := drift.StaffPermissions(r.Permissions); len(staff) > 0 {
			text += "\n  ⚠️ **It has staff permissions:** it can " + joinAnd(staff) +
				". Every member who qualifies for this tier gets the role, and with it these permissions."
		}
	}
	return text
}
