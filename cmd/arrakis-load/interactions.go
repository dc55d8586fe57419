package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// Interactions as Discord sends them to an HTTP interactions endpoint: JSON signed with the
// application's Ed25519 key over timestamp + body (X-Signature-Ed25519,
// X-Signature-Timestamp). Only the fields the bot reads are filled, except a click's or a modal
// submit's message: that is the whole wizard message, as Discord sends it (discordMessage).

// Discord's interaction and component type numbers used here.
const (
	typeCommand   = 2 // APPLICATION_COMMAND
	typeComponent = 3 // MESSAGE_COMPONENT
	typeModal     = 5 // MODAL_SUBMIT

	componentButton = 2
	componentSelect = 3 // string select

	permManageGuild = 1 << 5
)

// Response types the bot answers with.
const (
	respMessage      = 4 // CHANNEL_MESSAGE_WITH_SOURCE: a new message (a refusal sentence)
	respDeferred     = 5 // DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE (/setup)
	respUpdate       = 7 // UPDATE_MESSAGE: the wizard message, redrawn
	respModal        = 9 // MODAL
	respDeferredEdit = 6 // DEFERRED_UPDATE_MESSAGE
)

// parseKey accepts the 32-byte seed (64 hex characters) or the 64-byte private key.
func parseKey(hexKey string) (ed25519.PrivateKey, error) {
	b, err := hex.DecodeString(strings.TrimSpace(hexKey))
	if err != nil {
		return nil, errors.New("private key: not hex")
	}
	switch len(b) {
	case ed25519.SeedSize:
		return ed25519.NewKeyFromSeed(b), nil
	case ed25519.PrivateKeySize:
		return ed25519.PrivateKey(b), nil
	}
	return nil, fmt.Errorf("private key: %d bytes, want a 32-byte seed (64 hex characters)", len(b))
}

// signHeaders signs body at ts as Discord does.
func signHeaders(priv ed25519.PrivateKey, body []byte, ts time.Time) http.Header {
	stamp := strconv.FormatInt(ts.Unix(), 10)
	msg := make([]byte, 0, len(stamp)+len(body))
	msg = append(append(msg, stamp...), body...)
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	h.Set("X-Signature-Ed25519", hex.EncodeToString(ed25519.Sign(priv, msg)))
	h.Set("X-Signature-Timestamp", stamp)
	return h
}

// idSeq makes interaction ids unique within a run; the random high part keeps two runs
// against one Redis apart (the bot remembers ids for 20 minutes).
var idSeq atomic.Uint64

func newSnowflake() string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	hi := uint64(binary.BigEndian.Uint32(b[:])&0x3fffffff) << 32
	return strconv.FormatUint(hi|(1<<62)|idSeq.Add(1), 10)
}

func newToken() string {
	var b [24]byte
	_, _ = rand.Read(b[:])
	return "load-" + hex.EncodeToString(b[:])
}

// actor is who sends a session's interactions: an admin of one guild.
type actor struct {
	AppID, GuildID, ChannelID, UserID string
}

func (a actor) base(typ int) (map[string]any, string) {
	token := newToken()
	return map[string]any{
		"id": newSnowflake(), "application_id": a.AppID, "type": typ, "token": token, "version": 1,
		"guild_id": a.GuildID, "channel_id": a.ChannelID, "locale": "en-US",
		"member": map[string]any{
			"user":        map[string]any{"id": a.UserID, "username": "load", "discriminator": "0", "global_name": "Load"},
			"roles":       []string{},
			"permissions": strconv.Itoa(permManageGuild),
			"joined_at":   "2024-01-01T00:00:00Z",
			"deaf":        false, "mute": false, "flags": 0,
		},
	}, token
}

// command is a slash command interaction.
func (a actor) command(name string) (map[string]any, string) {
	p, tok := a.base(typeCommand)
	p["data"] = map[string]any{"id": "1", "name": name, "type": 1}
	return p, tok
}

// click is a button press, or a string-select choice when values is not nil, on the message
// msg (a discordMessage body: Discord sends the whole message the component is on).
func (a actor) click(customID string, values []string, msg json.RawMessage) map[string]any {
	p, _ := a.base(typeComponent)
	p["message"] = msg
	d := map[string]any{"custom_id": customID, "component_type": componentButton}
	if values != nil {
		d["component_type"], d["values"] = componentSelect, values
	}
	p["data"] = d
	return p
}

// submit is a modal submit with text inputs by custom_id, for a modal opened from a
// component on msg (Discord sends that message along, as with a click).
func (a actor) submit(customID string, inputs map[string]string, msg json.RawMessage) map[string]any {
	p, _ := a.base(typeModal)
	p["message"] = msg
	var rows []any
	for id, v := range inputs {
		rows = append(rows, map[string]any{"type": 1, "components": []any{
			map[string]any{"type": 4, "custom_id": id, "value": v},
		}})
	}
	p["data"] = map[string]any{"custom_id": customID, "components": rows}
	return p
}

// discordMessage is the wizard message as Discord puts it in a click or a modal submit
// (MessageResponse in Discord's OpenAPI spec): the bot's embeds and components exactly as
// it last drew them, and Discord's own fields around them, in Discord's order.
type discordMessage struct {
	Type                int                 `json:"type"`
	Content             string              `json:"content"`
	Mentions            []struct{}          `json:"mentions"`
	MentionRoles        []string            `json:"mention_roles"`
	Attachments         []struct{}          `json:"attachments"`
	Embeds              json.RawMessage     `json:"embeds"`
	Timestamp           string              `json:"timestamp"`
	EditedTimestamp     *string             `json:"edited_timestamp"`
	Flags               int                 `json:"flags"`
	Components          json.RawMessage     `json:"components"`
	ID                  string              `json:"id"`
	ChannelID           string              `json:"channel_id"`
	Author              discordUser         `json:"author"`
	Pinned              bool                `json:"pinned"`
	MentionEveryone     bool                `json:"mention_everyone"`
	TTS                 bool                `json:"tts"`
	ApplicationID       string              `json:"application_id"`
	WebhookID           string              `json:"webhook_id"`
	InteractionMetadata interactionMetadata `json:"interaction_metadata"`
}

type discordUser struct {
	ID            string  `json:"id"`
	Username      string  `json:"username"`
	Avatar        *string `json:"avatar"`
	Discriminator string  `json:"discriminator"`
	PublicFlags   int     `json:"public_flags"`
	Flags         int     `json:"flags"`
	Bot           bool    `json:"bot,omitempty"`
	GlobalName    *string `json:"global_name"`
}

// interactionMetadata is the /setup command the wizard message answers.
type interactionMetadata struct {
	ID                           string            `json:"id"`
	Type                         int               `json:"type"`
	User                         discordUser       `json:"user"`
	AuthorizingIntegrationOwners map[string]string `json:"authorizing_integration_owners"`
}

const (
	messageChatInputCommand = 20 // CHAT_INPUT_COMMAND: an interaction's response message
	flagEphemeral           = 64
)

// discordTime is a timestamp as Discord writes one: microseconds and +00:00.
func discordTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000+00:00") }

// wizardMessage is one session's wizard message: what stays from /setup on.
type wizardMessage struct {
	ID        string    // the message's id
	CommandID string    // the /setup interaction's id
	Created   time.Time // when /setup was answered
	Flags     int       // the answer's flags (64: ephemeral)
}

// body is the message as Discord sends it with a click on m, the bot's last drawing of it.
func (w wizardMessage) body(a actor, m message) (json.RawMessage, error) {
	edited := discordTime(time.Now())
	loadName := "Load"
	dm := discordMessage{
		Type: messageChatInputCommand, Content: m.Content,
		Mentions: []struct{}{}, MentionRoles: []string{}, Attachments: []struct{}{},
		Embeds: orEmpty(m.RawEmbeds), Timestamp: discordTime(w.Created), EditedTimestamp: &edited,
		Flags: w.Flags, Components: orEmpty(m.RawComponents),
		ID: w.ID, ChannelID: a.ChannelID,
		Author:        discordUser{ID: a.AppID, Username: "Arrakis", Discriminator: "0", Bot: true},
		ApplicationID: a.AppID, WebhookID: a.AppID,
		InteractionMetadata: interactionMetadata{
			ID: w.CommandID, Type: typeCommand,
			User:                         discordUser{ID: a.UserID, Username: "load", Discriminator: "0", GlobalName: &loadName},
			AuthorizingIntegrationOwners: map[string]string{"0": a.GuildID},
		},
	}
	return json.Marshal(dm)
}

func orEmpty(raw json.RawMessage) json.RawMessage {
	if len(raw) == 0 || string(raw) == "null" {
		return json.RawMessage("[]")
	}
	return raw
}

// response is the part of the bot's answer the driver reads.
type response struct {
	Type int      `json:"type"`
	Data *message `json:"data"`
}

type embed struct {
	Title       string `json:"title"`
	Description string `json:"description"`
}

type row struct {
	Components []struct {
		CustomID string `json:"custom_id"`
		Disabled bool   `json:"disabled"`
	} `json:"components"`
}

// message is a wizard message (a response's data, or an @original edit). The embeds and
// components are also kept as the bot wrote them, to be sent back with the next click.
type message struct {
	CustomID      string // a modal's
	Content       string
	Flags         int
	Embeds        []embed
	Components    []row
	RawEmbeds     json.RawMessage
	RawComponents json.RawMessage
}

func (m *message) UnmarshalJSON(b []byte) error {
	var w struct {
		CustomID   string          `json:"custom_id"`
		Content    string          `json:"content"`
		Flags      int             `json:"flags"`
		Embeds     json.RawMessage `json:"embeds"`
		Components json.RawMessage `json:"components"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*m = message{CustomID: w.CustomID, Content: w.Content, Flags: w.Flags, RawEmbeds: w.Embeds, RawComponents: w.Components}
	if len(w.Embeds) > 0 {
		if err := json.Unmarshal(w.Embeds, &m.Embeds); err != nil {
			return err
		}
	}
	if len(w.Components) > 0 {
		if err := json.Unmarshal(w.Components, &m.Components); err != nil {
			return err
		}
	}
	return nil
}

func (r *response) message() message {
	if r.Data == nil {
		return message{}
	}
	return *r.Data
}

// control finds the enabled component whose custom_id has action ("next", "sel:chains").
func (m message) control(action string) (string, bool) {
	for _, r := range m.Components {
		for _, c := range r.Components {
			if c.Disabled {
				continue
			}
			if id, ok := parseCustomID(c.CustomID); ok && id.matches(action) {
				return c.CustomID, true
			}
		}
	}
	return "", false
}

// text is the content, titles and descriptions, for error reports.
func (m message) text() string {
	var b strings.Builder
	b.WriteString(m.Content)
	for _, e := range m.Embeds {
		b.WriteString(" " + e.Title + " " + e.Description)
	}
	return b.String()
}

// problem says why an answer looks like an error, or "". The bot answers a refusal with a
// new message holding one sentence, and a stale or lost click with the current step
// behind a "⚠️" notice.
func (m message) problem() string {
	if len(m.Embeds) == 0 {
		return "no wizard in the answer: " + clip(m.Content, 160)
	}
	if d := m.Embeds[0].Description; strings.Contains(d, "⚠️") {
		return "notice: " + clip(d[strings.Index(d, "⚠️"):], 160)
	}
	return ""
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// wizardID is a parsed custom_id: arr:<session-id>:<step>v<version>:<action>[:<arg>]
// (bot/customid.go).
type wizardID struct {
	Session     string
	Step        int
	Version     int64
	Action, Arg string
}

func parseCustomID(s string) (wizardID, bool) {
	parts := strings.SplitN(s, ":", 5)
	if len(parts) < 4 || parts[0] != "arr" {
		return wizardID{}, false
	}
	st, ver, ok := strings.Cut(parts[2], "v")
	if !ok {
		return wizardID{}, false
	}
	step, err1 := strconv.Atoi(st)
	v, err2 := strconv.ParseInt(ver, 10, 64)
	if err1 != nil || err2 != nil {
		return wizardID{}, false
	}
	id := wizardID{Session: parts[1], Step: step, Version: v, Action: parts[3]}
	if len(parts) == 5 {
		id.Arg = parts[4]
	}
	return id, true
}

func (w wizardID) matches(action string) bool {
	return w.Action == action || w.Action+":"+w.Arg == action
}

// poster signs and posts interactions to one endpoint.
type poster struct {
	url    string
	priv   ed25519.PrivateKey
	client *http.Client
}

// post sends p and decodes the answer. A non-2xx status is an error carrying the status.
func (ps *poster) post(ctx context.Context, p map[string]any) (*response, error) {
	body, err := json.Marshal(p)
	if err != nil {
		return nil, fmt.Errorf("encode interaction: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, ps.url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header = signHeaders(ps.priv, body, time.Now())
	resp, err := ps.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("read answer: %w", err)
	}
	if resp.StatusCode/100 != 2 {
		return nil, fmt.Errorf("HTTP %d: %s", resp.StatusCode, clip(strings.TrimSpace(string(out)), 120))
	}
	var r response
	if err := json.Unmarshal(out, &r); err != nil {
		return nil, fmt.Errorf("decode answer: %w", err)
	}
	return &r, nil
}
