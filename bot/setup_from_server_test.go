package bot

import (
	"strconv"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/arrakis-bot/arrakis/internal/fakediscord"
	"github.com/arrakis-bot/arrakis/wizard"
)

// onFixture points an E2E at a fixture server: its owner sends the interactions.
func onFixture(e *E2E, f fakediscord.Fixture) {
	e.Seed = fakediscord.SeededGuild{ID: f.ID, OwnerID: f.OwnerID, EveryoneRoleID: f.ID, BotRoleID: f.BotRoleID, GeneralID: f.Channels["general"]}
	e.Owner = Member{ID: f.OwnerID, Name: "owner", Permissions: discordgo.PermissionAdministrator}
	e.As = e.Owner
}

// TestSetupStartFromServer: /setup on the established community, through "Start from this
// server" (tier roles and a channel left out picked with role and channel selects, checked
// against the live guild), the usual steps pre-filled, then a deploy that makes no writes:
// everything it manages was adopted as it is.
func TestSetupStartFromServer(t *testing.T) {
	e := newE2E(t, newHTTPTransport)
	f := e.FD.SeedEstablished()
	onFixture(e, f)
	holder, whale, og := f.TierRoles[0], f.TierRoles[1], f.TierRoles[2]
	memes := f.Channels["memes"]
	rolesBefore, chansBefore := e.FD.Roles(f.ID), e.FD.Channels(f.ID)

	r := e.Command("setup")
	if e.Find("fs:start") == nil {
		t.Fatalf("/setup on a server never deployed to does not offer Start from this server:\n%s\n%v", r.Text(), e.customIDs())
	}
	r = e.Click("fs:start")
	mustContain(t, "panel", r.Text(), "Start from this server", "Tier roles")
	if e.Find("fs_go") == nil || !e.Find("fs_go").disabled {
		t.Fatal("Use this server is not there, or not disabled before any tier role is picked")
	}

	// Roles the live guild says cannot be tiers are refused, whatever the click claims.
	for _, bad := range []string{f.Roles["MEE6"], f.Roles["Admin"], f.ID} {
		r = e.Click("sel:fs_roles", holder, bad)
		mustContain(t, "bad tier role", r.Text(), "cannot all be tiers, so nothing was changed")
		if s := e.Session(); s.UI[uiFSRoles] != "" {
			t.Fatalf("a refused pick was kept: %q", s.UI[uiFSRoles])
		}
	}
	// Picked in any order, kept lowest first.
	r = e.Click("sel:fs_roles", og, holder, whale)
	if got := e.Session().UI[uiFSRoles]; got != strings.Join(f.TierRoles, ",") {
		t.Fatalf("tier roles kept as %q, want %q (role-list order)", got, strings.Join(f.TierRoles, ","))
	}
	mustContain(t, "roles picked", r.Text(), "<@&"+holder+">, <@&"+whale+">, <@&"+og+">")

	// Leave #memes out; a channel that is not this guild's is refused; the channel select
	// takes at most 25 values a pick (the offered-check refuses more).
	if e.Find("sel:fs_chans") != nil {
		t.Fatal("a channel select is shown while every channel is managed")
	}
	e.Click("fs_mode:exclude")
	r = e.Click("sel:fs_chans", "123456789012345678")
	mustContain(t, "foreign channel", r.Text(), "not in this server's channel list")
	var many []string
	for _, id := range f.Channels {
		many = append(many, id)
	}
	c := e.Find("sel:fs_chans")
	r = e.Press(c.customID, c.kind, many[:26]...)
	mustContain(t, "26 channels", r.Text(), "That choice was not one the menu offered")
	r = e.Click("sel:fs_chans", memes)
	if got := e.Session().UI[uiFSChans]; got != memes {
		t.Fatalf("channels left out = %q, want #memes", got)
	}

	r = e.Click("fs_go")
	mustContain(t, "built", r.Text(), "Started from this server", "Left out", "<#"+f.Hidden[0]+">")
	s := e.Session()
	if len(s.Data.Tiers) != 3 || s.Data.ChannelTemplate != wizard.TemplateCustom || s.UI[uiFromServer] != "" {
		t.Fatalf("session after Use this server: %d tiers, template %q, panel %q", len(s.Data.Tiers), s.Data.ChannelTemplate, s.UI[uiFromServer])
	}
	for i, tier := range s.Data.Tiers {
		if tier.Role.Adopt != f.TierRoles[i] {
			t.Fatalf("tier %d adopts %s, want %s", i+1, tier.Role.Adopt, f.TierRoles[i])
		}
	}
	for _, ch := range s.Data.CustomChannels {
		if s.Data.ChannelAdopts[ch.Key] == "" || s.Data.ChannelAdopts[ch.Key] == memes {
			t.Fatalf("channel %q: adopted %q (left-out #memes must not be)", ch.Name, s.Data.ChannelAdopts[ch.Key])
		}
	}
	if n, ok := f.Gated["whale-chat"]; !ok || !hasChannel(s.Data.CustomChannels, "whale-chat", s.Data.Tiers[n].ID) {
		t.Fatal("#whale-chat is not pre-filled gated at Whale")
	}

	// The usual steps, pre-filled: name, chains, an asset, one rule per tier.
	runWalk(t, e, []walkStep{
		{name: "name", do: modalStep("open:name", map[string]string{"name": "Dune Traders"}), title: "Step 1 of 8 — Community name"},
		{name: "to chains", do: clickStep("next"), title: "Step 2 of 8 — Chains"},
		{name: "chains", do: clickStep("sel:chains", "ethereum"), title: "Step 2 of 8 — Chains"},
		{name: "to assets", do: clickStep("next"), title: "Step 3 of 8 — Assets"},
		{name: "asset type", do: clickStep("sel:atype", "erc20"), title: "Step 3 of 8 — Assets"},
		{name: "usdc", do: modalStep("open:asset", map[string]string{"contract": usdc, "name": "USD Coin", "symbol": "USDC", "decimals": "6"}), title: "Step 3 of 8 — Assets"},
		{name: "to rules", do: clickStep("next"), title: "Step 4 of 8 — Eligibility rules", text: []string{"Tier 3 of 3: OG"}},
	})
	for i, amount := range []string{"10", "1000", "100000"} {
		runWalk(t, e, []walkStep{
			{name: "tier " + strconv.Itoa(i), do: clickStep("sel:tier", strconv.Itoa(i)), title: "Step 4 of 8 — Eligibility rules"},
			{name: "rule " + strconv.Itoa(i), do: modalStep("open:rule", map[string]string{"amount": amount}), title: "Step 4 of 8 — Eligibility rules"},
		})
	}
	runWalk(t, e, []walkStep{
		{name: "to roles", do: clickStep("next"), title: "Step 5 of 8 — Tier roles", text: []string{"<@&" + f.TierRoles[len(f.TierRoles)-1] + ">"}},
		{name: "to channels", do: clickStep("next"), title: "Step 6 of 8 — Channels"},
		{name: "to review", do: clickStep("next"), title: "Step 7 of 8 — Review", text: []string{"**Changes:** none — your server already matches."}},
	})

	e.FD.ResetCounts()
	e.Click("deploy")
	r = e.Click("confirm")
	e.Bot.Wait()
	mustContain(t, "deploy", r.Text(), "Deployed")
	if n := e.FD.WriteCount(); n != 0 {
		t.Fatalf("deploying what was adopted made %d writes, want 0: %+v", n, e.FD.Requests())
	}
	if !sameRoles(rolesBefore, e.FD.Roles(f.ID)) || !sameChannels(chansBefore, e.FD.Channels(f.ID)) {
		t.Fatal("the server changed although nothing was written")
	}
	// And /setup now edits that deployment: no Start from this server any more.
	e.Command("setup")
	if e.Find("fs:start") != nil {
		t.Fatal("Start from this server is still offered after a deploy")
	}
}

func hasChannel(chs []wizard.Channel, name, minTier string) bool {
	for _, c := range chs {
		if c.Name == name {
			return c.MinTier == minTier
		}
	}
	return false
}

func sameRoles(a, b []*discordgo.Role) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if *a[i] != *b[i] {
			return false
		}
	}
	return true
}

func sameChannels(a, b []*discordgo.Channel) bool {
	return mustJSON(a) == mustJSON(b)
}
