package drift

// What a member can do in a channel, computed as Discord documents it ("Permission
// Overwrites"): the guild permissions of @everyone and the member's roles (all of them
// with Administrator), then the channel's @everyone overwrite, then the union of the
// overwrites of the member's roles (deny, then allow), then the member's own overwrite.

// permAdministrator is Discord's ADMINISTRATOR bit: every permission, overwrites ignored.
const permAdministrator int64 = 1 << 3

// allPerms stands for "every permission" once Administrator applies.
const allPerms int64 = -1

// ChannelPermissions is what a member with roleIDs (besides @everyone) and userID may do
// in channel c of g.
func ChannelPermissions(g *Guild, roleIDs []string, userID string, c *Channel) int64 {
	perms := int64(0)
	has := map[string]bool{}
	for _, id := range roleIDs {
		has[id] = true
	}
	for _, r := range g.Roles {
		if r.ID == g.ID || has[r.ID] {
			perms |= r.Permissions
		}
	}
	if perms&permAdministrator != 0 {
		return allPerms
	}
	if c == nil {
		return perms
	}
	for _, o := range c.Overwrites {
		if o.Type == OverwriteRole && o.ID == g.ID {
			perms = perms&^o.Deny | o.Allow
		}
	}
	var allow, deny int64
	for _, o := range c.Overwrites {
		if o.Type == OverwriteRole && o.ID != g.ID && has[o.ID] {
			allow |= o.Allow
			deny |= o.Deny
		}
	}
	perms = perms&^deny | allow
	for _, o := range c.Overwrites {
		if o.Type == OverwriteMember && userID != "" && o.ID == userID {
			perms = perms&^o.Deny | o.Allow
		}
	}
	return perms
}

// botRoles are the bot's roles drift knows of: its own role and its highest role.
func botRoles(g *Guild) []string {
	var out []string
	for _, id := range []string{g.BotRoleID, g.BotTopRoleID} {
		if id != "" {
			out = append(out, id)
		}
	}
	return out
}

// botHasAccess reports whether the bot can already do everything want allows in c,
// through its guild permissions and the channel's overwrites together. On a channel the
// admin lent the bot (adopted), that is as good as the bot's own overwrite.
func botHasAccess(g *Guild, c *Channel, want int64) bool {
	if g.BotRoleID == "" && g.BotTopRoleID == "" {
		return false
	}
	return ChannelPermissions(g, botRoles(g), g.BotUserID, c)&want == want
}
