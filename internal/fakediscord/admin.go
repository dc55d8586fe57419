package fakediscord

import (
	"time"

	"github.com/bwmarrin/discordgo"
)

// Mutators acting as a human admin would (no permission checks), so tests
// can make the live guild drift from what the bot deployed.

// CreateRole adds a role as a human admin would (no permission checks) at
// position 1, above @everyone, and returns its id.
func (s *Server) CreateRole(guildID string, r discordgo.Role) string {
	return s.CreateRoleAt(guildID, r, time.Now())
}

// CreateRoleAt is CreateRole for a role made at t: its id is a snowflake carrying t, as
// a role an admin made an hour ago has (tests of what is older than a deploy).
func (s *Server) CreateRoleAt(guildID string, r discordgo.Role, t time.Time) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.mustGuild(guildID)
	nr := &role{ID: newIDAt(t), Name: r.Name, Color: r.Color, Hoist: r.Hoist, Mentionable: r.Mentionable, Permissions: r.Permissions}
	insertRoleAt(g, nr, 1)
	return nr.ID
}

// insertRoleAt shifts roles at pos and above up by one and places r at pos.
func insertRoleAt(g *guild, r *role, pos int) {
	for _, x := range g.Roles {
		if x.ID != g.ID && x.Position >= pos {
			x.Position++
		}
	}
	r.Position = pos
	g.Roles[r.ID] = r
}

// UpdateRole changes a role in place as a human admin would; f gets a copy
// and the role becomes f's result (ID and position changes are ignored: use
// MoveRole).
func (s *Server) UpdateRole(guildID, roleID string, f func(r *discordgo.Role)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.mustGuild(guildID)
	r := g.Roles[roleID]
	if r == nil {
		s.t.Fatalf("fakediscord: UpdateRole: no role %s in guild %s", roleID, guildID)
	}
	d := r.discordgo()
	f(d)
	r.Name, r.Color, r.Hoist, r.Mentionable, r.Permissions = d.Name, d.Color, d.Hoist, d.Mentionable, d.Permissions
}

// MoveRole puts a role at position pos (1 = just above @everyone), shifting the others.
func (s *Server) MoveRole(guildID, roleID string, pos int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.mustGuild(guildID)
	r := g.Roles[roleID]
	if r == nil || roleID == guildID {
		s.t.Fatalf("fakediscord: MoveRole: no movable role %s in guild %s", roleID, guildID)
	}
	moveRole(g, r, pos)
}

func moveRole(g *guild, r *role, pos int) {
	var order []*role
	for _, x := range g.sortedRoles() {
		if x != r && x.ID != g.ID {
			order = append(order, x)
		}
	}
	if pos < 1 {
		pos = 1
	}
	if pos > len(order)+1 {
		pos = len(order) + 1
	}
	order = append(order[:pos-1], append([]*role{r}, order[pos-1:]...)...)
	for i, x := range order {
		x.Position = i + 1
	}
}

// DeleteRole removes a role (and takes it off members and overwrites, as Discord does).
func (s *Server) DeleteRole(guildID, roleID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.mustGuild(guildID)
	if g.Roles[roleID] == nil {
		s.t.Fatalf("fakediscord: DeleteRole: no role %s in guild %s", roleID, guildID)
	}
	s.deleteRole(g, roleID)
}

func (s *Server) deleteRole(g *guild, roleID string) {
	delete(g.Roles, roleID)
	for _, m := range g.Members {
		m.Roles = removeString(m.Roles, roleID)
	}
	for _, c := range s.channels {
		if c.GuildID == g.ID {
			c.Overwrites = removeOverwrite(c.Overwrites, roleID)
		}
	}
	g.renumberRoles()
}

func removeString(xs []string, x string) []string {
	out := xs[:0]
	for _, v := range xs {
		if v != x {
			out = append(out, v)
		}
	}
	return out
}

func removeOverwrite(xs []overwrite, id string) []overwrite {
	out := xs[:0]
	for _, o := range xs {
		if o.ID != id {
			out = append(out, o)
		}
	}
	return out
}

// CreateChannel adds a channel as a human admin would (no checks) and returns its id.
func (s *Server) CreateChannel(guildID string, c discordgo.Channel) string {
	return s.CreateChannelAt(guildID, c, time.Now())
}

// CreateChannelAt is CreateChannel for a channel made at t (its id carries t).
func (s *Server) CreateChannelAt(guildID string, c discordgo.Channel, t time.Time) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.mustGuild(guildID)
	nc := &channel{ID: newIDAt(t), GuildID: guildID, Type: c.Type, Name: c.Name, Topic: c.Topic, ParentID: c.ParentID, Position: c.Position, NSFW: c.NSFW}
	for _, o := range c.PermissionOverwrites {
		nc.Overwrites = append(nc.Overwrites, overwrite{ID: o.ID, Type: o.Type, Allow: o.Allow, Deny: o.Deny})
	}
	s.channels[nc.ID] = nc
	return nc.ID
}

// UpdateChannel changes a channel in place as a human admin would; f gets a
// copy (overwrites included) and the channel becomes f's result (ID, guild and
// type changes are ignored).
func (s *Server) UpdateChannel(channelID string, f func(c *discordgo.Channel)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.channels[channelID]
	if c == nil {
		s.t.Fatalf("fakediscord: UpdateChannel: no channel %s", channelID)
	}
	d := c.discordgo()
	f(d)
	c.Name, c.Topic, c.ParentID, c.Position, c.NSFW = d.Name, d.Topic, d.ParentID, d.Position, d.NSFW
	c.Overwrites = nil
	for _, o := range d.PermissionOverwrites {
		c.Overwrites = append(c.Overwrites, overwrite{ID: o.ID, Type: o.Type, Allow: o.Allow, Deny: o.Deny})
	}
}

// DeleteChannel removes a channel; children of a deleted category lose their parent.
func (s *Server) DeleteChannel(channelID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.channels[channelID] == nil {
		s.t.Fatalf("fakediscord: DeleteChannel: no channel %s", channelID)
	}
	s.deleteChannel(channelID)
}

func (s *Server) deleteChannel(id string) {
	delete(s.channels, id)
	for _, c := range s.channels {
		if c.ParentID == id {
			c.ParentID = ""
		}
	}
}

// SetOverwrite sets (or, with allow = deny = 0 and remove, deletes) one
// permission overwrite on a channel, as a human admin would.
func (s *Server) SetOverwrite(channelID string, o discordgo.PermissionOverwrite) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.channels[channelID]
	if c == nil {
		s.t.Fatalf("fakediscord: SetOverwrite: no channel %s", channelID)
	}
	setOverwrite(c, overwrite{ID: o.ID, Type: o.Type, Allow: o.Allow, Deny: o.Deny})
}

// RemoveOverwrite deletes one permission overwrite from a channel.
func (s *Server) RemoveOverwrite(channelID, targetID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.channels[channelID]
	if c == nil {
		s.t.Fatalf("fakediscord: RemoveOverwrite: no channel %s", channelID)
	}
	c.Overwrites = removeOverwrite(c.Overwrites, targetID)
}

func setOverwrite(c *channel, o overwrite) {
	for i := range c.Overwrites {
		if c.Overwrites[i].ID == o.ID {
			c.Overwrites[i] = o
			return
		}
	}
	c.Overwrites = append(c.Overwrites, o)
}

// SetBotPermissions replaces the permissions of the bot's managed role.
func (s *Server) SetBotPermissions(guildID string, perms int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.mustGuild(guildID)
	for _, r := range g.Roles {
		if r.BotID == s.botUserID {
			r.Permissions = perms
			return
		}
	}
	s.t.Fatalf("fakediscord: SetBotPermissions: guild %s has no bot role", guildID)
}

// RemoveBot kicks the bot from the guild: every later request about that guild
// (or its channels) gets 403 {"code": 50001, "message": "Missing Access"}, and
// connected gateway sessions receive GUILD_DELETE.
func (s *Server) RemoveBot(guildID string) {
	func() {
		s.mu.Lock()
		defer s.mu.Unlock() // mustGuild may end the test
		s.mustGuild(guildID).BotRemoved = true
	}()
	s.gw.broadcast("GUILD_DELETE", obj{"id": guildID})
}

// BlockDMs makes POSTs to the DM channel with that user fail with 403 50007
// "Cannot send messages to this user", as when the user disabled DMs.
func (s *Server) BlockDMs(userID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dmBlocked[userID] = true
}
