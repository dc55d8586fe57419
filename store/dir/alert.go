package dir

import (
	"context"

	"github.com/arrakis-bot/arrakis/store"
	layout "github.com/arrakis-bot/arrakis/store/internal/shadowlayout"
)

// SaveAlert implements store.Shadow: the kept alert is replaced atomically (rename).
func (s *Shadow) SaveAlert(_ context.Context, cid string, a *store.Alert) error {
	const op = "save alert"
	body, err := layout.AlertBody(op, cid, a)
	if err != nil {
		return err
	}
	return s.replace(op, layout.AlertKey(cid), body)
}

// Alert implements store.Shadow.
func (s *Shadow) Alert(_ context.Context, cid string) (*store.Alert, error) {
	const op = "read alert"
	if err := layout.CheckCommunity(op, cid); err != nil {
		return nil, err
	}
	key := layout.AlertKey(cid)
	body, err := s.get(op, key)
	if err != nil {
		return nil, err
	}
	return layout.DecodeAlert(op, cid, key, body)
}
