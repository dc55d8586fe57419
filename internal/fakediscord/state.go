package fakediscord

import (
	"sort"
	"strconv"
	"time"

	"github.com/bwmarrin/discordgo"
)

// The fake keeps its own small state types and renders them in Discord's wire
// shape (wire.go); readers hand tests discordgo types, always as deep copies.

type user struct {
	ID, Username, GlobalName string
	Bot                      bool
}

type role struct {
	ID          string
	Name        string
	Color       int
	Hoist       bool
	Managed     bool
	Mentionable bool
	Position    int
	Permissions int64
	BotID       string // tags.bot_id of a bot's managed role
}

type overwrite struct {
	ID          string
	Type        discordgo.PermissionOverwriteType
	Allow, Deny int64
}

type channel struct {
	ID               string
	GuildID          string // "" for DM channels
	Type             discordgo.ChannelType
	Name             string
	Topic            string
	ParentID         string
	Position         int
	NSFW             bool
	RateLimitPerUser int
	Bitrate          int
	UserLimit        int
	Overwrites       []overwrite
	RecipientID      string // DM channels
}

type member struct {
	UserID   string
	Nick     string
	Roles    []string
	JoinedAt time.Time
}

type guild struct {
	ID, Name, OwnerID string
	Roles             map[string]*role
	Members           map[string]*member
	BotRemoved        bool
	CreatedAt         time.Time
}

func (r *role) copy() *role {
	c := *r
	return &c
}

func (c *channel) copy() *channel {
	d := *c
	d.Overwrites = append([]overwrite(nil), c.Overwrites...)
	return &d
}

func (r *role) discordgo() *discordgo.Role {
	return &discordgo.Role{
		ID: r.ID, Name: r.Name, Color: r.Color, Hoist: r.Hoist, Managed: r.Managed,
		Mentionable: r.Mentionable, Position: r.Position, Permissions: r.Permissions,
	}
}

func (c *channel) discordgo() *discordgo.Channel {
	out := &discordgo.Channel{
		ID: c.ID, GuildID: c.GuildID, Type: c.Type, Name: c.Name, Topic: c.Topic,
		ParentID: c.ParentID, Position: c.Position, NSFW: c.NSFW,
		RateLimitPerUser: c.RateLimitPerUser, Bitrate: c.Bitrate, UserLimit: c.UserLimit,
		PermissionOverwrites: []*discordgo.PermissionOverwrite{},
	}
	for _, o := range c.Overwrites {
		out.PermissionOverwrites = append(out.PermissionOverwrites, &discordgo.PermissionOverwrite{
			ID: o.ID, Type: o.Type, Allow: o.Allow, Deny: o.Deny,
		})
	}
	return out
}

// sortedRoles returns the guild's roles bottom to top (position, then id), the
// order Discord uses to break position ties.
func (g *guild) sortedRoles() []*role {
	out := make([]*role, 0, len(g.Roles))
	for _, r := range g.Roles {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Position != out[j].Position {
			return out[i].Position < out[j].Position
		}
		return snowflakeLess(out[i].ID, out[j].ID)
	})
	return out
}

// renumberRoles makes role positions 0..n-1 in their current order, with
// @everyone always at 0, as Discord does after any reorder.
func (g *guild) renumberRoles() {
	everyone := g.Roles[g.ID]
	pos := 1
	for _, r := range g.sortedRoles() {
		if r == everyone {
			continue
		}
		r.Position = pos
		pos++
	}
	if everyone != nil {
		everyone.Position = 0
	}
}

func snowflakeLess(a, b string) bool {
	x, errA := strconv.ParseUint(a, 10, 64)
	y, errB := strconv.ParseUint(b, 10, 64)
	if errA != nil || errB != nil {
		return a < b
	}
	return x < y
}

// guildChannels returns the guild's channels sorted by position then id. Threads are not
// among them, as in Discord: they belong to their channel, are not listed by
// GET /guilds/{id}/channels and do not count towards the 500-channel limit.
func (s *Server) guildChannels(guildID string) []*channel {
	var out []*channel
	for _, c := range s.channels {
		if c.GuildID == guildID && !isThread(c.Type) {
			out = append(out, c)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Position != out[j].Position {
			return out[i].Position < out[j].Position
		}
		return snowflakeLess(out[i].ID, out[j].ID)
	})
	return out
}

// isThread reports whether t is one of Discord's thread types.
func isThread(t discordgo.ChannelType) bool {
	return t == discordgo.ChannelTypeGuildNewsThread || t == discordgo.ChannelTypeGuildPublicThread ||
		t == discordgo.ChannelTypeGuildPrivateThread
}
