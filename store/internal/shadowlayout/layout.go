// Package shadowlayout is the shadow-state layout that store/s3 and store/dir share — key
// names, id rules, and the checks every read makes — so that a data directory can be
// copied into a bucket (and back) as it is, and both stores verify history the same way:
//
//	shadow-state/{communityID}/latest.json              newest snapshot id (a hint only)
//	shadow-state/{communityID}/manifests/{sha256}.json  immutable manifest body (canonical JSON)
//	shadow-state/{communityID}/metadata/{id}.json       immutable snapshot metadata: the commit point
//	shadow-state/{communityID}/deployments/{id}.json    written once when snapshot {id} is deployed
//	shadow-state/{communityID}/alert.json               the kept alert (replaced; not history)
//
// It does no I/O: each store reads and writes the bytes, and hands them here to be checked.
package shadowlayout

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"

	"github.com/arrakis-bot/arrakis/store"
	"github.com/arrakis-bot/arrakis/wizard"
)

// RootPrefix is where all shadow state lives; ProbePrefix is where Check writes its
// throw-away objects.
const (
	RootPrefix  = "shadow-state/"
	ProbePrefix = RootPrefix + ".probe/"
)

func CommunityPrefix(cid string) string   { return RootPrefix + cid + "/" }
func LatestKey(cid string) string         { return CommunityPrefix(cid) + "latest.json" }
func AlertKey(cid string) string          { return CommunityPrefix(cid) + "alert.json" }
func MetadataPrefix(cid string) string    { return CommunityPrefix(cid) + "metadata/" }
func DeploymentsPrefix(cid string) string { return CommunityPrefix(cid) + "deployments/" }
func MetadataKey(cid string, v int) string {
	return MetadataPrefix(cid) + store.SnapshotID(v) + ".json"
}
func DeploymentKey(cid string, v int) string {
	return DeploymentsPrefix(cid) + store.SnapshotID(v) + ".json"
}
func ManifestKey(cid, sum string) string { return CommunityPrefix(cid) + "manifests/" + sum + ".json" }

// CheckCommunity keeps community ids to what a guild id can be, so an id can never climb
// out of its prefix or collide with another community's.
func CheckCommunity(op, cid string) error {
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

// ParseID turns "v00000042" into 42.
func ParseID(id string) (int, bool) {
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

// SnapshotVersion is ParseID for a caller's id: a malformed one is CodeInvalid.
func SnapshotVersion(op, id string) (int, error) {
	v, ok := ParseID(id)
	if !ok {
		return 0, &store.Error{Code: store.CodeInvalid, Op: op, Err: fmt.Errorf("snapshot id %q is not like v00000042", id)}
	}
	return v, nil
}

// VersionOfKey parses the version out of ".../metadata/v00000042.json" under prefix.
func VersionOfKey(prefix, key string) (int, bool) {
	name, ok := strings.CutPrefix(key, prefix)
	if !ok {
		return 0, false
	}
	id, ok := strings.CutSuffix(name, ".json")
	if !ok {
		return 0, false
	}
	return ParseID(id)
}

// ManifestBody is the canonical JSON of m (the wizard's one encoding, so the same manifest
// always lands on the same key) and its SHA-256 (hex).
func ManifestBody(m *wizard.Manifest) ([]byte, string, error) {
	body, err := m.CanonicalJSON()
	if err != nil {
		return nil, "", err
	}
	return body, SHA256Hex(body), nil
}

// SHA256Hex is the hex SHA-256 of b.
func SHA256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// LatestHint is the body of latest.json.
type LatestHint struct {
	ID      string `json:"id"`
	Version int    `json:"version"`
}
