package drift

import (
	"reflect"
	"strings"
	"testing"

	"github.com/arrakis-bot/arrakis/wizard"
)

func kinds(ops []Op) []string {
	var ks []string
	for _, op := range ops {
		ks = append(ks, string(op.Kind)+":"+op.Key)
	}
	return ks
}

// TestDriftPlanFromScratch: roles, then categories, then channels with overwrites that
// name the subjects, then reorders; and Describe renders each line.
func TestDriftPlanFromScratch(t *testing.T) {
	m := testManifest()
	ops := Plan(m, nil, baseGuild(), Options{Prune: true})
	want := []string{"create_role:t1", "create_role:t2", "create_role:t3", "reorder_roles:",
		"create_channel:members", "create_channel:lobby", "create_channel:vip-chat", "create_channel:gold-lounge",
		"reorder_channels:", "reorder_channels:members"}
	if got := kinds(ops); !reflect.DeepEqual(got, want) {
		t.Fatalf("ops %v\nwant %v", got, want)
	}
	if got := ops[3].Order; !reflect.DeepEqual(got, []string{"t1", "t2", "t3"}) {
		t.Errorf("role order %v", got)
	}
	vip := ops[6]
	wantOW := []wizard.Overwrite{
		{Subject: wizard.SubjectEveryone, Deny: wizard.PermViewChannel},
		{Subject: wizard.SubjectBot, Allow: wizard.PermViewChannel | wizard.PermManageChannels},
		{Subject: "t2", Allow: wizard.PermViewChannel},
		{Subject: "t3", Allow: wizard.PermViewChannel},
	}
	if !reflect.DeepEqual(vip.Overwrites, wantOW) || vip.Channel.Parent != "members" {
		t.Errorf("vip-chat create: parent %q overwrites %+v", vip.Channel.Parent, vip.Overwrites)
	}
	lines := []string{}
	for _, op := range ops {
		lines = append(lines, Describe(op))
	}
	wantLines := []string{
		"Create role “Bronze” (tier t1)",
		"Create role “Silver” (tier t2)",
		"Create role “Gold” (tier t3)",
		"Reorder tier roles, lowest first: Bronze, Silver, Gold",
		"Create category “Members”",
		"Create channel #lobby",
		"Create channel #vip-chat in “Members”, hidden from everyone but its tiers",
		"Create voice channel “Gold Lounge” in “Members”, hidden from everyone but its tiers",
		"Reorder channels at the top level: Members, lobby",
		"Reorder channels in “Members”: vip-chat, Gold Lounge",
	}
	if !reflect.DeepEqual(lines, wantLines) {
		t.Errorf("describe:\n%s", strings.Join(lines, "\n"))
	}
}

// TestDriftPlanUnchangedIsEmpty: re-deploying an unchanged manifest makes no writes, even
// after Discord renumbered every position.
func TestDriftPlanUnchangedIsEmpty(t *testing.T) {
	m := testManifest()
	g, sh := deploy(t, m, baseGuild(), newIDs())
	for i := range g.Roles {
		if g.Roles[i].ID != testGuildID {
			g.Roles[i].Position += 17
		}
	}
	for i := range g.Channels {
		g.Channels[i].Position = 100 - 3*g.Channels[i].Position // reversed numbers …
	}
	for i := range g.Channels { // … restored as the same relative order
		g.Channels[i].Position = -g.Channels[i].Position
	}
	if ops := Plan(m, sh, g, Options{Prune: true}); len(ops) != 0 {
		t.Fatalf("unchanged manifest plans %v", kinds(ops))
	}
}

// TestDriftPlanFixes: each kind of drift is fixed by the expected op, never by a delete
// and recreate, and a moderator's overwrite survives the fix.
func TestDriftPlanFixes(t *testing.T) {
	m := testManifest()
	g, sh := deploy(t, m, baseGuild(), newIDs())
	gold := roleByName(&g, "Gold")
	gold.Name, gold.Color = "Golden", 0
	vip := chanByName(&g, "vip-chat")
	vip.Topic = "hacked"
	dropOverwrite(vip, testGuildID)
	setOverwrite(vip, Overwrite{ID: testMod, Type: OverwriteRole, Allow: wizard.PermViewChannel})
	setOverwrite(vip, Overwrite{ID: roleByName(&g, "Bronze").ID, Type: OverwriteRole, Allow: wizard.PermViewChannel})

	ops := Plan(m, sh, g, Options{Prune: true})
	want := []string{"update_role:t3", "update_channel:vip-chat"}
	if got := kinds(ops); !reflect.DeepEqual(got, want) {
		t.Fatalf("ops %v, want %v", got, want)
	}
	if got := ops[0].Fields; !reflect.DeepEqual(got, []string{"name", "color"}) {
		t.Errorf("role fields %v", got)
	}
	if got, want := Describe(ops[1]), "Update channel #vip-chat: topic, who can see it"; got != want {
		t.Errorf("describe %q, want %q", got, want)
	}
	if got := ops[1].RemoveOverwrites; !reflect.DeepEqual(got, []string{roleByName(&g, "Bronze").ID}) {
		t.Errorf("remove %v", got)
	}
	g2, res2 := Apply(g, ops, Resources(m, sh, g), newIDs())
	if rep := Compare(m, &Shadow{Manifest: m, Resources: res2}, g2); !rep.Empty() {
		t.Fatalf("after apply: %+v", rep.Items)
	}
	found := false
	for _, o := range chanByName(&g2, "vip-chat").Overwrites {
		found = found || (o.ID == testMod && o.Allow == wizard.PermViewChannel)
	}
	if !found {
		t.Errorf("moderator overwrite lost: %+v", chanByName(&g2, "vip-chat").Overwrites)
	}
	if gold2 := roleByName(&g2, "Gold"); gold2 == nil || gold2.ID != gold.ID {
		t.Errorf("Gold was not updated in place: %+v", gold2)
	}
}

// TestDriftPlanPrune: deletes appear only with Prune, only for extras, channels before
// roles and children before categories.
func TestDriftPlanPrune(t *testing.T) {
	m := testManifest()
	m.Channels = append(m.Channels,
		wizard.Channel{Key: "old", Name: "Old", Type: wizard.ChannelCategory},
		wizard.Channel{Key: "old-chat", Name: "old-chat", Type: wizard.ChannelText, Parent: "old"})
	g, sh := deploy(t, m, baseGuild(), newIDs())
	d := cloneManifest(t, m)
	d.Tiers = d.Tiers[:2]
	d.Channels = d.Channels[:3]
	d.Channels = append(d.Channels[:1], d.Channels[2:]...) // lobby goes too

	for _, op := range Plan(d, sh, g, Options{}) {
		if op.Kind == OpDeleteRole || op.Kind == OpDeleteChannel {
			t.Errorf("delete without prune: %s", Describe(op))
		}
	}
	ops := Plan(d, sh, g, Options{Prune: true})
	var dels []string
	for _, op := range ops {
		if op.Kind == OpDeleteRole || op.Kind == OpDeleteChannel {
			dels = append(dels, string(op.Kind)+":"+op.Key)
		}
	}
	want := []string{"delete_channel:gold-lounge", "delete_channel:lobby", "delete_channel:old-chat",
		"delete_channel:old", "delete_role:t3"}
	if !reflect.DeepEqual(dels, want) {
		t.Fatalf("deletes %v, want %v", dels, want)
	}
	if got := Describe(ops[len(ops)-1]); got != "Delete role “Gold” (no longer in the manifest)" {
		t.Errorf("describe %q", got)
	}
	g2, res2 := Apply(g, ops, Resources(d, sh, g), newIDs())
	if rep := Compare(d, &Shadow{Manifest: d, Resources: res2}, g2); !rep.Empty() {
		t.Fatalf("after prune: %+v", rep.Items)
	}
	if roleByName(&g2, "Admin") == nil || chanByName(&g2, "general") == nil {
		t.Errorf("prune removed an admin resource")
	}

	// Without prune the ResourceMap keeps the extras so a later prune still finds them.
	g3, res3 := Apply(g, Plan(d, sh, g, Options{}), Resources(d, sh, g), newIDs())
	sh3 := &Shadow{Manifest: d, Resources: res3}
	var extras []string
	for _, it := range Compare(d, sh3, g3).Items {
		extras = append(extras, string(it.Type)+":"+it.Key)
	}
	wantExtras := []string{"channel_extra:gold-lounge", "channel_extra:lobby", "channel_extra:old", "channel_extra:old-chat", "role_extra:t3"}
	if !reflect.DeepEqual(extras, wantExtras) {
		t.Fatalf("extras after a non-pruning deploy %v, want %v", extras, wantExtras)
	}
	if n := len(Plan(d, sh3, g3, Options{Prune: true})); n != 5 {
		t.Errorf("later prune plans %d ops, want 5", n)
	}
}

// TestDriftApplyRenormalises: Apply numbers roles 1..n above @everyone at 0, and channels
// 0..k-1 per parent; it does not modify its inputs.
func TestDriftApplyRenormalises(t *testing.T) {
	m := testManifest()
	base := baseGuild()
	before := cloneGuild(base)
	g, _ := deploy(t, m, base, newIDs())
	if !reflect.DeepEqual(base, before) {
		t.Fatalf("Apply modified its input")
	}
	seen := map[int]bool{}
	for _, r := range g.Roles {
		if (r.ID == testGuildID) != (r.Position == 0) || seen[r.Position] || r.Position > len(g.Roles)-1 {
			t.Errorf("role %s at %d", r.Name, r.Position)
		}
		seen[r.Position] = true
	}
	if bot := roleByName(&g, "Arrakis"); bot.Position != len(g.Roles)-1 {
		t.Errorf("bot role at %d, want the top", bot.Position)
	}
	byParent := map[string][]int{}
	for _, c := range g.Channels {
		byParent[c.ParentID] = append(byParent[c.ParentID], c.Position)
	}
	for p, ps := range byParent {
		seen := map[int]bool{}
		for _, x := range ps {
			if x < 0 || x >= len(ps) || seen[x] {
				t.Errorf("parent %q positions %v", p, ps)
			}
			seen[x] = true
		}
	}
}

// TestDriftMergeOverwrites keeps unmanaged overwrites and resolves subjects.
func TestDriftMergeOverwrites(t *testing.T) {
	g := baseGuild()
	res := wizard.NewResourceMap()
	res.Roles["t1"] = "700"
	live := []Overwrite{{ID: testMod, Type: OverwriteRole, Allow: 1}, {ID: "700", Type: OverwriteRole, Deny: 1024}, {ID: "800", Type: OverwriteRole, Allow: 1024}}
	op := Op{Kind: OpUpdateChannel, RemoveOverwrites: []string{"800"}, Overwrites: []wizard.Overwrite{
		{Subject: "t1", Allow: 1024}, {Subject: wizard.SubjectEveryone, Deny: 1024}, {Subject: "t9", Allow: 1024}}}
	got := MergeOverwrites(g, res, live, op)
	want := []Overwrite{{ID: testMod, Type: OverwriteRole, Allow: 1}, {ID: "700", Type: OverwriteRole, Allow: 1024}, {ID: testGuildID, Type: OverwriteRole, Deny: 1024}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("merge %+v, want %+v", got, want)
	}
	if id, typ, ok := ResolveSubject(Guild{ID: "1", BotUserID: "9"}, res, wizard.SubjectBot); !ok || id != "9" || typ != OverwriteMember {
		t.Errorf("bot without a role resolves to %q %v %v", id, typ, ok)
	}
}

// TestDriftNilInputs: a nil manifest means nothing is desired (the shadow's resources are
// extras), and a nil id generator still works.
func TestDriftNilInputs(t *testing.T) {
	m := testManifest()
	g, sh := deploy(t, m, baseGuild(), newIDs())
	rep := Compare(nil, sh, g)
	extras := 0
	for _, it := range rep.Items {
		if it.Type == RoleExtra || it.Type == ChannelExtra {
			extras++
		}
	}
	if extras != 7 {
		t.Errorf("nil manifest: %d extras, want 7 (%+v)", extras, rep.Items)
	}
	g2, res := Apply(baseGuild(), Plan(m, nil, baseGuild(), Options{}), wizard.ResourceMap{}, nil)
	if len(res.Roles) != 3 || len(res.Channels) != 4 || len(g2.Roles) != 7 {
		t.Errorf("nil newID: res %+v, %d roles", res, len(g2.Roles))
	}
}
