package dir_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/arrakis-bot/arrakis/internal/testenv"
	"github.com/arrakis-bot/arrakis/store"
	"github.com/arrakis-bot/arrakis/store/dir"
	"github.com/arrakis-bot/arrakis/store/storetest"
)

// Environment of a child process started by TestSaveAcrossProcesses.
const (
	envRoot      = "ARRAKIS_DIR_SAVER_ROOT"
	envCommunity = "ARRAKIS_DIR_SAVER_COMMUNITY"
	envWriter    = "ARRAKIS_DIR_SAVER_WRITER"
)

const savesPerProcess = 8

// TestMain turns the test binary into a saver when TestSaveAcrossProcesses starts it.
func TestMain(m *testing.M) {
	if root := os.Getenv(envRoot); root != "" {
		os.Exit(saver(root, os.Getenv(envCommunity), os.Getenv(envWriter)))
	}
	os.Exit(m.Run())
}

// saver saves savesPerProcess manifests and prints "id manifest-number" per save.
func saver(root, cid, writer string) int {
	w, err := strconv.Atoi(writer)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bad writer number:", err)
		return 2
	}
	s, err := dir.NewShadow(root)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for i := range savesPerProcess {
		n := w*100 + i
		meta, err := s.Save(ctx, storetest.ShadowManifest(cid, n), store.SnapshotMeta{CommunityID: cid, CreatedBy: "process-" + writer})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		fmt.Printf("%s %d\n", meta.ID, n)
	}
	return 0
}

// TestSaveAcrossProcesses: several processes save into one data directory at once. Every
// save gets its own version, the versions are 1..N without a gap, every snapshot reads
// back with the manifest its process saved, and the previous-id chain is one line.
func TestSaveAcrossProcesses(t *testing.T) {
	const processes = 4
	root := t.TempDir()
	cid := testenv.GuildID(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmds := make([]*exec.Cmd, processes)
	outs := make([]*bytes.Buffer, processes)
	for w := range processes {
		outs[w] = new(bytes.Buffer)
		cmds[w] = exec.CommandContext(ctx, os.Args[0], "-test.run=^$")
		cmds[w].Env = append(os.Environ(), envRoot+"="+root, envCommunity+"="+cid, envWriter+"="+strconv.Itoa(w))
		cmds[w].Stdout, cmds[w].Stderr = outs[w], outs[w]
		if err := cmds[w].Start(); err != nil {
			t.Fatalf("start saver %d: %v", w, err)
		}
	}
	saved := map[string]int{} // snapshot id → manifest number
	for w, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Fatalf("saver %d: %v\n%s", w, err, outs[w])
		}
		sc := bufio.NewScanner(outs[w])
		for sc.Scan() {
			id, num, ok := strings.Cut(sc.Text(), " ")
			n, err := strconv.Atoi(num)
			if !ok || err != nil {
				t.Fatalf("saver %d printed %q", w, sc.Text())
			}
			if _, dup := saved[id]; dup {
				t.Errorf("two saves got %s", id)
			}
			saved[id] = n
		}
	}
	const total = processes * savesPerProcess
	if len(saved) != total {
		t.Fatalf("%d distinct versions from %d saves", len(saved), total)
	}
	s, err := dir.NewShadow(root)
	if err != nil {
		t.Fatal(err)
	}
	list, err := s.List(ctx, cid)
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	if len(list) != total {
		t.Fatalf("List has %d snapshots, want %d", len(list), total)
	}
	for i, meta := range list {
		v := total - i
		want := ""
		if v > 1 {
			want = store.SnapshotID(v - 1)
		}
		if meta.ID != store.SnapshotID(v) || meta.PreviousID != want {
			t.Fatalf("List[%d] = %s after %q, want %s after %q", i, meta.ID, meta.PreviousID, store.SnapshotID(v), want)
		}
		snap, err := s.Get(ctx, cid, meta.ID)
		if err != nil {
			t.Fatalf("Get %s: %v", meta.ID, err)
		}
		if got, want := snap.Manifest.Community.Name, storetest.ShadowManifest(cid, saved[meta.ID]).Community.Name; got != want {
			t.Errorf("Get %s: manifest %q, want %q (what its process saved)", meta.ID, got, want)
		}
	}
}
