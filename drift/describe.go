package drift

import (
	"strconv"
	"strings"

	"github.com/arrakis-bot/arrakis/wizard"
)

// Describe turns an op into one line for the review screen, e.g.
// "Create role “Gold” (tier t3)" or "Update channel #vip-chat: topic, overwrite:@everyone".
func Describe(op Op) string {
	switch op.Kind {
	case OpCreateRole:
		return "Create role “" + op.Name + "” (tier " + op.Key + ")"
	case OpUpdateRole:
		return "Update role “" + op.Name + "”: " + FieldWords(op.Fields)
	case OpReorderRoles:
		return "Reorder tier roles, lowest first: " + strings.Join(namesOr(op.OrderNames, op.Order), ", ")
	case OpDeleteRole:
		return "Delete role “" + op.Name + "” (no longer in the manifest)"
	case OpCreateChannel:
		s := "Create " + channelNoun(op.Channel) + " " + channelLabel(op.Channel, op.Name)
		if op.ParentName != "" {
			s += " in “" + op.ParentName + "”"
		}
		if gated(op.Overwrites) {
			s += ", hidden from everyone but its tiers"
		}
		return s
	case OpUpdateChannel:
		return "Update " + channelNoun(op.Channel) + " " + channelLabel(op.Channel, op.Name) + ": " + FieldWords(op.Fields)
	case OpSetOverwrite:
		return "Set who can see " + channelLabel(op.Channel, op.Name) + " (" + SubjectName(op.Subject, nil) + ")"
	case OpReorderChannel:
		where := "at the top level"
		if op.ParentName != "" {
			where = "in “" + op.ParentName + "”"
		}
		return "Reorder channels " + where + ": " + strings.Join(namesOr(op.OrderNames, op.Order), ", ")
	case OpDeleteChannel:
		return "Delete channel “" + op.Name + "” (no longer in the manifest)"
	}
	return string(op.Kind) + " " + op.Name
}

// gated reports whether overwrites shut @everyone out of a channel.
func gated(ows []wizard.Overwrite) bool {
	for _, o := range ows {
		if o.Subject == wizard.SubjectEveryone && o.Deny&wizard.PermViewChannel != 0 {
			return true
		}
	}
	return false
}

// FieldWords names the fields an update changes as people call them: "who can see it,
// topic" rather than "overwrite:@everyone, topic".
func FieldWords(fields []string) string {
	var out []string
	seen := map[string]bool{}
	for _, f := range fields {
		w := f
		switch {
		case strings.HasPrefix(f, "overwrite:"):
			w = "who can see it"
		case f == "color":
			w = "colour"
		case f == "hoist":
			w = "shown separately"
		case f == "parent":
			w = "category"
		case f == "position":
			w = "order"
		}
		if !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	return strings.Join(out, ", ")
}

func channelNoun(c *wizard.Channel) string {
	if c == nil {
		return "channel"
	}
	switch c.Type {
	case wizard.ChannelCategory:
		return "category"
	case wizard.ChannelVoice:
		return "voice channel"
	}
	return "channel"
}

// channelLabel writes a text channel as #name, the others in quotes, as Discord shows them.
func channelLabel(c *wizard.Channel, name string) string {
	if c != nil && c.Type == wizard.ChannelText {
		return "#" + name
	}
	return "“" + name + "”"
}

func namesOr(names, keys []string) []string {
	if len(names) == len(keys) && len(names) > 0 {
		return names
	}
	return keys
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}
