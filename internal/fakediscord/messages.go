package fakediscord

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/bwmarrin/discordgo"
)

// message is a message the bot created: in a channel, a DM, or as an
// interaction response / follow-up.
type message struct {
	ID, ChannelID      string
	Type               int
	Content            string
	Embeds, Components json.RawMessage
	Flags              int
	Timestamp, Edited  time.Time
	WebhookID          string // application id for interaction messages
	Nonce              string // as sent; echoed in the answer
	Deleted            bool
}

// nonceWindow is how long Discord remembers an enforced nonce ("a few minutes").
const nonceWindow = 5 * time.Minute

func (s *Server) newMessage(channelID string) *message {
	m := &message{ID: newID(), ChannelID: channelID, Timestamp: time.Now().UTC(), Embeds: json.RawMessage("[]"), Components: json.RawMessage("[]")}
	s.messages[m.ID] = m
	return m
}

// applyMessageFields merges content, embeds, components and flags from a
// create/edit body; null clears, absent keeps.
func applyMessageFields(m *message, f fields) error {
	var err error
	if f.has("content") {
		if m.Content, err = f.str("content"); err != nil {
			return err
		}
	}
	for _, k := range []string{"embeds", "components"} {
		if !f.has(k) {
			continue
		}
		raw := f[k]
		if isNull(raw) {
			raw = json.RawMessage("[]")
		}
		var arr []json.RawMessage
		if json.Unmarshal(raw, &arr) != nil {
			return &fieldError{k, "Must be an array."}
		}
		if k == "components" {
			raw = numberComponents(arr)
		}
		if k == "embeds" {
			// Discord answers with every embed's type, "rich" when not sent.
			for i, e := range arr {
				var o map[string]json.RawMessage
				if json.Unmarshal(e, &o) != nil || o == nil {
					continue
				}
				if o["type"] == nil {
					o["type"] = json.RawMessage(`"rich"`)
				}
				o["fields"] = defaultInline(o["fields"])
				if o["fields"] == nil {
					delete(o, "fields")
				}
				arr[i], _ = json.Marshal(o)
			}
			raw, _ = json.Marshal(arr)
			m.Embeds = raw
		} else {
			m.Components = append(json.RawMessage(nil), raw...)
		}
	}
	if f.has("flags") {
		fl, err := f.int("flags")
		if err != nil {
			return err
		}
		m.Flags = fl
	}
	return nil
}

func (s *Server) messageJSON(m *message) obj {
	o := obj{
		"id": m.ID, "type": m.Type, "channel_id": m.ChannelID, "author": s.userJSON(s.botUserID),
		"content": m.Content, "timestamp": m.Timestamp.Format(time.RFC3339Nano), "edited_timestamp": nil,
		"tts": false, "mention_everyone": false, "mentions": []obj{}, "mention_roles": []string{},
		"attachments": []obj{}, "embeds": m.Embeds, "components": m.Components, "pinned": false, "flags": m.Flags,
	}
	if !m.Edited.IsZero() {
		o["edited_timestamp"] = m.Edited.Format(time.RFC3339Nano)
	}
	if m.Nonce != "" {
		o["nonce"] = m.Nonce
	}
	if m.WebhookID != "" {
		o["webhook_id"] = m.WebhookID
		o["application_id"] = m.WebhookID
	}
	return o
}

// toDiscordgo decodes a rendered message through discordgo's own unmarshaller
// (which knows the component types).
func (s *Server) messageDG(m *message) *discordgo.Message {
	b, _ := json.Marshal(s.messageJSON(m))
	var out discordgo.Message
	if err := json.Unmarshal(b, &out); err != nil {
		s.t.Errorf("fakediscord: decode stored message %s: %v", m.ID, err)
		return nil
	}
	return &out
}

func (s *Server) postMessage(w http.ResponseWriter, r *http.Request) {
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
	if g != nil && s.channelPermissions(g, c, s.botUserID)&discordgo.PermissionSendMessages == 0 {
		missingPermissions(w)
		return
	}
	if g == nil && s.dmBlocked[c.RecipientID] {
		writeError(w, http.StatusForbidden, codeCannotSendToUser, "Cannot send messages to this user")
		return
	}
	switch c.Type {
	case discordgo.ChannelTypeGuildText, discordgo.ChannelTypeGuildNews, discordgo.ChannelTypeDM, discordgo.ChannelTypeGuildVoice:
	default:
		writeError(w, http.StatusBadRequest, 50008, "Cannot send messages in a non-text channel")
		return
	}
	m := &message{Embeds: json.RawMessage("[]"), Components: json.RawMessage("[]")}
	if err := applyMessageFields(m, f); err != nil {
		writeFormErr(w, err)
		return
	}
	if m.Content == "" && string(m.Embeds) == "[]" && string(m.Components) == "[]" {
		writeError(w, http.StatusBadRequest, 50006, "Cannot send an empty message")
		return
	}
	nonce, enforce, err := messageNonce(f)
	if err != nil {
		writeFormErr(w, err)
		return
	}
	// enforce_nonce: a nonce this author already used in this channel within the last few
	// minutes returns that message instead of creating another (Discord's behaviour).
	if enforce {
		for _, id := range s.channelMsgs[c.ID] {
			if old := s.messages[id]; old.Nonce == nonce && time.Since(old.Timestamp) < nonceWindow {
				writeJSON(w, http.StatusOK, s.messageJSON(old))
				return
			}
		}
	}
	stored := s.newMessage(c.ID)
	stored.Content, stored.Embeds, stored.Components, stored.Flags = m.Content, m.Embeds, m.Components, m.Flags
	stored.Nonce = nonce
	s.channelMsgs[c.ID] = append(s.channelMsgs[c.ID], stored.ID)
	writeJSON(w, http.StatusOK, s.messageJSON(stored))
}

// messageNonce reads nonce (a string of at most 25 characters, or an integer) and
// enforce_nonce, which needs a nonce.
func messageNonce(f fields) (nonce string, enforce bool, err error) {
	if raw, ok := f["nonce"]; ok && !isNull(raw) {
		var str string
		var n json.Number
		switch {
		case json.Unmarshal(raw, &str) == nil:
			if len([]rune(str)) > 25 {
				return "", false, &fieldError{"nonce", "Must be 25 or fewer in length."}
			}
			nonce = str
		case json.Unmarshal(raw, &n) == nil:
			nonce = n.String()
		default:
			return "", false, &fieldError{"nonce", "Must be a string or an integer."}
		}
	}
	if f.has("enforce_nonce") && !isNull(f["enforce_nonce"]) {
		if enforce, err = f.bool("enforce_nonce"); err != nil {
			return "", false, err
		}
	}
	if enforce && nonce == "" {
		return "", false, &fieldError{"nonce", "A nonce is required when enforce_nonce is true."}
	}
	return nonce, enforce, nil
}

func (s *Server) createDM(w http.ResponseWriter, r *http.Request) {
	f, ok := readFields(w, r)
	if !ok {
		return
	}
	rid, err := f.str("recipient_id")
	if err != nil {
		writeFormErr(w, err)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.users[rid] == nil {
		writeError(w, http.StatusNotFound, codeUnknownUser, "Unknown User")
		return
	}
	for _, c := range s.channels {
		if c.Type == discordgo.ChannelTypeDM && c.RecipientID == rid {
			writeJSON(w, http.StatusOK, s.channelJSON(c))
			return
		}
	}
	c := &channel{ID: newID(), Type: discordgo.ChannelTypeDM, RecipientID: rid}
	s.channels[c.ID] = c
	writeJSON(w, http.StatusOK, s.channelJSON(c))
}

// Messages returns the messages the bot posted to a channel or DM channel
// with POST /channels/{id}/messages, oldest first.
func (s *Server) Messages(channelID string) []*discordgo.Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*discordgo.Message
	for _, id := range s.channelMsgs[channelID] {
		out = append(out, s.messageDG(s.messages[id]))
	}
	return out
}

// DMs returns the messages the bot sent to a user by direct message.
func (s *Server) DMs(userID string) []*discordgo.Message {
	s.mu.Lock()
	var cid string
	for _, c := range s.channels {
		if c.Type == discordgo.ChannelTypeDM && c.RecipientID == userID {
			cid = c.ID
		}
	}
	s.mu.Unlock()
	if cid == "" {
		return nil
	}
	return s.Messages(cid)
}

// Message returns any message the bot created, by id (nil if unknown or deleted).
func (s *Server) Message(id string) *discordgo.Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.messages[id]
	if m == nil || m.Deleted {
		return nil
	}
	return s.messageDG(m)
}

// numberComponents fills in what Discord adds to stored components: a
// numeric id on every component (in document order) and the min/max_values
// defaults of select menus.
func numberComponents(arr []json.RawMessage) json.RawMessage {
	var list []any
	for _, e := range arr {
		var v any
		if json.Unmarshal(e, &v) == nil {
			list = append(list, v)
		}
	}
	next := 1
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case []any:
			for _, e := range x {
				walk(e)
			}
		case map[string]any:
			if _, ok := x["type"]; ok {
				if _, ok := x["id"]; !ok {
					x["id"] = next
				}
				next++
				switch t, _ := x["type"].(float64); t {
				case 3, 5, 6, 7, 8: // select menus
					if _, ok := x["min_values"]; !ok {
						x["min_values"] = 1
					}
					if _, ok := x["max_values"]; !ok {
						x["max_values"] = 1
					}
				}
			}
			for _, k := range []string{"components", "accessory", "items"} {
				if c, ok := x[k]; ok {
					walk(c)
				}
			}
		}
	}
	walk(list)
	if list == nil {
		list = []any{}
	}
	b, _ := json.Marshal(list)
	return b
}

// defaultInline gives every embed field Discord's "inline": false default.
func defaultInline(raw json.RawMessage) json.RawMessage {
	var fields []map[string]json.RawMessage
	if len(raw) == 0 || json.Unmarshal(raw, &fields) != nil {
		return raw
	}
	for _, f := range fields {
		if f != nil && f["inline"] == nil {
			f["inline"] = json.RawMessage("false")
		}
	}
	out, _ := json.Marshal(fields)
	return out
}
