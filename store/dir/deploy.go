package dir

import (
	"context"
	"encoding/json"
	"fmt"

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
	ok, err := s.exists(op, layout.MetadataKey(cid, v))
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
	err = s.create(op, layout.DeploymentKey(cid, v), raw)
	if store.IsCode(err, store.CodeAlreadyExists) {
		return layout.AlreadyDeployed(op, cid, v)
	}
	return err
}
