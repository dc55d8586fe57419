package dir

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/arrakis-bot/arrakis/store"
	"github.com/arrakis-bot/arrakis/wizard"
)

// maxClaims bounds how often Save retries after losing a version to another writer.
const maxClaims = 100

// Save stores m as the next version of meta.CommunityID.
func (s *Shadow) Save(ctx context.Context, m *wizard.Manifest, meta store.SnapshotMeta) (store.SnapshotMeta, error) {
	const op = "save snapshot"
	cid := meta.CommunityID
	if err := checkCommunity(op, cid); err != nil {
		return store.SnapshotMeta{}, err
	}
	if m == nil {
		return store.SnapshotMeta{}, &store.Error{Code: store.CodeInvalid, Op: op, Err: errors.New("no manifest")}
	}
	if !validReason(meta.Reason) {
		return store.SnapshotMeta{}, &store.Error{Code: store.CodeInvalid, Op: op, Err: fmt.Errorf("unknown snapshot reason %q", meta.Reason)}
	}
	body, sum, err := manifestBody(m)
	if err != nil {
		return store.SnapshotMeta{}, fmt.Errorf("%s: %w", op, err)
	}
	mkey := manifestKey(cid, sum)
	if err := s.putManifest(op, mkey, body); err != nil {
		return store.SnapshotMeta{}, err
	}
	if meta.GuildID == "" {
		meta.GuildID = cid
	}
	meta.ManifestKey, meta.ManifestSHA256 = mkey, sum
	for range maxClaims {
		if err := ctx.Err(); err != nil {
			return store.SnapshotMeta{}, fmt.Errorf("%s: %w", op, err)
		}
		// A fresh listing on every attempt: the loser of a race sees the winner's file.
		newest, err := s.newestVersion(op, cid)
		if err != nil {
			return store.SnapshotMeta{}, err
		}
		n := newest + 1
		meta.Version, meta.ID, meta.PreviousID = n, store.SnapshotID(n), ""
		if n > 1 {
			meta.PreviousID = store.SnapshotID(n - 1)
		}
		if meta.Reason == "" {
			meta.Reason = store.ReasonUpdate
			if n == 1 {
				meta.Reason = store.ReasonInitial
			}
		}
		meta.CreatedAt = time.Now().UTC()
		raw, err := json.Marshal(meta)
		if err != nil {
			return store.SnapshotMeta{}, fmt.Errorf("%s v%d: encode metadata: %w", op, n, err)
		}
		err = s.create(op, metadataKey(cid, n), raw)
		if err == nil {
			s.writeHint(cid, n)
			return meta, nil
		}
		if !store.IsCode(err, store.CodeAlreadyExists) {
			return store.SnapshotMeta{}, fmt.Errorf("%s v%d: %w", op, n, err)
		}
	}
	return store.SnapshotMeta{}, &store.Error{Code: store.CodeConflict, Op: op, Key: metadataPrefix(cid),
		Err: fmt.Errorf("lost the race for a version %d times in a row", maxClaims)}
}

// putManifest writes a content-addressed manifest body. When the name exists with the right
// content nothing changes; a damaged copy is replaced.
func (s *Shadow) putManifest(op, key string, body []byte) error {
	err := s.create(op, key, body)
	if !store.IsCode(err, store.CodeAlreadyExists) {
		return err
	}
	old, err := s.get(op, key)
	if err == nil && bytes.Equal(old, body) {
		return nil
	}
	return s.replace(op, key, body)
}

// writeHint points latest.json at version n. Readers do not rely on it (the metadata
// directory is the truth), so a failure is ignored.
func (s *Shadow) writeHint(cid string, n int) {
	raw, err := json.Marshal(latestHint{ID: store.SnapshotID(n), Version: n})
	if err == nil {
		_ = s.replace("update latest", latestKey(cid), raw)
	}
}

// newestVersion is the highest committed version (0 when there is none).
func (s *Shadow) newestVersion(op, cid string) (int, error) {
	versions, err := s.listVersions(op, metadataPrefix(cid))
	if err != nil || len(versions) == 0 {
		return 0, err
	}
	return slices.Max(versions), nil
}

// validReason accepts the known reasons and empty (Save then picks initial or update).
func validReason(r store.Reason) bool {
	switch r {
	case "", store.ReasonInitial, store.ReasonUpdate, store.ReasonRollback, store.ReasonReconcile, store.ReasonAccept, store.ReasonManual:
		return true
	}
	return false
}
