package s3

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/arrakis-bot/arrakis/store"
	layout "github.com/arrakis-bot/arrakis/store/internal/shadowlayout"
	"github.com/arrakis-bot/arrakis/wizard"
)

// probeLimit is how many HEADs advance the latest.json hint before a listing is cheaper.
const probeLimit = 4

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
	// The body goes first, so committed metadata never points at a missing manifest. Same
	// content, same key: rewriting it is harmless and repairs a damaged copy.
	mkey := layout.ManifestKey(cid, sum)
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
	for range layout.MaxClaims {
		n := newest + 1
		claim := layout.Claim(meta, n, time.Now())
		raw, err := json.Marshal(claim)
		if err != nil {
			return store.SnapshotMeta{}, fmt.Errorf("%s v%d: encode metadata: %w", op, n, err)
		}
		err = s.create(ctx, op, layout.MetadataKey(cid, n), raw)
		if err == nil {
			s.writeHint(ctx, cid, n)
			return claim, nil
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
	return store.SnapshotMeta{}, layout.LostRace(op, cid)
}

// writeHint points latest.json at version n. It is only a hint that saves a listing, so a
// failure is not the caller's problem, and a slower writer moving it back is harmless:
// readers always probe forward from it.
func (s *Shadow) writeHint(ctx context.Context, cid string, n int) {
	raw, err := json.Marshal(layout.LatestHint{ID: store.SnapshotID(n), Version: n})
	if err == nil {
		_ = s.put(ctx, "update latest", layout.LatestKey(cid), raw)
	}
}

// newestVersion finds the newest committed version (0 when there is none). latest.json
// says where to start; probing and listing make the answer right even when the hint is
// stale, missing or damaged.
func (s *Shadow) newestVersion(ctx context.Context, cid string) (int, error) {
	const op = "find newest snapshot"
	raw, err := s.get(ctx, op, layout.LatestKey(cid))
	switch {
	case err == nil:
		var h layout.LatestHint
		if json.Unmarshal(raw, &h) == nil && h.Version > 0 && h.ID == store.SnapshotID(h.Version) {
			ok, err := s.exists(ctx, op, layout.MetadataKey(cid, h.Version))
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
		ok, err := s.exists(ctx, "find newest snapshot", layout.MetadataKey(cid, from+1))
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
		after = layout.MetadataKey(cid, from)
	}
	versions, err := s.listVersions(ctx, "find newest snapshot", layout.MetadataPrefix(cid), after)
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
