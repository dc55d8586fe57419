package fakediscord

import (
	"encoding/json"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"
)

const (
	maxChannels         = 500
	maxChannelsCategory = 50
)

// creatableTypes are the channel types a bot may create in a guild.
var creatableTypes = map[discordgo.ChannelType]bool{
	discordgo.ChannelTypeGuildText: true, discordgo.ChannelTypeGuildVoice: true,
	discordgo.ChannelTypeGuildCategory: true, discordgo.ChannelTypeGuildNews: true,
	discordgo.ChannelTypeGuildStageVoice: true, discordgo.ChannelTypeGuildForum: true,
	discordgo.ChannelTypeGuildMedia: true,
}

// textLike channel names are lowercased with spaces turned into dashes by
// Discord, so "Holder Chat" comes back as "holder-chat".
func textLike(t discordgo.ChannelType) bool {
	switch t {
	case discordgo.ChannelTypeGuildText, discordgo.ChannelTypeGuildNews, discordgo.ChannelTypeGuildForum, discordgo.ChannelTypeGuildMedia:
		return true
	}
	return false
}

func normaliseChannelName(t discordgo.ChannelType, name string) string {
	name = strings.TrimSpace(name)
	if !textLike(t) {
		return name
	}
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		if unicode.IsSpace(r) || r == '-' {
			if !dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = true
			continue
		}
		dash = false
		b.WriteRune(r)
	}
	return strings.TrimSuffix(b.String(), "-")
}

func (s *Server) getChannels(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.guildFor(w, r.PathValue("gid"))
	if g == nil {
		return
	}
	out := []obj{}
	for _, c := range s.guildChannels(g.ID) {
		out = append(out, s.channelJSON(c))
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) getChannel(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c, _ := s.channelFor(w, r.PathValue("cid")); c != nil {
		writeJSON(w, http.StatusOK, s.channelJSON(c))
	}
}

// setParent validates parent_id for channel c; "" clears it.
func (s *Server) checkParent(w http.ResponseWriter, g *guild, c *channel, parent string) bool {
	if parent == "" {
		return true
	}
	p := s.channels[parent]
	if p == nil || p.GuildID != g.ID || p.Type != discordgo.ChannelTypeGuildCategory || c.Type == discordgo.ChannelTypeGuildCategory {
		writeFormError(w, "parent_id", "CHANNEL_PARENT_INVALID_TYPE", "Not a category in this guild.")
		return false
	}
	n := 0
	for _, x := range s.channels {
		if x.ParentID == parent && x.ID != c.ID {
			n++
		}
	}
	if n >= maxChannelsCategory {
		writeFormError(w, "parent_id", "CHANNEL_PARENT_MAX_CHANNELS", "Maximum number of channels in category reached (50)")
		return false
	}
	return true
}

// applyChannelFields sets the simple fields present in a create/edit body.
func applyChannelFields(w http.ResponseWriter, c *channel, f fields) bool {
	var err error
	if f.has("name") {
		var name string
		if name, err = f.str("name"); err == nil {
			name = normaliseChannelName(c.Type, name)
			if n := utf8.RuneCountInString(name); n < 1 || n > 100 {
				err = &fieldError{"name", "Must be between 1 and 100 in length."}
			}
			c.Name = name
		}
	}
	if err == nil && f.has("topic") {
		if c.Topic, err = f.str("topic"); err == nil && utf8.RuneCountInString(c.Topic) > 1024 {
			err = &fieldError{"topic", "Must be 1024 or fewer in length."}
		}
	}
	if err == nil && f.has("position") {
		c.Position, err = f.int("position")
	}
	if err == nil && f.has("nsfw") {
		c.NSFW, err = f.bool("nsfw")
	}
	if err == nil && f.has("rate_limit_per_user") {
		c.RateLimitPerUser, err = f.int("rate_limit_per_user")
	}
	if err == nil && f.has("bitrate") {
		c.Bitrate, err = f.int("bitrate")
	}
	if err == nil && f.has("user_limit") {
		c.UserLimit, err = f.int("user_limit")
	}
	if err != nil {
		writeFormErr(w, err)
		return false
	}
	return true
}

func (s *Server) createChannel(w http.ResponseWriter, r *http.Request) {
	f, ok := readFields(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.guildFor(w, r.PathValue("gid"))
	if g == nil {
		return
	}
	if s.basePermissions(g, s.botUserID)&discordgo.PermissionManageChannels == 0 {
		missingPermissions(w)
		return
	}
	typ, err := f.int("type")
	if err != nil {
		writeFormErr(w, err)
		return
	}
	c := &channel{ID: newID(), GuildID: g.ID, Type: discordgo.ChannelType(typ)}
	if !creatableTypes[c.Type] {
		writeFormError(w, "type", "BASE_TYPE_CHOICES", "Value must be one of the creatable channel types.")
		return
	}
	if !f.has("name") {
		writeFormError(w, "name", "BASE_TYPE_REQUIRED", "This field is required")
		return
	}
	if !applyChannelFields(w, c, f) {
		return
	}
	parent, err := f.str("parent_id")
	if err != nil {
		writeFormErr(w, err)
		return
	}
	if len(s.guildChannels(g.ID)) >= maxChannels {
		writeError(w, http.StatusBadRequest, codeMaxChannels, "Maximum number of guild channels reached (500)")
		return
	}
	if !s.checkParent(w, g, c, parent) {
		return
	}
	c.ParentID = parent
	if c.Overwrites, ok = s.readOverwrites(w, g, f["permission_overwrites"]); !ok {
		return
	}
	if !f.has("position") {
		// New channels go to the bottom of their group, as on Discord.
		for _, x := range s.guildChannels(g.ID) {
			if (x.Type == discordgo.ChannelTypeGuildCategory) == (c.Type == discordgo.ChannelTypeGuildCategory) && x.Position >= c.Position {
				c.Position = x.Position + 1
			}
		}
	}
	if c.Type == discordgo.ChannelTypeGuildVoice && c.Bitrate == 0 {
		c.Bitrate = 64000
	}
	s.channels[c.ID] = c
	s.gw.broadcast("CHANNEL_CREATE", s.channelJSON(c))
	writeJSON(w, http.StatusCreated, s.channelJSON(c))
}

// canManageChannel: Manage Channels in the channel (overwrites included).
func (s *Server) canManageChannel(g *guild, c *channel) bool {
	return s.channelPermissions(g, c, s.botUserID)&discordgo.PermissionManageChannels != 0
}

func (s *Server) editChannel(w http.ResponseWriter, r *http.Request) {
	f, ok := readFields(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, g := s.channelFor(w, r.PathValue("cid"))
	if c == nil {
		return
	}
	if g == nil {
		writeError(w, http.StatusForbidden, codeMissingPermissions, "Missing Permissions")
		return
	}
	if !s.canManageChannel(g, c) {
		missingPermissions(w)
		return
	}
	edited := c.copy()
	if !applyChannelFields(w, edited, f) {
		return
	}
	if f.has("parent_id") {
		parent, err := f.str("parent_id")
		if err != nil {
			writeFormErr(w, err)
			return
		}
		if !s.checkParent(w, g, edited, parent) {
			return
		}
		edited.ParentID = parent
	}
	if f.has("permission_overwrites") {
		if s.channelPermissions(g, c, s.botUserID)&discordgo.PermissionManageRoles == 0 {
			missingPermissions(w)
			return
		}
		if edited.Overwrites, ok = s.readOverwrites(w, g, f["permission_overwrites"]); !ok {
			return
		}
	}
	*c = *edited
	s.gw.broadcast("CHANNEL_UPDATE", s.channelJSON(c))
	writeJSON(w, http.StatusOK, s.channelJSON(c))
}

func (s *Server) deleteChannelRoute(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, g := s.channelFor(w, r.PathValue("cid"))
	if c == nil {
		return
	}
	if g == nil || !s.canManageChannel(g, c) {
		missingPermissions(w)
		return
	}
	out := s.channelJSON(c)
	s.deleteChannel(c.ID)
	s.gw.broadcast("CHANNEL_DELETE", out)
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) reorderChannels(w http.ResponseWriter, r *http.Request) {
	changes, ok := readPositions(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.guildFor(w, r.PathValue("gid"))
	if g == nil {
		return
	}
	if s.basePermissions(g, s.botUserID)&discordgo.PermissionManageChannels == 0 {
		missingPermissions(w)
		return
	}
	// Validate everything first: Discord applies a bulk reorder all or nothing.
	type move struct {
		c        *channel
		pos      *int
		parent   string
		setParnt bool
		lock     bool // lock_permissions: take the new parent's overwrites
	}
	var moves []move
	for i, ch := range changes {
		c := s.channels[ch.ID]
		if c == nil || c.GuildID != g.ID {
			writeFormError(w, itoaPath(i, "id"), "CHANNEL_NOT_FOUND", "Unknown channel "+ch.ID+".")
			return
		}
		m := move{c: c, pos: ch.Position, lock: ch.Lock != nil && *ch.Lock}
		if ch.ParentID != nil {
			m.setParnt = true
			if !isNull(ch.ParentID) {
				if err := json.Unmarshal(ch.ParentID, &m.parent); err != nil {
					writeFormError(w, itoaPath(i, "parent_id"), "BASE_TYPE_BAD", "Not a snowflake.")
					return
				}
			}
			if !s.checkParent(w, g, c, m.parent) {
				return
			}
		}
		moves = append(moves, m)
	}
	for _, m := range moves {
		if m.pos != nil {
			m.c.Position = *m.pos
		}
		if m.setParnt {
			m.c.ParentID = m.parent
			if p := s.channels[m.parent]; m.lock && p != nil {
				m.c.Overwrites = append([]overwrite(nil), p.Overwrites...)
			}
		}
	}
	w.WriteHeader(http.StatusNoContent)
}
