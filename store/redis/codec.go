package redis

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/arrakis-bot/arrakis/store"
	"github.com/arrakis-bot/arrakis/wizard"
)

// A session is stored as one JSON object in three parts, always in this order:
//
//	{"meta":{…},"ui":{…},"data":{…}}
//
// meta holds the fields the store itself manages (id, guild, owner, version, state, binding,
// timestamps): strings and one small integer, which the Lua scripts decode, change and
// re-encode with cjson without loss. ui and data are the bot's: the scripts never decode
// data (cjson would turn an empty array into {} and round int64 permissions to 14 digits);
// they copy it byte for byte, and only ever replace ui whole (with {} on a transition).
// Go reads the value as an ordinary JSON object.

// sessionMeta is the part of a session the scripts may rewrite.
type sessionMeta struct {
	ID        string       `json:"id"`
	GuildID   string       `json:"guildId"`
	CreatedAt time.Time    `json:"createdAt"`
	OwnerID   string       `json:"ownerId"`
	OwnerName string       `json:"ownerName"`
	OwnerAt   time.Time    `json:"ownerAt"`
	Version   int64        `json:"version"`
	UpdatedAt time.Time    `json:"updatedAt"`
	State     wizard.State `json:"state"`
	BoundIP   string       `json:"boundIp"`
}

type sessionEnvelope struct {
	Meta sessionMeta        `json:"meta"`
	UI   map[string]string  `json:"ui"`
	Data wizard.SessionData `json:"data"`
}

// encodeSession writes the envelope of s in the fixed part order the scripts rely on.
func encodeSession(s *wizard.Session) ([]byte, error) {
	meta, err := json.Marshal(sessionMeta{
		ID: s.ID, GuildID: s.GuildID, CreatedAt: s.CreatedAt,
		OwnerID: s.OwnerID, OwnerName: s.OwnerName, OwnerAt: s.OwnerAt,
		Version: s.Version, UpdatedAt: s.UpdatedAt, State: s.State, BoundIP: s.BoundIP,
	})
	if err != nil {
		return nil, fmt.Errorf("encode session meta: %w", err)
	}
	ui, data, err := encodeBody(s)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	b.Grow(len(meta) + len(ui) + len(data) + 26)
	b.WriteString(`{"meta":`)
	b.Write(meta)
	b.WriteString(`,"ui":`)
	b.Write(ui)
	b.WriteString(`,"data":`)
	b.Write(data)
	b.WriteByte('}')
	return b.Bytes(), nil
}

// encodeBody encodes the parts of s that Update writes: ui (always an object) and data.
func encodeBody(s *wizard.Session) (ui, data []byte, err error) {
	m := s.UI
	if m == nil {
		m = map[string]string{}
	}
	if ui, err = json.Marshal(m); err != nil {
		return nil, nil, fmt.Errorf("encode session ui: %w", err)
	}
	if data, err = json.Marshal(s.Data); err != nil {
		return nil, nil, fmt.Errorf("encode session data: %w", err)
	}
	return ui, data, nil
}

// decodeSession reads a stored value. Anything that is not a well-formed session of the
// key's guild is CodeCorrupt naming the key.
func decodeSession(op, key, raw string) (*wizard.Session, error) {
	var env sessionEnvelope
	if err := json.Unmarshal([]byte(raw), &env); err != nil {
		return nil, corrupt(op, key, err)
	}
	m := env.Meta
	guild, ok := wizard.GuildOfSessionID(m.ID)
	switch {
	case !ok:
		return nil, corrupt(op, key, fmt.Errorf("session id %q does not parse", m.ID))
	case guild != m.GuildID || sessionKey(guild) != key:
		return nil, corrupt(op, key, fmt.Errorf("session %s does not belong under this key", m.ID))
	case !m.State.Valid():
		return nil, corrupt(op, key, fmt.Errorf("unknown state %q", m.State))
	case m.Version < 1:
		return nil, corrupt(op, key, fmt.Errorf("version %d", m.Version))
	}
	s := &wizard.Session{
		ID: m.ID, GuildID: m.GuildID, CreatedAt: m.CreatedAt,
		OwnerID: m.OwnerID, OwnerName: m.OwnerName, OwnerAt: m.OwnerAt,
		Version: m.Version, UpdatedAt: m.UpdatedAt, State: m.State, BoundIP: m.BoundIP,
		Data: env.Data, UI: env.UI,
	}
	if len(s.UI) == 0 {
		s.UI = nil // one spelling of "no UI state", whatever the adapter
	}
	return s, nil
}

func corrupt(op, key string, err error) error {
	if err == nil {
		err = errors.New("not a session")
	}
	return &store.Error{Code: store.CodeCorrupt, Op: op, Key: key, Err: fmt.Errorf("stored value does not decode: %w", err)}
}

// timeString is how the scripts receive "now": the same text encoding/json writes.
func timeString(t time.Time) string { return t.Format(time.RFC3339Nano) }
