package redis

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/arrakis-bot/arrakis/wizard"
)

// Sessions stored before the header layout of codec.go are one JSON object in three parts,
// always in this order:
//
//	{"meta":{…},"ui":{…},"data":{…}}
//
// meta holds the fields the store manages (id, guildId, createdAt, ownerId, ownerName,
// ownerAt, version, updatedAt, state, boundIp, lastWrite). Such a value still reads as it is,
// and the first write through a script rewrites it in the header layout, copying ui and data
// byte for byte as JSON body segments (see scripts.go's legacy()).

// legacyMeta is the meta part of an old envelope.
type legacyMeta struct {
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

type legacyEnvelope struct {
	Meta legacyMeta         `json:"meta"`
	UI   map[string]string  `json:"ui"`
	Data wizard.SessionData `json:"data"`
}

// decodeLegacy reads an old JSON envelope.
func decodeLegacy(op, key, raw string) (*wizard.Session, error) {
	var env legacyEnvelope
	if err := json.Unmarshal([]byte(raw), &env); err != nil {
		return nil, corrupt(op, key, err)
	}
	m := env.Meta
	s := &wizard.Session{
		ID: m.ID, GuildID: m.GuildID, CreatedAt: m.CreatedAt,
		OwnerID: m.OwnerID, OwnerName: m.OwnerName, OwnerAt: m.OwnerAt,
		Version: m.Version, UpdatedAt: m.UpdatedAt, State: m.State, BoundIP: m.BoundIP,
		Data: env.Data, UI: env.UI,
	}
	if len(s.UI) == 0 {
		s.UI = nil
	}
	return s, checkSession(op, key, s)
}

// legacyState is the state of an old envelope, for Stats.
func legacyState(raw string) wizard.State {
	var env struct {
		Meta struct {
			State wizard.State `json:"state"`
		} `json:"meta"`
	}
	if json.Unmarshal([]byte(raw), &env) != nil {
		return ""
	}
	return env.Meta.State
}

// decodeSegmentJSON reads a JSON body segment (one copied from an old envelope).
func decodeSegmentJSON(seg string, v any) error {
	if err := json.Unmarshal([]byte(seg), v); err != nil {
		return fmt.Errorf("JSON body segment: %w", err)
	}
	return nil
}
