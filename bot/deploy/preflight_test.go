package deploy

import (
	"errors"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/arrakis-bot/arrakis/internal/fakediscord"
	"github.com/arrakis-bot/arrakis/store"
	"github.com/arrakis-bot/arrakis/wizard"
)

// TestPreflightRefusesBeforeAnyWrite: each problem is reported by Review and by Deploy,
// as a sentence naming the fix, and the fake sees no write at all.
func TestPreflightRefusesBeforeAnyWrite(t *testing.T) {
	cases := []struct {
		name  string
		opts  fakediscord.GuildOptions
		setup func(e *env)
		edit  func(e *env, m *wizard.Manifest)
		want  string
	}{
		{
			name: "missing Manage Roles",
			opts: fakediscord.GuildOptions{BotPermissions: discordgo.PermissionManageChannels | discordgo.PermissionViewChannel},
			want: "needs the Manage Roles permission",
		},
		{
			name: "role above the bot's",
			setup: func(e *env) {
				// An existing "Collector" role (which the tier adopts) sits above the
				// bot's role, so the bot could not give it to members.
				id := e.fd.CreateRole(e.guild.ID, discordgo.Role{Name: "Collector", Color: 0x123456})
				e.fd.MoveRole(e.guild.ID, id, e.fd.Role(e.guild.ID, e.guild.BotRoleID).Position+1)
			},
			edit: func(e *env, m *wizard.Manifest) {
				m.Tiers[1].Role = wizard.RoleSpec{Name: "Collector", Adopt: e.fd.RoleByName(e.guild.ID, "Collector").ID}
			},
			want: "Arrakis's role must be above “Collector” in Server Settings → Roles; drag it higher and run /setup again.",
		},
		{
			name: "past the 250-role cap",
			setup: func(e *env) {
				for len(e.fd.Roles(e.guild.ID)) < 249 {
					e.fd.CreateRole(e.guild.ID, discordgo.Role{Name: "filler"})
				}
			},
			want: "over Discord's limit of 250",
		},
		{
			name: "adopted role gone",
			edit: func(e *env, m *wizard.Manifest) {
				id := e.fd.CreateRole(e.guild.ID, discordgo.Role{Name: "Holders"})
				e.fd.DeleteRole(e.guild.ID, id)
				m.Tiers[0].Role = wizard.RoleSpec{Name: "Holders", Adopt: id}
			},
			want: "The role adopted for tier “Holder” (id ",
		},
		{
			name: "adopted channel gone",
			edit: func(e *env, m *wizard.Manifest) {
				id := e.fd.CreateChannel(e.guild.ID, discordgo.Channel{Name: "lounge", Type: discordgo.ChannelTypeGuildText})
				e.fd.DeleteChannel(id)
				m.Channels[len(m.Channels)-1].Adopt = id
			},
			want: "no longer exists; pick another one (or let Arrakis create it)",
		},
		{
			name: "adopted announcement channel",
			edit: func(e *env, m *wizard.Manifest) {
				id := e.fd.CreateChannel(e.guild.ID, discordgo.Channel{Name: "news", Type: discordgo.ChannelTypeGuildNews})
				m.Channels[len(m.Channels)-1].Adopt = id
			},
			want: "is a kind Arrakis cannot manage",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, withGuild(tc.opts))
			ctx := ctxT(t)
			if tc.setup != nil {
				tc.setup(e)
			}
			m := loadManifest(t, "community.yaml", e.guild.ID)
			if tc.edit != nil {
				tc.edit(e, m)
			}
			e.fd.ResetCounts()

			rev, err := e.svc.Review(ctx, e.guild.ID, m)
			if err != nil {
				t.Fatalf("review: %v", err)
			}
			if rev.OK() || !strings.Contains(strings.Join(rev.Problems, "\n"), tc.want) {
				t.Fatalf("review problems = %q, want one containing %q", rev.Problems, tc.want)
			}
			_, err = e.svc.Deploy(ctx, Request{GuildID: e.guild.ID, Manifest: m, By: "tester"})
			var de *Error
			if !errors.As(err, &de) || de.Code != CodePreflight || !strings.Contains(de.Message, tc.want) {
				t.Fatalf("deploy err = %v, want preflight containing %q", err, tc.want)
			}
			if n := e.fd.WriteCount(); n != 0 {
				t.Fatalf("preflight let %d writes through", n)
			}
			if _, err := e.shadow.Latest(ctx, e.guild.ID); !store.IsCode(err, store.CodeNotFound) {
				t.Errorf("a refused deploy saved a snapshot (err %v)", err)
			}
		})
	}
}

func TestPreflightRoleBudgetAndGrants(t *testing.T) {
	e := newEnv(t)
	ctx := ctxT(t)
	m := loadManifest(t, "community.yaml", e.guild.ID)
	// A tier role that grants Manage Messages, which the bot does not have.
	m.Tiers[2].Role.Permissions = discordgo.PermissionManageMessages
	svc := e.newService(func(c *Config) { c.RoleCreateBudget = 5 }) // 4 seeded roles are recent
	rev, err := svc.Review(ctx, e.guild.ID, m)
	if err != nil {
		t.Fatal(err)
	}
	all := strings.Join(rev.Problems, "\n")
	for _, want := range []string{"Manage Messages", "roles a server can create in 48 hours"} {
		if !strings.Contains(all, want) {
			t.Errorf("problems %q lack %q", rev.Problems, want)
		}
	}
}
