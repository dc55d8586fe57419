package fakediscord

import (
	"fmt"

	"github.com/bwmarrin/discordgo"
)

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

func (s *Server) String() string { return fmt.Sprintf("fakediscord(%s)", s.http.URL) }
