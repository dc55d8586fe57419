package bot

import (
	"encoding/json"
	"testing"

	"github.com/bwmarrin/discordgo"
)

// The commands are guild-only, for Manage Server, and registering twice changes nothing.
func TestRegisterCommandsIsIdempotent(t *testing.T) {
	e := newE2E(t, newHTTPTransport)
	for range 2 {
		if _, err := RegisterCommands(e.DG, e.FD.ApplicationID(), e.Seed.ID); err != nil {
			t.Fatalf("register: %v", err)
		}
	}
	got := e.FD.Commands(e.Seed.ID)
	if len(got) != 2 {
		t.Fatalf("%d commands registered, want 2 (setup, drift)", len(got))
	}
	for _, c := range got {
		if c.DefaultMemberPermissions == nil || *c.DefaultMemberPermissions != discordgo.PermissionManageGuild {
			t.Errorf("/%s default_member_permissions %v, want 32", c.Name, c.DefaultMemberPermissions)
		}
		if c.Contexts == nil || len(*c.Contexts) != 1 || (*c.Contexts)[0] != discordgo.InteractionContextGuild {
			t.Errorf("/%s contexts %v, want [0]", c.Name, c.Contexts)
		}
	}
	b, _ := json.Marshal(Commands()[0])
	mustContain(t, "wire form", string(b), `"default_member_permissions":"32"`, `"dm_permission":false`, `"contexts":[0]`)
}
