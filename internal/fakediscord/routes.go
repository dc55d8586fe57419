package fakediscord

import (
	"errors"
	"io"
	"net/http"
)

// routes registers every REST route the fake serves (paths as discordgo
// v0.29.0 calls them, under /api/v9).
func (s *Server) routes() {
	h := func(pattern string, f http.HandlerFunc) {
		s.mux.HandleFunc(pattern[:len(pattern)-len(pathOf(pattern))]+apiPrefix+pathOf(pattern), f)
	}

	h("GET /gateway", s.getGateway)
	h("GET /gateway/bot", s.getGatewayBot)
	h("GET /users/@me", s.getMe)
	h("GET /users/{uid}", s.getUser)
	h("POST /users/@me/channels", s.createDM)
	h("GET /users/@me/guilds", s.getMyGuilds)

	h("GET /guilds/{gid}", s.getGuild)
	h("GET /guilds/{gid}/roles", s.getRoles)
	h("POST /guilds/{gid}/roles", s.createRole)
	h("PATCH /guilds/{gid}/roles", s.reorderRoles)
	h("GET /guilds/{gid}/roles/{rid}", s.getRole)
	h("PATCH /guilds/{gid}/roles/{rid}", s.editRole)
	h("DELETE /guilds/{gid}/roles/{rid}", s.deleteRoleRoute)
	h("GET /guilds/{gid}/channels", s.getChannels)
	h("POST /guilds/{gid}/channels", s.createChannel)
	h("PATCH /guilds/{gid}/channels", s.reorderChannels)
	h("GET /guilds/{gid}/members/{uid}", s.getMember)
	h("GET /guilds/{gid}/threads/active", s.getActiveThreads)

	h("GET /channels/{cid}", s.getChannel)
	h("PATCH /channels/{cid}", s.editChannel)
	h("DELETE /channels/{cid}", s.deleteChannelRoute)
	h("PUT /channels/{cid}/permissions/{oid}", s.putOverwrite)
	h("DELETE /channels/{cid}/permissions/{oid}", s.deleteOverwrite)
	h("POST /channels/{cid}/messages", s.postMessage)

	h("GET /applications/{app}/commands", s.getCommands)
	h("PUT /applications/{app}/commands", s.putCommands)
	h("POST /applications/{app}/commands", s.postCommand)
	h("GET /applications/{app}/guilds/{gid}/commands", s.getCommands)
	h("PUT /applications/{app}/guilds/{gid}/commands", s.putCommands)
	h("POST /applications/{app}/guilds/{gid}/commands", s.postCommand)
	h("DELETE /applications/{app}/commands/{cmd}", s.deleteCommand)
	h("DELETE /applications/{app}/guilds/{gid}/commands/{cmd}", s.deleteCommand)

	h("POST /interactions/{iid}/{token}/callback", s.interactionCallback)
	h("GET /webhooks/{app}/{token}/messages/{mid}", s.getWebhookMessage)
	h("PATCH /webhooks/{app}/{token}/messages/{mid}", s.editWebhookMessage)
	h("DELETE /webhooks/{app}/{token}/messages/{mid}", s.deleteWebhookMessage)
	h("POST /webhooks/{app}/{token}", s.executeWebhook)
}

// pathOf returns the path part of a "METHOD /path" pattern.
func pathOf(pattern string) string {
	for i := 0; i < len(pattern); i++ {
		if pattern[i] == '/' {
			return pattern[i:]
		}
	}
	return pattern
}

// readFields decodes a JSON object body, answering 400 itself on failure.
func readFields(w http.ResponseWriter, r *http.Request) (fields, bool) {
	body, _ := io.ReadAll(r.Body)
	f, err := decodeFields(body)
	if err != nil {
		writeFormErr(w, err)
		return nil, false
	}
	return f, true
}

// writeFormErr answers a field decoding error with 400 50035.
func writeFormErr(w http.ResponseWriter, err error) {
	var fe *fieldError
	if errors.As(err, &fe) {
		writeFormError(w, fe.field, "BASE_TYPE_BAD", fe.msg)
		return
	}
	writeFormError(w, "_body", "BASE_TYPE_BAD", err.Error())
}

// guildFor returns the path's guild, answering 404/403 itself when it is
// unknown or the bot was removed. Callers hold s.mu.
func (s *Server) guildFor(w http.ResponseWriter, gid string) *guild {
	g := s.guilds[gid]
	if g == nil {
		writeError(w, http.StatusNotFound, codeUnknownGuild, "Unknown Guild")
		return nil
	}
	if g.BotRemoved {
		writeError(w, http.StatusForbidden, codeMissingAccess, "Missing Access")
		return nil
	}
	return g
}

// channelFor returns the path's channel (and its guild for guild channels),
// answering 404/403 itself. The bot must be able to see a guild channel.
func (s *Server) channelFor(w http.ResponseWriter, cid string) (*channel, *guild) {
	c := s.channels[cid]
	if c == nil {
		writeError(w, http.StatusNotFound, codeUnknownChannel, "Unknown Channel")
		return nil, nil
	}
	if c.GuildID == "" {
		return c, nil
	}
	g := s.guildFor(w, c.GuildID)
	if g == nil {
		return nil, nil
	}
	if s.channelPermissions(g, c, s.botUserID)&viewPerm == 0 {
		writeError(w, http.StatusForbidden, codeMissingAccess, "Missing Access")
		return nil, nil
	}
	return c, g
}

func missingPermissions(w http.ResponseWriter) {
	writeError(w, http.StatusForbidden, codeMissingPermissions, "Missing Permissions")
}
