package main

import (
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"
)

// TestPlanShowsNameCollisions: `arrakis plan` prints each create whose name an unmanaged
// role or channel already has, with the adopt: line that would take the existing one, and
// `apply` leaves the existing role as it was (it creates another).
func TestPlanShowsNameCollisions(t *testing.T) {
	fd, g := cliGuild(t)
	roleID := fd.CreateRole(g.ID, discordgo.Role{Name: "holder", Color: 0x123456})
	file := writeManifest(t, exampleFor(t, g.ID))
	code, out, errOut := arrakis(t, "", "plan", "-f", file, "--guild", g.ID)
	if code != 0 {
		t.Fatalf("plan = %d\n%s\n%s", code, out, errOut)
	}
	for _, want := range []string{"name collision", "“Holder”", "“holder” (id " + roleID, `adopt: "` + roleID + `"`} {
		if !strings.Contains(out, want) {
			t.Errorf("plan output lacks %q:\n%s", want, out)
		}
	}
	if code, out, errOut := arrakis(t, "", "apply", "-f", file, "--guild", g.ID, "--yes"); code != 0 {
		t.Fatalf("apply = %d\n%s\n%s", code, out, errOut)
	}
	if r := fd.Role(g.ID, roleID); r == nil || r.Name != "holder" || r.Color != 0x123456 {
		t.Errorf("apply changed the admin's role: %+v", r)
	}
}
