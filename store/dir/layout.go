package dir

// The layout and its rules are the same as store/s3's, so a data directory can be copied
// into a bucket (and back) as it is; the shared conformance suite keeps the two in step.

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"

	"github.com/arrakis-bot/arrakis/store"
	"github.com/arrakis-bot/arrakis/wizard"
)

// rootPrefix is where all shadow state lives under the root; probePrefix is where Check
// writes its throw-away objects.
const (
	rootPrefix  = "shadow-state/"
	probePrefix = rootPrefix + ".probe/"
)

func communityPrefix(cid string) string   { return rootPrefix + cid + "/" }
func latestKey(cid string) string         { return communityPrefix(cid) + "latest.json" }
func metadataPrefix(cid string) string    { return communityPrefix(cid) + "metadata/" }
func deploymentsPrefix(cid string) string { return communityPrefix(cid) + "deployments/" }
func metadataKey(cid string, v int) string {
	return metadataPrefix(cid) + store.SnapshotID(v) + ".json"
}
func deploymentKey(cid string, v int) string {
	return deploymentsPrefix(cid) + store.SnapshotID(v) + ".json"
}
func manifestKey(cid, sum string) string { return communityPrefix(cid) + "manifests/" + sum + ".json" }

// checkCommunity keeps community ids to what a guild id can be, so an id can never climb
// out of its prefix or collide with another community's.
func checkCommunity(op, cid string) error {
	if cid == "" || len(cid) > 64 {
		return &store.Error{Code: store.CodeInvalid, Op: op, Err: fmt.Errorf("community id %q must be 1–64 characters", cid)}
	}
	for _, r := range cid {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '-' || r == '_') {
			return &store.Error{Code: store.CodeInvalid, Op: op, Err: fmt.Errorf("community id %q may hold only letters, digits, '-' and '_'", cid)}
		}
	}
	return nil
}

// parseID turns "v00000042" into 42.
func parseID(id string) (int, bool) {
	digits, ok := strings.CutPrefix(id, "v")
	if !ok || len(digits) < 8 {
		return 0, false
	}
	v, err := strconv.Atoi(digits)
	if err != nil || v < 1 || store.SnapshotID(v) != id {
		return 0, false
	}
	return v, true
}

// versionOfKey parses the version out of ".../metadata/v00000042.json" under prefix.
func versionOfKey(prefix, key string) (int, bool) {
	name, ok := strings.CutPrefix(key, prefix)
	if !ok {
		return 0, false
	}
	id, ok := strings.CutSuffix(name, ".json")
	if !ok {
		return 0, false
	}
	return parseID(id)
}

// manifestBody is the canonical JSON of m (the wizard's one encoding, so the same manifest
// always lands on the same key) and its SHA-256 (hex).
func manifestBody(m *wizard.Manifest) ([]byte, string, error) {
	body, err := m.CanonicalJSON()
	if err != nil {
		return nil, "", err
	}
	return body, sha256Hex(body), nil
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// latestHint is the body of latest.json.
type latestHint struct {
	ID      string `json:"id"`
	Version int    `json:"version"`
}

// checkMeta verifies the metadata fields that follow from its key and the layout, so a
// changed or misplaced object is caught. It returns what is wrong, or "".
func checkMeta(meta store.SnapshotMeta, cid string, v int) string {
	switch {
	case meta.ID != store.SnapshotID(v) || meta.Version != v:
		return fmt.Sprintf("metadata names snapshot %q version %d, not %s", meta.ID, meta.Version, store.SnapshotID(v))
	case meta.CommunityID != cid:
		return fmt.Sprintf("metadata belongs to community %q", meta.CommunityID)
	case v == 1 && meta.PreviousID != "", v > 1 && meta.PreviousID != store.SnapshotID(v-1):
		return fmt.Sprintf("metadata says the previous snapshot is %q", meta.PreviousID)
	case meta.ManifestKey != manifestKey(cid, meta.ManifestSHA256):
		return fmt.Sprintf("metadata points at manifest %q, which does not match its SHA-256 %q", meta.ManifestKey, meta.ManifestSHA256)
	}
	return ""
}
