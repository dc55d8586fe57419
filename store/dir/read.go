package dir

import (
	"context"
	"fmt"
	"slices"

	"github.com/arrakis-bot/arrakis/store"
	layout "github.com/arrakis-bot/arrakis/store/internal/shadowlayout"
	"github.com/arrakis-bot/arrakis/wizard"
)

// Get reads one snapshot and verifies its manifest against the SHA-256 in its metadata.
func (s *Shadow) Get(ctx context.Context, cid, id string) (*store.Snapshot, error) {
	const op = "get snapshot"
	if err := layout.CheckCommunity(op, cid); err != nil {
		return nil, err
	}
	v, err := layout.SnapshotVersion(op, id)
	if err != nil {
		return nil, err
	}
	return s.snapshot(op, cid, v)
}

// Latest is the newest snapshot: the desired manifest.
func (s *Shadow) Latest(ctx context.Context, cid string) (*store.Snapshot, error) {
	const op = "latest snapshot"
	if err := layout.CheckCommunity(op, cid); err != nil {
		return nil, err
	}
	v, err := s.newestVersion(op, cid)
	if err != nil {
		return nil, err
	}
	if v == 0 {
		return nil, layout.NoSnapshot(op, cid)
	}
	return s.snapshot(op, cid, v)
}

// LatestDeployed is the newest snapshot with a deployment record: the shadow.
func (s *Shadow) LatestDeployed(ctx context.Context, cid string) (*store.Snapshot, error) {
	const op = "latest deployed snapshot"
	if err := layout.CheckCommunity(op, cid); err != nil {
		return nil, err
	}
	versions, err := s.listVersions(op, layout.DeploymentsPrefix(cid))
	if err != nil {
		return nil, err
	}
	if len(versions) == 0 {
		return nil, layout.NothingDeployed(op, cid)
	}
	v := slices.Max(versions)
	snap, err := s.snapshot(op, cid, v)
	if store.IsCode(err, store.CodeNotFound) {
		return nil, layout.DeployedWithoutMeta(op, cid, v)
	}
	if err == nil && snap.Deployment == nil {
		return nil, layout.DeploymentVanished(op, cid, v)
	}
	return snap, err
}

// List returns every snapshot's metadata, newest first.
func (s *Shadow) List(ctx context.Context, cid string) ([]store.SnapshotMeta, error) {
	const op = "list snapshots"
	if err := layout.CheckCommunity(op, cid); err != nil {
		return nil, err
	}
	versions, err := s.listVersions(op, layout.MetadataPrefix(cid))
	if err != nil {
		return nil, err
	}
	slices.Sort(versions)
	slices.Reverse(versions)
	metas := make([]store.SnapshotMeta, 0, len(versions))
	for _, v := range versions {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("%s: %w", op, err)
		}
		meta, err := s.meta(op, cid, v)
		if err != nil {
			return nil, err
		}
		metas = append(metas, meta)
	}
	return metas, nil
}

// snapshot reads metadata, manifest and deployment record of version v.
func (s *Shadow) snapshot(op, cid string, v int) (*store.Snapshot, error) {
	meta, err := s.meta(op, cid, v)
	if err != nil {
		return nil, err
	}
	m, err := s.manifest(op, meta)
	if err != nil {
		return nil, err
	}
	d, err := s.deployment(op, cid, v)
	if err != nil {
		return nil, err
	}
	return &store.Snapshot{Meta: meta, Manifest: m, Deployment: d}, nil
}

// meta reads and checks the metadata of version v.
func (s *Shadow) meta(op, cid string, v int) (store.SnapshotMeta, error) {
	raw, err := s.get(op, layout.MetadataKey(cid, v))
	if err != nil {
		return store.SnapshotMeta{}, err
	}
	return layout.DecodeMeta(op, cid, v, raw)
}

// manifest reads the manifest body and verifies its SHA-256 before decoding it.
func (s *Shadow) manifest(op string, meta store.SnapshotMeta) (*wizard.Manifest, error) {
	raw, err := s.get(op, meta.ManifestKey)
	if store.IsCode(err, store.CodeNotFound) {
		return nil, layout.MissingManifest(op, meta)
	}
	if err != nil {
		return nil, err
	}
	return layout.DecodeManifest(op, meta, raw)
}

// deployment reads the deployment record of version v, or nil when it was never deployed.
func (s *Shadow) deployment(op, cid string, v int) (*store.Deployment, error) {
	raw, err := s.get(op, layout.DeploymentKey(cid, v))
	if store.IsCode(err, store.CodeNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return layout.DecodeDeployment(op, cid, v, raw)
}
