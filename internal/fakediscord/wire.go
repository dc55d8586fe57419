package fakediscord

import (
	"strconv"
	"time"

	"github.com/bwmarrin/discordgo"
)

// Rendering of the fake's state in Discord's JSON shapes (v9/v10 objects):
// snowflakes and permission bitsets as strings, absent values as null.

type obj = map[string]any

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func perm(p int64) string { return strconv.FormatInt(p, 10) }

func (s *Server) userJSON(id string) obj {
	u := s.users[id]
	if u == nil {
		u = &user{ID: id, Username: "unknown"}
	}
	o := obj{
		"id": u.ID, "username": u.Username, "discriminator": "0", "global_name": nullable(u.GlobalName),
		"avatar": nil, "public_flags": 0, "flags": 0, "banner": nil, "accent_color": nil,
		"primary_guild": nil, "avatar_decoration_data": nil, "collectibles": nil,
	}
	if u.Bot {
		o["bot"] = true
	}
	return o
}

func roleJSON(r *role) obj {
	o := obj{
		"id": r.ID, "name": r.Name, "color": r.Color,
		"colors": obj{"primary_color": r.Color, "secondary_color": nil, "tertiary_color": nil},
		"hoist":  r.Hoist, "icon": nil, "unicode_emoji": nil, "position": r.Position,
		"permissions": perm(r.Permissions), "managed": r.Managed, "mentionable": r.Mentionable, "flags": 0,
	}
	if r.BotID != "" {
		o["tags"] = obj{"bot_id": r.BotID}
	}
	return o
}

func overwritesJSON(ows []overwrite) []obj {
	out := []obj{}
	for _, o := range ows {
		out = append(out, obj{"id": o.ID, "type": int(o.Type), "allow": perm(o.Allow), "deny": perm(o.Deny)})
	}
	return out
}

func (s *Server) channelJSON(c *channel) obj {
	if c.Type == discordgo.ChannelTypeDM {
		return obj{"id": c.ID, "type": 1, "last_message_id": nil, "flags": 0, "recipients": []obj{s.userJSON(c.RecipientID)}}
	}
	o := obj{
		"id": c.ID, "type": int(c.Type), "guild_id": c.GuildID, "name": c.Name, "position": c.Position,
		"flags": 0, "parent_id": nullable(c.ParentID), "permission_overwrites": overwritesJSON(c.Overwrites),
	}
	switch c.Type {
	case discordgo.ChannelTypeGuildText, discordgo.ChannelTypeGuildNews, discordgo.ChannelTypeGuildForum, discordgo.ChannelTypeGuildMedia:
		o["topic"] = nullable(c.Topic)
		o["nsfw"] = c.NSFW
		o["last_message_id"] = nil
		o["rate_limit_per_user"] = c.RateLimitPerUser
	case discordgo.ChannelTypeGuildVoice, discordgo.ChannelTypeGuildStageVoice:
		o["bitrate"] = c.Bitrate
		o["user_limit"] = c.UserLimit
		o["rtc_region"] = nil
		o["nsfw"] = c.NSFW
		o["last_message_id"] = nil
		o["rate_limit_per_user"] = c.RateLimitPerUser
	}
	return o
}

func (s *Server) memberJSON(m *member) obj {
	return obj{
		"user": s.userJSON(m.UserID), "nick": nullable(m.Nick), "avatar": nil, "banner": nil,
		"roles": append([]string{}, m.Roles...), "joined_at": m.JoinedAt.Format(time.RFC3339Nano),
		"premium_since": nil, "deaf": false, "mute": false, "flags": 0, "pending": false,
		"communication_disabled_until": nil,
	}
}

func (s *Server) guildJSON(g *guild) obj {
	roles := []obj{}
	for _, r := range g.sortedRoles() {
		roles = append(roles, roleJSON(r))
	}
	return obj{
		"id": g.ID, "name": g.Name, "icon": nil, "splash": nil, "discovery_splash": nil,
		"owner_id": g.OwnerID, "afk_channel_id": nil, "afk_timeout": 300, "widget_enabled": false,
		"widget_channel_id": nil, "verification_level": 1, "default_message_notifications": 1,
		"explicit_content_filter": 0, "roles": roles, "emojis": []obj{}, "stickers": []obj{},
		"features": []string{}, "mfa_level": 0, "application_id": nil, "system_channel_id": nil,
		"system_channel_flags": 0, "rules_channel_id": nil, "max_presences": nil, "max_members": 500000,
		"vanity_url_code": nil, "description": nil, "banner": nil, "premium_tier": 0,
		"premium_subscription_count": 0, "preferred_locale": "en-US", "public_updates_channel_id": nil,
		"max_video_channel_users": 25, "max_stage_video_channel_users": 50, "nsfw_level": 0,
		"premium_progress_bar_enabled": false, "safety_alerts_channel_id": nil, "region": "deprecated",
		"home_header": nil, "nsfw": false, "incidents_data": nil,
	}
}
