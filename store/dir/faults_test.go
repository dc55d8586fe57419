package dir_test

import (
	"context"
	"strings"
	"syscall"
	"testing"

	"github.com/arrakis-bot/arrakis/internal/testenv"
	"github.com/arrakis-bot/arrakis/store"
	"github.com/arrakis-bot/arrakis/store/dir"
	"github.com/arrakis-bot/arrakis/store/storetest"
)

// TestFaultRecovery (data directory): the file-system seam fails a write, an fsync or a
// rename with ENOSPC or EIO. The error has its own code, names the data directory in the
// one sentence for the deployment history, the writability check (/readyz) sees it, and
// the same save succeeds once the fault is gone.
func TestFaultRecovery(t *testing.T) {
	for _, stage := range []string{"write", "fsync", "rename"} {
		for _, fault := range []struct {
			errno syscall.Errno
			code  store.Code
			says  string
		}{
			{syscall.ENOSPC, store.CodeDiskFull, "is full"},
			{syscall.EIO, store.CodeIO, "I/O error"},
		} {
			t.Run("data directory "+stage+" "+fault.errno.Error(), func(t *testing.T) {
				root := t.TempDir()
				sh, err := dir.NewShadow(root)
				if err != nil {
					t.Fatal(err)
				}
				ctx := context.Background()
				cid := testenv.GuildID(t)
				sh.SetFaults(func(st, _ string) error {
					if st == stage {
						return fault.errno
					}
					return nil
				})
				m := storetest.ShadowManifest(cid, 1)
				_, err = sh.Save(ctx, m, store.SnapshotMeta{CommunityID: cid, CreatedBy: "test"})
				if code := store.ErrorCode(err); code != fault.code {
					t.Fatalf("Save under %s on %s: code %q (%v), want %q", fault.errno, stage, code, err, fault.code)
				}
				sentence := store.PartSentence(err)
				if !strings.Contains(sentence, "deployment history") || !strings.Contains(sentence, "data directory "+root) || !strings.Contains(sentence, fault.says) {
					t.Fatalf("sentence %q does not name the data directory %s and what failed", sentence, root)
				}
				if stage != "rename" { // the writability probe writes and syncs, it renames nothing
					if werr := sh.Writable(ctx); store.ErrorCode(werr) != fault.code {
						t.Fatalf("Writable under the fault: %v, want code %q", werr, fault.code)
					}
				}
				sh.SetFaults(nil)
				if err := sh.Writable(ctx); err != nil {
					t.Fatalf("Writable after the fault: %v", err)
				}
				meta, err := sh.Save(ctx, m, store.SnapshotMeta{CommunityID: cid, CreatedBy: "test"})
				if err != nil {
					t.Fatalf("Save after the fault: %v", err)
				}
				latest, err := sh.Latest(ctx, cid)
				if err != nil || latest.Meta.ID != meta.ID || meta.Version != 1 {
					t.Fatalf("after the fault: latest %+v, %v; saved %+v (want version 1: a failed save claims nothing)", latest, err, meta)
				}
			})
		}
	}
}
