package dir

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/arrakis-bot/arrakis/store"
	layout "github.com/arrakis-bot/arrakis/store/internal/shadowlayout"
	"github.com/arrakis-bot/arrakis/wizard"
)

// Save stores m as the next version of meta.CommunityID.
func (s *Shadow) Save(ctx context.Context, m *wizard.Manifest, meta store.SnapshotMeta) (store.SnapshotMeta, error) {
	const op = "save snapshot"
	cid := meta.CommunityID
	if err := layout.CheckSave(op, m, meta); err != nil {
		return store.SnapshotMeta{}, err
	}
	body, sum, err := layout.ManifestBody(m)
	if err != nil {
		return store.SnapshotMeta{}, fmt.Errorf("%s: %w", op, err)
	}
	mkey := layout.ManifestKey(cid, sum)
	if err := s.putManifest(op, mkey, body); err != nil {
		return store.SnapshotMeta{}, err
	}
	if meta.GuildID == "" {
		meta.GuildID = cid
	}
	meta.ManifestKey, meta.ManifestSHA256 = mkey, sum
	for range layout.MaxClaims {
		if err := ctx.Err(); err != nil {
			return store.SnapshotMeta{}, fmt.Errorf("%s: %w", op, err)
		}
		// A fresh listing on every attempt: the loser of a race sees the winner's file.
		newest, err := s.newestVersion(op, cid)
		if err != nil {
			return store.SnapshotMeta{}, err
		}
		n := newest + 1
		claim := layout.Claim(meta, n, time.Now())
		raw, err := json.Marshal(claim)
		if err != nil {
			return store.SnapshotMeta{}, fmt.Errorf("%s v%d: encode metadata: %w", op, n, err)
		}
		err = s.create(op, layout.MetadataKey(cid, n), raw)
		if err == nil {
			s.writeHint(cid, n)
			return claim, nil
		}
		if !store.IsCode(err, store.CodeAlreadyExists) {
			return store.SnapshotMeta{}, fmt.Errorf("%s v%d: %w", op, n, err)
		}
	}
	return store.SnapshotMeta{}, layout.LostRace(op, cid)
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
	raw, err := json.Marshal(layout.LatestHint{ID: store.SnapshotID(n), Version: n})
	if err == nil {
		_ = s.replace("update latest", layout.LatestKey(cid), raw)
	}
}

// newestVersion is the highest committed version (0 when there is none).
func (s *Shadow) newestVersion(op, cid string) (int, error) {
	versions, err := s.listVersions(op, layout.MetadataPrefix(cid))
	if err != nil || len(versions) == 0 {
		return 0, err
	}
	return slices.Max(versions), nil
}
