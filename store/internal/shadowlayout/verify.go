package shadowlayout

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/arrakis-bot/arrakis/store"
	"github.com/arrakis-bot/arrakis/wizard"
)

// What every read checks, whichever store the bytes came from. A store reads an object
// and passes it here; a failed check is CodeCorrupt (does not decode) or CodeIntegrity
// (decodes, but is not what the layout says it must be), never silently used.

// CheckMeta verifies the metadata fields that follow from its key and the layout, so a
// changed or misplaced object is caught. It returns what is wrong, or "".
func CheckMeta(meta store.SnapshotMeta, cid string, v int) string {
	switch {
	case meta.ID != store.SnapshotID(v) || meta.Version != v:
		return fmt.Sprintf("metadata names snapshot %q version %d, not %s", meta.ID, meta.Version, store.SnapshotID(v))
	case meta.CommunityID != cid:
		return fmt.Sprintf("metadata belongs to community %q", meta.CommunityID)
	case v == 1 && meta.PreviousID != "", v > 1 && meta.PreviousID != store.SnapshotID(v-1):
		return fmt.Sprintf("metadata says the previous snapshot is %q", meta.PreviousID)
	case meta.ManifestKey != ManifestKey(cid, meta.ManifestSHA256):
		return fmt.Sprintf("metadata points at manifest %q, which does not match its SHA-256 %q", meta.ManifestKey, meta.ManifestSHA256)
	}
	return ""
}

// DecodeMeta decodes the metadata of version v read from MetadataKey(cid, v) and checks it.
func DecodeMeta(op, cid string, v int, raw []byte) (store.SnapshotMeta, error) {
	key := MetadataKey(cid, v)
	var meta store.SnapshotMeta
	if err := json.Unmarshal(raw, &meta); err != nil {
		return store.SnapshotMeta{}, &store.Error{Code: store.CodeCorrupt, Op: op, Key: key, Err: fmt.Errorf("metadata does not decode: %w", err)}
	}
	if msg := CheckMeta(meta, cid, v); msg != "" {
		return store.SnapshotMeta{}, &store.Error{Code: store.CodeIntegrity, Op: op, Key: key, Err: errors.New(msg)}
	}
	return meta, nil
}

// MissingManifest is the error for committed metadata whose manifest body is gone.
func MissingManifest(op string, meta store.SnapshotMeta) error {
	return &store.Error{Code: store.CodeIntegrity, Op: op, Key: meta.ManifestKey,
		Err: fmt.Errorf("manifest of snapshot %s is missing", meta.ID)}
}

// DecodeManifest verifies the manifest body's SHA-256 against its metadata before it
// decodes it.
func DecodeManifest(op string, meta store.SnapshotMeta, raw []byte) (*wizard.Manifest, error) {
	if got := SHA256Hex(raw); got != meta.ManifestSHA256 {
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

// DecodeDeployment decodes the deployment record of version v read from
// DeploymentKey(cid, v) and checks that it names its snapshot.
func DecodeDeployment(op, cid string, v int, raw []byte) (*store.Deployment, error) {
	key := DeploymentKey(cid, v)
	var d store.Deployment
	if err := json.Unmarshal(raw, &d); err != nil {
		return nil, &store.Error{Code: store.CodeCorrupt, Op: op, Key: key, Err: fmt.Errorf("deployment record does not decode: %w", err)}
	}
	if d.SnapshotID != store.SnapshotID(v) {
		return nil, &store.Error{Code: store.CodeIntegrity, Op: op, Key: key, Err: fmt.Errorf("deployment record names snapshot %q", d.SnapshotID)}
	}
	return &d, nil
}

// NoSnapshot is Latest's answer for a community with no snapshot.
func NoSnapshot(op, cid string) error {
	return &store.Error{Code: store.CodeNotFound, Op: op, Key: MetadataPrefix(cid), Err: errors.New("no snapshot saved yet")}
}

// NothingDeployed is LatestDeployed's answer for a community with no deployment record.
func NothingDeployed(op, cid string) error {
	return &store.Error{Code: store.CodeNotFound, Op: op, Key: DeploymentsPrefix(cid), Err: errors.New("nothing deployed yet")}
}

// DeployedWithoutMeta is the error for a deployment record whose snapshot metadata is gone.
func DeployedWithoutMeta(op, cid string, v int) error {
	return &store.Error{Code: store.CodeIntegrity, Op: op, Key: MetadataKey(cid, v),
		Err: errors.New("a deployment record exists for a snapshot whose metadata is missing")}
}

// DeploymentVanished is the error for a deployment record listed but gone when read.
func DeploymentVanished(op, cid string, v int) error {
	return &store.Error{Code: store.CodeIntegrity, Op: op, Key: DeploymentKey(cid, v), Err: errors.New("deployment record vanished while reading")}
}
