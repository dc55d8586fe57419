package bot

import "github.com/bwmarrin/discordgo"

// adminPermissions are the rights that let a member use Arrakis: Manage Server, or
// Administrator (which implies every permission). Discord computes member.permissions for
// the channel the interaction came from; the command's default_member_permissions only
// hides the command, and a server can change that, so every interaction checks again.
const adminPermissions = discordgo.PermissionManageGuild | discordgo.PermissionAdministrator

// isAdmin reports whether the interaction's member may use Arrakis.
func isAdmin(m *discordgo.Member) bool {
	return m != nil && m.Permissions&adminPermissions != 0
}

// userOf returns the id and display name of the member who sent the interaction.
func userOf(i *discordgo.Interaction) (id, name string) {
	if i.Member != nil && i.Member.User != nil {
		name = i.Member.Nick
		if name == "" {
			name = i.Member.User.GlobalName
		}
		if name == "" {
			name = i.Member.User.Username
		}
		return i.Member.User.ID, name
	}
	if i.User != nil {
		return i.User.ID, i.User.Username
	}
	return "", ""
}
