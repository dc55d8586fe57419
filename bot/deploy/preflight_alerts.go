package deploy

import (
	"fmt"

	"github.com/bwmarrin/discordgo"

	"github.com/arrakis-bot/arrakis/drift"
	"github.com/arrakis-bot/arrakis/wizard"
)

// alertPerms are what the bot needs in the alert channel to post an alert.
const alertPerms = int64(discordgo.PermissionViewChannel | discordgo.PermissionSendMessages | discordgo.PermissionEmbedLinks)

// alertPreflight checks the manifest's alert channel against the live guild: it exists, is
// a text channel, and the bot can view it, send messages and embed links there (problems,
// which stop a deploy); and it warns when @everyone can read it.
func (s *Service) alertPreflight(l *live, m *wizard.Manifest) (problems, warnings []string) {
	id := m.AlertChannel()
	if id == "" {
		return nil, nil
	}
	bot := s.cfg.BotName
	c, ok := l.channelByID[id]
	if !ok {
		return []string{fmt.Sprintf("The alert channel (id %s) no longer exists in this server; choose another alert channel in /setup (step 6) and run the deploy again.", id)}, nil
	}
	if c.Type != drift.ChannelType(discordgo.ChannelTypeGuildText) {
		return []string{fmt.Sprintf("The alert channel <#%s> is not a text channel; choose a text channel in /setup (step 6) and run the deploy again.", id)}, nil
	}
	if missing := alertPerms &^ l.channelPerms(c, l.Guild.BotUserID, l.BotRoleIDs); missing != 0 {
		problems = append(problems, fmt.Sprintf("%s cannot post alerts in <#%s>: it needs %s there; give its role those permissions in the channel's settings → Permissions and run the deploy again.",
			bot, id, permissionList(missing)))
	}
	if l.channelPerms(c, "", nil)&discordgo.PermissionViewChannel != 0 {
		warnings = append(warnings, fmt.Sprintf("Everyone in this server can read the alert channel <#%s>, and alerts describe your roles and channels; consider a channel only admins can see.", id))
	}
	return problems, warnings
}

// channelPerms computes what a member with roleIDs (and user id userID, "" for none: only
// @everyone) may do in channel c, the way Discord does: guild permissions of @everyone and
// the roles, then the channel's @everyone overwrite, the roles' overwrites together, and
// the member's own overwrite. Administrator allows everything.
func (l *live) channelPerms(c *drift.Channel, userID string, roleIDs []string) int64 {
	var perms int64
	if every, ok := l.roleByID[l.Guild.ID]; ok {
		perms = every.Permissions
	}
	for _, id := range roleIDs {
		if r, ok := l.roleByID[id]; ok {
			perms |= r.Permissions
		}
	}
	if perms&discordgo.PermissionAdministrator != 0 {
		return -1 // every bit
	}
	mine := map[string]bool{}
	for _, id := range roleIDs {
		mine[id] = true
	}
	var allow, deny int64
	for _, o := range c.Overwrites {
		if o.Type == drift.OverwriteRole && o.ID == l.Guild.ID {
			perms = perms&^o.Deny | o.Allow
		}
	}
	for _, o := range c.Overwrites {
		if o.Type == drift.OverwriteRole && o.ID != l.Guild.ID && mine[o.ID] {
			allow |= o.Allow
			deny |= o.Deny
		}
	}
	perms = perms&^deny | allow
	for _, o := range c.Overwrites {
		if o.Type == drift.OverwriteMember && userID != "" && o.ID == userID {
			perms = perms&^o.Deny | o.Allow
		}
	}
	return perms
}
