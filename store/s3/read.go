package s3

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/arrakis-bot/arrakis/store"
	"github.com/arrakis-bot/arrakis/wizard"
)

// listWorkers bounds the metadata reads List runs at once.
const listWorkers = 16

// Get reads one snapshot and verifies its manifest against the SHA-256 in its metadata.
func (s *Shadow) Get(ctx context.Context, cid, id string) (*store.Snapshot, error) {
	const op = "get snapshot"
	if err := checkCommunity(op, cid); err != nil {
		return nil, err
	}
	v, ok := parseID(id)
	if !ok {
		return nil, &store.Error{Code: store.CodeInvalid, Op: op, Err: fmt.Errorf("snapshot id %q is not like v00000042", id)}
	}
	return s.snapshot(ctx, op, cid, v)
}

// Latest is the newest snapshot: the desired manifest.
func (s *Shadow) Latest(ctx context.Context, cid string) (*store.Snapshot, error) {
	const op = "latest snapshot"
	if err := checkCommunity(op, cid); err != nil {
		return nil, err
	}
	v, err := s.newestVersion(ctx, cid)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	if v == 0 {
		return nil, &store.Error{Code: store.CodeNotFound, Op: op, Key: metadataPrefix(cid), Err: errors.New("no snapshot saved yet")}
	}
	return s.snapshot(ctx, op, cid, v)
}

// LatestDeployed is the newest snapshot with a deployment record: the shadow.
func (s *Shadow) LatestDeployed(ctx context.Context, cid string) (*store.Snapshot, error) {
	const op = "latest deployed snapshot"
	if err := checkCommunity(op, cid); err != nil {
		return nil, err
	}
	// One listing of deployments/ finds the newest record, however far back it is.
	versions, err := s.listVersions(ctx, op, deploymentsPrefix(cid), "")
	if err != nil {
		return nil, err
	}
	if len(versions) == 0 {
		return nil, &store.Error{Code: store.CodeNotFound, Op: op, Key: deploymentsPrefix(cid), Err: errors.New("nothing deployed yet")}
	}
	v := slices.Max(versions)
	snap, err := s.snapshot(ctx, op, cid, v)
	if store.IsCode(err, store.CodeNotFound) && !isMissingBucket(err) {
		return nil, &store.Error{Code: store.CodeIntegrity, Op: op, Key: metadataKey(cid, v),
			Err: errors.New("a deployment record exists for a snapshot whose metadata is missing")}
	}
	if err == nil && snap.Deployment == nil {
		return nil, &store.Error{Code: store.CodeIntegrity, Op: op, Key: deploymentKey(cid, v), Err: errors.New("deployment record vanished while reading")}
	}
	return snap, err
}

// List returns every snapshot's metadata, newest first.
func (s *Shadow) List(ctx context.Context, cid string) ([]store.SnapshotMeta, error) {
	const op = "list snapshots"
	if err := checkCommunity(op, cid); err != nil {
		return nil, err
	}
	versions, err := s.listVersions(ctx, op, metadataPrefix(cid), "")
	if err != nil {
		return nil, err
	}
	slices.Sort(versions)
	slices.Reverse(versions)
	metas := make([]store.SnapshotMeta, len(versions))
	errs := make([]error, len(versions))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(listWorkers, len(versions)) {
		wg.Go(func() {
			for i := range next {
				metas[i], errs[i] = s.meta(ctx, op, cid, versions[i])
			}
		})
	}
	for i := range versions {
		next <- i
	}
	close(next)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return metas, nil
}

// snapshot reads metadata, manifest and deployment record of version v.
func (s *Shadow) snapshot(ctx context.Context, op, cid string, v int) (*store.Snapshot, error) {
	meta, err := s.meta(ctx, op, cid, v)
	if err != nil {
		return nil, err
	}
	m, err := s.manifest(ctx, op, cid, meta)
	if err != nil {
		return nil, err
	}
	d, err := s.deployment(ctx, op, cid, v)
	if err != nil {
		return nil, err
	}
	return &store.Snapshot{Meta: meta, Manifest: m, Deployment: d}, nil
}

// meta reads and checks the metadata of version v. Fields that must follow from the key
// and the layout are verified, so a changed or misplaced object is caught.
func (s *Shadow) meta(ctx context.Context, op, cid string, v int) (store.SnapshotMeta, error) {
	key := metadataKey(cid, v)
	raw, err := s.get(ctx, op, key)
	if err != nil {
		return store.SnapshotMeta{}, err
	}
	var meta store.SnapshotMeta
	if err := json.Unmarshal(raw, &meta); err != nil {
		return store.SnapshotMeta{}, &store.Error{Code: store.CodeCorrupt, Op: op, Key: key, Err: fmt.Errorf("metadata does not decode: %w", err)}
	}
	if msg := checkMeta(meta, cid, v); msg != "" {
		return store.SnapshotMeta{}, &store.Error{Code: store.CodeIntegrity, Op: op, Key: key, Err: errors.New(msg)}
	}
	return meta, nil
}

// manifest reads the manifest body and verifies its SHA-256 before decoding it.
func (s *Shadow) manifest(ctx context.Context, op, cid string, meta store.SnapshotMeta) (*wizard.Manifest, error) {
	raw, err := s.get(ctx, op, meta.ManifestKey)
	if store.IsCode(err, store.CodeNotFound) && !isMissingBucket(err) {
		return nil, &store.Error{Code: store.CodeIntegrity, Op: op, Key: meta.ManifestKey,
			Err: fmt.Errorf("manifest of snapshot %s is missing", meta.ID)}
	}
	if err != nil {
		return nil, err
	}
	if got := sha256Hex(raw); got != meta.ManifestSHA256 {
		return nil, &store.Error{Code: store.CodeIntegrity, Op: op, Key: meta.ManifestKey,
			Err: fmt.Errorf("manifest of snapshot %s has SHA-256 %s, metadata says %s: it was changed after it was saved", meta.ID, got, meta.ManifestSHA256)}
	}
	// The hash proves these are the saved bytes; a plain decode (not wizard.DecodeJSON's
	// strict one) keeps old history readable should a later schema drop a field.
	var m wizard.Manifest
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, &store.Error{Code: store.CodeCorrupt, Op: op, Key: meta.ManifestKey, Err: fmt.Errorf("manifest does not decode: %w", err)}
	}
	return &m, nil
}

// deployment reads the deployment record of version v, or nil when it was never deployed.
func (s *Shadow) deployment(ctx context.Context, op, cid string, v int) (*store.Deployment, error) {
	key := deploymentKey(cid, v)
	raw, err := s.get(ctx, op, key)
	if store.IsCode(err, store.CodeNotFound) && !isMissingBucket(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var d store.Deployment
	if err := json.Unmarshal(raw, &d); err != nil {
		return nil, &store.Error{Code: store.CodeCorrupt, Op: op, Key: key, Err: fmt.Errorf("deployment record does not decode: %w", err)}
	}
	if d.SnapshotID != store.SnapshotID(v) {
		return nil, &store.Error{Code: store.CodeIntegrity, Op: op, Key: key, Err: fmt.Errorf("deployment record names snapshot %q", d.SnapshotID)}
	}
	return &d, nil
}
