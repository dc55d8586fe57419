// Package dir keeps shadow state — the versioned snapshots of each community's manifest and
// the record of each deploy — in a local directory: the embedded default when no S3 bucket
// is configured.
//
// It uses the same layout as store/s3 under the data directory:
//
//	shadow-state/{communityID}/latest.json              newest snapshot id (a hint only)
//	shadow-state/{communityID}/manifests/{sha256}.json  immutable manifest body (canonical JSON)
//	shadow-state/{communityID}/metadata/{id}.json       immutable snapshot metadata: the commit point
//	shadow-state/{communityID}/deployments/{id}.json    written once when snapshot {id} is deployed
//
// Immutable objects are created with link(2), which refuses an existing name: that is the
// file-system twin of S3's If-None-Match: *, so versions are race-free across goroutines and
// across processes on one host. Files and directories are fsynced before a write returns.
package dir

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"

	"github.com/arrakis-bot/arrakis/store"
	layout "github.com/arrakis-bot/arrakis/store/internal/shadowlayout"
)

// Shadow is store.Shadow over a local directory. It is safe for concurrent use, also by
// several processes sharing the directory on one host.
type Shadow struct {
	root   string
	faults atomic.Pointer[func(stage, path string) error] // SetFaults
}

var _ store.Shadow = (*Shadow)(nil)

// NewShadow uses root (the data directory), creating it if needed.
func NewShadow(root string) (*Shadow, error) {
	if root == "" {
		return nil, fmt.Errorf("directory shadow store: no data directory configured")
	}
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, fmt.Errorf("directory shadow store: %w", err)
	}
	if err := os.MkdirAll(abs, dirPerm); err != nil {
		return nil, fmt.Errorf("directory shadow store: create data directory: %w", err)
	}
	return &Shadow{root: abs}, nil
}

// Root is the data directory.
func (s *Shadow) Root() string { return s.root }

// Check verifies that the data directory is writable and that creating a file that
// already exists is refused (hard links work), which race-free versions rely on.
func (s *Shadow) Check(ctx context.Context) error {
	const op = "check shadow store"
	if err := ctx.Err(); err != nil {
		return err
	}
	var nonce [12]byte
	_, _ = rand.Read(nonce[:])
	key := layout.ProbePrefix + hex.EncodeToString(nonce[:])
	body := []byte(`{"probe":"create if absent"}`)
	if err := s.create(op, key, body); err != nil {
		return err
	}
	defer os.Remove(s.path(key))
	second := s.create(op, key, body)
	switch {
	case second == nil:
		return &store.Error{Code: store.CodeUnsupported, Op: op, Key: key, Err: fmt.Errorf(
			"the file system under %s let a file be created twice, so two writers could claim the same snapshot version; use a local file system", s.root)}
	case store.IsCode(second, store.CodeAlreadyExists):
		return nil
	}
	return second
}

// Writable checks that the data directory takes a new, synced file (a full disk or a
// failing device still answers reads): /readyz asks it.
func (s *Shadow) Writable(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	tmp, err := s.writeTemp("check the data directory is writable", layout.ProbePrefix+"writable", []byte("probe"))
	if err != nil {
		return err
	}
	return os.Remove(tmp)
}
