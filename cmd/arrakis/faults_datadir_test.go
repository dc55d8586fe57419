package main

import (
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/arrakis-bot/arrakis/internal/fakediscord"
	"github.com/arrakis-bot/arrakis/internal/testenv"
)

// unusableDataDir makes dir unwritable for serve and returns the history's sentence for it
// and the function that makes it usable again. As root permissions do not stop a write, so
// dir is a small tmpfs that gets filled; otherwise it loses its write permission.
func unusableDataDir(t *testing.T, dir string) (breakIt func(), sentence string, restore func()) {
	t.Helper()
	where := "data directory " + dir
	if os.Geteuid() != 0 {
		return func() {
				if err := os.Chmod(dir, 0o500); err != nil {
					t.Fatal(err)
				}
			}, "Arrakis can't reach its deployment history (the " + where + ") right now.", func() {
				if err := os.Chmod(dir, 0o700); err != nil {
					t.Fatal(err)
				}
			}
	}
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Fatalf("mount a tmpfs at %s (running as root): %v\n%s", dir, err, out)
	}
	t.Cleanup(func() { _ = exec.Command("umount", "-l", dir).Run() })
	filler := filepath.Join(dir, "filler")
	return func() {
			f, err := os.Create(filler)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			chunk := make([]byte, 64<<10)
			for {
				if _, err := f.Write(chunk); err != nil {
					if !errors.Is(err, syscall.ENOSPC) {
						t.Fatalf("fill %s: %v", dir, err)
					}
					return
				}
			}
		}, "Arrakis can't write its deployment history: the " + where + " is full.", func() {
			if err := os.Remove(filler); err != nil {
				t.Fatal(err)
			}
		}
}

// serveDataDirUnwritable: embedded serve (no Redis, no S3) whose data directory stops
// taking writes. /readyz stays 200 and names the data directory failing, Confirm deploy is
// refused with the data directory's sentence and writes nothing to Discord, and once the
// directory is usable again Retry answers with progress and converges.
func serveDataDirUnwritable(t *testing.T, bin string) {
	fd := fakediscord.New(t)
	seed := fd.Seed(fakediscord.GuildOptions{ID: testenv.GuildID(t)})
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "data")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	breakIt, sentence, restore := unusableDataDir(t, dir)
	a := startChild(t, bin, "a", httpServeEnv(fd, pub, map[string]string{"ARRAKIS_DATA_DIR": dir}))
	w := &wiz{t: t, fd: fd, seed: seed, priv: priv, live: []*child{a}, client: &http.Client{Timeout: 10 * time.Second}}
	w.play(walkToAssets)
	w.play(walkToReview)
	w.play([]wizStep{{name: "deploy…", do: clickStep("deploy"), title: "Step 7 of 8 — Review"}})

	breakIt()
	status, body := readyzBody(t, a)
	if status != http.StatusOK || !strings.Contains(body, "history: failing — "+sentence) {
		t.Fatalf("/readyz with the data directory unwritable: %d\n%s", status, body)
	}
	confirm := w.clickDeferred("confirm")
	var refused string
	waitFor(t, 60*time.Second, "the deploy is refused", func() bool {
		m := fd.Original(confirm.in.Token)
		if m == nil || len(m.Embeds) == 0 {
			return false
		}
		refused = m.Embeds[0].Description
		return strings.Contains(refused, "❌")
	})
	if !strings.Contains(refused, sentence) {
		t.Fatalf("the deploy is not refused with the data directory's sentence %q:\n%s", sentence, refused)
	}
	made := countNamed(fd.Roles(seed.ID), func(r *discordgo.Role) string { return r.Name }, "Bronze Holder") +
		countNamed(fd.Channels(seed.ID), func(c *discordgo.Channel) string { return c.Name }, "holders-chat")
	if made != 0 {
		t.Fatalf("the refused deploy made %d roles and channels in Discord", made)
	}

	restore()
	waitFor(t, 20*time.Second, "/readyz shows the data directory back", func() bool {
		_, body := readyzBody(t, a)
		return strings.Contains(body, "history: ok")
	})
	w.last = fd.Original(confirm.in.Token)
	retryToDeployed(t, w, fd, sentence)
}
