package deploy

import (
	"strconv"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/arrakis-bot/arrakis/drift"
	"github.com/arrakis-bot/arrakis/internal/fakediscord"
	"github.com/arrakis-bot/arrakis/wizard"
)

// BenchmarkPreflightAtLimits preflights a plan against a guild at Discord's limits
// (250 roles, 500 channels).
func BenchmarkPreflightAtLimits(b *testing.B) {
	g := drift.Guild{ID: "1", BotRoleID: "2", BotUserID: "3"}
	g.Roles = append(g.Roles, drift.Role{ID: "1", Name: "@everyone"}, drift.Role{ID: "2", Name: "Arrakis", Managed: true, Position: 249, Permissions: 1 << 28})
	for i := 0; i < 248; i++ {
		g.Roles = append(g.Roles, drift.Role{ID: strconv.Itoa(100 + i), Name: "r" + strconv.Itoa(i), Position: i + 1})
	}
	for i := 0; i < 500; i++ {
		g.Channels = append(g.Channels, drift.Channel{ID: strconv.Itoa(1000 + i), Name: "c" + strconv.Itoa(i), ParentID: strconv.Itoa(1000 + i%10)})
	}
	var roles []*discordgo.Role
	for _, r := range g.Roles {
		roles = append(roles, &discordgo.Role{ID: r.ID, Name: r.Name, Position: r.Position, Managed: r.Managed, Permissions: r.Permissions})
	}
	var chans []*discordgo.Channel
	for _, c := range g.Channels {
		chans = append(chans, &discordgo.Channel{ID: c.ID, Name: c.Name, ParentID: c.ParentID})
	}
	l := newLive(g.ID, g.BotUserID, roles, chans, &discordgo.Member{Roles: []string{"2"}})
	m := &wizard.Manifest{Tiers: []wizard.Tier{{ID: "t1", Role: wizard.RoleSpec{Name: "Gold"}}}}
	ops := []drift.Op{{Kind: drift.OpCreateRole, Key: "t1", Name: "Gold", Role: &m.Tiers[0].Role}}
	for i := 0; i < 50; i++ {
		ops = append(ops, drift.Op{Kind: drift.OpCreateChannel, Key: "k" + strconv.Itoa(i), Channel: &wizard.Channel{Name: "n", Parent: "1001"},
			Overwrites: []wizard.Overwrite{{Subject: wizard.SubjectEveryone, Deny: wizard.PermViewChannel}}})
	}
	s := New(Config{})
	b.ReportAllocs()
	for b.Loop() {
		if len(s.preflight(l, m, ops, wizard.NewResourceMap())) == 0 {
			b.Fatal("no problems at the limits")
		}
	}
}

// BenchmarkDeployCommunity deploys the example community (17 writes) into a fresh fake
// guild per iteration: the cost of a deploy's own work plus loopback HTTP.
func BenchmarkDeployCommunity(b *testing.B) {
	fd := fakediscord.New(b)
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		e := newEnv(b, func(c *envConfig) { c.fd = fd })
		m := loadManifest(b, "community.yaml", e.guild.ID)
		b.StartTimer()
		if _, err := e.svc.Deploy(b.Context(), Request{GuildID: e.guild.ID, Manifest: m, By: "bench"}); err != nil {
			b.Fatal(err)
		}
	}
}
