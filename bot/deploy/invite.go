package deploy

import (
	"net/url"
	"strconv"

	"github.com/bwmarrin/discordgo"
)

// Permission is one permission the bot asks for when it is invited, with what it is for.
type Permission struct {
	Bit     int64
	Name    string // as Server Settings → Roles shows it
	Purpose string
}

// basePermissions are what preflight requires of every deploy.
const basePermissions = int64(discordgo.PermissionManageRoles | discordgo.PermissionManageChannels | discordgo.PermissionViewChannel)

// InvitePermissions are the permissions of the invite URL: the three preflight requires
// (basePermissions; the overwrites a plan grants are View Channels, which is among them),
// and Send Messages and Embed Links for the alert channel's reports.
var InvitePermissions = []Permission{
	{discordgo.PermissionManageRoles, "Manage Roles", "create, edit and order the tier roles, and set who may see each gated channel"},
	{discordgo.PermissionManageChannels, "Manage Channels", "create and edit the categories and channels of the manifest"},
	{discordgo.PermissionViewChannel, "View Channels", "read the server's roles and channels to plan a deploy and to find drift"},
	{discordgo.PermissionSendMessages, "Send Messages", "post deploy reports and drift alerts to the alert channel"},
	{discordgo.PermissionEmbedLinks, "Embed Links", "format those reports in the alert channel"},
}

// InvitePermissionBits is the permissions integer of the invite URL.
func InvitePermissionBits() int64 {
	var bits int64
	for _, p := range InvitePermissions {
		bits |= p.Bit
	}
	return bits
}

// InviteURL is the OAuth2 URL that adds the bot to a server with the scopes its commands
// need and InvitePermissions; a non-empty guildID preselects that server.
func InviteURL(applicationID, guildID string) string {
	q := url.Values{}
	q.Set("client_id", applicationID)
	q.Set("scope", "bot applications.commands")
	q.Set("permissions", strconv.FormatInt(InvitePermissionBits(), 10))
	if guildID != "" {
		q.Set("guild_id", guildID)
		q.Set("disable_guild_select", "true")
	}
	return "https://discord.com/oauth2/authorize?" + q.Encode()
}
