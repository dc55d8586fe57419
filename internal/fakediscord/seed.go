package fakediscord

import (
	"time"

	"github.com/bwmarrin/discordgo"
)

// Seeding: a realistic guild the bot has joined, for tests to start from.

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
