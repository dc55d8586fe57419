package drift

import (
	"encoding/json"
	"strconv"
	"testing"

	"github.com/arrakis-bot/arrakis/wizard"
)

const (
	testGuildID = "100"
	testBotRole = "101"
	testBotUser = "102"
	testAdmin   = "103"
	testMod     = "104"
	testAdminCh = "105"
)

// newIDs returns a generator of unique, equally long snowflake-shaped ids.
func newIDs() func() string {
	n := 1_000_000_000
	return func() string { n++; return strconv.Itoa(n) }
}

func baseGuild() Guild {
	return Guild{
		ID: testGuildID, BotRoleID: testBotRole, BotUserID: testBotUser,
		Roles: []Role{
			{ID: testGuildID, Name: "@everyone", Permissions: 1024},
			{ID: testBotRole, Name: "Arrakis", Position: 3, Managed: true, Permissions: wizard.PermManageRoles | wizard.PermManageChannels},
			{ID: testAdmin, Name: "Admin", Position: 2, Permissions: 8},
			{ID: testMod, Name: "Moderator", Position: 1},
		},
		Channels: []Channel{{ID: testAdminCh, Name: "general", Type: TypeText}},
	}
}

func testManifest() *wizard.Manifest {
	return &wizard.Manifest{
		APIVersion: wizard.APIVersion,
		Community:  wizard.Community{Name: "Arrakis DAO", GuildID: testGuildID},
		Chains:     []wizard.Chain{{ID: "ethereum", ChainID: 1}},
		Tiers: []wizard.Tier{
			{ID: "t1", Name: "Bronze", Role: wizard.RoleSpec{Name: "Bronze", Color: 0xCD7F32}},
			{ID: "t2", Name: "Silver", Role: wizard.RoleSpec{Name: "Silver", Color: 0xC0C0C0, Hoist: true}},
			{ID: "t3", Name: "Gold", Role: wizard.RoleSpec{Name: "Gold", Color: 0xFFD700, Hoist: true, Mentionable: true}},
		},
		ChannelTemplate: wizard.TemplateCustom,
		Channels: []wizard.Channel{
			{Key: "members", Name: "Members", Type: wizard.ChannelCategory},
			{Key: "lobby", Name: "lobby", Type: wizard.ChannelText, Topic: "Say hi"},
			{Key: "vip-chat", Name: "vip-chat", Type: wizard.ChannelText, Parent: "members", Topic: "Silver and up", MinTier: "t2"},
			{Key: "gold-lounge", Name: "Gold Lounge", Type: wizard.ChannelVoice, Parent: "members", MinTier: "t3"},
		},
	}
}

// cloneManifest deep-copies a manifest through JSON.
func cloneManifest(t testing.TB, m *wizard.Manifest) *wizard.Manifest {
	t.Helper()
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatalf("marshal manifest: %v", err)
	}
	var c wizard.Manifest
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatalf("unmarshal manifest: %v", err)
	}
	return &c
}

// deploy plans m against g from scratch and applies it, returning the guild and the
// shadow a deploy would record.
func deploy(t testing.TB, m *wizard.Manifest, g Guild, ids func() string) (Guild, *Shadow) {
	t.Helper()
	ops := Plan(m, nil, g, Options{})
	g2, res := Apply(g, ops, Resources(m, nil, g), ids)
	sh := &Shadow{Manifest: cloneManifest(t, m), Resources: res}
	if rep := Compare(m, sh, g2); !rep.Empty() {
		t.Fatalf("fresh deploy is not clean: %+v", rep.Items)
	}
	return g2, sh
}

func roleByName(g *Guild, name string) *Role {
	for i := range g.Roles {
		if g.Roles[i].Name == name {
			return &g.Roles[i]
		}
	}
	return nil
}

func chanByName(g *Guild, name string) *Channel {
	for i := range g.Channels {
		if g.Channels[i].Name == name {
			return &g.Channels[i]
		}
	}
	return nil
}

func setOverwrite(c *Channel, o Overwrite) {
	for i := range c.Overwrites {
		if c.Overwrites[i].ID == o.ID && c.Overwrites[i].Type == o.Type {
			c.Overwrites[i] = o
			return
		}
	}
	c.Overwrites = append(c.Overwrites, o)
}

func dropOverwrite(c *Channel, id string) {
	c.Overwrites = removeWhere(c.Overwrites, func(o Overwrite) bool { return o.ID == id })
}

// stripIDs drops Discord ids, which the generator assigns, so tables can spell items.
func stripIDs(items []Item) []Item {
	out := make([]Item, len(items))
	for i, it := range items {
		it.ID = ""
		out[i] = it
	}
	return out
}
