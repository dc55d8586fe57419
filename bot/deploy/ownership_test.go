package deploy

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/arrakis-bot/arrakis/internal/fakediscord"
	"github.com/arrakis-bot/arrakis/wizard"
)

// TestNeverTouchesUnmanaged is the ownership promise as a property (DESIGN §5): over
// generated guilds whose existing roles, categories and channels share the manifest's
// names (exactly, or in another case), for every channel template, a deploy, an edit that
// removes tiers and channels, a reconcile, a prune, an accept and a rollback — all through
// the real deploy service against the fake Discord — leave every role and channel that
// Arrakis neither made nor adopted as it was, in every field (name, colour, hoist,
// mentionable, permissions, type, topic, category, overwrites, relative order), and
// still there. Adopted ones are never deleted.
func TestNeverTouchesUnmanaged(t *testing.T) {
	const seedsPerTemplate = 3
	for _, tmpl := range wizard.Templates {
		for seed := 0; seed < seedsPerTemplate; seed++ {
			t.Run(fmt.Sprintf("%s/seed=%d", tmpl, seed), func(t *testing.T) {
				neverTouches(t, tmpl, seed)
			})
		}
	}
}

// caseVariant writes name as the seed's collision asks: exact, lower or upper case.
func caseVariant(name string, v int) string {
	switch v % 3 {
	case 1:
		return strings.ToLower(name)
	case 2:
		return strings.ToUpper(name)
	}
	return name
}

func neverTouches(t *testing.T, tmpl string, seed int) {
	r := rand.New(rand.NewPCG(uint64(seed), uint64(len(tmpl))))
	e := newEnv(t)
	ctx := ctxT(t)
	gid := e.guild.ID

	// The manifest: 2–3 tiers whose names are common ones an existing server has too.
	pool := []string{"Moderator", "Members", "Holder", "Whale", "General", "Gold"}
	r.Shuffle(len(pool), func(i, j int) { pool[i], pool[j] = pool[j], pool[i] })
	m := &wizard.Manifest{APIVersion: wizard.APIVersion, Community: wizard.Community{Name: "Ownership", GuildID: gid},
		ChannelTemplate: tmpl}
	for i := 0; i < 2+r.IntN(2); i++ {
		name := pool[i]
		m.Tiers = append(m.Tiers, wizard.Tier{ID: fmt.Sprintf("t%d", i+1), Name: name,
			Role: wizard.RoleSpec{Name: name, Color: 0x100000 * (i + 1), Hoist: i%2 == 0}})
	}
	if tmpl == wizard.TemplateCustom {
		top := m.Tiers[len(m.Tiers)-1].ID
		m.Channels = []wizard.Channel{
			{Key: "c-members", Name: "Members", Type: wizard.ChannelCategory, MinTier: "t1"},
			{Key: "c-general", Name: "general", Type: wizard.ChannelText, Parent: "c-members", MinTier: "t1", Topic: "Chat"},
			{Key: "c-voice", Name: "General", Type: wizard.ChannelVoice},
			{Key: "c-rules", Name: "rules", Type: wizard.ChannelText, Parent: "c-members", MinTier: top},
			{Key: "c-welcome", Name: "welcome", Type: wizard.ChannelText},
		}
	} else {
		chs, ps := wizard.ExpandChannels(tmpl, nil, m.Tiers)
		if len(ps) > 0 {
			t.Fatalf("expand: %v", ps)
		}
		m.Channels = chs
	}

	// Collisions: for every tier role and most channels an existing one with the same
	// name (in the seed's case), with settings of its own, somewhere below the bot.
	botPos := e.fd.Role(gid, e.guild.BotRoleID).Position
	var collidingRoles []string
	for i, tr := range m.Tiers {
		id := e.fd.CreateRole(gid, discordgo.Role{Name: caseVariant(tr.Role.Name, seed+i), Color: 0xABCDEF - i,
			Hoist: r.IntN(2) == 0, Mentionable: true, Permissions: discordgo.PermissionKickMembers})
		e.fd.MoveRole(gid, id, 1+r.IntN(botPos))
		collidingRoles = append(collidingRoles, id)
	}
	cats := []string{"", e.guild.InfoCategoryID, e.guild.TextCategoryID}
	var collidingChans []string
	for i, c := range m.Channels {
		if r.IntN(5) == 0 {
			continue
		}
		name := c.Name
		if c.Type != wizard.ChannelText {
			name = caseVariant(name, seed+i)
		}
		ch := discordgo.Channel{Name: name, Type: channelType(c.Type), Topic: "",
			PermissionOverwrites: []*discordgo.PermissionOverwrite{
				{ID: gid, Type: discordgo.PermissionOverwriteTypeRole, Deny: discordgo.PermissionSendMessages},
				{ID: e.guild.ModeratorRoleID, Type: discordgo.PermissionOverwriteTypeRole, Allow: discordgo.PermissionViewChannel},
				{ID: e.guild.OwnerID, Type: discordgo.PermissionOverwriteTypeMember, Allow: discordgo.PermissionManageMessages},
			}}
		if c.Type == wizard.ChannelText {
			ch.Topic = "the admin's own"
		}
		if c.Type != wizard.ChannelCategory {
			ch.ParentID = cats[r.IntN(len(cats))]
		}
		collidingChans = append(collidingChans, e.fd.CreateChannel(gid, ch))
	}

	// Sometimes the admin adopts one of the existing roles (and, in a custom layout, a
	// channel) instead: those become managed, and must never be deleted.
	adopted := map[string]bool{}
	if r.IntN(2) == 0 {
		i := r.IntN(len(m.Tiers))
		id := collidingRoles[i]
		m.Tiers[i].Role = wizard.RoleSpec{Name: e.fd.Role(gid, id).Name, Adopt: id}
		adopted[id] = true
	}
	if tmpl == wizard.TemplateCustom && r.IntN(2) == 0 {
		for i, c := range m.Channels {
			if c.Type == wizard.ChannelText && c.Parent == "" {
				id := e.fd.CreateChannel(gid, discordgo.Channel{Name: c.Name, Type: discordgo.ChannelTypeGuildText, Topic: "adopt me"})
				m.Channels[i].Adopt = id
				adopted[id] = true
			}
		}
	}

	base := snapshotUnmanaged(e.fd, gid, adopted)
	check := func(step string) {
		t.Helper()
		if err := base.compare(e.fd, gid); err != nil {
			t.Fatalf("after %s: %v", step, err)
		}
		for id := range adopted {
			if e.fd.Role(gid, id) == nil && e.fd.Channel(id) == nil {
				t.Fatalf("after %s: the adopted %s was deleted", step, id)
			}
		}
	}

	if _, err := e.svc.Deploy(ctx, Request{GuildID: gid, Manifest: m, By: "tester"}); err != nil {
		t.Fatalf("deploy: %v", err)
	}
	check("deploy")
	view, err := e.svc.Drift(ctx, gid)
	if err != nil {
		t.Fatal(err)
	}
	if !view.Report.Empty() {
		t.Fatalf("drift right after the deploy: %s", FormatReport(view.Report))
	}

	// Edit: remove the top tier and a channel.
	m2 := cloneManifest(m)
	m2.Tiers = m2.Tiers[:len(m2.Tiers)-1]
	if tmpl == wizard.TemplateCustom {
		var kept []wizard.Channel
		for _, c := range m2.Channels {
			if c.Key == "c-voice" {
				continue
			}
			if m2.TierIndex(c.MinTier) < 0 {
				c.MinTier = "t1"
			}
			kept = append(kept, c)
		}
		m2.Channels = kept
	} else {
		m2.Channels, _ = wizard.ExpandChannels(tmpl, nil, m2.Tiers)
	}
	if _, err := e.svc.Deploy(ctx, Request{GuildID: gid, Manifest: m2, By: "tester"}); err != nil {
		t.Fatalf("edit deploy: %v", err)
	}
	check("edit")

	// Drift in what Arrakis made, then Reconcile.
	res := e.managed(ctx)
	if id, ok := res.Roles["t1"]; ok && !adopted[id] {
		e.fd.UpdateRole(gid, id, func(r *discordgo.Role) { r.Color = 0x010203 })
	}
	for _, id := range res.Channels {
		if !adopted[id] && e.fd.Channel(id).Type != discordgo.ChannelTypeGuildCategory {
			e.fd.DeleteChannel(id)
			break
		}
	}
	if _, err := e.svc.Reconcile(ctx, gid, "tester", ""); err != nil {
		t.Fatalf("reconcile: %v", err)
	}
	check("reconcile")

	if _, err := e.svc.Prune(ctx, gid, "tester", ""); err != nil {
		t.Fatalf("prune: %v", err)
	}
	check("prune")

	// Drift accepted into the manifest (after the prune: Accept refuses while extras
	// are left over).
	if id, ok := e.managed(ctx).Roles["t1"]; ok && !adopted[id] {
		e.fd.UpdateRole(gid, id, func(r *discordgo.Role) { r.Color = 0x040506 })
	}
	if _, err := e.svc.Accept(ctx, gid, "tester", ""); err != nil {
		t.Fatalf("accept: %v", err)
	}
	check("accept")

	if _, err := e.svc.Rollback(ctx, gid, 1, "tester"); err != nil {
		t.Fatalf("rollback: %v", err)
	}
	check("rollback")
	view, err = e.svc.Drift(ctx, gid)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range view.Report.Items {
		if it.Type != "role_extra" && it.Type != "channel_extra" {
			t.Errorf("drift after the rollback: %s", FormatReport(view.Report))
			break
		}
	}
	t.Logf("%d unmanaged roles and %d channels (%d and %d made with a manifest name), %d of them adopted: unchanged through deploy, edit, reconcile, prune, accept and rollback",
		len(base.roles), len(base.chans), len(collidingRoles), len(collidingChans), len(adopted))
}

// managed is the ResourceMap of the guild's newest deployment.
func (e *env) managed(ctx context.Context) wizard.ResourceMap {
	e.t.Helper()
	snap, err := e.shadow.LatestDeployed(ctx, e.guild.ID)
	if err != nil || snap.Deployment == nil {
		e.t.Fatalf("latest deployed: %v", err)
	}
	return snap.Deployment.Resources
}

// unmanagedState is every role and channel of a guild that Arrakis does not own, as it
// was: each one's fields, and their relative order (roles bottom to top; channels within
// each category).
type unmanagedState struct {
	roles    map[string]string // id → fields
	chans    map[string]string
	roleSeq  []string
	chanSeqs map[string][]string // parent id → channel ids in order
}

func roleFields(r *discordgo.Role) string {
	return fmt.Sprintf("name=%q color=%d hoist=%v mentionable=%v perms=%d managed=%v", r.Name, r.Color, r.Hoist, r.Mentionable, r.Permissions, r.Managed)
}

func chanFields(c *discordgo.Channel) string {
	var ows []string
	for _, o := range c.PermissionOverwrites {
		ows = append(ows, fmt.Sprintf("%s/%d:%d/%d", o.ID, o.Type, o.Allow, o.Deny))
	}
	sort.Strings(ows)
	return fmt.Sprintf("name=%q type=%d topic=%q parent=%s overwrites=%v", c.Name, c.Type, c.Topic, c.ParentID, ows)
}

func snapshotUnmanaged(fd *fakediscord.Server, gid string, skip map[string]bool) *unmanagedState {
	s := &unmanagedState{roles: map[string]string{}, chans: map[string]string{}}
	for _, r := range fd.Roles(gid) {
		if !skip[r.ID] {
			s.roles[r.ID] = roleFields(r)
		}
	}
	for _, c := range fd.Channels(gid) {
		if !skip[c.ID] {
			s.chans[c.ID] = chanFields(c)
		}
	}
	s.roleSeq, s.chanSeqs = s.order(fd, gid)
	return s
}

// order is the relative order of the recorded roles and of the recorded channels.
func (s *unmanagedState) order(fd *fakediscord.Server, gid string) ([]string, map[string][]string) {
	var roles []string
	for _, r := range fd.Roles(gid) { // bottom to top
		if _, ok := s.roles[r.ID]; ok {
			roles = append(roles, r.ID)
		}
	}
	chans := fd.Channels(gid)
	sort.SliceStable(chans, func(i, j int) bool {
		if chans[i].Position != chans[j].Position {
			return chans[i].Position < chans[j].Position
		}
		return snowflakeLess(chans[i].ID, chans[j].ID)
	})
	seqs := map[string][]string{}
	for _, c := range chans {
		if _, ok := s.chans[c.ID]; ok {
			seqs[c.ParentID] = append(seqs[c.ParentID], c.ID)
		}
	}
	return roles, seqs
}

func (s *unmanagedState) compare(fd *fakediscord.Server, gid string) error {
	var errs []string
	for id, want := range s.roles {
		r := fd.Role(gid, id)
		switch {
		case r == nil:
			errs = append(errs, "role "+want+" was deleted")
		case roleFields(r) != want:
			errs = append(errs, "role changed: "+roleFields(r)+", was "+want)
		}
	}
	for id, want := range s.chans {
		c := fd.Channel(id)
		switch {
		case c == nil:
			errs = append(errs, "channel "+want+" was deleted")
		case chanFields(c) != want:
			errs = append(errs, "channel changed: "+chanFields(c)+", was "+want)
		}
	}
	if len(errs) == 0 {
		roles, seqs := s.order(fd, gid)
		if fmt.Sprint(roles) != fmt.Sprint(s.roleSeq) {
			errs = append(errs, fmt.Sprintf("the relative order of unmanaged roles changed: %v, was %v", roles, s.roleSeq))
		}
		if fmt.Sprint(seqs) != fmt.Sprint(s.chanSeqs) {
			errs = append(errs, fmt.Sprintf("the relative order of unmanaged channels changed: %v, was %v", seqs, s.chanSeqs))
		}
	}
	sort.Strings(errs)
	if len(errs) > 0 {
		return fmt.Errorf("%s", strings.Join(errs, "\n"))
	}
	return nil
}
