package shadowlayout

import (
	"encoding/json"
	"fmt"

	"github.com/arrakis-bot/arrakis/store"
)

// AlertBody checks an alert before it is written and encodes it.
func AlertBody(op, cid string, a *store.Alert) ([]byte, error) {
	if err := CheckCommunity(op, cid); err != nil {
		return nil, err
	}
	if a == nil || a.GuildID != cid {
		return nil, &store.Error{Code: store.CodeInvalid, Op: op, Err: fmt.Errorf("the alert must be for community %s", cid)}
	}
	body, err := json.Marshal(a)
	if err != nil {
		return nil, fmt.Errorf("%s: encode: %w", op, err)
	}
	return body, nil
}

// DecodeAlert reads an alert object; one that does not decode or names another community
// is CodeCorrupt.
func DecodeAlert(op, cid, key string, body []byte) (*store.Alert, error) {
	var a store.Alert
	if err := json.Unmarshal(body, &a); err != nil || a.GuildID != cid {
		if err == nil {
			err = fmt.Errorf("the alert names community %q", a.GuildID)
		}
		return nil, &store.Error{Code: store.CodeCorrupt, Op: op, Key: key, Err: err}
	}
	return &a, nil
}
