package drift

import (
	"strings"
	"testing"

	"github.com/arrakis-bot/arrakis/wizard"
)

const (
	eGuild = "100"
	eBot   = "101" // the bot's managed role
	eT1    = "111"
	eT2    = "112"
	eMod   = "120"
	eMe    = "900" // the bot's user
)

// exportGuild (channels outside a category come first in an export, so "open" is chan-1
// and "Gated" chan-2): roles bottom to top @everyone, T1, T2, Mod, the bot (Manage Channels at
// guild level, no Administrator); channels with every kind of access.
func exportGuild() Guild {
	view, hide := wizard.PermViewChannel, wizard.PermViewChannel
	ow := func(id string, allow, deny int64) Overwrite {
		return Overwrite{ID: id, Type: OverwriteRole, Allow: allow, Deny: deny}
	}
	return Guild{
		ID: eGuild, BotRoleID: eBot, BotUserID: eMe, BotTopRoleID: eBot,
		Roles: []Role{
			{ID: eGuild, Name: "@everyone", Permissions: view},
			{ID: eT1, Name: "Holder", Position: 1}, {ID: eT2, Name: "Whale", Position: 2},
			{ID: eMod, Name: "Mod", Position: 3},
			{ID: eBot, Name: "Arrakis", Position: 4, Managed: true, Permissions: wizard.PermManageChannels | wizard.PermManageRoles | view},
		},
		Channels: []Channel{
			{ID: "200", Name: "Gated", Type: TypeCategory, Position: 0, Overwrites: []Overwrite{ow(eGuild, 0, hide), ow(eT1, view, 0), ow(eT2, view, 0), ow(eBot, view, 0)}},
			{ID: "201", Name: "whales", Type: TypeText, ParentID: "200", Position: 0, Overwrites: []Overwrite{ow(eGuild, 0, hide), ow(eT2, view, 0), ow(eMod, view, 0), ow(eBot, view, 0)}},
			{ID: "202", Name: "open", Type: TypeText, Position: 1},
			{ID: "203", Name: "staff", Type: TypeText, Position: 2, Overwrites: []Overwrite{ow(eGuild, 0, hide), ow(eMod, view, 0), ow(eBot, view, 0)}},
			{ID: "204", Name: "secret", Type: TypeText, Position: 3, Overwrites: []Overwrite{ow(eGuild, 0, hide), ow(eMod, view, 0)}},
			{ID: "205", Name: "news", Type: 5, Position: 4},
			{ID: "206", Name: "only-t1", Type: TypeText, Position: 5, Overwrites: []Overwrite{ow(eGuild, 0, hide), ow(eT1, view, 0), ow(eBot, view, 0)}},
		},
	}
}

func TestExportManifestDerivesAccess(t *testing.T) {
	g := exportGuild()
	ex, err := ExportManifest(g, ExportOptions{Name: "Test", TierRoles: []string{eT1, eT2}})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, c := range ex.Manifest.Channels {
		got[c.Name] = c.MinTier + "|" + c.Parent + "|" + c.Adopt
	}
	want := map[string]string{"Gated": "tier-1||200", "whales": "tier-2|chan-2|201", "open": "||202"}
	for name, w := range want {
		if got[name] != w {
			t.Errorf("channel %s exported as %q, want %q", name, got[name], w)
		}
	}
	skipped := map[string]SkipReason{}
	for _, s := range ex.Skipped {
		skipped[s.Name] = s.Reason
	}
	for name, r := range map[string]SkipReason{"staff": SkipAccess, "secret": SkipHidden, "news": SkipType, "only-t1": SkipAccess} {
		if skipped[name] != r {
			t.Errorf("channel %s: skipped %q, want %q", name, skipped[name], r)
		}
	}
	if len(ex.Manifest.Channels)+len(ex.Skipped) != len(g.Channels) {
		t.Errorf("%d exported + %d skipped != %d channels", len(ex.Manifest.Channels), len(ex.Skipped), len(g.Channels))
	}
	if v := ex.Manifest.Validate(); !v.Deployable || v.Complete {
		t.Errorf("exported manifest: deployable %v complete %v (%v), want deployable, not complete", v.Deployable, v.Complete, v.Problems)
	}
	// Adopted as it is: nothing to change, nothing drifted.
	if ops := Plan(ex.Manifest, nil, g, Options{}); len(ops) != 0 {
		t.Errorf("plan of the export: %v", ops)
	}
	if r := Compare(ex.Manifest, nil, g); !r.Empty() {
		t.Errorf("compare of the export: %+v", r.Items)
	}
}

func TestExportManifestRefusesBadChoices(t *testing.T) {
	g := exportGuild()
	_, err := ExportManifest(g, ExportOptions{TierRoles: []string{eGuild, eBot, eT1, eT1, "999"}, Channels: []string{"998"}, Categories: []string{"202"}})
	ee, ok := err.(*ExportError)
	if !ok {
		t.Fatalf("err = %v, want an ExportError", err)
	}
	all := strings.Join(ee.Problems, "\n")
	for _, want := range []string{"@everyone cannot be a tier", "“Arrakis” belongs to an integration", "chosen twice", "no role with id 999", "no channel with id 998", "“open” (202) is not a category"} {
		if !strings.Contains(all, want) {
			t.Errorf("problems lack %q:\n%s", want, all)
		}
	}
}

// An adopted channel that the manifest newly gates: the bot's access is judged on the
// channel as the write leaves it, so the bot's overwrite is written with @everyone's deny
// and the bot never locks itself out.
func TestAdoptedChannelNewlyGatedKeepsTheBotIn(t *testing.T) {
	g := exportGuild()
	m := &wizard.Manifest{APIVersion: wizard.APIVersion, ChannelTemplate: wizard.TemplateCustom,
		Tiers:    []wizard.Tier{{ID: "t1", Name: "Holder", Role: wizard.RoleSpec{Name: "Holder", Adopt: eT1}}},
		Channels: []wizard.Channel{{Key: "c", Name: "open", Type: wizard.ChannelText, MinTier: "t1", Adopt: "202"}}}
	ops := Plan(m, nil, g, Options{})
	if len(ops) != 1 {
		t.Fatalf("plan = %v, want one update", ops)
	}
	subjects := map[string]bool{}
	for _, o := range ops[0].Overwrites {
		subjects[o.Subject] = true
	}
	if !subjects[wizard.SubjectBot] || !subjects[wizard.SubjectEveryone] || !subjects["t1"] {
		t.Fatalf("overwrites written %+v: want @everyone, the bot and the tier", ops[0].Overwrites)
	}
}
