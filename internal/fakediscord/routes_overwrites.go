package fakediscord

import (
	"encoding/json"
	"net/http"

	"github.com/bwmarrin/discordgo"
)

// Permission overwrites: in channel bodies and through the per-target route.

// readOverwrites decodes permission_overwrites and checks each target exists
// and that the bot could grant every bit (Discord refuses bits it lacks).
func (s *Server) readOverwrites(w http.ResponseWriter, g *guild, raw json.RawMessage) ([]overwrite, bool) {
	var in []fields
	if len(raw) == 0 || isNull(raw) {
		return nil, true
	}
	if err := json.Unmarshal(raw, &in); err != nil {
		writeFormError(w, "permission_overwrites", "BASE_TYPE_BAD", "Expected an array of overwrite objects.")
		return nil, false
	}
	var out []overwrite
	for i, f := range in {
		o, ok := s.readOverwrite(w, g, f, "", "permission_overwrites."+itoaPath(i, ""))
		if !ok {
			return nil, false
		}
		out = append(out, o)
	}
	return out, true
}

func (s *Server) readOverwrite(w http.ResponseWriter, g *guild, f fields, id, where string) (overwrite, bool) {
	var o overwrite
	var err error
	if id == "" {
		id, err = f.str("id")
	}
	t := 0
	if err == nil {
		t, err = f.int("type")
	}
	if err == nil && !f.has("type") {
		err = &fieldError{"type", "This field is required"}
	}
	if err == nil {
		o.Allow, err = f.perm("allow")
	}
	if err == nil {
		o.Deny, err = f.perm("deny")
	}
	if err != nil {
		fe := err.(*fieldError)
		writeFormError(w, where+fe.field, "BASE_TYPE_BAD", fe.msg)
		return o, false
	}
	o.ID, o.Type = id, discordgo.PermissionOverwriteType(t)
	switch o.Type {
	case discordgo.PermissionOverwriteTypeRole:
		if g.Roles[id] == nil {
			writeFormError(w, where+"id", "UNKNOWN_ROLE", "Unknown role "+id+".")
			return o, false
		}
	case discordgo.PermissionOverwriteTypeMember:
		if g.Members[id] == nil {
			writeFormError(w, where+"id", "UNKNOWN_MEMBER", "Unknown member "+id+".")
			return o, false
		}
	default:
		writeFormError(w, where+"type", "BASE_TYPE_CHOICES", "Value must be one of (0, 1).")
		return o, false
	}
	if !s.canGrant(g, o.Allow|o.Deny) {
		missingPermissions(w)
		return o, false
	}
	return o, true
}

func (s *Server) putOverwrite(w http.ResponseWriter, r *http.Request) {
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
	if g == nil || s.channelPermissions(g, c, s.botUserID)&discordgo.PermissionManageRoles == 0 {
		missingPermissions(w)
		return
	}
	o, ok := s.readOverwrite(w, g, f, r.PathValue("oid"), "")
	if !ok {
		return
	}
	setOverwrite(c, o)
	s.gw.broadcast("CHANNEL_UPDATE", s.channelJSON(c))
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) deleteOverwrite(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, g := s.channelFor(w, r.PathValue("cid"))
	if c == nil {
		return
	}
	if g == nil || s.channelPermissions(g, c, s.botUserID)&discordgo.PermissionManageRoles == 0 {
		missingPermissions(w)
		return
	}
	oid := r.PathValue("oid")
	before := len(c.Overwrites)
	c.Overwrites = removeOverwrite(c.Overwrites, oid)
	if len(c.Overwrites) == before {
		writeError(w, http.StatusNotFound, codeUnknownOverwrite, "Unknown Overwrite")
		return
	}
	s.gw.broadcast("CHANNEL_UPDATE", s.channelJSON(c))
	w.WriteHeader(http.StatusNoContent)
}
