package drift

import (
	"strconv"
	"testing"

	"github.com/arrakis-bot/arrakis/wizard"
)

// benchSetup is a guild at Discord's limits: 250 roles (10 tier roles) and 500 channels.
// allManaged: the manifest holds 10 categories × 49 channels, so every channel is the
// bot's; otherwise it holds one category of 40 and the admin owns the other 459.
type benchSetup struct {
	desired *wizard.Manifest
	shadow  *Shadow
	clean   Guild // just deployed
	drifted Guild // renamed, recoloured, deleted, overwrites edited, positions shuffled
	empty   Guild // before the first deploy, with the admin's roles and channels
}

func newBenchSetup(b *testing.B, allManaged bool) benchSetup {
	ids := newIDs()
	m := &wizard.Manifest{APIVersion: wizard.APIVersion, Community: wizard.Community{Name: "Bench", GuildID: testGuildID},
		ChannelTemplate: wizard.TemplateCustom}
	for i := 0; i < 10; i++ {
		id := "t" + strconv.Itoa(i+1)
		m.Tiers = append(m.Tiers, wizard.Tier{ID: id, Name: "Tier " + id, Role: wizard.RoleSpec{Name: "Tier " + id, Color: 0x100 * i, Hoist: i%2 == 0}})
	}
	cats, per := 10, 49
	if !allManaged {
		cats, per = 1, 40
	}
	for c := 0; c < cats; c++ {
		ck := "cat" + strconv.Itoa(c)
		m.Channels = append(m.Channels, wizard.Channel{Key: ck, Name: "CATEGORY " + strconv.Itoa(c), Type: wizard.ChannelCategory})
		for j := 0; j < per; j++ {
			ch := wizard.Channel{Key: ck + "-" + strconv.Itoa(j), Name: "chan-" + strconv.Itoa(c) + "-" + strconv.Itoa(j),
				Type: wizard.ChannelText, Parent: ck, Topic: "topic " + strconv.Itoa(j)}
			if j%7 == 3 {
				ch.Type, ch.Topic = wizard.ChannelVoice, ""
			}
			if j%3 != 0 {
				ch.MinTier = m.Tiers[j%10].ID
			}
			m.Channels = append(m.Channels, ch)
		}
	}

	g := baseGuild()
	g.Channels = nil
	for len(g.Roles) < 250-10 {
		g.Roles = append(g.Roles, Role{ID: ids(), Name: "admin role " + strconv.Itoa(len(g.Roles)), Position: len(g.Roles)})
	}
	g.Roles[1].Position = 1000 // the bot's role on top
	for len(g.Channels) < 500-len(m.Channels) {
		cat := Channel{ID: ids(), Name: "ADMIN " + strconv.Itoa(len(g.Channels)), Type: TypeCategory, Position: len(g.Channels)}
		g.Channels = append(g.Channels, cat)
		for j := 0; j < 49 && len(g.Channels) < 500-len(m.Channels); j++ {
			g.Channels = append(g.Channels, Channel{ID: ids(), Name: "admin-" + strconv.Itoa(j), Type: TypeText, ParentID: cat.ID, Position: j,
				Overwrites: []Overwrite{{ID: testMod, Type: OverwriteRole, Allow: wizard.PermViewChannel}}})
		}
	}
	empty := g
	clean, sh := deploy(b, m, g, ids)
	if len(clean.Roles) != 250 || len(clean.Channels) != 500 {
		b.Fatalf("setup has %d roles and %d channels, want 250 and 500", len(clean.Roles), len(clean.Channels))
	}
	drifted := cloneGuild(clean)
	for i := range drifted.Roles {
		r := &drifted.Roles[i]
		if i%25 == 0 && r.ID != testGuildID {
			r.Name += "!"
			r.Color++
		}
		if r.ID != testGuildID {
			r.Position = (r.Position * 37) % 251
		}
	}
	for i := range drifted.Channels {
		c := &drifted.Channels[i]
		switch i % 20 {
		case 1:
			c.Topic = "edited"
		case 2:
			dropOverwrite(c, testGuildID)
		case 3:
			setOverwrite(c, Overwrite{ID: testGuildID, Type: OverwriteRole, Allow: wizard.PermViewChannel})
		case 4:
			c.Position = 60 - c.Position
		}
	}
	drifted.Channels = drifted.Channels[:len(drifted.Channels)-5]
	if Compare(m, sh, drifted).Empty() {
		b.Fatal("drifted guild reports no drift")
	}
	return benchSetup{desired: m, shadow: sh, clean: clean, drifted: drifted, empty: empty}
}

func benchVariants(b *testing.B, run func(b *testing.B, s benchSetup, g Guild, sh *Shadow)) {
	for _, all := range []bool{true, false} {
		name := "roles=250,tiers=10,channels=500,managed="
		if all {
			name += "500"
		} else {
			name += "41"
		}
		s := newBenchSetup(b, all)
		b.Run(name+"/clean", func(b *testing.B) { run(b, s, s.clean, s.shadow) })
		b.Run(name+"/drifted", func(b *testing.B) { run(b, s, s.drifted, s.shadow) })
		b.Run(name+"/first-deploy", func(b *testing.B) { run(b, s, s.empty, nil) })
	}
}

func BenchmarkCompare(b *testing.B) {
	benchVariants(b, func(b *testing.B, s benchSetup, g Guild, sh *Shadow) {
		b.ReportAllocs()
		n := 0
		for b.Loop() {
			n = len(Compare(s.desired, sh, g).Items)
		}
		b.ReportMetric(float64(n), "items")
	})
}

func BenchmarkPlan(b *testing.B) {
	benchVariants(b, func(b *testing.B, s benchSetup, g Guild, sh *Shadow) {
		b.ReportAllocs()
		n := 0
		for b.Loop() {
			n = len(Plan(s.desired, sh, g, Options{Prune: true}))
		}
		b.ReportMetric(float64(n), "ops")
	})
}
