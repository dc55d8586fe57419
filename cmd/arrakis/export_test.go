package main

import (
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/arrakis-bot/arrakis/internal/fakediscord"
	"github.com/arrakis-bot/arrakis/wizard"
)

// cliFixture starts a fake Discord seeded with a fixture server and points the CLI at it.
func cliFixture(t *testing.T, seed func(*fakediscord.Server) fakediscord.Fixture) (*fakediscord.Server, fakediscord.Fixture) {
	t.Helper()
	fd := fakediscord.New(t)
	f := seed(fd)
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
	return fd, f
}

// exportFixture runs manifest export with the fixture's tier roles and returns the file
// and the decoded manifest.
func exportFixture(t *testing.T, f fakediscord.Fixture) (string, *wizard.Manifest, string) {
	t.Helper()
	file := filepath.Join(t.TempDir(), "exported.yaml")
	args := []string{"manifest", "export", "--guild", f.ID, "-o", file}
	for _, id := range f.TierRoles {
		args = append(args, "--tier-role", id)
	}
	code, out, errOut := arrakis(t, "", args...)
	if code != 0 {
		t.Fatalf("manifest export = %d\n%s\n%s", code, out, errOut)
	}
	m, err := wizard.DecodeYAML(mustRead(t, file))
	if err != nil {
		t.Fatalf("exported manifest does not decode: %v\n%s", err, mustRead(t, file))
	}
	return file, m, errOut
}

// guildState is every role and channel of a guild, threads included, to compare before
// and after.
func guildState(fd *fakediscord.Server, f fakediscord.Fixture) (map[string]discordgo.Role, map[string]discordgo.Channel) {
	roles := map[string]discordgo.Role{}
	for _, r := range fd.Roles(f.ID) {
		roles[r.ID] = *r
	}
	chans := map[string]discordgo.Channel{}
	for _, c := range fd.Channels(f.ID) {
		chans[c.ID] = *c
	}
	for _, id := range f.Threads {
		if c := fd.Channel(id); c != nil {
			chans[id] = *c
		}
	}
	return roles, chans
}

func overwritesOf(c discordgo.Channel) map[string]discordgo.PermissionOverwrite {
	out := map[string]discordgo.PermissionOverwrite{}
	for _, o := range c.PermissionOverwrites {
		out[o.ID] = *o
	}
	return out
}

// TestExportRoundTrip: for each fixture server, export → validate --deployable → plan
// shows no changes → apply makes 0 writes → no drift; then one tier added and deployed
// changes only what that tier needs (at Discord's limits, preflight refuses it, 0 writes).
func TestExportRoundTrip(t *testing.T) {
	for _, fx := range fakediscord.FixtureSeeders {
		t.Run(fx.Name, func(t *testing.T) {
			fd, f := cliFixture(t, fx.Seed)
			file, m, report := exportFixture(t, f)

			// What the export says about the server.
			if len(m.Tiers) != len(f.TierRoles) {
				t.Fatalf("exported %d tiers, want %d", len(m.Tiers), len(f.TierRoles))
			}
			for i, tier := range m.Tiers {
				if tier.Role.Adopt != f.TierRoles[i] {
					t.Fatalf("tier %d adopts %q, want %q (lowest first)", i+1, tier.Role.Adopt, f.TierRoles[i])
				}
			}
			byAdopt := map[string]wizard.Channel{}
			for _, c := range m.Channels {
				if c.Adopt == "" {
					t.Fatalf("channel %q is not adopted by id", c.Name)
				}
				byAdopt[c.Adopt] = c
			}
			for name, k := range f.Gated {
				c, ok := byAdopt[f.Channels[name]]
				if !ok || c.MinTier != m.Tiers[k].ID {
					t.Fatalf("channel %q: exported %+v (present %v), want minimum tier %s", name, c, ok, m.Tiers[k].ID)
				}
			}
			left := append(append(append([]string(nil), f.Hidden...), f.Unsupported...), f.Inexpressible...)
			for _, id := range append(left, f.Threads...) {
				if c, ok := byAdopt[id]; ok {
					t.Fatalf("channel %q should have been left out, is in the manifest", c.Name)
				}
			}
			if want := len(fd.Channels(f.ID)) - len(left); len(m.Channels) != want {
				t.Fatalf("exported %d channels, want %d (all but the %d left out)", len(m.Channels), want, len(left))
			}
			if n := len(left) + len(f.Threads); n > 0 && !strings.Contains(report, "Left out ("+itoa(n)+")") {
				t.Fatalf("export report does not list the %d channels and threads left out:\n%s", n, report)
			}
			for _, want := range map[bool][]string{
				len(f.Hidden) > 0: {"cannot see or manage it; to manage it, allow that role View Channel and Manage Channels"},
				len(f.Unsupported) > 0: {"forum channel “help-forum”: a manifest holds text and voice channels and categories only", "stage channel “Town Hall”", "announcement channel “announcements”",
					"thread “welcome-thread”: threads belong to their channel"},
				len(f.Inexpressible) > 0: {"text channel “holders-and-og”: private to the tier roles “Holder”, “OG”", "category “Staff”: private to “Moderator”, “Helper”"},
			}[true] {
				if !strings.Contains(report, want) {
					t.Fatalf("export report lacks %q:\n%s", want, report)
				}
			}

			if code, out, _ := arrakis(t, "", "manifest", "validate", "-f", file); code != 1 || !strings.Contains(out, "deployable, but not complete") {
				t.Fatalf("validate without --deployable = %d %q, want 1 (not complete)", code, out)
			}
			if code, out, _ := arrakis(t, "", "manifest", "validate", "--deployable", "-f", file); code != 0 || !strings.Contains(out, "deployable (plan and apply can use it)") {
				t.Fatalf("validate --deployable = %d %q, want 0 and the verdict deployable", code, out)
			}

			rolesBefore, chansBefore := guildState(fd, f)
			fd.ResetCounts()
			if code, out, errOut := arrakis(t, "", "plan", "-f", file, "--guild", f.ID); code != 0 || !strings.Contains(out, "No changes") {
				t.Fatalf("plan of the export = %d, want 0 and no changes\n%s\n%s", code, out, errOut)
			}
			if code, out, errOut := arrakis(t, "", "apply", "-f", file, "--guild", f.ID, "--yes"); code != 0 {
				t.Fatalf("apply of the export = %d\n%s\n%s", code, out, errOut)
			}
			if n := fd.WriteCount(); n != 0 {
				t.Fatalf("plan and apply of the export made %d writes, want 0: %+v", n, fd.Requests())
			}
			if code, out, _ := arrakis(t, "", "drift", "--guild", f.ID); code != 0 || !strings.Contains(out, "no drift") {
				t.Fatalf("drift after applying the export = %d, want 0\n%s", code, out)
			}
			if r, c := guildState(fd, f); !reflect.DeepEqual(r, rolesBefore) || !reflect.DeepEqual(c, chansBefore) {
				t.Fatal("the server changed although nothing was written")
			}

			// One tier more, at the top, with a role Arrakis creates.
			m2 := m.Clone()
			m2.Tiers = append(m2.Tiers, wizard.Tier{ID: wizard.NewTierID(m2.Tiers), Name: "Diamond", Rules: []wizard.Rule{},
				Role: wizard.RoleSpec{Name: "Diamond", Color: 0x00bcd4, Hoist: true}})
			file2 := writeManifest(t, m2)
			fd.ResetCounts()
			code, out, errOut := arrakis(t, "", "apply", "-f", file2, "--guild", f.ID, "--yes")
			if f.Name == "Full House" {
				if code == 0 || !strings.Contains(out+errOut, "over Discord's limit of 250") || fd.WriteCount() != 0 {
					t.Fatalf("apply of one tier more at the limits = %d (%d writes), want refused by preflight with 0 writes\n%s\n%s", code, fd.WriteCount(), out, errOut)
				}
				return
			}
			if code != 0 {
				t.Fatalf("apply of one tier more = %d\n%s\n%s", code, out, errOut)
			}
			diamond := fd.RoleByName(f.ID, "Diamond")
			if diamond == nil {
				t.Fatal("the Diamond role was not created")
			}
			gated := map[string]bool{}
			for _, c := range m.Channels {
				if c.MinTier != "" {
					gated[c.Adopt] = true
				}
			}
			roleCreates, channelWrites := 0, map[string]int{}
			for _, r := range fd.Requests() {
				switch {
				case r.Method == "GET":
				case r.Method == "POST" && r.Path == "/guilds/"+f.ID+"/roles":
					roleCreates++
				case r.Method == "PATCH" && r.Path == "/guilds/"+f.ID+"/roles":
					// placing the new role below the bot
				case strings.HasPrefix(r.Path, "/channels/"):
					id := strings.Split(r.Path, "/")[2]
					if !gated[id] {
						t.Fatalf("wrote to channel %s, which is not gated: %s %s", id, r.Method, r.Path)
					}
					channelWrites[id]++
				default:
					if strings.HasPrefix(r.Path, "/guilds/") {
						t.Fatalf("unexpected write %s %s", r.Method, r.Path)
					}
				}
			}
			if roleCreates != 1 || len(channelWrites) != len(gated) {
				t.Fatalf("one tier more made %d role creates and wrote %d of %d gated channels, want 1 and all", roleCreates, len(channelWrites), len(gated))
			}
			rolesAfter, chansAfter := guildState(fd, f)
			if before, after := roleOrder(rolesBefore, ""), roleOrder(rolesAfter, diamond.ID); !reflect.DeepEqual(before, after) {
				t.Fatalf("the roles that existed changed their order (an adopted role was moved):\n%v\n→ %v", before, after)
			}
			for id, r := range rolesBefore {
				a := rolesAfter[id]
				a.Position, r.Position = 0, 0 // Discord renumbers positions when a role is added
				if !reflect.DeepEqual(a, r) {
					t.Fatalf("role %q changed: %+v → %+v", r.Name, r, a)
				}
			}
			for id, c := range chansBefore {
				a := chansAfter[id]
				ows := overwritesOf(a)
				if gated[id] {
					if o, ok := ows[diamond.ID]; !ok || o.Allow&discordgo.PermissionViewChannel == 0 {
						t.Fatalf("gated channel %q does not let Diamond see it: %+v", c.Name, a.PermissionOverwrites)
					}
					delete(ows, diamond.ID)
				}
				if !reflect.DeepEqual(ows, overwritesOf(c)) {
					t.Fatalf("channel %q overwrites changed beyond Diamond's:\n%+v\n→ %+v", c.Name, overwritesOf(c), ows)
				}
				a.PermissionOverwrites, c.PermissionOverwrites = nil, nil
				if !reflect.DeepEqual(a, c) {
					t.Fatalf("channel %q changed: %+v → %+v", c.Name, c, a)
				}
			}
			if code, out, _ := arrakis(t, "", "drift", "--guild", f.ID); code != 0 {
				t.Fatalf("drift after the new tier = %d\n%s", code, out)
			}
		})
	}
}

// Removing an adopted role and an adopted channel from the manifest, then deploying and
// pruning, leaves both in the server, untouched: they were the admin's.
func TestUnmanagingAdoptedKeepsThem(t *testing.T) {
	fd, f := cliFixture(t, (*fakediscord.Server).SeedEstablished)
	file, m, _ := exportFixture(t, f)
	if code, out, errOut := arrakis(t, "", "apply", "-f", file, "--guild", f.ID, "--yes"); code != 0 {
		t.Fatalf("apply of the export = %d\n%s\n%s", code, out, errOut)
	}
	// Drop the top tier (OG) with the channels gated at it, and the #memes channel.
	og := m.Tiers[len(m.Tiers)-1]
	m2 := withoutTier(m, og.ID)
	var kept []wizard.Channel
	for _, c := range m2.Channels {
		if c.Adopt != f.Channels["memes"] {
			kept = append(kept, c)
		}
	}
	m2.Channels = kept
	file2 := writeManifest(t, m2)
	rolesBefore, chansBefore := guildState(fd, f)

	fd.ResetCounts()
	code, out, errOut := arrakis(t, "", "plan", "-f", file2, "--guild", f.ID, "--prune")
	if code != 0 || !strings.Contains(out, "role “OG”: stops being managed; it stays in the server") ||
		!strings.Contains(out, "text “memes”: stops being managed; it stays in the server") || !strings.Contains(out, "--prune: nothing to delete") {
		t.Fatalf("plan --prune after unmanaging = %d, want the removals as stops-being-managed and nothing to delete\n%s\n%s", code, out, errOut)
	}
	if code, out, errOut := arrakis(t, "", "apply", "-f", file2, "--guild", f.ID, "--prune", "--yes"); code != 0 {
		t.Fatalf("apply --prune = %d\n%s\n%s", code, out, errOut)
	}
	if n := fd.WriteCount(); n != 0 {
		t.Fatalf("unmanaging and pruning made %d writes, want 0: %+v", n, fd.Requests())
	}
	rolesAfter, chansAfter := guildState(fd, f)
	if !reflect.DeepEqual(rolesAfter[og.Role.Adopt], rolesBefore[og.Role.Adopt]) || !reflect.DeepEqual(chansAfter[f.Channels["memes"]], chansBefore[f.Channels["memes"]]) {
		t.Fatal("the unmanaged role or channel changed")
	}
	if !reflect.DeepEqual(rolesAfter, rolesBefore) || !reflect.DeepEqual(chansAfter, chansBefore) {
		t.Fatal("the server changed")
	}
	if code, out, _ := arrakis(t, "", "drift", "--guild", f.ID); code != 0 {
		t.Fatalf("drift after unmanaging = %d\n%s", code, out)
	}
}

// export refuses tier roles that cannot work, each with its own sentence, and writes nothing.
func TestExportRefusesBadTierRoles(t *testing.T) {
	_, f := cliFixture(t, (*fakediscord.Server).SeedEstablished)
	out := filepath.Join(t.TempDir(), "x.yaml")
	code, _, errOut := arrakis(t, "", "manifest", "export", "--guild", f.ID, "-o", out,
		"--tier-role", f.ID, "--tier-role", f.Roles["MEE6"], "--tier-role", f.Roles["Admin"], "--tier-role", "123456789012345678")
	for _, want := range []string{"@everyone cannot be a tier", "“MEE6” belongs to an integration", "“Admin” is not below the bot's highest role", "no role with id 123456789012345678"} {
		if !strings.Contains(errOut, want) {
			t.Fatalf("export with bad tier roles: stderr lacks %q\n%s", want, errOut)
		}
	}
	if _, err := os.Stat(out); code != 1 || err == nil {
		t.Fatalf("export with bad tier roles = %d (file written: %v), want 1 and no file", code, err == nil)
	}
	if code, _, errOut := arrakis(t, "", "manifest", "export", "--guild", f.ID); code != 2 || !strings.Contains(errOut, "--tier-role") {
		t.Fatalf("export without --tier-role = %d %q, want 2", code, errOut)
	}
}

// roleOrder lists role names bottom to top, leaving out skip.
func roleOrder(roles map[string]discordgo.Role, skip string) []string {
	var rs []discordgo.Role
	for id, r := range roles {
		if id != skip {
			rs = append(rs, r)
		}
	}
	sort.Slice(rs, func(i, j int) bool { return rs[i].Position < rs[j].Position })
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Name
	}
	return out
}
