package dir

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/arrakis-bot/arrakis/store"
)

// RecordDeployment writes the deployment record of snapshot id, once.
func (s *Shadow) RecordDeployment(ctx context.Context, cid, id string, d store.Deployment) error {
	const op = "record deployment"
	if err := checkCommunity(op, cid); err != nil {
		return err
	}
	v, ok := parseID(id)
	if !ok {
		return &store.Error{Code: store.CodeInvalid, Op: op, Err: fmt.Errorf("snapshot id %q is not like v00000042", id)}
	}
	if d.SnapshotID == "" {
		d.SnapshotID = id
	}
	if d.SnapshotID != id {
		return &store.Error{Code: store.CodeInvalid, Op: op, Err: fmt.Errorf("deployment names snapshot %s, not %s", d.SnapshotID, id)}
	}
	ok, err := s.exists(op, metadataKey(cid, v))
	if err != nil {
		return err
	}
	if !ok {
		return &store.Error{Code: store.CodeNotFound, Op: op, Key: metadataKey(cid, v), Err: fmt.Errorf("snapshot %s does not exist", id)}
	}
	raw, err := json.Marshal(d)
	if err != nil {
		return fmt.Errorf("%s %s: encode: %w", op, id, err)
	}
	key := deploymentKey(cid, v)
	err = s.create(op, key, raw)
	if store.IsCode(err, store.CodeAlreadyExists) {
		return &store.Error{Code: store.CodeAlreadyExists, Op: op, Key: key, Err: errors.New("this snapshot already has a deployment record")}
	}
	return err
}
