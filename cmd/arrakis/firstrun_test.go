package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/arrakis-bot/arrakis/internal/fakediscord"
)

// cleanEnv is the environment without any ARRAKIS_ or AWS_ variable, plus extra.
func cleanEnv(extra map[string]string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "ARRAKIS_") || strings.HasPrefix(kv, "AWS_") {
			continue
		}
		env = append(env, kv)
	}
	// No shared AWS files either: the credential chain must come up empty.
	env = append(env, "AWS_CONFIG_FILE=/nonexistent/aws-config", "AWS_SHARED_CREDENTIALS_FILE=/nonexistent/aws-credentials")
	for k, v := range extra {
		env = append(env, k+"="+v)
	}
	return env
}

// runBinary runs bin with args and env and returns its exit code and outputs.
func runBinary(t *testing.T, bin string, env []string, args ...string) (int, string, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = env
	cmd.Stdin = nil
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0, out.String(), errOut.String()
	case errors.As(err, &ee):
		return ee.ExitCode(), out.String(), errOut.String()
	}
	t.Fatalf("run %v: %v", args, err)
	return 0, "", ""
}

// closedAddr is a local address nothing listens on.
func closedAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// libraryNoise is what the libraries print in their own words; none of it may reach a
// first run's terminal.
var libraryNoise = []string{"StatusCode: 0", "RequestID", "HostID", "redis: 20", "pool.go", "IMDS", "SDK 20", "exceeded maximum number of attempts", "https://discord.com/api", "RESTError", "HTTP 401 Unauthorized"}

// oneSentenceWith checks that stderr is one "arrakis: …" line and that one sentence of it
// holds every word in want.
func oneSentenceWith(t *testing.T, name, stderr string, want ...string) {
	t.Helper()
	line := strings.TrimSpace(stderr)
	if strings.Contains(line, "\n") || !strings.HasPrefix(line, "arrakis: ") {
		t.Errorf("%s: stderr is not one \"arrakis: …\" line:\n%s", name, stderr)
	}
	for _, noise := range libraryNoise {
		if strings.Contains(stderr, noise) {
			t.Errorf("%s: stderr carries library noise %q:\n%s", name, noise, stderr)
		}
	}
	for _, s := range splitSentences(line) {
		all := true
		for _, w := range want {
			all = all && strings.Contains(s, w)
		}
		if all {
			return
		}
	}
	t.Errorf("%s: no one sentence holds all of %q:\n%s", name, want, stderr)
}

// splitSentences splits at ". " (a URL or a version keeps its dots).
func splitSentences(s string) []string { return strings.Split(s, ". ") }

func TestFirstRunMessages(t *testing.T) {
	bin := buildArrakis(t)
	fd := fakediscord.New(t)
	g := fd.Seed(fakediscord.GuildOptions{})
	removed := fd.Seed(fakediscord.GuildOptions{})
	fd.RemoveBot(removed.ID)
	const unknownGuild = "1180000000000000099"
	manifest := "../../examples/minimal.yaml"
	base := map[string]string{
		"ARRAKIS_DISCORD_TOKEN":          fd.BotToken(),
		"ARRAKIS_DISCORD_APPLICATION_ID": fd.ApplicationID(),
		"ARRAKIS_DISCORD_REST_BASE_URL":  fd.RESTBase(),
		"ARRAKIS_HTTP_LISTEN":            "127.0.0.1:0",
	}
	with := func(more map[string]string) []string {
		m := map[string]string{"ARRAKIS_DATA_DIR": t.TempDir()}
		for k, v := range base {
			m[k] = v
		}
		for k, v := range more {
			m[k] = v
		}
		return cleanEnv(m)
	}
	invite := "https://discord.com/oauth2/authorize?client_id=" + fd.ApplicationID()
	notAFile := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(notAFile, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	deadS3 := "http://" + closedAddr(t)
	deadDiscord := "http://" + closedAddr(t) + "/api/v9"

	fd.FailNextCode("POST", "/guilds/"+g.ID+"/roles", 1, http.StatusForbidden, 50013, "Missing Permissions")

	cases := []struct {
		name string
		env  []string
		args []string
		code int
		want []string
	}{
		{"token rejected (401)", with(map[string]string{"ARRAKIS_DISCORD_TOKEN": "not-the-token"}),
			[]string{"plan", "-f", manifest, "--guild", g.ID}, 1,
			[]string{"rejected the bot token", "discord.token", "ARRAKIS_DISCORD_TOKEN"}},
		{"token rejected by serve (401)", with(map[string]string{"ARRAKIS_DISCORD_TOKEN": "not-the-token"}),
			[]string{"serve"}, 1,
			[]string{"rejected the bot token", "discord.token", "ARRAKIS_DISCORD_TOKEN"}},
		{"bot removed (403 50001)", with(nil),
			[]string{"plan", "-f", manifest, "--guild", removed.ID}, 1,
			[]string{"not in server " + removed.ID, invite, "guild_id=" + removed.ID}},
		{"unknown server (404 10004)", with(nil),
			[]string{"plan", "-f", manifest, "--guild", unknownGuild}, 1,
			[]string{"not in server " + unknownGuild, invite}},
		{"missing permission (403 50013)", with(nil),
			[]string{"apply", "-f", manifest, "--guild", g.ID, "--yes"}, 1,
			[]string{"create a role", "server " + g.ID, "Manage Roles"}},
		{"Discord unreachable", with(map[string]string{"ARRAKIS_DISCORD_REST_BASE_URL": deadDiscord}),
			[]string{"plan", "-f", manifest, "--guild", g.ID}, 1,
			[]string{deadDiscord + "/users/@me", "discord.rest_base_url", "ARRAKIS_DISCORD_REST_BASE_URL"}},
		{"Redis unreachable", with(map[string]string{"ARRAKIS_REDIS_URL": "redis://" + closedAddr(t) + "/0"}),
			[]string{"history", "--guild", g.ID}, 1,
			[]string{"Redis at 127.0.0.1:", "redis.url", "ARRAKIS_REDIS_URL"}},
		{"S3 unreachable", with(map[string]string{"ARRAKIS_S3_BUCKET": "arrakis", "ARRAKIS_S3_ENDPOINT": deadS3,
			"ARRAKIS_S3_PATH_STYLE": "true", "ARRAKIS_S3_ACCESS_KEY": "key", "ARRAKIS_S3_SECRET_KEY": "secret"}),
			[]string{"history", "--guild", g.ID}, 1,
			[]string{"S3 at " + deadS3, "s3.endpoint", "ARRAKIS_S3_ENDPOINT"}},
		{"S3 without credentials", with(map[string]string{"ARRAKIS_S3_BUCKET": "arrakis", "ARRAKIS_S3_ENDPOINT": deadS3, "ARRAKIS_S3_PATH_STYLE": "true"}),
			[]string{"history", "--guild", g.ID}, 1,
			[]string{"credentials", "s3.access_key", "s3.secret_key", "ARRAKIS_S3_ACCESS_KEY"}},
		{"data directory unusable", with(map[string]string{"ARRAKIS_DATA_DIR": filepath.Join(notAFile, "data")}),
			[]string{"history", "--guild", g.ID}, 1,
			[]string{"data_dir", "ARRAKIS_DATA_DIR", "not a directory"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, _, stderr := runBinary(t, bin, c.env, c.args...)
			if code != c.code {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, c.code, stderr)
			}
			t.Logf("%s", stderr)
			oneSentenceWith(t, c.name, stderr, c.want...)
		})
	}
}

// TestApplyInterruptStopsAfterTheWriteInFlight sends SIGINT to a running apply while its
// first write is on its way: the write completes and is recorded, apply says what was done
// and what was not and exits 130, and running it again finishes without doing anything twice.
func TestApplyInterruptStopsAfterTheWriteInFlight(t *testing.T) {
	bin := buildArrakis(t)
	fd := fakediscord.New(t)
	g := fd.Seed(fakediscord.GuildOptions{})

	var (
		mu       sync.Mutex
		proc     *os.Process
		stopping = make(chan struct{})
		once     sync.Once
	)
	// In front of the fake: the first role create waits until apply has taken the signal.
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/guilds/"+g.ID+"/roles") {
			once.Do(func() {
				mu.Lock()
				p := proc
				mu.Unlock()
				_ = p.Signal(syscall.SIGINT)
				select {
				case <-stopping:
				case <-time.After(30 * time.Second):
				}
			})
		}
		fd.ServeHTTP(w, r)
	}))
	t.Cleanup(proxy.Close)

	env := cleanEnv(map[string]string{
		"ARRAKIS_DISCORD_TOKEN":          fd.BotToken(),
		"ARRAKIS_DISCORD_APPLICATION_ID": fd.ApplicationID(),
		"ARRAKIS_DISCORD_REST_BASE_URL":  proxy.URL + "/api/v9",
		"ARRAKIS_DATA_DIR":               t.TempDir(),
	})
	args := []string{"apply", "-f", "../../examples/minimal.yaml", "--guild", g.ID, "--yes"}
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	var out bytes.Buffer
	cmd.Stdout = &out
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	if err := cmd.Start(); err != nil {
		mu.Unlock()
		t.Fatal(err)
	}
	proc = cmd.Process
	mu.Unlock()
	var errText strings.Builder
	sc := bufio.NewScanner(stderr)
	for sc.Scan() {
		errText.WriteString(sc.Text() + "\n")
		if strings.Contains(sc.Text(), "stopping after the change in progress") {
			close(stopping)
		}
	}
	err = cmd.Wait()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	}
	got := errText.String()
	if code != exitInterrupted || !strings.Contains(got, "Done: 1 change (Create role “Member”") ||
		!strings.Contains(got, "not done: ") || !strings.Contains(got, "Run the same command again") {
		t.Fatalf("interrupted apply = exit %d, want 130 with what was done and not done:\n%s\n%s", code, out.String(), got)
	}
	if n := len(fd.Roles(g.ID)); fd.RoleByName(g.ID, "Member") == nil || fd.RoleByName(g.ID, "Insider") != nil {
		t.Fatalf("after the interrupt: %d roles, want Member made and Insider not", n)
	}

	code, stdout, errOut := runBinary(t, bin, env, args...)
	if code != 0 || !strings.Contains(stdout, "Roles made: “Insider”") || strings.Contains(stdout, "“Member”,") {
		t.Fatalf("rerun = exit %d, want 0 making only what was left:\n%s\n%s", code, stdout, errOut)
	}
	members := 0
	for _, r := range fd.Roles(g.ID) {
		if r.Name == "Member" {
			members++
		}
	}
	if members != 1 {
		t.Errorf("the rerun made Member again: %d roles named Member", members)
	}
}
