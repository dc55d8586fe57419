package fakediscord

import (
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strconv"

	"github.com/bwmarrin/discordgo"
)

// Application commands are stored as the JSON objects Discord returns, per
// scope: "" for global, else a guild id.

var commandName = regexp.MustCompile(`^[-_\p{Ll}\p{Lo}\p{N}]{1,32}$`)

func (s *Server) commandScope(w http.ResponseWriter, r *http.Request) (string, bool) {
	if r.PathValue("app") != s.appID {
		writeError(w, http.StatusForbidden, 20012, "You are not authorized to perform this action on this application")
		return "", false
	}
	gid := r.PathValue("gid")
	if gid != "" && s.guildFor(w, gid) == nil {
		return "", false
	}
	return gid, true
}

// normaliseCommand validates one command body and fills the server fields.
func (s *Server) normaliseCommand(raw json.RawMessage, scope, keepID string) (json.RawMessage, string, error) {
	f, err := decodeFields(raw)
	if err != nil {
		return nil, "", err
	}
	name, err := f.str("name")
	if err != nil {
		return nil, "", err
	}
	typ := 1
	if f.has("type") {
		if typ, err = f.int("type"); err != nil {
			return nil, "", err
		}
	}
	if typ == 1 && !commandName.MatchString(name) {
		return nil, "", &fieldError{"name", "Command name is invalid"}
	}
	if typ == 1 {
		if d, _ := f.str("description"); d == "" || len([]rune(d)) > 100 {
			return nil, "", &fieldError{"description", "Must be between 1 and 100 in length."}
		}
	}
	id := keepID
	if id == "" {
		id = newID()
	}
	o := map[string]any{}
	for k, v := range f {
		if k == "options" && isNull(v) {
			continue // Discord omits an empty option list
		}
		o[k] = v
	}
	o["id"], o["application_id"], o["type"], o["version"] = id, s.appID, typ, newID()
	if scope != "" {
		o["guild_id"] = scope
	}
	if _, ok := o["default_member_permissions"]; !ok {
		o["default_member_permissions"] = nil
	} else if p, err := f.perm("default_member_permissions"); err == nil && !isNull(f["default_member_permissions"]) {
		o["default_member_permissions"] = strconv.FormatInt(p, 10)
	}
	b, _ := json.Marshal(o)
	return b, name + "\x00" + strconv.Itoa(typ), nil
}

func commandKey(raw json.RawMessage) (key, id string) {
	var c struct {
		ID   string `json:"id"`
		Name string `json:"name"`
		Type int    `json:"type"`
	}
	_ = json.Unmarshal(raw, &c)
	if c.Type == 0 {
		c.Type = 1
	}
	return c.Name + "\x00" + strconv.Itoa(c.Type), c.ID
}

func (s *Server) getCommands(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	scope, ok := s.commandScope(w, r)
	if !ok {
		return
	}
	out := []json.RawMessage{}
	out = append(out, s.commands[scope]...)
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) putCommands(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	var in []json.RawMessage
	if err := json.Unmarshal(body, &in); err != nil {
		writeFormError(w, "_body", "BASE_TYPE_BAD", "Expected an array of commands.")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	scope, ok := s.commandScope(w, r)
	if !ok {
		return
	}
	existing := map[string]string{}
	for _, c := range s.commands[scope] {
		k, id := commandKey(c)
		existing[k] = id
	}
	var out []json.RawMessage
	seen := map[string]bool{}
	for i, raw := range in {
		k, _ := commandKey(raw)
		nc, key, err := s.normaliseCommand(raw, scope, existing[k])
		if err != nil {
			writeFormErr(w, prefixField(itoaPath(i, ""), err))
			return
		}
		if seen[key] {
			writeFormError(w, itoaPath(i, "name"), "APPLICATION_COMMANDS_DUPLICATE_NAME", "Application command names must be unique")
			return
		}
		seen[key] = true
		out = append(out, nc)
	}
	s.commands[scope] = out
	if out == nil {
		out = []json.RawMessage{}
	}
	writeJSON(w, http.StatusOK, out)
}

func prefixField(prefix string, err error) error {
	if fe, ok := err.(*fieldError); ok {
		return &fieldError{prefix + fe.field, fe.msg}
	}
	return err
}

func (s *Server) postCommand(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	defer s.mu.Unlock()
	scope, ok := s.commandScope(w, r)
	if !ok {
		return
	}
	k, _ := commandKey(body)
	for i, c := range s.commands[scope] {
		if ck, id := commandKey(c); ck == k {
			nc, _, err := s.normaliseCommand(body, scope, id)
			if err != nil {
				writeFormErr(w, err)
				return
			}
			s.commands[scope][i] = nc
			writeJSON(w, http.StatusOK, nc)
			return
		}
	}
	nc, _, err := s.normaliseCommand(body, scope, "")
	if err != nil {
		writeFormErr(w, err)
		return
	}
	s.commands[scope] = append(s.commands[scope], nc)
	writeJSON(w, http.StatusCreated, nc)
}

func (s *Server) deleteCommand(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	scope, ok := s.commandScope(w, r)
	if !ok {
		return
	}
	for i, c := range s.commands[scope] {
		if _, id := commandKey(c); id == r.PathValue("cmd") {
			s.commands[scope] = append(s.commands[scope][:i:i], s.commands[scope][i+1:]...)
			w.WriteHeader(http.StatusNoContent)
			return
		}
	}
	writeError(w, http.StatusNotFound, codeUnknownCommand, "Unknown application command")
}

// Commands returns the registered commands for a guild ("" = global).
func (s *Server) Commands(guildID string) []*discordgo.ApplicationCommand {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*discordgo.ApplicationCommand
	for _, raw := range s.commands[guildID] {
		var c discordgo.ApplicationCommand
		if err := json.Unmarshal(raw, &c); err != nil {
			s.t.Errorf("fakediscord: decode stored command: %v", err)
			continue
		}
		out = append(out, &c)
	}
	return out
}
