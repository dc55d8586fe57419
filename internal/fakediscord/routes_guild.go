package fakediscord

import (
	"encoding/json"
	"io"
	"net/http"
	"sort"
	"strconv"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"
)

const (
	viewPerm = discordgo.PermissionViewChannel
	// maxRoles is Discord's hard limit; the fake counts @everyone in it.
	maxRoles = 250
)

func (s *Server) getGateway(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, obj{"url": s.GatewayURL()})
}

func (s *Server) getGatewayBot(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, obj{
		"url": s.GatewayURL(), "shards": 1,
		"session_start_limit": obj{"total": 1000, "remaining": 999, "reset_after": 14400000, "max_concurrency": 1},
	})
}

func (s *Server) getMe(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.userJSON(s.botUserID)
	u["verified"] = true
	u["mfa_enabled"] = false
	u["locale"] = "en-US"
	writeJSON(w, http.StatusOK, u)
}

func (s *Server) getUser(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := r.PathValue("uid")
	if s.users[id] == nil {
		writeError(w, http.StatusNotFound, codeUnknownUser, "Unknown User")
		return
	}
	writeJSON(w, http.StatusOK, s.userJSON(id))
}

// getMyGuilds lists the guilds the bot is in (partial guild objects), in the
// order they were added; before/after/limit are honoured as on Discord.
func (s *Server) getMyGuilds(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit := 200
	if l, err := strconv.Atoi(q.Get("limit")); err == nil && l >= 1 && l <= 200 {
		limit = l
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []obj{}
	for _, id := range s.guildOrder {
		g := s.guilds[id]
		if g.BotRemoved || (q.Get("after") != "" && !snowflakeLess(q.Get("after"), id)) ||
			(q.Get("before") != "" && !snowflakeLess(id, q.Get("before"))) || len(out) >= limit {
			continue
		}
		out = append(out, obj{
			"id": g.ID, "name": g.Name, "icon": nil, "banner": nil, "owner": g.OwnerID == s.botUserID,
			"permissions": perm(s.basePermissions(g, s.botUserID)), "features": []string{},
		})
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) getRole(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.guildFor(w, r.PathValue("gid"))
	if g == nil {
		return
	}
	if x := g.Roles[r.PathValue("rid")]; x != nil {
		writeJSON(w, http.StatusOK, roleJSON(x))
		return
	}
	writeError(w, http.StatusNotFound, codeUnknownRole, "Unknown Role")
}

func (s *Server) getGuild(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.guildFor(w, r.PathValue("gid"))
	if g == nil {
		return
	}
	o := s.guildJSON(g)
	if r.URL.Query().Get("with_counts") == "true" {
		o["approximate_member_count"] = len(g.Members)
		o["approximate_presence_count"] = 0
	}
	writeJSON(w, http.StatusOK, o)
}

func (s *Server) getMember(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.guildFor(w, r.PathValue("gid"))
	if g == nil {
		return
	}
	m := g.Members[r.PathValue("uid")]
	if m == nil {
		writeError(w, http.StatusNotFound, codeUnknownMember, "Unknown Member")
		return
	}
	writeJSON(w, http.StatusOK, s.memberJSON(m))
}

func (s *Server) rolesJSON(g *guild) []obj {
	out := []obj{}
	for _, r := range g.sortedRoles() {
		out = append(out, roleJSON(r))
	}
	return out
}

func (s *Server) getRoles(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if g := s.guildFor(w, r.PathValue("gid")); g != nil {
		writeJSON(w, http.StatusOK, s.rolesJSON(g))
	}
}

// canGrant reports whether the bot may give out perms (in a role or an
// overwrite): Discord refuses bits the bot does not hold itself.
func (s *Server) canGrant(g *guild, perms int64) bool {
	return s.botIsAdmin(g) || perms&^s.basePermissions(g, s.botUserID) == 0
}

// applyRoleFields sets the fields present in a create/edit body on r.
func (s *Server) applyRoleFields(w http.ResponseWriter, g *guild, r *role, f fields) bool {
	if f.has("name") {
		name, err := f.str("name")
		if err == nil && utf8.RuneCountInString(name) > 100 {
			err = &fieldError{"name", "Must be between 1 and 100 in length."}
		}
		if err != nil {
			writeFormErr(w, err)
			return false
		}
		if name == "" {
			name = "new role"
		}
		r.Name = name
	}
	if f.has("permissions") {
		p, err := f.perm("permissions")
		if err != nil {
			writeFormErr(w, err)
			return false
		}
		if !s.canGrant(g, p) {
			missingPermissions(w)
			return false
		}
		r.Permissions = p
	}
	var err error
	if f.has("color") {
		if r.Color, err = f.int("color"); err == nil && (r.Color < 0 || r.Color > 0xFFFFFF) {
			err = &fieldError{"color", "Int value should be less than or equal to 16777215."}
		}
	}
	if err == nil && f.has("hoist") {
		r.Hoist, err = f.bool("hoist")
	}
	if err == nil && f.has("mentionable") {
		r.Mentionable, err = f.bool("mentionable")
	}
	if err != nil {
		writeFormErr(w, err)
		return false
	}
	return true
}

func (s *Server) createRole(w http.ResponseWriter, r *http.Request) {
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
	if s.basePermissions(g, s.botUserID)&discordgo.PermissionManageRoles == 0 {
		missingPermissions(w)
		return
	}
	if len(g.Roles) >= maxRoles {
		writeError(w, http.StatusBadRequest, codeMaxRoles, "Maximum number of guild roles reached (250)")
		return
	}
	nr := &role{ID: newID(), Name: "new role"}
	if !s.applyRoleFields(w, g, nr, f) {
		return
	}
	insertRoleAt(g, nr, 1)
	s.gw.broadcast("GUILD_ROLE_CREATE", obj{"guild_id": g.ID, "role": roleJSON(nr)})
	writeJSON(w, http.StatusOK, roleJSON(nr))
}

// editableRole finds a role the bot may change: it exists and sits below the
// bot's top role (Discord's hierarchy rule).
func (s *Server) editableRole(w http.ResponseWriter, g *guild, rid string) *role {
	target := g.Roles[rid]
	if target == nil {
		writeError(w, http.StatusNotFound, codeUnknownRole, "Unknown Role")
		return nil
	}
	if s.basePermissions(g, s.botUserID)&discordgo.PermissionManageRoles == 0 {
		missingPermissions(w)
		return nil
	}
	if g.OwnerID != s.botUserID && target.Position >= s.topRolePosition(g, s.botUserID) && target.ID != g.ID {
		missingPermissions(w)
		return nil
	}
	return target
}

func (s *Server) editRole(w http.ResponseWriter, r *http.Request) {
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
	target := s.editableRole(w, g, r.PathValue("rid"))
	if target == nil {
		return
	}
	edited := target.copy()
	if !s.applyRoleFields(w, g, edited, f) {
		return
	}
	if target.Managed && edited.Name != target.Name {
		writeError(w, http.StatusBadRequest, codeInvalidRole, "Invalid Role")
		return
	}
	*target = *edited
	s.gw.broadcast("GUILD_ROLE_UPDATE", obj{"guild_id": g.ID, "role": roleJSON(target)})
	writeJSON(w, http.StatusOK, roleJSON(target))
}

func (s *Server) deleteRoleRoute(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.guildFor(w, r.PathValue("gid"))
	if g == nil {
		return
	}
	target := s.editableRole(w, g, r.PathValue("rid"))
	if target == nil {
		return
	}
	if target.ID == g.ID || target.Managed {
		writeError(w, http.StatusBadRequest, codeInvalidRole, "Invalid Role")
		return
	}
	s.deleteRole(g, target.ID)
	s.gw.broadcast("GUILD_ROLE_DELETE", obj{"guild_id": g.ID, "role_id": target.ID})
	w.WriteHeader(http.StatusNoContent)
}

// positionChange is one element of the bulk position bodies.
type positionChange struct {
	ID       string          `json:"id"`
	Position *int            `json:"position"`
	ParentID json.RawMessage `json:"parent_id"`
	Lock     *bool           `json:"lock_permissions"`
}

func readPositions(w http.ResponseWriter, r *http.Request) ([]positionChange, bool) {
	body, _ := io.ReadAll(r.Body)
	var ch []positionChange
	if err := json.Unmarshal(body, &ch); err != nil {
		writeFormError(w, "_body", "BASE_TYPE_BAD", "Expected an array of {id, position} objects.")
		return nil, false
	}
	return ch, true
}

func (s *Server) reorderRoles(w http.ResponseWriter, r *http.Request) {
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
	if s.basePermissions(g, s.botUserID)&discordgo.PermissionManageRoles == 0 {
		missingPermissions(w)
		return
	}
	top := s.topRolePosition(g, s.botUserID)
	want := map[string]int{}
	for i, c := range changes {
		target := g.Roles[c.ID]
		if target == nil || c.Position == nil {
			writeFormError(w, itoaPath(i, "id"), "BASE_TYPE_BAD", "Unknown role or missing position.")
			return
		}
		if target.ID == g.ID {
			if *c.Position != 0 {
				writeError(w, http.StatusBadRequest, codeInvalidRole, "Invalid Role")
				return
			}
			continue
		}
		if g.OwnerID != s.botUserID && (target.Position >= top || *c.Position >= top) { // hierarchy holds even for Administrator
			missingPermissions(w)
			return
		}
		want[c.ID] = *c.Position
	}
	// Apply the requested positions, then let ties fall by id and renumber,
	// which is how Discord resolves a partial reorder.
	roles := g.sortedRoles()
	key := map[*role]int{}
	for _, x := range roles {
		key[x] = x.Position
		if p, ok := want[x.ID]; ok {
			key[x] = p
		}
	}
	sort.SliceStable(roles, func(i, j int) bool {
		if key[roles[i]] != key[roles[j]] {
			return key[roles[i]] < key[roles[j]]
		}
		_, mi := want[roles[i].ID]
		_, mj := want[roles[j].ID]
		if mi != mj {
			return !mi // a moved role goes above an unmoved one at the same spot
		}
		return snowflakeLess(roles[i].ID, roles[j].ID)
	})
	pos := 1
	for _, x := range roles {
		if x.ID == g.ID {
			x.Position = 0
			continue
		}
		x.Position = pos
		pos++
	}
	writeJSON(w, http.StatusOK, s.rolesJSON(g))
}

func itoaPath(i int, field string) string { return strconv.Itoa(i) + "." + field }
