package s3

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/arrakis-bot/arrakis/store"
	layout "github.com/arrakis-bot/arrakis/store/internal/shadowlayout"
)

// RecordDeployment writes the deployment record of snapshot id, once.
func (s *Shadow) RecordDeployment(ctx context.Context, cid, id string, d store.Deployment) error {
	const op = "record deployment"
	v, err := layout.CheckDeployment(op, cid, id, &d)
	if err != nil {
		return err
	}
	ok, err := s.exists(ctx, op, layout.MetadataKey(cid, v))
	if err != nil {
		return err
	}
	if !ok {
		return layout.UnknownSnapshot(op, cid, id, v)
	}
	raw, err := json.Marshal(d)
	if err != nil {
		return fmt.Errorf("%s %s: encode: %w", op, id, err)
	}
	key := layout.DeploymentKey(cid, v)
	for try := 0; ; try++ {
		err = s.create(ctx, op, key, raw)
		// 409: another record for this snapshot is being written right now. Wait for it
		// to land, so the answer becomes the definite "already exists".
		if !store.IsCode(err, store.CodeConflict) || try == 5 {
			break
		}
		if err := sleep(ctx, 20*time.Millisecond); err != nil {
			return fmt.Errorf("%s %s: %w", op, id, err)
		}
	}
	if store.IsCode(err, store.CodeAlreadyExists) {
		return layout.AlreadyDeployed(op, cid, v)
	}
	return err
}
