package bot

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/arrakis-bot/arrakis/store"
	"github.com/arrakis-bot/arrakis/wizard"
)

// The wizard reads at a glance (issue 14): steps 1–6 show a one-line summary and their own
// details in at most a dozen lines, one blurple button (Next), and the same last row
// Back · Next · Cancel everywhere.

// maxGlanceLines is how many lines of embed text a step shows on one page.
const maxGlanceLines = 12

// embedLines counts the non-blank lines of embed text: titles, descriptions, field names
// and values, footers.
func embedLines(m *discordgo.Message) int {
	n := 0
	count := func(s string) {
		for _, l := range strings.Split(s, "\n") {
			if strings.TrimSpace(l) != "" {
				n++
			}
		}
	}
	for _, e := range m.Embeds {
		count(e.Title)
		count(e.Description)
		for _, f := range e.Fields {
			count(f.Name)
			count(f.Value)
		}
		if e.Footer != nil {
			count(e.Footer.Text)
		}
	}
	return n
}

// messageButtons are a message's rows of buttons (selects leave an empty row).
func messageButtons(m *discordgo.Message) [][]*discordgo.Button {
	var rows [][]*discordgo.Button
	for _, rc := range m.Components {
		row, _ := asRow(rc)
		var bs []*discordgo.Button
		for _, c := range row.Components {
			if b, ok := c.(*discordgo.Button); ok {
				bs = append(bs, b)
			}
		}
		rows = append(rows, bs)
	}
	return rows
}

// glance asserts the at-a-glance rules on the wizard message a step shows. wantNext is
// whether Next must be enabled.
func glance(t *testing.T, what string, e *E2E, r Result, wantNext bool) {
	t.Helper()
	if r.Message == nil || len(r.Message.Embeds) == 0 {
		t.Fatalf("%s: no wizard message (callback %s)", what, r.Callback.Raw)
	}
	s := e.Session()
	checkFrameJSON(t, what, e)
	previewDump(t, what, r.Message)
	if n := embedLines(r.Message); n > maxGlanceLines {
		t.Errorf("%s: %d lines of embed text, want at most %d:\n%s", what, n, maxGlanceLines, r.Text())
	}
	rows := messageButtons(r.Message)
	primary := 0
	for _, row := range rows {
		for _, b := range row {
			if b.Style == discordgo.PrimaryButton {
				primary++
				if b.Label != "Next" {
					t.Errorf("%s: blurple button %q; only Next may be blurple", what, b.Label)
				}
			}
		}
	}
	if primary != 1 {
		t.Errorf("%s: %d blurple buttons, want exactly 1 (Next)", what, primary)
	}
	if len(rows) == 0 {
		t.Fatalf("%s: no components", what)
	}
	nav := rows[len(rows)-1]
	var got []string
	for _, b := range nav {
		id, _ := parseCustomID(b.CustomID)
		got = append(got, fmt.Sprintf("%s/%s/%d", b.Label, id.Action, b.Style))
	}
	want := []string{
		fmt.Sprintf("Back/back/%d", discordgo.SecondaryButton),
		fmt.Sprintf("Next/next/%d", discordgo.PrimaryButton),
		fmt.Sprintf("Cancel/cancel/%d", discordgo.DangerButton),
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("%s: last row %v, want %v", what, got, want)
	}
	if back := nav[0]; back.Disabled != (s.State == wizard.StateInit) {
		t.Errorf("%s: Back disabled = %v on step %d", what, back.Disabled, s.State.Step())
	}
	if next := nav[1]; next.Disabled == wantNext {
		t.Errorf("%s: Next disabled = %v, want enabled = %v (step problems: %v)", what, next.Disabled, wantNext, wizard.ValidateStep(s.State, s.Data))
	}
	if nav[1].Disabled != (len(wizard.ValidateStep(s.State, s.Data)) > 0) && wantNext {
		t.Errorf("%s: Next enabled although the step is not answered", what)
	}
}

// selectDefault is the value of the default option of the select with that name.
func selectDefault(m *discordgo.Message, name string) string {
	for _, rc := range m.Components {
		row, _ := asRow(rc)
		for _, c := range row.Components {
			if sel, ok := c.(*discordgo.SelectMenu); ok {
				if id, err := parseCustomID(sel.CustomID); err == nil && id.Arg == name {
					for _, o := range sel.Options {
						if o.Default {
							return o.Value
						}
					}
				}
			}
		}
	}
	return ""
}

// largestManifest is a wizard filled to every limit: 6 chains, 5 assets of every type,
// 10 tiers of 10 rules, 60 custom channels (30 categories, 30 text channels in them).
func largestManifest() wizard.SessionData {
	d := wizard.SessionData{CommunityName: long("Honey Jar ", 100)}
	for _, c := range wizard.KnownChains {
		d.Chains = append(d.Chains, c.ID)
	}
	dec := 18
	types := []wizard.AssetType{wizard.AssetERC20, wizard.AssetERC721, wizard.AssetERC1155, wizard.AssetERC20, wizard.AssetNative}
	for i, typ := range types {
		a := wizard.Asset{ID: fmt.Sprintf("asset-%d", i+1), Type: typ, Chain: "ethereum", Contract: fmt.Sprintf("0x%040x", i+1),
			Name: long(fmt.Sprintf("Token %d ", i), 60), Symbol: fmt.Sprintf("TK%d", i)}
		switch typ {
		case wizard.AssetERC20:
			a.Decimals = &dec
		case wizard.AssetERC1155:
			a.TokenID = "1"
		case wizard.AssetNative:
			a.Contract, a.Decimals = "", &dec
		}
		d.Assets = append(d.Assets, a)
	}
	for i := range wizard.MaxTiers {
		t := wizard.Tier{ID: fmt.Sprintf("tier-%d", i+1), Name: fmt.Sprintf("Tier name %d", i+1), Role: wizard.RoleSpec{Name: fmt.Sprintf("Holder %d", i+1)}}
		for j := range wizard.MaxRulesPerTier {
			days := j + 1
			switch j % 2 {
			case 0:
				t.Rules = append(t.Rules, wizard.Rule{Type: wizard.RuleMinBalance, Asset: "asset-4", Amount: strconv.Itoa(100 * (j + 1))})
			default:
				t.Rules = append(t.Rules, wizard.Rule{Type: wizard.RuleMinHoldDuration, Asset: "asset-5", Days: &days})
			}
		}
		d.Tiers = append(d.Tiers, t)
	}
	d.ChannelTemplate = wizard.TemplateCustom
	for i := range 30 {
		d.CustomChannels = append(d.CustomChannels, wizard.Channel{Key: fmt.Sprintf("chan-%d", i+1), Name: fmt.Sprintf("Category %d", i+1),
			Type: wizard.ChannelCategory, MinTier: fmt.Sprintf("tier-%d", i%10+1)})
	}
	for i := range 30 {
		d.CustomChannels = append(d.CustomChannels, wizard.Channel{Key: fmt.Sprintf("chan-%d", i+31), Name: fmt.Sprintf("chat-%d", i+1),
			Type: wizard.ChannelText, Parent: fmt.Sprintf("chan-%d", i+1), MinTier: "tier-10"})
	}
	return d
}

func TestEveryStepReadsAtAGlance(t *testing.T) {
	e := newE2E(t, newHTTPTransport)

	// A first walk: Next stays disabled until each step has its answer, and a forged
	// click on the disabled Next is refused and changes nothing.
	r := e.Command("setup")
	glance(t, "step 1, no name", e, r, false)
	next := e.Find("next")
	r = e.Press(next.customID, discordgo.ButtonComponent)
	mustContain(t, "forged Next", r.Text(), msgNotOffered)
	if s := e.Session(); s.State != wizard.StateInit {
		t.Fatalf("a click on the disabled Next moved the wizard to %s", s.State)
	}
	glance(t, "step 1, named", e, modalStep("open:name", map[string]string{"name": "Honey Jar"})(e), true)
	glance(t, "step 2, no chain", e, e.Click("next"), false)
	glance(t, "step 2, chains", e, e.Click("sel:chains", "ethereum", "base"), true)
	glance(t, "step 3, no asset", e, e.Click("next"), false)
	glance(t, "step 3, usdc", e, modalStep("open:asset", map[string]string{"contract": usdc, "name": "USD Coin", "symbol": "USDC", "decimals": "6"})(e), true)
	glance(t, "step 4, no tier", e, e.Click("next"), false)
	glance(t, "step 4, a tier without rules", e, modalStep("open:tier", map[string]string{"name": "Bronze"})(e), false)
	glance(t, "step 4, a rule", e, modalStep("open:rule", map[string]string{"amount": "100"})(e), true)
	glance(t, "step 5", e, e.Click("next"), true)
	glance(t, "step 6, no layout", e, e.Click("next"), false)
	glance(t, "step 6, a layout", e, e.Click("sel:tmpl", wizard.TemplateAdditiveOnly), true)
	r = e.Click("sel:tmpl", wizard.TemplateCustom)
	glance(t, "step 6, custom without channels", e, r, true)
	if got := selectDefault(r.Message, "ctier"); got != "tier-1" {
		t.Errorf("a new channel is gated at %q by default, want tier-1", got)
	}
	if c := e.Find("sel:parent"); c != nil {
		t.Errorf("the category select is offered while the layout has no category")
	}

	// The largest manifest the limits allow, every step again, with its sub-views.
	ctx := context.Background()
	s := e.Session()
	s.Data, s.State, s.UI = largestManifest(), wizard.StateInit, nil
	if _, err := e.Sessions.Update(ctx, s); err != nil {
		t.Fatalf("fill the session: %v", err)
	}
	glance(t, "max step 6, resumed", e, e.Command("setup"), true)
	for _, step := range []string{"max step 5", "max step 4", "max step 3", "max step 2", "max step 1"} {
		glance(t, step+" (back)", e, e.Click("back"), true)
	}
	glance(t, "max step 2", e, e.Click("next"), true)
	glance(t, "max step 3", e, e.Click("next"), true)
	glance(t, "max step 3, removing the last asset", e, e.Click("rm_asset"), false)
	glance(t, "max step 3, kept", e, e.Click("rm_asset_keep"), true)
	glance(t, "max step 4", e, e.Click("next"), true)
	glance(t, "max step 4, tier 10", e, e.Click("sel:tier", "9"), true)
	glance(t, "max step 4, removing tier 10", e, e.Click("rm_tier"), false)
	glance(t, "max step 4, kept", e, e.Click("rm_tier_keep"), true)
	glance(t, "max step 5", e, e.Click("next"), true)
	glance(t, "max step 5, tier 3", e, e.Click("sel:tier", "2"), true)
	r = e.Click("next")
	glance(t, "max step 6", e, r, true)
	mustContain(t, "channel list page 1", r.Text(), "Channels 1–6 of 60")
	r = e.Click("ch_more")
	glance(t, "max step 6, page 2", e, r, true)
	mustContain(t, "channel list page 2", r.Text(), "Channels 7–12 of 60")
	glance(t, "max step 6, text channel", e, e.Click("sel:ctype", "text"), true)
	if e.Find("sel:parent") == nil {
		t.Errorf("a text channel is offered no category although the layout has categories")
	}
	glance(t, "max step 6, category", e, e.Click("sel:ctype", "category"), true)
	if e.Find("sel:parent") != nil {
		t.Errorf("a category is offered a parent category")
	}
	glance(t, "max step 6, edit", e, e.Click("ch_edit"), true)
	glance(t, "max step 6, editing a category", e, e.Click("sel:chpick", "chan-5"), true)
	glance(t, "max step 6, channels page 2", e, e.Click("sel:chpick", pageValuePref+"1"), true)
	glance(t, "max step 6, editing a text channel", e, e.Click("sel:chpick", "chan-31"), true)
	glance(t, "max step 6, done", e, e.Click("ch_done"), true)
	r = e.Click("ch_layout")
	glance(t, "max step 6, layout and alerts", e, r, true)
	glance(t, "max step 6, mirror", e, e.Click("sel:tmpl", wizard.TemplateParallelMirror), true)
}

// bitsetsInTest are the permission bitsets this file's scenarios use: a name that reads as
// one of them in admin text is jargon.
var bitsetsInTest = []int64{
	wizard.PermViewChannel, discordgo.PermissionSendMessages, wizard.PermViewChannel | wizard.PermManageChannels,
	discordgo.PermissionKickMembers | discordgo.PermissionManageMessages | discordgo.PermissionModerateMembers | discordgo.PermissionViewAuditLogs,
	discordgo.PermissionManageRoles | discordgo.PermissionKickMembers,
}

var (
	snapshotIDPattern = regexp.MustCompile(`v\d{8}`)
	expectedFound     = regexp.MustCompile(`(?i)expected\b.*\bfound`)
	writeCount        = regexp.MustCompile(`(?i)\b\d+\s+(http\s+)?writes?\b`)
	numberPattern     = regexp.MustCompile(`\d+`)
)

// jargon says what in an admin-visible text is jargon ("" when none).
func jargon(text string) string {
	for _, n := range numberPattern.FindAllString(text, -1) {
		v, err := strconv.ParseInt(n, 10, 64)
		if err != nil {
			continue
		}
		for _, b := range bitsetsInTest {
			if v == b {
				return "the permission bitset " + n
			}
		}
	}
	switch {
	case snapshotIDPattern.MatchString(text):
		return "a snapshot id " + snapshotIDPattern.FindString(text)
	case expectedFound.MatchString(text):
		return "\"expected … found\""
	case writeCount.MatchString(text):
		return "a write count " + writeCount.FindString(text)
	}
	return ""
}

// adminTexts are the strings an admin can read in a message: content, embeds, and the
// labels, placeholders and option texts of its components.
func adminTexts(m *discordgo.Message) []string {
	if m == nil {
		return nil
	}
	out := []string{m.Content}
	for _, e := range m.Embeds {
		out = append(out, e.Title, e.Description)
		for _, f := range e.Fields {
			out = append(out, f.Name, f.Value)
		}
		if e.Footer != nil {
			out = append(out, e.Footer.Text)
		}
	}
	for _, rc := range m.Components {
		row, _ := asRow(rc)
		for _, c := range row.Components {
			switch v := c.(type) {
			case *discordgo.Button:
				out = append(out, v.Label)
			case *discordgo.SelectMenu:
				out = append(out, v.Placeholder)
				for _, o := range v.Options {
					out = append(out, o.Label, o.Description)
				}
			}
		}
	}
	return out
}

func TestNoJargonInAdminText(t *testing.T) {
	e := newE2E(t, newHTTPTransport)
	var seen []string
	look := func(what string, r Result) Result {
		t.Helper()
		previewDump(t, what, r.Message)
		for _, s := range adminTexts(r.Message) {
			if j := jargon(s); j != "" {
				t.Errorf("%s shows %s: %q", what, j, s)
			}
			seen = append(seen, s)
		}
		return r
	}
	// The walk, the review and the deploy (its progress and result on the wizard message).
	for _, st := range wizardWalk() {
		look(st.name, st.do(e))
	}
	look("deploy…", e.Click("deploy"))
	r := look("deploy", e.Click("confirm"))
	wiz := r
	mustContain(t, "deploy", r.Text(), "Deployed version 1")
	ctx := context.Background()
	snap, err := e.Shadow.LatestDeployed(ctx, e.Seed.ID)
	if err != nil {
		t.Fatalf("latest deployed: %v", err)
	}
	res := snap.Deployment.Resources

	// The deploy result DMed to the admin (no alert channel) names the server.
	dms := e.FD.DMs(e.Owner.ID)
	if len(dms) == 0 {
		t.Fatalf("no deploy result DM")
	}
	for _, m := range dms {
		look("DM", Result{Message: m})
	}
	mustContain(t, "deploy DM", dms[0].Content, "Deployed version 1 of the setup to the server **")
	// Deploy progress, as the wizard message shows it while the deploy runs.
	for _, p := range []store.DeployProgress{
		{SnapshotID: "v00000001", Status: wizard.DeployPending},
		{SnapshotID: "v00000001", Status: wizard.DeployRoles, RolesDone: 1, RolesTotal: 2, Writes: 3},
		{SnapshotID: "v00000001", Status: wizard.DeployChannels, RolesDone: 2, RolesTotal: 2, ChannelsTotal: 2, Writes: 4},
		{SnapshotID: "v00000001", Status: wizard.DeployPermissions, RolesDone: 2, RolesTotal: 2, ChannelsDone: 2, ChannelsTotal: 2, Writes: 5},
		{SnapshotID: "v00000001", Status: wizard.DeployCompleted, RolesDone: 2, RolesTotal: 2, ChannelsDone: 2, ChannelsTotal: 2, Writes: 6},
		{SnapshotID: "v00000001", Status: wizard.DeployFailed, RolesDone: 1, RolesTotal: 2, ChannelsTotal: 2, Writes: 1},
	} {
		look("progress "+string(p.Status), Result{Message: &discordgo.Message{Content: deployStatusText(nil, &p)}})
	}
	mustContain(t, "progress", deployStatusText(nil, &store.DeployProgress{Status: wizard.DeployRoles, RolesDone: 1, RolesTotal: 2}),
		"Creating roles: 1 of 2 done")

	// Drift in the ways that used to read as bitsets: @everyone may send messages, a tier
	// role gains moderation permissions, a channel is deleted, a role renamed.
	gid := e.Seed.ID
	e.FD.SetOverwrite(res.Channels["chan-1"], discordgo.PermissionOverwrite{ID: gid, Type: discordgo.PermissionOverwriteTypeRole, Deny: discordgo.PermissionSendMessages})
	e.FD.UpdateRole(gid, res.Roles["tier-1"], func(r *discordgo.Role) {
		r.Name, r.Permissions = "Bronze Renamed", discordgo.PermissionManageRoles|discordgo.PermissionKickMembers
	})
	e.FD.DeleteChannel(res.Channels["chan-2"])
	r = look("/drift", e.Command("drift"))
	mustContain(t, "/drift", r.Text(), "can't send messages", "now can manage roles, kick members", "missing", "version 1")
	e.Follow(r)
	look("reconcile…", e.Click("rec"))
	r = look("reconciled", e.Click("rec_ok"))
	mustContain(t, "reconciled", r.Text(), "Reconciled", "version 2")

	// The scheduled drift check's alert, after another change.
	e.FD.UpdateRole(gid, res.Roles["tier-1"], func(r *discordgo.Role) {
		r.Permissions = discordgo.PermissionManageRoles | discordgo.PermissionKickMembers
	})
	if _, err := e.Deploy.CheckDrift(ctx, gid); err != nil {
		t.Fatalf("drift check: %v", err)
	}
	if a, err := e.Shadow.Alert(ctx, gid); err == nil {
		look("alert", Result{Message: &discordgo.Message{Content: a.Text}})
		if !strings.Contains(a.Text, "now can manage roles") {
			t.Errorf("drift alert does not say what changed: %q", a.Text)
		}
	} else {
		t.Fatalf("read the drift alert: %v", err)
	}
	for _, m := range e.FD.DMs(e.Owner.ID) {
		look("DM", Result{Message: m})
	}

	// Roll back from /setup (edit mode) to version 1.
	e.Follow(wiz)
	look("finish", e.Click("finish"))
	r = look("/setup in edit mode", e.Command("setup"))
	r = look("roll back…", e.Follow(e.Click("rb")))
	look("roll back to version 1?", e.Click("rbpick", "1"))
	r = look("rolled back", e.Click("rb_ok"))
	mustContain(t, "rolled back", r.Text(), "version 1")
	if len(seen) < 50 {
		t.Fatalf("only %d texts looked at; the scenario did not run", len(seen))
	}
}

func TestReviewShowsAccess(t *testing.T) {
	e := newE2E(t, newHTTPTransport)
	runWalk(t, e, wizardWalk())
	r := e.Last
	previewDump(t, "review", r.Message)
	text := r.Text()
	mod := "<@&" + e.Seed.ModeratorRoleID + ">"
	// Per channel, the tier roles that see it, and that everyone else is shut out.
	mustContain(t, "review access", text, "**Who sees what**",
		"Category **Holders** — **Bronze Holder**, "+mod+"; hidden from everyone else",
		`**#holders\-chat** in Holders — **Bronze Holder**, `+mod+"; hidden from everyone else",
		"**Tier roles**", "Tier 1 **Bronze** → new role **Bronze Holder**",
		"Tier 2 **Gold** → existing role "+mod+" (adopted)")
	// The adopted Moderator role carries moderation permissions: the review warns.
	mustContain(t, "staff warning", text, "⚠️ **It has staff permissions:** it can kick members, manage messages, time out members and view the audit log")
	// The access table comes first, then the changes, then the preflight.
	who, changes, pre := strings.Index(text, "Who sees what"), strings.Index(text, "**Changes:**"), strings.Index(text, "Preflight passed")
	if !(who >= 0 && who < changes && changes < pre) {
		t.Errorf("review order: access %d, changes %d, preflight %d:\n%s", who, changes, pre, text)
	}
	// A new role with no staff permissions draws no warning.
	if strings.Count(text, "staff permissions") != 1 {
		t.Errorf("want exactly one staff warning:\n%s", text)
	}
}
