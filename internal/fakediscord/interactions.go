package fakediscord

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"

	"github.com/bwmarrin/discordgo"
)

// interaction is one interaction the fake issued (DispatchInteraction,
// NewInteraction) or first heard of through its callback.
type interaction struct {
	ID, Token, ChannelID string
	Type                 discordgo.InteractionType
	SourceMessageID      string // the message a component sits on
	Callbacks            []Callback
	Acked                bool
	OriginalID           string
	Followups            []string
	Expired              bool
}

// Callback is one POST /interactions/{id}/{token}/callback body.
type Callback struct {
	Type discordgo.InteractionResponseType
	Data json.RawMessage // the "data" object as sent (nil when absent)
	Raw  json.RawMessage // the whole body
	// Status is what the fake answered (204, or 400 for a second response).
	Status int
}

// Message decodes Data as a message (types 4 and 7) with discordgo's own
// component decoding.
func (c Callback) Message() (*discordgo.Message, error) {
	var m discordgo.Message
	if len(c.Data) == 0 {
		return &m, nil
	}
	if err := json.Unmarshal(c.Data, &m); err != nil {
		return nil, fmt.Errorf("decode callback data as message: %w", err)
	}
	return &m, nil
}

// Modal is the data of a type 9 (MODAL) callback.
type Modal struct {
	CustomID, Title string
	Components      []discordgo.MessageComponent
}

// Modal decodes Data as a modal (type 9).
func (c Callback) Modal() (*Modal, error) {
	var head struct {
		CustomID string `json:"custom_id"`
		Title    string `json:"title"`
	}
	if err := json.Unmarshal(c.Data, &head); err != nil {
		return nil, fmt.Errorf("decode modal: %w", err)
	}
	m, err := c.Message()
	if err != nil {
		return nil, err
	}
	return &Modal{CustomID: head.CustomID, Title: head.Title, Components: m.Components}, nil
}

// registerInteraction records an interaction; callers hold s.mu.
func (s *Server) registerInteraction(id, token, channelID, sourceMsg string, typ discordgo.InteractionType) *interaction {
	in := &interaction{ID: id, Token: token, ChannelID: channelID, SourceMessageID: sourceMsg, Type: typ}
	s.interactions[id] = in
	s.byToken[token] = in
	return in
}

// Callbacks returns every callback posted for the interaction, in order.
func (s *Server) Callbacks(interactionID string) []Callback {
	s.mu.Lock()
	defer s.mu.Unlock()
	in := s.interactions[interactionID]
	if in == nil {
		return nil
	}
	return append([]Callback(nil), in.Callbacks...)
}

// Original returns the interaction's current @original message (after the
// callback and every edit), or nil when there is none.
func (s *Server) Original(token string) *discordgo.Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	in := s.byToken[token]
	if in == nil || in.OriginalID == "" {
		return nil
	}
	m := s.messages[in.OriginalID]
	if m == nil || m.Deleted {
		return nil
	}
	return s.messageDG(m)
}

// OriginalJSON is Original as the JSON object Discord would return.
func (s *Server) OriginalJSON(token string) json.RawMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	in := s.byToken[token]
	if in == nil || in.OriginalID == "" || s.messages[in.OriginalID] == nil || s.messages[in.OriginalID].Deleted {
		return nil
	}
	b, _ := json.Marshal(s.messageJSON(s.messages[in.OriginalID]))
	return b
}

// Followups returns the follow-up messages posted with the token, oldest first.
func (s *Server) Followups(token string) []*discordgo.Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	in := s.byToken[token]
	if in == nil {
		return nil
	}
	var out []*discordgo.Message
	for _, id := range in.Followups {
		if m := s.messages[id]; m != nil && !m.Deleted {
			out = append(out, s.messageDG(m))
		}
	}
	return out
}

// ExpireInteraction makes the token invalid, as after Discord's 15 minutes:
// webhook calls then get 401 {"code": 50027, "message": "Invalid Webhook Token"}.
func (s *Server) ExpireInteraction(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if in := s.byToken[token]; in != nil {
		in.Expired = true
	}
}

// AcknowledgeHTTP applies an interaction response the bot returned in the body
// of an HTTP interactions-endpoint reply, as if it had been POSTed to the
// callback route, so Original and follow-ups work in HTTP mode too. The
// interaction must have been made with NewInteraction.
func (s *Server) AcknowledgeHTTP(interactionID string, responseBody []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	in := s.interactions[interactionID]
	if in == nil {
		return fmt.Errorf("fakediscord: unknown interaction %s", interactionID)
	}
	status, code, msg := s.applyCallback(in, responseBody)
	if status >= 300 {
		return fmt.Errorf("fakediscord: interaction response rejected: %d %d %s", status, code, msg)
	}
	return nil
}

func (s *Server) interactionCallback(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	defer s.mu.Unlock()
	id, token := r.PathValue("iid"), r.PathValue("token")
	in := s.interactions[id]
	if in == nil {
		// An interaction the test did not create through the fake (e.g. one
		// made up by hand): accept it so the response can still be inspected.
		in = s.registerInteraction(id, token, "", "", 0)
	}
	if in.Token != token || in.Expired {
		writeError(w, http.StatusUnauthorized, codeInvalidToken, "Invalid interaction token")
		return
	}
	status, code, msg := s.applyCallback(in, body)
	if status >= 300 {
		if code == 50035 {
			writeFormError(w, "type", "INTERACTION_RESPONSE_TYPE_INVALID", msg)
		} else {
			writeError(w, status, code, msg)
		}
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// applyCallback records a callback and applies its effect on messages.
// Callers hold s.mu.
func (s *Server) applyCallback(in *interaction, body []byte) (status, code int, msg string) {
	f, err := decodeFields(body)
	cb := Callback{Raw: append(json.RawMessage(nil), body...)}
	defer func() { cb.Status = status; in.Callbacks = append(in.Callbacks, cb) }()
	if err != nil {
		return http.StatusBadRequest, 50035, "Expected a JSON object."
	}
	t, err := f.int("type")
	if err != nil || !f.has("type") {
		return http.StatusBadRequest, 50035, "type is required"
	}
	cb.Type = discordgo.InteractionResponseType(t)
	if raw, ok := f["data"]; ok && !isNull(raw) {
		cb.Data = append(json.RawMessage(nil), raw...)
	}
	if in.Acked {
		return http.StatusBadRequest, codeAlreadyAcked, "Interaction has already been acknowledged."
	}
	data := fields{}
	if cb.Data != nil {
		if data, err = decodeFields(cb.Data); err != nil {
			return http.StatusBadRequest, 50035, "data must be an object"
		}
	}
	component := in.Type == discordgo.InteractionMessageComponent || (in.Type == discordgo.InteractionModalSubmit && in.SourceMessageID != "")
	switch cb.Type {
	case discordgo.InteractionResponsePong:
	case discordgo.InteractionResponseChannelMessageWithSource, discordgo.InteractionResponseDeferredChannelMessageWithSource:
		m := s.newMessage(in.ChannelID)
		m.WebhookID = s.appID
		m.Type = 20 // CHAT_INPUT_COMMAND reply
		if err := applyMessageFields(m, data); err != nil {
			return http.StatusBadRequest, 50035, err.Error()
		}
		if cb.Type == discordgo.InteractionResponseDeferredChannelMessageWithSource {
			m.Flags |= 1 << 7 // LOADING
		}
		in.OriginalID = m.ID
	case discordgo.InteractionResponseDeferredMessageUpdate, discordgo.InteractionResponseUpdateMessage:
		if !component {
			return http.StatusBadRequest, 50035, "Interaction response type 6/7 is only valid for component interactions"
		}
		m := s.messages[in.SourceMessageID]
		if m == nil {
			m = &message{ID: in.SourceMessageID, ChannelID: in.ChannelID, WebhookID: s.appID, Embeds: json.RawMessage("[]"), Components: json.RawMessage("[]")}
			s.messages[m.ID] = m
		}
		if cb.Type == discordgo.InteractionResponseUpdateMessage {
			if err := applyMessageFields(m, data); err != nil {
				return http.StatusBadRequest, 50035, err.Error()
			}
			m.Edited = nowUTC()
		}
		in.OriginalID = m.ID
	case discordgo.InteractionApplicationCommandAutocompleteResult:
	case discordgo.InteractionResponseModal:
		if in.Type == discordgo.InteractionModalSubmit {
			return http.StatusBadRequest, 50035, "A modal submit cannot be answered with another modal"
		}
		for _, k := range []string{"custom_id", "title", "components"} {
			if !data.has(k) {
				return http.StatusBadRequest, 50035, "modal data." + k + " is required"
			}
		}
	default:
		return http.StatusBadRequest, 50035, fmt.Sprintf("unsupported interaction response type %d", t)
	}
	in.Acked = true
	return http.StatusNoContent, 0, ""
}

// webhookInteraction resolves /webhooks/{app}/{token}; callers hold s.mu.
func (s *Server) webhookInteraction(w http.ResponseWriter, r *http.Request) *interaction {
	in := s.byToken[r.PathValue("token")]
	if r.PathValue("app") != s.appID || in == nil {
		writeError(w, http.StatusNotFound, codeUnknownWebhook, "Unknown Webhook")
		return nil
	}
	if in.Expired {
		writeError(w, http.StatusUnauthorized, codeInvalidToken, "Invalid Webhook Token")
		return nil
	}
	if !in.Acked {
		writeError(w, http.StatusNotFound, codeUnknownWebhook, "Unknown Webhook")
		return nil
	}
	return in
}

// webhookMessage resolves {mid} (@original or a follow-up id) for the token.
func (s *Server) webhookMessage(w http.ResponseWriter, r *http.Request, in *interaction) *message {
	mid := r.PathValue("mid")
	if mid == "@original" {
		mid = in.OriginalID
	} else {
		found := false
		for _, id := range in.Followups {
			found = found || id == mid
		}
		if !found && mid != in.OriginalID {
			mid = ""
		}
	}
	m := s.messages[mid]
	if mid == "" || m == nil || m.Deleted {
		writeError(w, http.StatusNotFound, codeUnknownMessage, "Unknown Message")
		return nil
	}
	return m
}

func (s *Server) getWebhookMessage(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if in := s.webhookInteraction(w, r); in != nil {
		if m := s.webhookMessage(w, r, in); m != nil {
			writeJSON(w, http.StatusOK, s.messageJSON(m))
		}
	}
}

func (s *Server) editWebhookMessage(w http.ResponseWriter, r *http.Request) {
	f, ok := readFields(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	in := s.webhookInteraction(w, r)
	if in == nil {
		return
	}
	m := s.webhookMessage(w, r, in)
	if m == nil {
		return
	}
	delete(f, "flags") // flags cannot be changed by an edit
	if err := applyMessageFields(m, f); err != nil {
		writeFormErr(w, err)
		return
	}
	m.Flags &^= 1 << 7 // an edit ends the "thinking…" state
	m.Edited = nowUTC()
	writeJSON(w, http.StatusOK, s.messageJSON(m))
}

func (s *Server) deleteWebhookMessage(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	in := s.webhookInteraction(w, r)
	if in == nil {
		return
	}
	if m := s.webhookMessage(w, r, in); m != nil {
		m.Deleted = true
		w.WriteHeader(http.StatusNoContent)
	}
}

func (s *Server) executeWebhook(w http.ResponseWriter, r *http.Request) {
	f, ok := readFields(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	in := s.webhookInteraction(w, r)
	if in == nil {
		return
	}
	m := s.newMessage(in.ChannelID)
	m.WebhookID = s.appID
	if err := applyMessageFields(m, f); err != nil {
		delete(s.messages, m.ID)
		writeFormErr(w, err)
		return
	}
	if m.Content == "" && string(m.Embeds) == "[]" && string(m.Components) == "[]" {
		delete(s.messages, m.ID)
		writeError(w, http.StatusBadRequest, 50006, "Cannot send an empty message")
		return
	}
	in.Followups = append(in.Followups, m.ID)
	if r.URL.Query().Get("wait") == "true" {
		writeJSON(w, http.StatusOK, s.messageJSON(m))
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
