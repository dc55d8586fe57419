package s3

import (
	"context"

	"github.com/arrakis-bot/arrakis/store"
	layout "github.com/arrakis-bot/arrakis/store/internal/shadowlayout"
)

// SaveAlert implements store.Shadow: the kept alert is replaced (an unconditional put).
func (s *Shadow) SaveAlert(ctx context.Context, cid string, a *store.Alert) error {
	const op = "save alert"
	body, err := layout.AlertBody(op, cid, a)
	if err != nil {
		return err
	}
	return s.put(ctx, op, layout.AlertKey(cid), body)
}

// Alert implements store.Shadow.
func (s *Shadow) Alert(ctx context.Context, cid string) (*store.Alert, error) {
	const op = "read alert"
	if err := layout.CheckCommunity(op, cid); err != nil {
		return nil, err
	}
	key := layout.AlertKey(cid)
	body, err := s.get(ctx, op, key)
	if err != nil {
		return nil, err
	}
	return layout.DecodeAlert(op, cid, key, body)
}
