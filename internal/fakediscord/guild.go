package fakediscord

import (
	"fmt"
	"time"

	"github.com/bwmarrin/discordgo"
)

// DefaultBotPermissions is what the seeded bot role grants: the three
// permissions a deploy needs plus sending messages.
const DefaultBotPermissions = discordgo.PermissionManageRoles | discordgo.PermissionManageChannels |
	discordgo.PermissionViewChannel | discordgo.PermissionSendMessages | discordgo.PermissionReadMessageHistory

// everyonePermissions is a typical @everyone grant in a new guild.
const everyonePermissions = discordgo.PermissionViewChannel | discordgo.PermissionSendMessages |
	discordgo.PermissionReadMessageHistory | discordgo.PermissionAddReactions | discordgo.PermissionEmbedLinks |
	discordgo.PermissionAttachFiles | discordgo.PermissionUseExternalEmojis | discordgo.PermissionCreateInstantInvite |
	discordgo.PermissionChangeNickname | discordgo.PermissionVoiceConnect | discordgo.PermissionVoiceSpeak |
	discordgo.PermissionUseApplicationCommands

// GuildOptions shape a seeded guild. The zero value gives a realistic guild.
type GuildOptions struct {
	ID      string // default: a fresh snowflake
	Name    string // default: "Test Guild"
	OwnerID string // default: a fresh user "owner"
	// BotPermissions of the bot's managed role; 0 means DefaultBotPermissions.
	BotPermissions int64
	// Bare leaves out the Admin and Moderator roles, the extra members and the
	// seeded channels: only @everyone, the bot role, the owner and the bot.
	Bare bool
}

// SeededGuild names what AddGuild created, so tests can refer to it.
type SeededGuild struct {
	ID, OwnerID, ModeratorUserID    string
	EveryoneRoleID, BotRoleID       string
	AdminRoleID, ModeratorRoleID    string
	InfoCategoryID, RulesChannelID  string
	TextCategoryID, GeneralID       string
	VoiceChannelID, ModLogChannelID string
}

// AddGuild seeds a guild the bot has joined and returns its id.
// Roles, bottom to top: @everyone (position 0), Moderator, the bot's managed
// role "Arrakis" (Manage Roles | Manage Channels | View Channel …), Admin
// (Administrator; held by the owner). Channels: "Information" category with
// #welcome and #rules (@everyone may not send), "Text Channels" category with
// #general and #mod-log (hidden from @everyone, visible to Moderator), and a
// "General" voice channel. Use Seed for the ids of all of these.
func (s *Server) AddGuild(opts GuildOptions) string {
	return s.Seed(opts).ID
}

// Seed is AddGuild returning every seeded id.
func (s *Server) Seed(opts GuildOptions) SeededGuild {
	if opts.ID == "" {
		opts.ID = newID()
	}
	if opts.Name == "" {
		opts.Name = "Test Guild"
	}
	if opts.OwnerID == "" {
		opts.OwnerID = newID()
	}
	if opts.BotPermissions == 0 {
		opts.BotPermissions = DefaultBotPermissions
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, dup := s.guilds[opts.ID]; dup {
		s.t.Fatalf("fakediscord: AddGuild: guild %s already exists", opts.ID)
	}
	now := time.Now().UTC().Truncate(time.Second)
	g := &guild{ID: opts.ID, Name: opts.Name, OwnerID: opts.OwnerID, Roles: map[string]*role{}, Members: map[string]*member{}, CreatedAt: now}
	sg := SeededGuild{ID: g.ID, OwnerID: opts.OwnerID, EveryoneRoleID: g.ID}
	addRole := func(name string, perms int64, pos int) *role {
		r := &role{ID: newID(), Name: name, Permissions: perms, Position: pos}
		g.Roles[r.ID] = r
		return r
	}
	g.Roles[g.ID] = &role{ID: g.ID, Name: "@everyone", Permissions: everyonePermissions}
	if _, ok := s.users[opts.OwnerID]; !ok {
		s.users[opts.OwnerID] = &user{ID: opts.OwnerID, Username: "owner"}
	}
	var admin *role
	pos := 1
	if !opts.Bare {
		mod := addRole("Moderator", discordgo.PermissionKickMembers|discordgo.PermissionManageMessages|discordgo.PermissionModerateMembers|discordgo.PermissionViewAuditLogs, pos)
		mod.Color, mod.Hoist, mod.Mentionable = 0x3498db, true, true
		sg.ModeratorRoleID = mod.ID
		pos++
		sg.ModeratorUserID = newID()
		s.users[sg.ModeratorUserID] = &user{ID: sg.ModeratorUserID, Username: "moderator"}
		g.Members[sg.ModeratorUserID] = &member{UserID: sg.ModeratorUserID, Roles: []string{mod.ID}, JoinedAt: now}
	}
	botRole := addRole("Arrakis", opts.BotPermissions, pos)
	botRole.Managed, botRole.BotID = true, s.botUserID
	sg.BotRoleID = botRole.ID
	pos++
	if !opts.Bare {
		admin = addRole("Admin", discordgo.PermissionAdministrator, pos)
		admin.Color, admin.Hoist = 0xe74c3c, true
		sg.AdminRoleID = admin.ID
	}
	g.Members[s.botUserID] = &member{UserID: s.botUserID, Roles: []string{botRole.ID}, JoinedAt: now}
	owner := &member{UserID: opts.OwnerID, Roles: []string{}, JoinedAt: now}
	if admin != nil {
		owner.Roles = append(owner.Roles, admin.ID)
	}
	g.Members[opts.OwnerID] = owner
	s.guilds[g.ID] = g
	s.guildOrder = append(s.guildOrder, g.ID)

	if !opts.Bare {
		add := func(name string, typ discordgo.ChannelType, parent string, pos int, ows ...overwrite) string {
			c := &channel{ID: newID(), GuildID: g.ID, Type: typ, Name: name, ParentID: parent, Position: pos, Overwrites: ows}
			if typ == discordgo.ChannelTypeGuildVoice {
				c.Bitrate, c.UserLimit = 64000, 0
			}
			s.channels[c.ID] = c
			return c.ID
		}
		sg.InfoCategoryID = add("Information", discordgo.ChannelTypeGuildCategory, "", 0)
		add("welcome", discordgo.ChannelTypeGuildText, sg.InfoCategoryID, 0)
		sg.RulesChannelID = add("rules", discordgo.ChannelTypeGuildText, sg.InfoCategoryID, 1,
			overwrite{ID: g.ID, Type: discordgo.PermissionOverwriteTypeRole, Deny: discordgo.PermissionSendMessages})
		sg.TextCategoryID = add("Text Channels", discordgo.ChannelTypeGuildCategory, "", 1)
		sg.GeneralID = add("general", discordgo.ChannelTypeGuildText, sg.TextCategoryID, 2)
		sg.ModLogChannelID = add("mod-log", discordgo.ChannelTypeGuildText, sg.TextCategoryID, 3,
			overwrite{ID: g.ID, Type: discordgo.PermissionOverwriteTypeRole, Deny: discordgo.PermissionViewChannel},
			overwrite{ID: sg.ModeratorRoleID, Type: discordgo.PermissionOverwriteTypeRole, Allow: discordgo.PermissionViewChannel})
		sg.VoiceChannelID = add("General", discordgo.ChannelTypeGuildVoice, sg.TextCategoryID, 4)
	}
	s.gw.guildAdded(s, g.ID)
	return sg
}

// AddMember adds a (non-bot) user to the guild with the given roles.
func (s *Server) AddMember(guildID, userID, username string, roleIDs ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.mustGuild(guildID)
	if _, ok := s.users[userID]; !ok {
		s.users[userID] = &user{ID: userID, Username: username}
	}
	g.Members[userID] = &member{UserID: userID, Roles: append([]string{}, roleIDs...), JoinedAt: time.Now().UTC().Truncate(time.Second)}
}

// mustGuild returns the guild or fails the test; callers hold s.mu.
func (s *Server) mustGuild(id string) *guild {
	g := s.guilds[id]
	if g == nil {
		s.t.Fatalf("fakediscord: no guild %s (seed it with AddGuild)", id)
	}
	return g
}

// Guilds returns the ids of all guilds, in the order they were added.
func (s *Server) Guilds() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.guildOrder...)
}

// Roles returns copies of the guild's roles, bottom to top.
func (s *Server) Roles(guildID string) []*discordgo.Role {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*discordgo.Role
	for _, r := range s.mustGuild(guildID).sortedRoles() {
		out = append(out, r.discordgo())
	}
	return out
}

// Role returns a copy of one role, or nil if it does not exist.
func (s *Server) Role(guildID, roleID string) *discordgo.Role {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r := s.mustGuild(guildID).Roles[roleID]; r != nil {
		return r.discordgo()
	}
	return nil
}

// RoleByName returns a copy of the first role (bottom to top) with that name, or nil.
func (s *Server) RoleByName(guildID, name string) *discordgo.Role {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range s.mustGuild(guildID).sortedRoles() {
		if r.Name == name {
			return r.discordgo()
		}
	}
	return nil
}

// Channels returns copies of the guild's channels sorted by position.
func (s *Server) Channels(guildID string) []*discordgo.Channel {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.mustGuild(guildID)
	var out []*discordgo.Channel
	for _, c := range s.guildChannels(guildID) {
		out = append(out, c.discordgo())
	}
	return out
}

// Channel returns a copy of one channel, or nil if it does not exist.
func (s *Server) Channel(channelID string) *discordgo.Channel {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.channels[channelID]; c != nil {
		return c.discordgo()
	}
	return nil
}

// ChannelByName returns a copy of the first guild channel with that name, or nil.
func (s *Server) ChannelByName(guildID, name string) *discordgo.Channel {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.guildChannels(guildID) {
		if c.Name == name {
			return c.discordgo()
		}
	}
	return nil
}

// Member returns a copy of a guild member, or nil.
func (s *Server) Member(guildID, userID string) *discordgo.Member {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.mustGuild(guildID)
	m := g.Members[userID]
	if m == nil {
		return nil
	}
	return &discordgo.Member{GuildID: guildID, User: s.userDG(userID), Roles: append([]string{}, m.Roles...), JoinedAt: m.JoinedAt, Nick: m.Nick}
}

func (s *Server) userDG(id string) *discordgo.User {
	u := s.users[id]
	if u == nil {
		return &discordgo.User{ID: id}
	}
	return &discordgo.User{ID: u.ID, Username: u.Username, GlobalName: u.GlobalName, Bot: u.Bot, Discriminator: "0"}
}

// CreateRole adds a role as a human admin would (no permission checks) at
// position 1, above @everyone, and returns its id.
func (s *Server) CreateRole(guildID string, r discordgo.Role) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.mustGuild(guildID)
	nr := &role{ID: newID(), Name: r.Name, Color: r.Color, Hoist: r.Hoist, Mentionable: r.Mentionable, Permissions: r.Permissions}
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
	s.mu.Lock()
	defer s.mu.Unlock()
	s.mustGuild(guildID)
	nc := &channel{ID: newID(), GuildID: guildID, Type: c.Type, Name: c.Name, Topic: c.Topic, ParentID: c.ParentID, Position: c.Position, NSFW: c.NSFW}
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

// BotRoleID returns the id of the bot's managed role in the guild.
func (s *Server) BotRoleID(guildID string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range s.mustGuild(guildID).Roles {
		if r.BotID == s.botUserID {
			return r.ID
		}
	}
	return ""
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

func (s *Server) String() string { return fmt.Sprintf("fakediscord(%s)", s.http.URL) }
