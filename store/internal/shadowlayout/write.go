package shadowlayout

import (
	"errors"
	"fmt"
	"time"

	"github.com/arrakis-bot/arrakis/store"
	"github.com/arrakis-bot/arrakis/wizard"
)

// MaxClaims bounds how often Save retries after losing a version to another writer.
const MaxClaims = 100

// CheckSave refuses what Save must not store: a bad community id, no manifest, an
// unknown reason.
func CheckSave(op string, m *wizard.Manifest, meta store.SnapshotMeta) error {
	if err := CheckCommunity(op, meta.CommunityID); err != nil {
		return err
	}
	if m == nil {
		return &store.Error{Code: store.CodeInvalid, Op: op, Err: errors.New("no manifest")}
	}
	if !ValidReason(meta.Reason) {
		return &store.Error{Code: store.CodeInvalid, Op: op, Err: fmt.Errorf("unknown snapshot reason %q", meta.Reason)}
	}
	return nil
}

// ValidReason accepts the known reasons and empty (Save then picks initial or update).
func ValidReason(r store.Reason) bool {
	switch r {
	case "", store.ReasonInitial, store.ReasonUpdate, store.ReasonRollback, store.ReasonReconcile, store.ReasonAccept, store.ReasonManual:
		return true
	}
	return false
}

// Claim is meta as version n: id, version, previous id, the default reason when none was
// given, and the creation time.
func Claim(meta store.SnapshotMeta, n int, now time.Time) store.SnapshotMeta {
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
	meta.CreatedAt = now.UTC()
	return meta
}

// LostRace is Save's answer after MaxClaims lost claims in a row.
func LostRace(op, cid string) error {
	return &store.Error{Code: store.CodeConflict, Op: op, Key: MetadataPrefix(cid),
		Err: fmt.Errorf("lost the race for a version %d times in a row", MaxClaims)}
}

// CheckDeployment checks RecordDeployment's arguments and fills d.SnapshotID when empty.
// It returns the snapshot's version.
func CheckDeployment(op, cid, id string, d *store.Deployment) (int, error) {
	if err := CheckCommunity(op, cid); err != nil {
		return 0, err
	}
	v, err := SnapshotVersion(op, id)
	if err != nil {
		return 0, err
	}
	if d.SnapshotID == "" {
		d.SnapshotID = id
	}
	if d.SnapshotID != id {
		return 0, &store.Error{Code: store.CodeInvalid, Op: op, Err: fmt.Errorf("deployment names snapshot %s, not %s", d.SnapshotID, id)}
	}
	return v, nil
}

// UnknownSnapshot is RecordDeployment's answer when snapshot v does not exist.
func UnknownSnapshot(op, cid, id string, v int) error {
	return &store.Error{Code: store.CodeNotFound, Op: op, Key: MetadataKey(cid, v), Err: fmt.Errorf("snapshot %s does not exist", id)}
}

// AlreadyDeployed is RecordDeployment's answer when the snapshot has a record already.
func AlreadyDeployed(op, cid string, v int) error {
	return &store.Error{Code: store.CodeAlreadyExists, Op: op, Key: DeploymentKey(cid, v), Err: errors.New("this snapshot already has a deployment record")}
}
