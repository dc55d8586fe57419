package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/arrakis-bot/arrakis/internal/fakediscord"
	"github.com/arrakis-bot/arrakis/wizard"
)

// cliGuild starts a fake Discord with one seeded guild and points the CLI at it through
// the environment, with embedded stores in a fresh data directory.
func cliGuild(t *testing.T) (*fakediscord.Server, fakediscord.SeededGuild) {
	t.Helper()
	fd := fakediscord.New(t)
	g := fd.Seed(fakediscord.GuildOptions{})
	for k, v := range map[string]string{
		"ARRAKIS_CONFIG":                 "",
		"ARRAKIS_DISCORD_TOKEN":          fd.BotToken(),
		"ARRAKIS_DISCORD_APPLICATION_ID": fd.ApplicationID(),
		"ARRAKIS_DISCORD_REST_BASE_URL":  fd.RESTBase(),
		"ARRAKIS_DATA_DIR":               t.TempDir(),
		"ARRAKIS_REDIS_URL":              "",
		"ARRAKIS_S3_BUCKET":              "",
	} {
		t.Setenv(k, v)
	}
	return fd, g
}

const example = "../../examples/community.yaml"

// writeManifest writes m as YAML into the test's temp dir.
func writeManifest(t *testing.T, m *wizard.Manifest) string {
	t.Helper()
	y, err := m.EncodeYAML()
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "manifest.yaml")
	if err := os.WriteFile(p, y, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func exampleFor(t *testing.T, guild string) *wizard.Manifest {
	t.Helper()
	data, err := os.ReadFile(example)
	if err != nil {
		t.Fatal(err)
	}
	m, err := wizard.DecodeYAML(data)
	if err != nil {
		t.Fatal(err)
	}
	m.Community.GuildID = guild
	return m
}

func TestDriftExitCodes(t *testing.T) {
	fd, g := cliGuild(t)
	file := writeManifest(t, exampleFor(t, g.ID))

	if code, _, errOut := arrakis(t, "", "drift", "--guild", g.ID); code != 2 || !strings.Contains(errOut, "Nothing has been set up") {
		t.Fatalf("drift before any deploy = %d (%q), want 2 naming the cause", code, errOut)
	}
	if code, _, errOut := arrakis(t, "", "drift", "--guild", "not-a-guild"); code != 2 || !strings.Contains(errOut, "not a Discord server id") {
		t.Fatalf("drift --guild not-a-guild = %d (%q), want 2", code, errOut)
	}
	if code, out, errOut := arrakis(t, "", "apply", "-f", file, "--guild", g.ID, "--yes"); code != 0 {
		t.Fatalf("apply = %d\n%s\n%s", code, out, errOut)
	}
	if code, out, _ := arrakis(t, "", "drift", "--guild", g.ID); code != 0 || !strings.Contains(out, "no drift") {
		t.Fatalf("drift after apply = %d %q, want 0 and no drift", code, out)
	}
	// No alert channel and nobody deployed from Discord: the deploy's report is kept and
	// shown here, worded for the terminal.
	if _, out, _ := arrakis(t, "", "drift", "--guild", g.ID); !strings.Contains(out, "Undelivered alert (deploy") ||
		!strings.Contains(out, "set alerts.channel in the manifest and run arrakis apply") || strings.Contains(out, "<@") {
		t.Fatalf("drift does not show the kept alert for the terminal:\n%s", out)
	}
	holder := fd.RoleByName(g.ID, "Holder")
	fd.UpdateRole(g.ID, holder.ID, func(r *discordgo.Role) { r.Name = "Holders!" })
	code, out, _ := arrakis(t, "", "drift", "--guild", g.ID)
	if code != 1 || !strings.Contains(out, "Role “Holder”: name changed from “Holder” to “Holders!”") || !strings.Contains(out, "Holders!") {
		t.Fatalf("drift after a rename = %d %q, want 1 naming the rename", code, out)
	}
	code, out, _ = arrakis(t, "", "drift", "--guild", g.ID, "--json")
	var doc struct {
		Drift bool `json:"drift"`
		Items []struct {
			Type, Severity, Field string
		} `json:"items"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || code != 1 || !doc.Drift || len(doc.Items) != 1 ||
		doc.Items[0].Type != "role_mismatch" || doc.Items[0].Severity != "info" || doc.Items[0].Field != "name" {
		t.Fatalf("drift --json = %d %q (%v), want 1 and one info role_mismatch on name", code, out, err)
	}
}

func TestPullThenPlanIsEmpty(t *testing.T) {
	fd, g := cliGuild(t)
	file := writeManifest(t, exampleFor(t, g.ID))
	if code, out, errOut := arrakis(t, "", "apply", "-f", file, "--guild", g.ID, "--yes"); code != 0 {
		t.Fatalf("apply = %d\n%s\n%s", code, out, errOut)
	}
	pulled := filepath.Join(t.TempDir(), "pulled.yaml")
	if code, _, errOut := arrakis(t, "", "manifest", "pull", "--guild", g.ID, "-o", pulled); code != 0 {
		t.Fatalf("manifest pull = %d %q", code, errOut)
	}
	if code, out, _ := arrakis(t, "", "manifest", "validate", "-f", pulled); code != 0 {
		t.Fatalf("pulled manifest does not validate: %s", out)
	}
	fd.ResetCounts()
	code, out, errOut := arrakis(t, "", "plan", "-f", pulled, "--guild", g.ID)
	if code != 0 || !strings.Contains(out, "No changes") {
		t.Fatalf("plan of the pulled manifest = %d %q %q, want 0 and no changes", code, out, errOut)
	}
	if n := fd.WriteCount(); n != 0 {
		t.Fatalf("plan made %d writes", n)
	}
	// stdout form, too.
	code, out, _ = arrakis(t, "", "manifest", "pull", "--guild", g.ID)
	if code != 0 || !strings.Contains(out, "apiVersion: arrakis/v1") || !strings.Contains(out, "version 1,") {
		t.Fatalf("manifest pull to stdout = %d %q", code, out)
	}
}

func TestApplyVersionRestoresAnEarlierLayout(t *testing.T) {
	fd, g := cliGuild(t)
	v1 := exampleFor(t, g.ID)
	if code, out, errOut := arrakis(t, "", "apply", "-f", writeManifest(t, v1), "--guild", g.ID, "--yes"); code != 0 {
		t.Fatalf("apply v1 = %d\n%s\n%s", code, out, errOut)
	}
	layoutV1 := cliLayout(fd, g.ID)

	v2 := exampleFor(t, g.ID)
	v2.Tiers[1].Role.Name, v2.Tiers[1].Role.Color = "Curator", 0xAA00AA
	v2.ChannelTemplate = wizard.TemplateCustom // a hand-edited channel list
	v2.Channels[1].Topic = "A new topic."
	if code, out, errOut := arrakis(t, "", "apply", "-f", writeManifest(t, v2), "--guild", g.ID, "--yes"); code != 0 {
		t.Fatalf("apply v2 = %d\n%s\n%s", code, out, errOut)
	}
	if fd.RoleByName(g.ID, "Curator") == nil || cliLayout(fd, g.ID) == layoutV1 {
		t.Fatal("v2 did not change the server")
	}

	code, out, errOut := arrakis(t, "", "apply", "--version", "1", "--guild", g.ID, "--yes")
	if code != 0 {
		t.Fatalf("apply --version 1 = %d\n%s\n%s", code, out, errOut)
	}
	if got := cliLayout(fd, g.ID); got != layoutV1 {
		t.Fatalf("after rollback the server is\n%s\nwant v1's\n%s", got, layoutV1)
	}
	code, out, _ = arrakis(t, "", "history", "--guild", g.ID)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) != 4 || !strings.HasPrefix(lines[1], "3 ") || !strings.Contains(lines[1], "rollback") || strings.Contains(lines[1], " no") {
		t.Fatalf("history = %d\n%s\nwant v3 (rollback, deployed) on top of 2 and 1", code, out)
	}
	code, out, _ = arrakis(t, "", "diff", "--guild", g.ID, "1", "3")
	if code != 0 || !strings.Contains(out, "(no differences)") {
		t.Fatalf("diff 1 3 = %d %q, want the same manifest", code, out)
	}
	code, out, _ = arrakis(t, "", "diff", "--guild", g.ID, "v1", "2")
	if code != 1 || !strings.Contains(out, "- ") || !strings.Contains(out, "+ ") || !strings.Contains(out, "Curator") {
		t.Fatalf("diff 1 2 = %d %q, want the role change", code, out)
	}
	if code, _, _ := arrakis(t, "", "diff", "--guild", g.ID, "1", "9"); code != 2 {
		t.Fatalf("diff with a missing version = %d, want 2", code)
	}
}

func TestApplyNeedsConfirmation(t *testing.T) {
	fd, g := cliGuild(t)
	file := writeManifest(t, exampleFor(t, g.ID))
	fd.ResetCounts()
	code, out, errOut := arrakis(t, "", "apply", "-f", file, "--guild", g.ID)
	if code != 2 || !strings.Contains(errOut, "standard input is not a terminal") || !strings.Contains(errOut, "--yes") {
		t.Fatalf("apply without --yes on a pipe = %d %q %q, want 2 and a sentence naming --yes", code, out, errOut)
	}
	if n := fd.WriteCount(); n != 0 {
		t.Fatalf("an unconfirmed apply made %d writes", n)
	}
	// On a terminal the question is asked; "n" changes nothing, "y" deploys.
	old := isTerminal
	t.Cleanup(func() { isTerminal = old })
	isTerminal = func(any) bool { return true }
	if code, out, _ := arrakis(t, "n\n", "apply", "-f", file, "--guild", g.ID); code != 2 || !strings.Contains(out, "[y/N]") || fd.WriteCount() != 0 {
		t.Fatalf("declined apply = %d %q (%d writes)", code, out, fd.WriteCount())
	}
	if code, out, errOut := arrakis(t, "y\n", "apply", "-f", file, "--guild", g.ID); code != 0 || fd.RoleByName(g.ID, "Patron") == nil {
		t.Fatalf("confirmed apply = %d %q %q", code, out, errOut)
	}
}

// cliLayout is the guild's roles and channels by name, with the fields a manifest sets.
func cliLayout(fd *fakediscord.Server, guild string) string {
	var b strings.Builder
	for _, r := range fd.Roles(guild) {
		b.WriteString("role " + r.Name + " " + itoa(r.Color) + " " + itoa(r.Position) + "\n")
	}
	for _, c := range fd.Channels(guild) {
		b.WriteString("channel " + c.Name + " " + c.Topic + " " + itoa(len(c.PermissionOverwrites)) + "\n")
	}
	return b.String()
}

func itoa(n int) string { return strconv.Itoa(n) }
