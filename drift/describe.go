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
		return "Update role “" + op.Name + "”: " + strings.Join(op.Fields, ", ")
	case OpReorderRoles:
		return "Reorder tier roles, lowest first: " + strings.Join(namesOr(op.OrderNames, op.Order), ", ")
	case OpDeleteRole:
		return "Delete role “" + op.Name + "” (no longer in the manifest)"
	case OpCreateChannel:
		s := "Create " + channelNoun(op.Channel) + " " + channelLabel(op.Channel, op.Name)
		if op.ParentName != "" {
			s += " in “" + op.ParentName + "”"
		}
		if n := len(op.Overwrites); n > 0 {
			s += ", gated (" + plural(n, "overwrite") + ")"
		}
		return s
	case OpUpdateChannel:
		return "Update " + channelNoun(op.Channel) + " " + channelLabel(op.Channel, op.Name) + ": " + strings.Join(op.Fields, ", ")
	case OpSetOverwrite:
		return "Set overwrite " + op.Subject + " on " + channelLabel(op.Channel, op.Name)
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
