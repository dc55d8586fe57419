package drift

import (
	"strconv"
	"strings"

	"github.com/arrakis-bot/arrakis/wizard"
)

// Words for people. Items keep their machine values (Field, Expected, Actual) for JSON and
// hashes; everything an admin reads goes through DescribeItem, so /drift, alerts, the CLI
// and the web view share one vocabulary: permission names instead of bitsets, "missing",
// and "changed from … to …".

// permNames names Discord's permission bits as a sentence continues after "can".
var permNames = []struct {
	bit  int64
	name string
}{
	{1 << 3, "administer the server (Administrator)"},
	{1 << 5, "manage the server"},
	{1 << 28, "manage roles"},
	{1 << 4, "manage channels"},
	{1 << 1, "kick members"},
	{1 << 2, "ban members"},
	{1 << 13, "manage messages"},
	{1 << 40, "time out members"},
	{1 << 17, "mention @everyone"},
	{1 << 29, "manage webhooks"},
	{1 << 27, "manage nicknames"},
	{1 << 22, "mute members"},
	{1 << 23, "deafen members"},
	{1 << 24, "move members"},
	{1 << 34, "manage threads"},
	{1 << 33, "manage events"},
	{1 << 30, "manage emojis and stickers"},
	{1 << 7, "view the audit log"},
	{1 << 10, "see the channel"},
	{1 << 11, "send messages"},
	{1 << 16, "read message history"},
	{1 << 0, "create invites"},
	{1 << 6, "add reactions"},
	{1 << 8, "speak first (priority speaker)"},
	{1 << 9, "stream video"},
	{1 << 12, "send text-to-speech messages"},
	{1 << 14, "embed links"},
	{1 << 15, "attach files"},
	{1 << 18, "use external emojis"},
	{1 << 19, "view server insights"},
	{1 << 20, "connect to voice"},
	{1 << 21, "speak in voice"},
	{1 << 25, "use voice activity"},
	{1 << 26, "change their nickname"},
	{1 << 31, "use application commands"},
	{1 << 32, "request to speak"},
	{1 << 35, "create public threads"},
	{1 << 36, "create private threads"},
	{1 << 37, "use external stickers"},
	{1 << 38, "send messages in threads"},
	{1 << 39, "use activities"},
	{1 << 41, "view monetization analytics"},
	{1 << 42, "use the soundboard"},
	{1 << 43, "create emojis and stickers"},
	{1 << 44, "create events"},
	{1 << 45, "use external sounds"},
	{1 << 46, "send voice messages"},
	{1 << 49, "create polls"},
	{1 << 50, "use external apps"},
}

// staffBits are the permissions that make a role a moderator's or an administrator's:
// handing such a role to token holders hands them these powers.
const staffBits int64 = 1<<3 | 1<<5 | 1<<28 | 1<<4 | 1<<1 | 1<<2 | 1<<13 | 1<<40 | 1<<17 |
	1<<29 | 1<<27 | 1<<22 | 1<<23 | 1<<24 | 1<<34 | 1<<33 | 1<<30 | 1<<7

// PermissionNames names the permissions in a bitset, most powerful first ("manage roles",
// "see the channel"); bits Discord has not named yet are "another permission".
func PermissionNames(bits int64) []string {
	var out []string
	for _, p := range permNames {
		if bits&p.bit != 0 {
			out = append(out, p.name)
			bits &^= p.bit
		}
	}
	if bits != 0 {
		out = append(out, "another permission")
	}
	return out
}

// StaffPermissions names the moderation and administrative permissions in a role's
// permission bitset (nil when it has none).
func StaffPermissions(bits int64) []string { return PermissionNames(bits & staffBits) }

// AccessText words an overwrite's allow and deny for people: "can see the channel;
// can't send messages", or "no rules".
func AccessText(allow, deny int64) string {
	var parts []string
	for _, n := range PermissionNames(allow) {
		parts = append(parts, "can "+n)
	}
	for _, n := range PermissionNames(deny) {
		parts = append(parts, "can't "+n)
	}
	if len(parts) == 0 {
		return "no rules"
	}
	return strings.Join(parts, "; ")
}

// SubjectName names an overwrite's subject for people: "@everyone", "Arrakis's role", a
// tier's role by the tier's name when the manifest has it.
func SubjectName(subject string, m *wizard.Manifest) string {
	switch subject {
	case wizard.SubjectEveryone:
		return "@everyone"
	case wizard.SubjectBot:
		return "Arrakis's role"
	case "@bot-user":
		return "Arrakis"
	}
	if m != nil {
		for _, t := range m.Tiers {
			if t.ID == subject {
				return "tier " + t.Name + "'s role"
			}
		}
	}
	return "a tier role that is no longer in the setup"
}

// DescribeItem words one difference as a sentence for people, naming what it is about:
// "Channel “holders-chat” is missing", "Role “Gold”: name changed from “Gold” to “Gilt”".
// m (may be nil) names tier roles in access rules.
func DescribeItem(it Item, m *wizard.Manifest) string {
	return ItemSubject(it) + ": " + DescribeChange(it, m)
}

// ItemSubject names what a difference is about: "Role “Gold”", "Channel “chat”", "Setup".
func ItemSubject(it Item) string {
	switch it.Type {
	case RoleMissing, RoleExtra, RoleMismatch:
		return "Role “" + it.Name + "”"
	case ConfigMismatch:
		return "Setup"
	}
	return "Channel “" + it.Name + "”"
}

// DescribeChange words what differs, without naming the subject: "missing", "name changed
// from “Gold” to “Gilt”", "access for @everyone changed from “can't see the channel” to …".
func DescribeChange(it Item, m *wizard.Manifest) string {
	switch it.Type {
	case RoleMissing, ChannelMissing:
		if strings.HasPrefix(it.Expected, "adopted role ") {
			return "missing (it was an existing role Arrakis adopted)"
		}
		return "missing"
	case RoleExtra, ChannelExtra:
		return "still in the server, but no longer in the setup"
	case ConfigMismatch:
		return "changed (" + it.Name + ") but not deployed yet"
	}
	field := it.Field
	if subject, ok := strings.CutPrefix(field, "overwrite:"); ok {
		return accessChange(SubjectName(subject, m), it.Expected, it.Actual)
	}
	switch field {
	case "permissions":
		return permissionChange(it.Expected, it.Actual)
	case "hoist":
		return flagChange("shown separately in the member list", it.Actual)
	case "mentionable":
		return flagChange("mentionable", it.Actual)
	case "color":
		return "colour changed from " + it.Expected + " to " + it.Actual
	case "parent":
		return "category changed from " + quotedOr(it.Expected, "no category") + " to " + quotedOr(it.Actual, "no category")
	case "topic":
		return "topic changed from " + quotedOr(it.Expected, "no topic") + " to " + quotedOr(it.Actual, "no topic")
	case "position":
		return "order changed from " + it.Expected + " to " + it.Actual
	case "type":
		return "type changed from " + it.Expected + " to " + it.Actual
	case "name":
		return "name changed from " + quotedOr(it.Expected, "no name") + " to " + quotedOr(it.Actual, "no name")
	}
	return field + " changed from " + quotedOr(it.Expected, "nothing") + " to " + quotedOr(it.Actual, "nothing")
}

func quotedOr(s, none string) string {
	if s == "" {
		return none
	}
	return "“" + s + "”"
}

func flagChange(what, actual string) string {
	if actual == "true" {
		return "now " + what
	}
	return "no longer " + what
}

// accessChange words a changed overwrite; the values are renderAllowDeny's or "none".
func accessChange(who, expected, actual string) string {
	exp, expOK := parseAllowDeny(expected)
	act, actOK := parseAllowDeny(actual)
	switch {
	case expOK && !actOK:
		return "access rule for " + who + " is missing (should be: " + AccessText(exp[0], exp[1]) + ")"
	case !expOK && actOK:
		return who + " has an access rule Arrakis did not set: " + AccessText(act[0], act[1])
	case expOK && actOK:
		return "access for " + who + " changed from “" + AccessText(exp[0], exp[1]) + "” to “" + AccessText(act[0], act[1]) + "”"
	}
	return "access for " + who + " changed"
}

// parseAllowDeny reads "allow A, deny D" back into bitsets; "none" and anything else is false.
func parseAllowDeny(s string) ([2]int64, bool) {
	a, d, ok := strings.Cut(s, ", ")
	if !ok {
		return [2]int64{}, false
	}
	a, ok1 := strings.CutPrefix(a, "allow ")
	d, ok2 := strings.CutPrefix(d, "deny ")
	allow, err1 := strconv.ParseInt(a, 10, 64)
	deny, err2 := strconv.ParseInt(d, 10, 64)
	if !ok1 || !ok2 || err1 != nil || err2 != nil {
		return [2]int64{}, false
	}
	return [2]int64{allow, deny}, true
}

// permissionChange words a role's changed permission bitset (decimal strings) as what it
// now can and can no longer do.
func permissionChange(expected, actual string) string {
	exp, err1 := strconv.ParseInt(expected, 10, 64)
	act, err2 := strconv.ParseInt(actual, 10, 64)
	if err1 != nil || err2 != nil {
		return "permissions changed"
	}
	var parts []string
	if gained := PermissionNames(act &^ exp); len(gained) > 0 {
		parts = append(parts, "now can "+strings.Join(gained, ", "))
	}
	if lost := PermissionNames(exp &^ act); len(lost) > 0 {
		parts = append(parts, "can no longer "+strings.Join(lost, ", "))
	}
	if len(parts) == 0 {
		return "permissions changed"
	}
	return "permissions changed: " + strings.Join(parts, "; ")
}
