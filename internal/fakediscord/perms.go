package fakediscord

import "github.com/bwmarrin/discordgo"

// Permission arithmetic as Discord documents it ("Permission Overwrites"):
// base = @everyone | member roles (all bits for the owner or Administrator),
// then the channel's @everyone overwrite, role overwrites, member overwrite.

// allPermissions is every bit Discord currently defines, enough for the fake.
const allPermissions int64 = (1 << 51) - 1

func (s *Server) basePermissions(g *guild, userID string) int64 {
	if userID == g.OwnerID {
		return allPermissions
	}
	m := g.Members[userID]
	perms := int64(0)
	if everyone := g.Roles[g.ID]; everyone != nil {
		perms = everyone.Permissions
	}
	if m != nil {
		for _, rid := range m.Roles {
			if r := g.Roles[rid]; r != nil {
				perms |= r.Permissions
			}
		}
	}
	if perms&discordgo.PermissionAdministrator != 0 {
		return allPermissions
	}
	return perms
}

func (s *Server) channelPermissions(g *guild, c *channel, userID string) int64 {
	base := s.basePermissions(g, userID)
	if base == allPermissions {
		return allPermissions
	}
	perms := base
	var m *member
	if m = g.Members[userID]; m == nil {
		m = &member{}
	}
	for _, o := range c.Overwrites {
		if o.ID == g.ID {
			perms = perms&^o.Deny | o.Allow
		}
	}
	var allow, deny int64
	for _, o := range c.Overwrites {
		if o.Type != discordgo.PermissionOverwriteTypeRole || o.ID == g.ID {
			continue
		}
		for _, rid := range m.Roles {
			if rid == o.ID {
				allow |= o.Allow
				deny |= o.Deny
			}
		}
	}
	perms = perms&^deny | allow
	for _, o := range c.Overwrites {
		if o.Type == discordgo.PermissionOverwriteTypeMember && o.ID == userID {
			perms = perms&^o.Deny | o.Allow
		}
	}
	return perms
}

// topRolePosition is the highest position among the user's roles (0 = only @everyone).
func (s *Server) topRolePosition(g *guild, userID string) int {
	top := 0
	if m := g.Members[userID]; m != nil {
		for _, rid := range m.Roles {
			if r := g.Roles[rid]; r != nil && r.Position > top {
				top = r.Position
			}
		}
	}
	return top
}

func (s *Server) botIsAdmin(g *guild) bool {
	return s.basePermissions(g, s.botUserID) == allPermissions
}
