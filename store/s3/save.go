package s3

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/arrakis-bot/arrakis/store"
	"github.com/arrakis-bot/arrakis/wizard"
)

const (
	// maxClaims bounds how often Save retries after losing a version to another writer.
	maxClaims = 100
	// probeLimit is how many HEADs advance the latest.json hint before a listing is cheaper.
	probeLimit = 4
)

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
	// The body goes first, so committed metadata never points at a missing manifest. Same
	// content, same key: rewriting it is harmless and repairs a damaged copy.
	mkey := manifestKey(cid, sum)
	if err := s.put(ctx, op, mkey, body); err != nil {
		return store.SnapshotMeta{}, err
	}
	newest, err := s.newestVersion(ctx, cid)
	if err != nil {
		return store.SnapshotMeta{}, fmt.Errorf("%s: %w", op, err)
	}
	if meta.GuildID == "" {
		meta.GuildID = cid
	}
	meta.ManifestKey, meta.ManifestSHA256 = mkey, sum
	for claim := 0; claim < maxClaims; claim++ {
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
		err = s.create(ctx, op, metadataKey(cid, n), raw)
		if err == nil {
			s.writeHint(ctx, cid, n)
			return meta, nil
		}
		switch store.ErrorCode(err) {
		case store.CodeAlreadyExists:
			// Another writer owns n: read the newest version again and try the one after it.
		case store.CodeConflict:
			// Another writer is claiming n right now; give it a moment to finish.
			if err := sleep(ctx, time.Duration(5+rand.IntN(20))*time.Millisecond); err != nil {
				return store.SnapshotMeta{}, fmt.Errorf("%s v%d: %w", op, n, err)
			}
		default:
			return store.SnapshotMeta{}, fmt.Errorf("%s v%d: %w", op, n, err)
		}
		if newest, err = s.advance(ctx, cid, newest); err != nil {
			return store.SnapshotMeta{}, fmt.Errorf("%s: %w", op, err)
		}
	}
	return store.SnapshotMeta{}, &store.Error{Code: store.CodeConflict, Op: op, Key: metadataPrefix(cid),
		Err: fmt.Errorf("lost the race for a version %d times in a row", maxClaims)}
}

// writeHint points latest.json at version n. It is only a hint that saves a listing, so a
// failure is not the caller's problem, and a slower writer moving it back is harmless:
// readers always probe forward from it.
func (s *Shadow) writeHint(ctx context.Context, cid string, n int) {
	raw, err := json.Marshal(latestHint{ID: store.SnapshotID(n), Version: n})
	if err == nil {
		_ = s.put(ctx, "update latest", latestKey(cid), raw)
	}
}

// newestVersion finds the newest committed version (0 when there is none). latest.json
// says where to start; probing and listing make the answer right even when the hint is
// stale, missing or damaged.
func (s *Shadow) newestVersion(ctx context.Context, cid string) (int, error) {
	const op = "find newest snapshot"
	raw, err := s.get(ctx, op, latestKey(cid))
	switch {
	case err == nil:
		var h latestHint
		if json.Unmarshal(raw, &h) == nil && h.Version > 0 && h.ID == store.SnapshotID(h.Version) {
			ok, err := s.exists(ctx, op, metadataKey(cid, h.Version))
			if err != nil {
				return 0, err
			}
			if ok {
				return s.advance(ctx, cid, h.Version)
			}
		}
	case store.IsCode(err, store.CodeNotFound) && !isMissingBucket(err):
	default:
		return 0, err
	}
	return s.listNewest(ctx, cid, 0)
}

// advance returns the newest version at or after from, which is known to exist (or is 0).
func (s *Shadow) advance(ctx context.Context, cid string, from int) (int, error) {
	for range probeLimit {
		ok, err := s.exists(ctx, "find newest snapshot", metadataKey(cid, from+1))
		if err != nil {
			return 0, err
		}
		if !ok {
			return from, nil
		}
		from++
	}
	return s.listNewest(ctx, cid, from)
}

// listNewest lists the metadata keys after version from and returns the highest.
func (s *Shadow) listNewest(ctx context.Context, cid string, from int) (int, error) {
	after := ""
	if from > 0 {
		after = metadataKey(cid, from)
	}
	versions, err := s.listVersions(ctx, "find newest snapshot", metadataPrefix(cid), after)
	if err != nil {
		return 0, err
	}
	for _, v := range versions {
		from = max(from, v)
	}
	return from, nil
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// validReason accepts the known reasons and empty (Save then picks initial or update).
func validReason(r store.Reason) bool {
	switch r {
	case "", store.ReasonInitial, store.ReasonUpdate, store.ReasonRollback, store.ReasonReconcile, store.ReasonAccept, store.ReasonManual:
		return true
	}
	return false
}
