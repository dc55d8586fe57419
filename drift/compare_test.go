package drift

import (
	"reflect"
	"testing"

	"github.com/arrakis-bot/arrakis/wizard"
)

// TestDriftCompareTable mutates a freshly deployed guild (or the manifests) one way per
// row and checks the exact report: every item type and every row of the severity table.
func TestDriftCompareTable(t *testing.T) {
	type env struct {
		g       *Guild
		desired *wizard.Manifest
		shadow  *Shadow
	}
	const (
		everyoneDeny = "allow 0, deny 1024"
		tierAllow    = "allow 1024, deny 0"
		botAllow     = "allow 1040, deny 0"
	)
	cases := []struct {
		name   string
		mutate func(e *env)
		want   []Item
	}{
		{name: "no change", mutate: func(e *env) {}},
		{name: "role deleted is role_missing error",
			mutate: func(e *env) { e.g.Roles = removeWhere(e.g.Roles, func(r Role) bool { return r.Name == "Silver" }) },
			want:   []Item{{Type: RoleMissing, Severity: SeverityError, Key: "t2", Name: "Silver", Expected: "Silver", Actual: "missing"}}},
		{name: "channel deleted is channel_missing error",
			mutate: func(e *env) {
				e.g.Channels = removeWhere(e.g.Channels, func(c Channel) bool { return c.Name == "lobby" })
			},
			want: []Item{{Type: ChannelMissing, Severity: SeverityError, Key: "lobby", Name: "lobby", Expected: "text lobby", Actual: "missing"}}},
		{name: "role renamed in Discord is one name mismatch",
			mutate: func(e *env) { roleByName(e.g, "Silver").Name = "Silverish" },
			want:   []Item{{Type: RoleMismatch, Severity: SeverityInfo, Key: "t2", Name: "Silver", Field: "name", Expected: "Silver", Actual: "Silverish"}}},
		{name: "role colour is info",
			mutate: func(e *env) { roleByName(e.g, "Gold").Color = 0xFF0000 },
			want:   []Item{{Type: RoleMismatch, Severity: SeverityInfo, Key: "t3", Name: "Gold", Field: "color", Expected: "#FFD700", Actual: "#FF0000"}}},
		{name: "role hoist and mentionable are info",
			mutate: func(e *env) { r := roleByName(e.g, "Gold"); r.Hoist = false; r.Mentionable = false },
			want: []Item{
				{Type: RoleMismatch, Severity: SeverityInfo, Key: "t3", Name: "Gold", Field: "hoist", Expected: "true", Actual: "false"},
				{Type: RoleMismatch, Severity: SeverityInfo, Key: "t3", Name: "Gold", Field: "mentionable", Expected: "true", Actual: "false"},
			}},
		{name: "role permissions are a warning",
			mutate: func(e *env) { roleByName(e.g, "Bronze").Permissions = 8 },
			want:   []Item{{Type: RoleMismatch, Severity: SeverityWarning, Key: "t1", Name: "Bronze", Field: "permissions", Expected: "0", Actual: "8"}}},
		{name: "role reorder is info",
			mutate: func(e *env) {
				b, g := roleByName(e.g, "Bronze"), roleByName(e.g, "Gold")
				b.Position, g.Position = g.Position, b.Position
			},
			want: []Item{
				{Type: RoleMismatch, Severity: SeverityInfo, Key: "t1", Name: "Bronze", Field: "position", Expected: "lowest tier role", Actual: "above Silver"},
				{Type: RoleMismatch, Severity: SeverityInfo, Key: "t2", Name: "Silver", Field: "position", Expected: "above Bronze", Actual: "above Gold"},
				{Type: RoleMismatch, Severity: SeverityInfo, Key: "t3", Name: "Gold", Field: "position", Expected: "above Silver", Actual: "lowest tier role"},
			}},
		{name: "renormalised absolute positions are not drift",
			mutate: func(e *env) {
				for i := range e.g.Roles {
					if e.g.Roles[i].ID != testGuildID {
						e.g.Roles[i].Position = e.g.Roles[i].Position*7 + 40
					}
				}
				for i := range e.g.Channels {
					e.g.Channels[i].Position = e.g.Channels[i].Position*10 + 3
				}
			}},
		{name: "channel name and topic are info",
			mutate: func(e *env) { c := chanByName(e.g, "vip-chat"); c.Name = "vip"; c.Topic = "" },
			want: []Item{
				{Type: ChannelMismatch, Severity: SeverityInfo, Key: "vip-chat", Name: "vip-chat", Field: "name", Expected: "vip-chat", Actual: "vip"},
				{Type: ChannelMismatch, Severity: SeverityInfo, Key: "vip-chat", Name: "vip-chat", Field: "topic", Expected: "Silver and up", Actual: ""},
			}},
		{name: "channel type is a warning",
			mutate: func(e *env) { chanByName(e.g, "lobby").Type = 5 },
			want:   []Item{{Type: ChannelMismatch, Severity: SeverityWarning, Key: "lobby", Name: "lobby", Field: "type", Expected: "text", Actual: "announcement"}}},
		{name: "channel parent is a warning",
			mutate: func(e *env) { chanByName(e.g, "vip-chat").ParentID = "" },
			want:   []Item{{Type: ChannelMismatch, Severity: SeverityWarning, Key: "vip-chat", Name: "vip-chat", Field: "parent", Expected: "Members", Actual: "(none)"}}},
		{name: "channel order within a parent is info",
			mutate: func(e *env) {
				a, b := chanByName(e.g, "vip-chat"), chanByName(e.g, "Gold Lounge")
				a.Position, b.Position = b.Position, a.Position
			},
			want: []Item{
				{Type: ChannelMismatch, Severity: SeverityInfo, Key: "gold-lounge", Name: "Gold Lounge", Field: "position", Expected: "after vip-chat", Actual: "first"},
				{Type: ChannelMismatch, Severity: SeverityInfo, Key: "vip-chat", Name: "vip-chat", Field: "position", Expected: "first", Actual: "after Gold Lounge"},
			}},
		{name: "@everyone overwrite removed is a warning",
			mutate: func(e *env) { dropOverwrite(chanByName(e.g, "vip-chat"), testGuildID) },
			want:   []Item{{Type: ChannelMismatch, Severity: SeverityWarning, Key: "vip-chat", Name: "vip-chat", Field: "overwrite:@everyone", Expected: everyoneDeny, Actual: "none"}}},
		{name: "@everyone overwrite added is a warning",
			mutate: func(e *env) {
				setOverwrite(chanByName(e.g, "lobby"), Overwrite{ID: testGuildID, Type: OverwriteRole, Deny: wizard.PermViewChannel})
			},
			want: []Item{{Type: ChannelMismatch, Severity: SeverityWarning, Key: "lobby", Name: "lobby", Field: "overwrite:@everyone", Expected: "none", Actual: everyoneDeny}}},
		{name: "tier overwrite changed is a warning",
			mutate: func(e *env) {
				setOverwrite(chanByName(e.g, "vip-chat"), Overwrite{ID: roleByName(e.g, "Gold").ID, Type: OverwriteRole, Deny: wizard.PermViewChannel})
			},
			want: []Item{{Type: ChannelMismatch, Severity: SeverityWarning, Key: "vip-chat", Name: "vip-chat", Field: "overwrite:t3", Expected: tierAllow, Actual: everyoneDeny}}},
		{name: "tier overwrite on a channel below its tier is a warning",
			mutate: func(e *env) {
				setOverwrite(chanByName(e.g, "Gold Lounge"), Overwrite{ID: roleByName(e.g, "Bronze").ID, Type: OverwriteRole, Allow: wizard.PermViewChannel})
			},
			want: []Item{{Type: ChannelMismatch, Severity: SeverityWarning, Key: "gold-lounge", Name: "Gold Lounge", Field: "overwrite:t1", Expected: "none", Actual: tierAllow}}},
		{name: "bot overwrite removed and bot user overwrite added are warnings",
			mutate: func(e *env) {
				c := chanByName(e.g, "vip-chat")
				dropOverwrite(c, testBotRole)
				setOverwrite(c, Overwrite{ID: testBotUser, Type: OverwriteMember, Deny: wizard.PermViewChannel})
			},
			want: []Item{
				{Type: ChannelMismatch, Severity: SeverityWarning, Key: "vip-chat", Name: "vip-chat", Field: "overwrite:@bot", Expected: botAllow, Actual: "none"},
				{Type: ChannelMismatch, Severity: SeverityWarning, Key: "vip-chat", Name: "vip-chat", Field: "overwrite:@bot-user", Expected: "none", Actual: everyoneDeny},
			}},
		{name: "admin roles, channels and a moderator overwrite are not drift",
			mutate: func(e *env) {
				e.g.Roles = append(e.g.Roles, Role{ID: "900", Name: "Whales", Position: 2, Color: 0x123456},
					Role{ID: "901", Name: "Gold Fans", Position: 1})
				e.g.Channels = append(e.g.Channels, Channel{ID: "902", Name: "staff", Type: TypeCategory},
					Channel{ID: "903", Name: "mod-log", Type: TypeText, ParentID: "902",
						Overwrites: []Overwrite{{ID: testGuildID, Type: OverwriteRole, Deny: wizard.PermViewChannel}}})
				setOverwrite(chanByName(e.g, "vip-chat"), Overwrite{ID: testMod, Type: OverwriteRole, Allow: wizard.PermViewChannel | wizard.PermManageChannels})
				setOverwrite(chanByName(e.g, "lobby"), Overwrite{ID: "555", Type: OverwriteMember, Deny: 2048})
				roleByName(e.g, "Admin").Name = "Owner"
			}},
		{name: "config_mismatch when desired differs from the shadow",
			mutate: func(e *env) {
				e.desired.Channels[1].Topic = "Welcome"
				e.desired.Community.Name = "Arrakis"
			},
			want: []Item{
				{Type: ConfigMismatch, Severity: SeverityWarning, Name: "undeployed changes to community, channels", Field: "manifest"},
				{Type: ChannelMismatch, Severity: SeverityInfo, Key: "lobby", Name: "lobby", Field: "topic", Expected: "Welcome", Actual: "Say hi"},
			}},
		{name: "no config_mismatch for nil vs empty lists",
			mutate: func(e *env) { e.shadow.Manifest.Assets = []wizard.Asset{}; e.desired.Assets = nil }},
		{name: "extras are info and their overwrites are warnings",
			mutate: func(e *env) {
				e.desired.Tiers = e.desired.Tiers[:2]
				e.desired.Channels = e.desired.Channels[:3]
			},
			want: []Item{
				{Type: ChannelMismatch, Severity: SeverityWarning, Key: "vip-chat", Name: "vip-chat", Field: "overwrite:t3", Expected: "none", Actual: tierAllow},
				{Type: ConfigMismatch, Severity: SeverityWarning, Name: "undeployed changes to tiers, channels", Field: "manifest"},
				{Type: ChannelExtra, Severity: SeverityInfo, Key: "gold-lounge", Name: "Gold Lounge", Expected: "absent", Actual: "present"},
				{Type: RoleExtra, Severity: SeverityInfo, Key: "t3", Name: "Gold", Expected: "absent", Actual: "present"},
			}},
		{name: "without a shadow nothing live is managed: no config_mismatch, no extra",
			mutate: func(e *env) {
				e.shadow = nil
				e.desired.Tiers = e.desired.Tiers[:2]
				e.desired.Channels = e.desired.Channels[:3]
				e.desired.Community.Name = "Other"
			},
			// Without a ResourceMap, the live Bronze, Silver and channels are only
			// resources with the manifest's names: not Arrakis's, so every desired one
			// is missing (and Gold is not an extra).
			want: []Item{
				{Type: ChannelMissing, Severity: SeverityError, Key: "lobby", Name: "lobby", Expected: "text lobby", Actual: "missing"},
				{Type: ChannelMissing, Severity: SeverityError, Key: "members", Name: "Members", Expected: "category Members", Actual: "missing"},
				{Type: ChannelMissing, Severity: SeverityError, Key: "vip-chat", Name: "vip-chat", Expected: "text vip-chat", Actual: "missing"},
				{Type: RoleMissing, Severity: SeverityError, Key: "t1", Name: "Bronze", Expected: "Bronze", Actual: "missing"},
				{Type: RoleMissing, Severity: SeverityError, Key: "t2", Name: "Silver", Expected: "Silver", Actual: "missing"},
			}},
		{name: "category deleted: children lose their parent",
			mutate: func(e *env) {
				e.g.Channels = removeWhere(e.g.Channels, func(c Channel) bool { return c.Name == "Members" })
				for i := range e.g.Channels {
					e.g.Channels[i].ParentID = ""
				}
			},
			want: []Item{
				{Type: ChannelMissing, Severity: SeverityError, Key: "members", Name: "Members", Expected: "category Members", Actual: "missing"},
				{Type: ChannelMismatch, Severity: SeverityWarning, Key: "gold-lounge", Name: "Gold Lounge", Field: "parent", Expected: "Members", Actual: "(none)"},
				{Type: ChannelMismatch, Severity: SeverityWarning, Key: "vip-chat", Name: "vip-chat", Field: "parent", Expected: "Members", Actual: "(none)"},
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := testManifest()
			g, sh := deploy(t, m, baseGuild(), newIDs())
			e := &env{g: &g, desired: cloneManifest(t, m), shadow: sh}
			tc.mutate(e)
			got := stripIDs(Compare(e.desired, e.shadow, *e.g).Items)
			for i := range got {
				if got[i].Type == ConfigMismatch {
					if len(got[i].Expected) != 12 || len(got[i].Actual) != 12 || got[i].Expected == got[i].Actual {
						t.Errorf("config_mismatch hashes: %q vs %q", got[i].Expected, got[i].Actual)
					}
					got[i].Expected, got[i].Actual = "", ""
				}
			}
			if len(got) == 0 && len(tc.want) == 0 {
				return
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("report:\n got %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

// TestDriftAdoptedRole: an adopted role is matched by its id and never edited; when it
// is gone that is an error no plan can fix.
func TestDriftAdoptedRole(t *testing.T) {
	m := testManifest()
	m.Tiers[2].Role = wizard.RoleSpec{Adopt: testAdmin, Name: "Admin"}
	g, sh := deploy(t, m, baseGuild(), newIDs())
	if got := sh.Resources.Roles["t3"]; got != testAdmin {
		t.Fatalf("adopted role in ResourceMap = %q, want %q", got, testAdmin)
	}
	adm := roleByName(&g, "Admin")
	adm.Name, adm.Color, adm.Permissions, adm.Position = "Owners", 0xABCDEF, 12345, 0
	if rep := Compare(m, sh, g); !rep.Empty() {
		t.Fatalf("an edited adopted role is drift: %+v", rep.Items)
	}
	if ops := Plan(m, sh, g, Options{Prune: true}); len(ops) != 0 {
		t.Fatalf("plan touches an adopted role: %+v", ops)
	}

	g.Roles = removeWhere(g.Roles, func(r Role) bool { return r.ID == testAdmin })
	for i := range g.Channels {
		dropOverwrite(&g.Channels[i], testAdmin)
	}
	want := []Item{{Type: RoleMissing, Severity: SeverityError, Key: "t3", ID: testAdmin, Name: "Admin", Expected: "adopted role " + testAdmin, Actual: "missing"}}
	if got := Compare(m, sh, g).Items; !reflect.DeepEqual(got, want) {
		t.Fatalf("missing adopted role:\n got %+v\nwant %+v", got, want)
	}
	for _, op := range Plan(m, sh, g, Options{Prune: true}) {
		t.Errorf("plan for a missing adopted role has op %s", Describe(op))
	}

	// Dropping the tier never makes the admin's role an extra to prune.
	m2 := cloneManifest(t, m)
	m2.Tiers = m2.Tiers[:2]
	g2, _ := deploy(t, m, baseGuild(), newIDs())
	for _, op := range Plan(m2, sh, g2, Options{Prune: true}) {
		if op.Kind == OpDeleteRole {
			t.Errorf("prune deletes the formerly adopted role: %s", Describe(op))
		}
	}
}

// TestDriftOwnershipByID: a live role or channel is managed only when its id is in the
// shadow's ResourceMap or the manifest adopts it. Names never match, exactly or ignoring
// case: same-named roles and channels are left alone and the plan creates new ones.
func TestDriftOwnershipByID(t *testing.T) {
	m := testManifest()
	g := baseGuild()
	g.Roles = append(g.Roles,
		Role{ID: "500", Name: "gold", Position: 1, Color: 0xFFD700, Hoist: true, Mentionable: true},
		Role{ID: "502", Name: "Bronze", Position: 1},
	)
	g.Channels = append(g.Channels, Channel{ID: "510", Name: "lobby", Type: TypeText, Topic: "Say hi"},
		Channel{ID: "512", Name: "members", Type: TypeCategory})
	unmanaged := map[string]bool{"500": true, "502": true, "510": true, "512": true}
	for _, sh := range []*Shadow{nil, {Manifest: m, Resources: wizard.NewResourceMap()}} {
		res := Resources(m, sh, g)
		if len(res.Roles)+len(res.Channels) != 0 {
			t.Errorf("shadow %v: matched by name: %+v", sh != nil, res)
		}
		creates := map[string]bool{}
		for _, op := range Plan(m, sh, g, Options{Prune: true}) {
			if unmanaged[op.ID] {
				t.Errorf("plan touches the unmanaged %s: %s", op.ID, Describe(op))
			}
			if op.Kind == OpCreateRole || op.Kind == OpCreateChannel {
				creates[op.Key] = true
			}
		}
		for _, k := range []string{"t1", "t3", "lobby", "members"} {
			if !creates[k] {
				t.Errorf("shadow %v: plan does not create %s", sh != nil, k)
			}
		}
	}

	// Renamed in Discord, a created role is still found by its id.
	g2, sh := deploy(t, m, baseGuild(), newIDs())
	roleByName(&g2, "Gold").Name = "Golden"
	if got := Resources(m, sh, g2).Roles["t3"]; got != sh.Resources.Roles["t3"] {
		t.Errorf("renamed role: t3 = %q, want %q", got, sh.Resources.Roles["t3"])
	}

	// An adopted entry stands for its tier only while the manifest adopts it: dropping
	// the adoption stops managing the role (the plan creates a new one, never edits or
	// deletes the admin's).
	ma := testManifest()
	ma.Tiers[0].Role = wizard.RoleSpec{Adopt: testMod, Name: "Moderator"}
	ga, sha := deploy(t, ma, baseGuild(), newIDs())
	if !sha.Resources.IsAdopted(testMod) {
		t.Fatalf("adopted role not marked adopted: %+v", sha.Resources)
	}
	for _, old := range []*Shadow{sha, {Manifest: m, Resources: sha.Resources}, {Manifest: ma, Resources: wizard.ResourceMap{Roles: sha.Resources.Roles, Channels: sha.Resources.Channels}}} {
		for _, op := range Plan(m, old, ga, Options{Prune: true}) {
			if op.ID == testMod {
				t.Errorf("plan after dropping the adoption touches the admin's role: %s", Describe(op))
			}
		}
		for _, it := range Compare(m, old, ga).Items {
			if it.ID == testMod {
				t.Errorf("the formerly adopted role is drift: %+v", it)
			}
		}
	}
}

// TestDriftAdoptedChannel: an adopted category or channel is matched by its id; its
// existing overwrites that already give the tiers and the bot their access count, its
// other overwrites, its place and unset fields are kept; dropping it never prunes it.
func TestDriftAdoptedChannel(t *testing.T) {
	m := testManifest()
	g := baseGuild()
	const modOnly = "600"
	g.Channels = append(g.Channels, Channel{ID: modOnly, Name: "vip", Type: TypeText, Topic: "theirs", Position: 0,
		ParentID: "", Overwrites: []Overwrite{
			{ID: testGuildID, Type: OverwriteRole, Deny: wizard.PermViewChannel | 2048},
			{ID: testMod, Type: OverwriteRole, Allow: wizard.PermViewChannel},
			{ID: testBotRole, Type: OverwriteRole, Allow: wizard.PermViewChannel | wizard.PermManageChannels | 2048},
		}})
	m.Channels[2] = wizard.Channel{Key: "vip-chat", Name: "vip", Type: wizard.ChannelText, MinTier: "t2", Adopt: modOnly}
	g, sh := deploy(t, m, g, newIDs())
	if sh.Resources.Channels["vip-chat"] != modOnly || !sh.Resources.IsAdopted(modOnly) {
		t.Fatalf("adopted channel not recorded as adopted: %+v", sh.Resources)
	}
	c := chanByName(&g, "vip")
	if c.Topic != "theirs" || c.ParentID != "" {
		t.Errorf("adopted channel changed: %+v", c)
	}
	if got, _ := findOverwrite(c.Overwrites, target{testMod, OverwriteRole}); got.Allow != wizard.PermViewChannel {
		t.Errorf("moderator overwrite changed: %+v", c.Overwrites)
	}
	if got, _ := findOverwrite(c.Overwrites, target{testGuildID, OverwriteRole}); got.Deny != wizard.PermViewChannel|2048 {
		t.Errorf("@everyone overwrite rewritten although it denied view already: %+v", got)
	}
	if rep := Compare(m, sh, g); !rep.Empty() {
		t.Errorf("drift right after deploy: %+v", rep.Items)
	}
	// Dropped from the manifest: not extra, never pruned.
	m2 := cloneManifest(t, m)
	m2.Channels = append(m2.Channels[:2], m2.Channels[3:]...)
	for _, op := range Plan(m2, sh, g, Options{Prune: true}) {
		if op.ID == modOnly {
			t.Errorf("plan touches the dropped adopted channel: %s", Describe(op))
		}
	}
	// Gone: no plan recreates it.
	g.Channels = removeWhere(g.Channels, func(c Channel) bool { return c.ID == modOnly })
	for _, op := range Plan(m, sh, g, Options{}) {
		if op.Key == "vip-chat" {
			t.Errorf("plan recreates the admin's channel: %s", Describe(op))
		}
	}
}

// TestDriftDeterministicOrder: the report does not depend on the order the guild was
// read in, and is sorted by severity, type, key, field.
func TestDriftDeterministicOrder(t *testing.T) {
	m := testManifest()
	g, sh := deploy(t, m, baseGuild(), newIDs())
	roleByName(&g, "Gold").Color = 1
	roleByName(&g, "Silver").Permissions = 8
	g.Roles = removeWhere(g.Roles, func(r Role) bool { return r.Name == "Bronze" })
	chanByName(&g, "lobby").Topic = "x"
	dropOverwrite(chanByName(&g, "vip-chat"), testGuildID)
	d := cloneManifest(t, m)
	d.Community.Name = "changed"
	first := Compare(d, sh, g)
	sev := []Severity{}
	for _, it := range first.Items {
		sev = append(sev, it.Severity)
	}
	want := []Severity{SeverityError, SeverityWarning, SeverityWarning, SeverityWarning, SeverityInfo, SeverityInfo}
	if !reflect.DeepEqual(sev, want) {
		t.Fatalf("severities %v, want %v (%+v)", sev, want, first.Items)
	}
	for i := 0; i < 20; i++ {
		h := cloneGuild(g)
		for j := range h.Roles {
			k := (j*7 + i) % len(h.Roles)
			h.Roles[j], h.Roles[k] = h.Roles[k], h.Roles[j]
		}
		for j := range h.Channels {
			k := (j*5 + i) % len(h.Channels)
			h.Channels[j], h.Channels[k] = h.Channels[k], h.Channels[j]
		}
		if got := Compare(d, sh, h); !reflect.DeepEqual(got, first) {
			t.Fatalf("order %d: report differs:\n%+v\n%+v", i, got.Items, first.Items)
		}
	}
}

// TestDriftConfigMismatchHashes: the hashes shown are the snapshots' SHA-256 prefixes,
// and an absent shadow never yields config_mismatch.
func TestDriftConfigMismatchHashes(t *testing.T) {
	m := testManifest()
	g, sh := deploy(t, m, baseGuild(), newIDs())
	d := cloneManifest(t, m)
	d.Tiers[0].Rules = []wizard.Rule{{Type: wizard.RuleScoreThreshold}}
	items := Compare(d, sh, g).Items
	if len(items) != 1 || items[0].Type != ConfigMismatch || items[0].Name != "undeployed changes to tiers" {
		t.Fatalf("items %+v", items)
	}
	want, _ := d.SHA256()
	got, _ := m.SHA256()
	if items[0].Expected != want[:12] || items[0].Actual != got[:12] {
		t.Errorf("hashes %s/%s, want %s/%s", items[0].Expected, items[0].Actual, want[:12], got[:12])
	}
	for _, it := range Compare(d, nil, g).Items {
		if it.Type == ConfigMismatch {
			t.Errorf("without a shadow: %+v", it)
		}
	}
}

// TestDriftExpectedOverwrites resolves subjects through the matching.
func TestDriftExpectedOverwrites(t *testing.T) {
	m := testManifest()
	g, sh := deploy(t, m, baseGuild(), newIDs())
	got := ExpectedOverwrites(m, sh, g, "gold-lounge")
	want := []Overwrite{
		{ID: testGuildID, Type: OverwriteRole, Deny: wizard.PermViewChannel},
		{ID: testBotRole, Type: OverwriteRole, Allow: wizard.PermViewChannel | wizard.PermManageChannels},
		{ID: roleByName(&g, "Gold").ID, Type: OverwriteRole, Allow: wizard.PermViewChannel},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("expected overwrites %+v, want %+v", got, want)
	}
	if got := ExpectedOverwrites(m, sh, g, "lobby"); got != nil {
		t.Errorf("ungated channel: %+v", got)
	}
	if got := ExpectedOverwrites(m, sh, g, "nope"); got != nil {
		t.Errorf("unknown key: %+v", got)
	}
}

// TestDriftCollisions: a role or channel the plan creates whose name equals an unmanaged
// live one's (exactly or up to case) is listed, with whether it may be adopted; managed
// and adopted ones are not collisions.
func TestDriftCollisions(t *testing.T) {
	m := testManifest()
	g := baseGuild()
	g.Roles = append(g.Roles,
		Role{ID: "500", Name: "gold", Position: 1},
		Role{ID: "501", Name: "Silver", Position: 1, Managed: true},
	)
	g.Channels = append(g.Channels,
		Channel{ID: "510", Name: "lobby", Type: TypeText},
		Channel{ID: "511", Name: "MEMBERS", Type: TypeCategory},
		Channel{ID: "512", Name: "Gold Lounge", Type: TypeText},
		Channel{ID: "513", Name: "lobby", Type: TypeCategory}, // another kind: not a collision
	)
	got := Collisions(m, nil, g)
	want := []Collision{
		{Kind: CollisionRole, Key: "t2", Name: "Silver", LiveID: "501", LiveName: "Silver", Exact: true, Adoptable: false},
		{Kind: CollisionRole, Key: "t3", Name: "Gold", LiveID: "500", LiveName: "gold", Exact: false, Adoptable: true},
		{Kind: CollisionChannel, Key: "members", Name: "Members", Type: TypeCategory, LiveID: "511", LiveName: "MEMBERS", LiveType: TypeCategory, Adoptable: true},
		{Kind: CollisionChannel, Key: "lobby", Name: "lobby", Type: TypeText, LiveID: "510", LiveName: "lobby", LiveType: TypeText, Exact: true, Adoptable: true},
		{Kind: CollisionChannel, Key: "gold-lounge", Name: "Gold Lounge", Type: TypeVoice, LiveID: "512", LiveName: "Gold Lounge", LiveType: TypeText, Exact: true},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("collisions:\n got %+v\nwant %+v", got, want)
	}
	for _, c := range got {
		if DescribeCollision(c) == "" {
			t.Errorf("no description for %+v", c)
		}
	}
	// Adopting resolves it; what the bot manages never collides.
	m.Tiers[2].Role = wizard.RoleSpec{Name: "gold", Adopt: "500"}
	m.Channels[1].Adopt = "510"
	for _, c := range Collisions(m, nil, g) {
		if c.Key == "t3" || c.Key == "lobby" {
			t.Errorf("adopted, still a collision: %+v", c)
		}
	}
	dg, sh := deploy(t, testManifest(), baseGuild(), newIDs())
	if cs := Collisions(testManifest(), sh, dg); len(cs) != 0 {
		t.Errorf("managed resources reported as collisions: %+v", cs)
	}
}
