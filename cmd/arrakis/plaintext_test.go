package main

import (
	"bufio"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/spf13/cobra"

	"github.com/arrakis-bot/arrakis/internal/fakediscord"
)

// discordMarkup is what belongs in Discord and never in a terminal: mentions, bold, and
// slash-command advice.
var discordMarkup = []string{"<@", "<#", "**", "/setup", "/drift"}

func assertPlain(t *testing.T, what, text string) {
	t.Helper()
	for _, m := range discordMarkup {
		if strings.Contains(text, m) {
			t.Errorf("%s prints Discord markup %q:\n%s", what, m, text)
		}
	}
}

func TestCLIOutputIsPlainText(t *testing.T) {
	fd, g := cliGuild(t)
	file := writeManifest(t, exampleFor(t, g.ID))

	code, out, errOut := arrakis(t, "", "plan", "-f", file, "--guild", g.ID)
	assertPlain(t, "plan", out+errOut)
	if code != 0 || !strings.Contains(out, "Reorder channels in “") || !strings.Contains(out, "Create channel #") {
		t.Errorf("plan = %d, want 0 with reorders that name their parent:\n%s%s", code, out, errOut)
	}

	// A server where the bot lacks Manage Roles: preflight's advice is a command line's.
	weak := fd.Seed(fakediscord.GuildOptions{BotPermissions: discordgo.PermissionManageChannels | discordgo.PermissionViewChannel})
	weakFile := writeManifest(t, exampleFor(t, weak.ID))
	code, out, errOut = arrakis(t, "", "plan", "-f", weakFile, "--guild", weak.ID)
	assertPlain(t, "plan with problems", out+errOut)
	if code != 1 || !strings.Contains(out, "needs the Manage Roles permission;") || !strings.Contains(out, "run the command again") ||
		!strings.Contains(errOut, "until the problem above is fixed") {
		t.Errorf("plan with a missing permission = %d, want 1 naming it in terminal words:\n%s%s", code, out, errOut)
	}

	code, out, errOut = arrakis(t, "", "apply", "-f", file, "--guild", g.ID, "--yes")
	assertPlain(t, "apply", out+errOut)
	if code != 0 || !strings.Contains(out, "Roles made: “Holder”, “Collector”") || !strings.Contains(out, "Channels made: “") ||
		!strings.Contains(out, "\nReordered: tier roles, top-level channels, channels in “Holder”") || strings.Contains(out, "Updated: ") {
		t.Errorf("apply = %d, want names of what was made and reorders counted apart from updates:\n%s%s", code, out, errOut)
	}

	holder := fd.RoleByName(g.ID, "Holder")
	fd.UpdateRole(g.ID, holder.ID, func(r *discordgo.Role) { r.Name = "Holders!" })
	code, out, errOut = arrakis(t, "", "drift", "--guild", g.ID)
	assertPlain(t, "drift", out+errOut)
	if code != 1 || !strings.Contains(out, "Holders!") {
		t.Errorf("drift = %d, want 1 naming the renamed role:\n%s%s", code, out, errOut)
	}

	code, out, errOut = arrakis(t, "", "history", "--guild", g.ID)
	assertPlain(t, "history", out+errOut)
	if code != 0 || !strings.Contains(out, "VERSION") {
		t.Errorf("history = %d:\n%s%s", code, out, errOut)
	}
	code, out, errOut = arrakis(t, "", "history", "--guild", weak.ID)
	assertPlain(t, "history of a server with none", out+errOut)
	if code != 0 || !strings.Contains(out, "arrakis apply -f FILE --guild "+weak.ID) {
		t.Errorf("history with no versions = %d, want CLI advice:\n%s%s", code, out, errOut)
	}
}

// TestReadOnlyCommandsNeedNoToken: history, diff and manifest pull read only the storage.
func TestReadOnlyCommandsNeedNoToken(t *testing.T) {
	_, g := cliGuild(t)
	file := writeManifest(t, exampleFor(t, g.ID))
	if code, out, errOut := arrakis(t, "", "apply", "-f", file, "--guild", g.ID, "--yes"); code != 0 {
		t.Fatalf("apply = %d\n%s%s", code, out, errOut)
	}
	t.Setenv("ARRAKIS_DISCORD_TOKEN", "")
	t.Setenv("ARRAKIS_DISCORD_APPLICATION_ID", "")
	for _, args := range [][]string{
		{"history", "--guild", g.ID},
		{"diff", "--guild", g.ID, "1", "1"},
		{"manifest", "pull", "--guild", g.ID},
	} {
		if code, out, errOut := arrakis(t, "", args...); code != 0 {
			t.Errorf("%v without a token = %d\n%s%s", args, code, out, errOut)
		}
	}
	if code, _, errOut := arrakis(t, "", "plan", "-f", file, "--guild", g.ID); code != 2 || !strings.Contains(errOut, "ARRAKIS_DISCORD_TOKEN") {
		t.Errorf("plan without a token = %d %q, want 2 naming the token", code, errOut)
	}
}

func TestDiffPrintsRemovalsBeforeAdditions(t *testing.T) {
	var b strings.Builder
	if !writeLineDiff(&b, []string{"a", "old", "c"}, []string{"a", "new", "c"}) {
		t.Fatal("no difference found")
	}
	if want := "  a\n- old\n+ new\n  c\n"; b.String() != want {
		t.Errorf("diff =\n%s\nwant\n%s", b.String(), want)
	}
}

func TestInvite(t *testing.T) {
	t.Setenv("ARRAKIS_CONFIG", "")
	t.Setenv("ARRAKIS_DISCORD_TOKEN", "")
	t.Setenv("ARRAKIS_DISCORD_APPLICATION_ID", "1180000000000000007")
	code, out, errOut := arrakis(t, "", "invite")
	// Manage Roles (1<<28) + Manage Channels (1<<4) + View Channels (1<<10), what preflight
	// requires, + Send Messages (1<<11) + Embed Links (1<<14) for the alert channel.
	if code != 0 || !strings.Contains(out, "https://discord.com/oauth2/authorize?client_id=1180000000000000007&permissions=268454928&scope=bot+applications.commands\n") {
		t.Fatalf("invite = %d\n%s%s", code, out, errOut)
	}
	for _, p := range []string{"Manage Roles", "Manage Channels", "View Channels", "Send Messages", "Embed Links"} {
		if !strings.Contains(out, "  "+p+" ") {
			t.Errorf("invite does not say what %s is for:\n%s", p, out)
		}
	}
	code, out, _ = arrakis(t, "", "invite", "--guild", "1180000000000000001")
	if code != 0 || !strings.Contains(out, "guild_id=1180000000000000001") {
		t.Errorf("invite --guild = %d\n%s", code, out)
	}
	t.Setenv("ARRAKIS_DISCORD_APPLICATION_ID", "")
	if code, _, errOut := arrakis(t, "", "invite"); code != 2 || !strings.Contains(errOut, "discord.application_id") {
		t.Errorf("invite without an application id = %d %q, want 2 naming the setting", code, errOut)
	}
}

func TestHealthcheck(t *testing.T) {
	t.Setenv("ARRAKIS_CONFIG", "")
	ready := true
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/readyz" {
			http.NotFound(w, r)
			return
		}
		if !ready {
			http.Error(w, "not ready: a store does not answer", http.StatusServiceUnavailable)
			return
		}
		_, _ = w.Write([]byte("ready\n"))
	}))
	defer srv.Close()
	t.Setenv("ARRAKIS_HTTP_LISTEN", strings.TrimPrefix(srv.URL, "http://"))
	if code, out, errOut := arrakis(t, "", "healthcheck"); code != 0 || !strings.Contains(out, "ready") {
		t.Errorf("healthcheck of a ready serve = %d %q %q, want 0", code, out, errOut)
	}
	ready = false
	if code, _, errOut := arrakis(t, "", "healthcheck"); code != 1 || !strings.Contains(errOut, "503") {
		t.Errorf("healthcheck of an unready serve = %d %q, want 1", code, errOut)
	}
	srv.Close()
	if code, _, errOut := arrakis(t, "", "healthcheck"); code != 1 || !strings.Contains(errOut, "nothing answers") {
		t.Errorf("healthcheck with nothing listening = %d %q, want 1", code, errOut)
	}
	if u, err := readyzURL(":8080"); err != nil || u != "http://127.0.0.1:8080/readyz" {
		t.Errorf("readyzURL(:8080) = %q, %v", u, err)
	}
	if u, err := readyzURL("0.0.0.0:9090"); err != nil || u != "http://127.0.0.1:9090/readyz" {
		t.Errorf("readyzURL(0.0.0.0:9090) = %q, %v", u, err)
	}
}

func TestBareArrakisPrintsUsageAndExits2(t *testing.T) {
	code, out, errOut := arrakis(t, "")
	if code != exitUsage || out != "" || !strings.Contains(errOut, "Available Commands:") {
		t.Errorf("bare arrakis = %d, stdout %q, stderr %q; want 2 with the usage on stderr", code, out, errOut)
	}
	code, out, _ = arrakis(t, "", "--version")
	_, vout, _ := arrakis(t, "", "version")
	if code != 0 || out != vout || !strings.HasPrefix(out, "arrakis "+versionString()+" (") {
		t.Errorf("--version = %q, version = %q; want one line, the same", out, vout)
	}
}

func TestEveryCommandHelpListsExitCodes(t *testing.T) {
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		switch c.Name() {
		case "help", "completion": // cobra's own
			return
		}
		if !strings.Contains(c.Long, "Exit status") {
			t.Errorf("%q --help lists no exit status", c.CommandPath())
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(rootCmd)
}

// TestExamplesValidate: every example is a complete manifest.
func TestExamplesValidate(t *testing.T) {
	files, err := filepath.Glob("../../examples/*")
	if err != nil || len(files) == 0 {
		t.Fatalf("no examples: %v", err)
	}
	for _, f := range files {
		if code, out, errOut := arrakis(t, "", "manifest", "validate", "-f", f); code != 0 {
			t.Errorf("manifest validate %s = %d\n%s%s", f, code, out, errOut)
		}
	}
}

// TestExampleHeaderCommandsRunVerbatim runs the commands each example's header suggests,
// as written, from the repository root, against a fake server with the id they name.
func TestExampleHeaderCommandsRunVerbatim(t *testing.T) {
	files, err := filepath.Glob("../../examples/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no examples: %v", err)
	}
	old := isTerminal
	t.Cleanup(func() { isTerminal = old })
	isTerminal = func(any) bool { return true } // apply asks; the test answers yes
	for _, f := range files {
		cmds := headerCommands(t, f)
		if len(cmds) == 0 {
			t.Errorf("%s: its header suggests no arrakis command", f)
			continue
		}
		t.Run(filepath.Base(f), func(t *testing.T) {
			fd, _ := cliGuild(t)
			fd.Seed(fakediscord.GuildOptions{ID: "1180000000000000001"})
			t.Chdir("../..")
			for _, args := range cmds {
				if code, out, errOut := arrakis(t, "y\n", args[1:]...); code != 0 {
					t.Errorf("%s = %d\n%s%s", strings.Join(args, " "), code, out, errOut)
				}
			}
		})
	}
}

// headerCommands are the "#   arrakis …" lines at the top of an example, without their
// trailing comments.
func headerCommands(t *testing.T, file string) [][]string {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var cmds [][]string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "#") {
			break
		}
		body := strings.TrimSpace(strings.TrimPrefix(line, "#"))
		if !strings.HasPrefix(body, "arrakis ") {
			continue
		}
		if i := strings.Index(body, " #"); i >= 0 {
			body = body[:i]
		}
		cmds = append(cmds, strings.Fields(body))
	}
	return cmds
}

// TestLogFormat: JSON lines carry ISO-8601 times; console is readable text.
func TestLogFormat(t *testing.T) {
	for _, c := range []struct{ format, want string }{{"json", `"ts":"20`}, {"console", "\tINFO\t"}} {
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		stderr := os.Stderr
		os.Stderr = w
		log, err := newLogger("info", c.format)
		os.Stderr = stderr
		if err != nil {
			t.Fatal(err)
		}
		log.Info("hello")
		_ = log.Sync()
		w.Close()
		line, _ := bufio.NewReader(r).ReadString('\n')
		r.Close()
		if !strings.Contains(line, c.want) {
			t.Errorf("log.format %s wrote %q, want %q in it", c.format, line, c.want)
		}
		if c.format == "json" {
			var entry struct{ TS string }
			if err := json.Unmarshal([]byte(line), &entry); err != nil {
				t.Fatalf("not JSON: %q", line)
			}
			if _, err := time.Parse("2006-01-02T15:04:05.000Z0700", entry.TS); err != nil {
				t.Errorf("ts %q is not ISO-8601: %v", entry.TS, err)
			}
		}
	}
	quietLibraries()
}
