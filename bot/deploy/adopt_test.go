package deploy

import (
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/arrakis-bot/arrakis/wizard"
)

// TestAdoptedLayoutDeploysWithoutWrites: a manifest that adopts an existing role and an
// existing gated channel whose overwrites already let the tier and the bot in makes no
// write at all; when the tier's access is later removed by hand, reconcile adds exactly
// that overwrite back and keeps the moderator's and the channel's own settings.
func TestAdoptedLayoutDeploysWithoutWrites(t *testing.T) {
	e := newEnv(t)
	ctx := ctxT(t)
	gid := e.guild.ID
	vip := e.fd.CreateRole(gid, discordgo.Role{Name: "VIP", Color: 0xFFAA00})
	role := discordgo.PermissionOverwriteTypeRole
	lounge := e.fd.CreateChannel(gid, discordgo.Channel{Name: "vip-lounge", Type: discordgo.ChannelTypeGuildText,
		Topic: "their topic", ParentID: e.guild.TextCategoryID, PermissionOverwrites: []*discordgo.PermissionOverwrite{
			{ID: gid, Type: role, Deny: discordgo.PermissionViewChannel},
			{ID: vip, Type: role, Allow: discordgo.PermissionViewChannel | discordgo.PermissionSendMessages},
			{ID: e.guild.BotRoleID, Type: role, Allow: discordgo.PermissionViewChannel | discordgo.PermissionManageChannels},
			{ID: e.guild.ModeratorRoleID, Type: role, Allow: discordgo.PermissionViewChannel},
		}})
	m := &wizard.Manifest{APIVersion: wizard.APIVersion, Community: wizard.Community{Name: "Adopted", GuildID: gid},
		Tiers:           []wizard.Tier{{ID: "t1", Name: "VIP", Role: wizard.RoleSpec{Name: "VIP", Adopt: vip}}},
		ChannelTemplate: wizard.TemplateCustom,
		Channels:        []wizard.Channel{{Key: "lounge", Name: "vip-lounge", Type: wizard.ChannelText, MinTier: "t1", Adopt: lounge}},
	}
	before := chanFields(e.fd.Channel(lounge))
	e.fd.ResetCounts()
	res, err := e.svc.Deploy(ctx, Request{GuildID: gid, Manifest: m, By: "tester"})
	if err != nil {
		t.Fatal(err)
	}
	if n := e.fd.WriteCount(); n != 0 {
		t.Fatalf("deploying an adopted layout made %d writes, want 0", n)
	}
	if !res.Resources.IsAdopted(vip) || !res.Resources.IsAdopted(lounge) {
		t.Errorf("adoptions not recorded as such: %+v", res.Resources)
	}
	if got := chanFields(e.fd.Channel(lounge)); got != before {
		t.Errorf("adopted channel changed:\n%s\nwas\n%s", got, before)
	}

	e.fd.RemoveOverwrite(lounge, vip)
	e.fd.ResetCounts()
	if _, err := e.svc.Reconcile(ctx, gid, "tester", ""); err != nil {
		t.Fatal(err)
	}
	c := e.fd.Channel(lounge)
	if c.Topic != "their topic" || c.ParentID != e.guild.TextCategoryID || len(c.PermissionOverwrites) != 4 {
		t.Fatalf("reconcile changed more than the tier's access: %s", chanFields(c))
	}
	for _, o := range c.PermissionOverwrites {
		if o.ID == vip && o.Allow&discordgo.PermissionViewChannel == 0 {
			t.Errorf("tier access not restored: %+v", o)
		}
		if o.ID == e.guild.ModeratorRoleID && o.Allow != discordgo.PermissionViewChannel {
			t.Errorf("moderator overwrite changed: %+v", o)
		}
	}
	if n := e.fd.WriteCount(); n != 1 {
		t.Errorf("reconcile made %d writes, want 1", n)
	}
}
