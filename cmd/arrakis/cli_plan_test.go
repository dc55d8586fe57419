package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/arrakis-bot/arrakis/wizard"
)

// withoutTier is m with tier id and the channels gated at it removed, as a custom layout.
func withoutTier(m *wizard.Manifest, id string) *wizard.Manifest {
	m = m.Clone()
	m.ChannelTemplate = wizard.TemplateCustom
	for i, t := range m.Tiers {
		if t.ID == id {
			m.Tiers = append(m.Tiers[:i], m.Tiers[i+1:]...)
			break
		}
	}
	var kept []wizard.Channel
	for _, c := range m.Channels {
		if c.MinTier != id {
			kept = append(kept, c)
		}
	}
	m.Channels = kept
	return m
}

// plan --prune previews the deletes; apply --prune prints them and asks on a terminal,
// prints them with --yes too, refuses without a terminal, and deletes exactly those.
func TestPlanPruneAndApplyPruneConfirm(t *testing.T) {
	fd, g := cliGuild(t)
	v1 := exampleFor(t, g.ID)
	if code, out, errOut := arrakis(t, "", "apply", "-f", writeManifest(t, v1), "--guild", g.ID, "--yes"); code != 0 {
		t.Fatalf("apply v1 = %d\n%s\n%s", code, out, errOut)
	}
	v2 := writeManifest(t, withoutTier(v1, "t3"))
	if code, out, errOut := arrakis(t, "", "apply", "-f", v2, "--guild", g.ID, "--yes"); code != 0 || fd.RoleByName(g.ID, "Patron") == nil {
		t.Fatalf("apply v2 without --prune = %d (Patron kept: %v)\n%s\n%s", code, fd.RoleByName(g.ID, "Patron") != nil, out, errOut)
	}

	fd.ResetCounts()
	code, out, errOut := arrakis(t, "", "plan", "-f", v2, "--guild", g.ID)
	if code != 0 || !strings.Contains(out, "No longer in the manifest") || !strings.Contains(out, "role “Patron”: made by Arrakis for an earlier setup; apply --prune deletes it") || strings.Contains(out, "--prune also deletes") {
		t.Fatalf("plan = %d\n%s\n%s\nwant the removals and what --prune would delete", code, out, errOut)
	}
	code, out, _ = arrakis(t, "", "plan", "-f", v2, "--guild", g.ID, "--prune")
	if code != 0 || !strings.Contains(out, "--prune also deletes 4:") || !strings.Contains(out, "Delete role “Patron”") || !strings.Contains(out, "Delete channel “patron”") {
		t.Fatalf("plan --prune = %d\n%s\nwant the four deletes", code, out)
	}
	if n := fd.WriteCount(); n != 0 {
		t.Fatalf("plan made %d writes", n)
	}

	code, out, errOut = arrakis(t, "", "apply", "-f", v2, "--guild", g.ID, "--prune")
	if code != 2 || !strings.Contains(errOut, "standard input is not a terminal") || !strings.Contains(out, "Delete role “Patron”") || fd.WriteCount() != 0 {
		t.Fatalf("apply --prune on a pipe = %d %q %q (%d writes), want 2, the deletes printed, and nothing written", code, out, errOut, fd.WriteCount())
	}
	old := isTerminal
	t.Cleanup(func() { isTerminal = old })
	isTerminal = func(any) bool { return true }
	code, out, _ = arrakis(t, "n\n", "apply", "-f", v2, "--guild", g.ID, "--prune")
	if code != 2 || !strings.Contains(out, "Delete these 4 roles and channels") || !strings.Contains(out, "Delete channel “patron”") || fd.WriteCount() != 0 {
		t.Fatalf("declined apply --prune = %d %q (%d writes)", code, out, fd.WriteCount())
	}
	isTerminal = old
	code, out, errOut = arrakis(t, "", "apply", "-f", v2, "--guild", g.ID, "--prune", "--yes")
	if code != 0 || !strings.Contains(out, "--prune also deletes 4:") || !strings.Contains(out, "Delete role “Patron”") {
		t.Fatalf("apply --prune --yes = %d\n%s\n%s\nwant the deletes printed", code, out, errOut)
	}
	if n := fd.WriteCount(); n != 4 || fd.RoleByName(g.ID, "Patron") != nil || fd.RoleByName(g.ID, "Collector") == nil {
		t.Fatalf("apply --prune --yes made %d writes (want the 4 printed); Patron gone: %v", n, fd.RoleByName(g.ID, "Patron") == nil)
	}
}

// plan -o saves a plan; apply --plan refuses it when the server or the manifest changed
// since, and otherwise runs exactly its operations.
func TestApplySavedPlan(t *testing.T) {
	fd, g := cliGuild(t)
	v1 := exampleFor(t, g.ID)
	if code, out, errOut := arrakis(t, "", "apply", "-f", writeManifest(t, v1), "--guild", g.ID, "--yes"); code != 0 {
		t.Fatalf("apply v1 = %d\n%s\n%s", code, out, errOut)
	}
	m2 := v1.Clone()
	m2.Tiers[1].Role.Name, m2.Tiers[1].Role.Color = "Curator", 0xAA00AA
	v2 := writeManifest(t, m2)
	planFile := filepath.Join(t.TempDir(), "tonight.plan")
	fd.ResetCounts()
	if code, out, errOut := arrakis(t, "", "plan", "-f", v2, "--guild", g.ID, "-o", planFile); code != 0 || !strings.Contains(out, "Saved the plan to") {
		t.Fatalf("plan -o = %d\n%s\n%s", code, out, errOut)
	}
	var saved savedPlan
	data, err := os.ReadFile(planFile)
	if err == nil {
		err = json.Unmarshal(data, &saved)
	}
	if err != nil || saved.GuildID != g.ID || saved.ManifestSHA256 == "" || saved.GuildFingerprint == "" || len(saved.Ops) == 0 || saved.PlanHash == "" {
		t.Fatalf("saved plan %+v (%v): want guild, manifest hash, fingerprint, ops and their hash", saved, err)
	}

	// The server changes: the plan is refused and nothing is written.
	holder := fd.RoleByName(g.ID, "Holder")
	fd.UpdateRole(g.ID, holder.ID, func(r *discordgo.Role) { r.Color = 0x010203 })
	code, out, errOut := arrakis(t, "", "apply", "--plan", planFile, "--guild", g.ID)
	if code != 1 || !strings.Contains(errOut, "changed since the plan was made") || fd.WriteCount() != 0 {
		t.Fatalf("apply --plan after the server changed = %d %q %q (%d writes)", code, out, errOut, fd.WriteCount())
	}

	// A fresh plan, then the manifest file changes: refused.
	if code, _, errOut := arrakis(t, "", "plan", "-f", v2, "--guild", g.ID, "-o", planFile); code != 0 {
		t.Fatalf("plan -o again = %d %q", code, errOut)
	}
	m3 := m2.Clone()
	m3.Tiers[0].Role.Hoist = true
	code, _, errOut = arrakis(t, "", "apply", "--plan", planFile, "-f", writeManifest(t, m3), "--guild", g.ID)
	if code != 1 || !strings.Contains(errOut, "changed since the plan was made") || fd.WriteCount() != 0 {
		t.Fatalf("apply --plan with a changed manifest = %d %q (%d writes)", code, errOut, fd.WriteCount())
	}
	// A plan file edited by hand: refused.
	tampered := filepath.Join(t.TempDir(), "tampered.plan")
	if err := os.WriteFile(tampered, []byte(strings.Replace(string(mustRead(t, planFile)), "Curator", "Overlord", 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := arrakis(t, "", "apply", "--plan", tampered, "--guild", g.ID); code != 2 || !strings.Contains(errOut, "was changed after arrakis plan saved it") {
		t.Fatalf("apply of a tampered plan = %d %q", code, errOut)
	}

	// The deployed setup changes without a write to the server (a new version whose layout
	// is the same): refused too.
	renamed := v1.Clone()
	renamed.Community.Name = "Dune Traders Guild II"
	if code, out, errOut := arrakis(t, "", "apply", "-f", writeManifest(t, renamed), "--guild", g.ID, "--yes"); code != 0 {
		t.Fatalf("apply of a renamed community = %d\n%s\n%s", code, out, errOut)
	}
	fd.ResetCounts()
	code, _, errOut = arrakis(t, "", "apply", "--plan", planFile, "--guild", g.ID)
	if code != 1 || !strings.Contains(errOut, "the setup deployed to server "+g.ID+" changed since the plan was made") || fd.WriteCount() != 0 {
		t.Fatalf("apply --plan after a new deployment = %d %q (%d writes)", code, errOut, fd.WriteCount())
	}
	if code, _, errOut := arrakis(t, "", "plan", "-f", v2, "--guild", g.ID, "-o", planFile); code != 0 {
		t.Fatalf("plan -o once more = %d %q", code, errOut)
	}

	// Unchanged: exactly the saved operations run.
	if err := json.Unmarshal(mustRead(t, planFile), &saved); err != nil {
		t.Fatal(err)
	}
	code, out, errOut = arrakis(t, "", "apply", "--plan", planFile, "-f", v2, "--guild", g.ID)
	if code != 0 {
		t.Fatalf("apply --plan = %d\n%s\n%s", code, out, errOut)
	}
	if n := fd.WriteCount(); n != len(saved.Ops) || fd.RoleByName(g.ID, "Curator") == nil {
		t.Fatalf("apply --plan made %d writes for %d saved operations (%s)", n, len(saved.Ops), out)
	}
}

// A deployed tier removed from a manifest whose channel lost its gate with it is shown as
// a change of access, never hidden among the updates.
func TestPlanShowsUngatedChannelAsAccessChange(t *testing.T) {
	_, g := cliGuild(t)
	v1 := exampleFor(t, g.ID)
	v1.ChannelTemplate = wizard.TemplateCustom
	v1.Channels = append(v1.Channels, wizard.Channel{Key: "vip", Name: "vip", Type: wizard.ChannelText, MinTier: "t3"})
	if code, out, errOut := arrakis(t, "", "apply", "-f", writeManifest(t, v1), "--guild", g.ID, "--yes"); code != 0 {
		t.Fatalf("apply v1 = %d\n%s\n%s", code, out, errOut)
	}
	v2 := withoutTier(v1, "t3")
	v2.Channels = append(v2.Channels, wizard.Channel{Key: "vip", Name: "vip", Type: wizard.ChannelText})
	code, out, errOut := arrakis(t, "", "plan", "-f", writeManifest(t, v2), "--guild", g.ID)
	if code != 0 || !strings.Contains(out, "Access changes") ||
		!strings.Contains(out, "#vip: gated at tier “Patron” (removed from the manifest) → open to everyone  ← anyone in the server will see it") {
		t.Fatalf("plan = %d\n%s\n%s\nwant #vip named as becoming public", code, out, errOut)
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
