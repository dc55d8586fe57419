package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/arrakis-bot/arrakis/internal/fakediscord"
	"github.com/arrakis-bot/arrakis/store"
	"github.com/arrakis-bot/arrakis/wizard"
)

// storedSession is the guild's session as stored, byte for byte.
func (e *E2E) storedSession() []byte {
	e.t.Helper()
	s := e.Session()
	if s == nil {
		return nil
	}
	b, err := json.Marshal(s)
	if err != nil {
		e.t.Fatalf("marshal session: %v", err)
	}
	return b
}

// mustRefuse presses a forged control and checks that it was answered with a sentence and
// that the stored session did not change.
func (e *E2E) mustRefuse(what, customID string, kind discordgo.ComponentType, values ...string) {
	e.t.Helper()
	before, last, wizardID := e.storedSession(), e.Last, e.WizardID
	r := e.Press(customID, kind, values...)
	if after := e.storedSession(); !bytes.Equal(before, after) {
		e.t.Fatalf("%s (%q %v) changed the session:\nbefore %s\nafter  %s", what, customID, values, before, after)
	}
	if r.Modal != nil {
		e.t.Fatalf("%s (%q) opened a modal", what, customID)
	}
	if strings.TrimSpace(r.Text()) == "" {
		e.t.Fatalf("%s (%q) was not answered with a sentence", what, customID)
	}
	e.Last, e.WizardID = last, wizardID
}

// forgeAll tries forged variants of every control on the wizard message.
func forgeAll(t *testing.T, e *E2E, otherGuildRole string) {
	t.Helper()
	step := e.Session().State
	for _, c := range e.components() {
		what := step.Title() + " " + c.customID
		e.mustRefuse(what+": extra part", c.customID+":zz", c.kind)
		e.mustRefuse(what+": oversized", c.customID+":"+strings.Repeat("a", 120), c.kind)
		if id, err := parseCustomID(c.customID); err == nil {
			id.Action = "zzz"
			e.mustRefuse(what+": unknown action", id.String(), c.kind)
		}
		switch c.kind {
		case discordgo.ButtonComponent:
			e.mustRefuse(what+": button sent as a select", c.customID, discordgo.SelectMenuComponent, "x")
			if c.disabled {
				e.mustRefuse(what+": disabled button", c.customID, c.kind)
			}
		case discordgo.SelectMenuComponent:
			e.mustRefuse(what+": value not offered", c.customID, c.kind, "not-offered")
			e.mustRefuse(what+": oversized value", c.customID, c.kind, strings.Repeat("v", 3000))
			e.mustRefuse(what+": another guild's id", c.customID, c.kind, otherGuildRole)
			e.mustRefuse(what+": select sent as a button", c.customID, discordgo.ButtonComponent)
			e.mustRefuse(what+": too many values", c.customID, c.kind, "ethereum", "polygon", "base", "x", "y", "z", "w")
		case discordgo.RoleSelectMenuComponent:
			e.mustRefuse(what+": another guild's role", c.customID, c.kind, otherGuildRole)
			e.mustRefuse(what+": role that does not exist", c.customID, c.kind, "111111111111111111")
			e.mustRefuse(what+": not an id", c.customID, c.kind, "everyone")
			e.mustRefuse(what+": role select sent as a string select", c.customID, discordgo.SelectMenuComponent, e.Seed.ModeratorRoleID)
		}
	}
}

// TestForgedComponents: at every step, every rendered select and button is tried with
// forged input, and actions are tried in states where they are not offered; each is
// refused with a sentence and the stored session is unchanged byte for byte.
func TestForgedComponents(t *testing.T) {
	e := newE2E(t, newHTTPTransport)
	other := e.FD.Seed(fakediscord.GuildOptions{ID: "555555555555555555"})
	forged := map[wizard.State]bool{}
	for _, st := range wizardWalk() {
		st.do(e)
		s := e.Session()
		if s == nil || forged[s.State] {
			continue
		}
		forged[s.State] = true
		forgeAll(t, e, other.ModeratorRoleID)
	}
	s := e.Session()
	if s.State != wizard.StateReview {
		t.Fatalf("walk ended at %s", s.State)
	}
	// /drift and rollback controls: extra parts, values on a button, another guild, a
	// version the select never offered.
	g := e.Seed.ID
	for _, bad := range []struct {
		what, id string
		kind     discordgo.ComponentType
		values   []string
	}{
		{"drift: extra part", "arrd:" + g + ":refresh:0:zz", discordgo.ButtonComponent, nil},
		{"drift: bad hash", "arrd:" + g + ":rb_ok:1:hxyz", discordgo.ButtonComponent, nil},
		{"drift: values on a button", "arrd:" + g + ":rb:0", discordgo.ButtonComponent, []string{"1"}},
		{"drift: another guild", "arrd:" + other.ID + ":refresh:0", discordgo.ButtonComponent, nil},
		{"drift: version never offered", "arrd:" + g + ":rbpick:0", discordgo.SelectMenuComponent, []string{"7"}},
		{"drift: rollback confirm without its hash", "arrd:" + g + ":rb_ok:1", discordgo.ButtonComponent, nil},
		{"drift: oversized", "arrd:" + g + ":refresh:" + strings.Repeat("1", 120), discordgo.ButtonComponent, nil},
	} {
		e.mustRefuse(bad.what, bad.id, bad.kind, bad.values...)
	}
	// REVIEW: Confirm without Deploy… (the review of that manifest) is refused.
	e.mustRefuse("confirm without review", idFor(s, "confirm"), discordgo.ButtonComponent)
	// Controls of other steps, rendered for this session's version, are refused too.
	for _, a := range []string{"rm_asset", "rm_tier", "hoist", "finish", "retry", "refresh"} {
		e.mustRefuse("action of another step: "+a, idFor(s, a), discordgo.ButtonComponent)
	}

	// DEPLOY while a deploy runs: no cancel, no retry, no finish.
	ctx := context.Background()
	s, err := e.Sessions.Transition(ctx, s.ID, s.Version, wizard.StateDeploy)
	if err != nil {
		t.Fatalf("transition: %v", err)
	}
	s.Data.Deploy = &wizard.DeployState{Status: wizard.DeployRoles}
	if s, err = e.Sessions.Update(ctx, s); err != nil {
		t.Fatalf("update: %v", err)
	}
	// A deploy is running while its lease is live (DESIGN §5): a progress record alone
	// would be a deploy whose process ended, shown as stopped.
	if _, err := e.Coord.AcquireLease(ctx, "deploy:"+e.Seed.ID, time.Minute); err != nil {
		t.Fatalf("lease: %v", err)
	}
	if err := e.Coord.SaveProgress(ctx, &store.DeployProgress{GuildID: e.Seed.ID, Status: wizard.DeployRoles, StartedBy: e.Owner.ID,
		StartedAt: time.Now(), RolesTotal: 2, RolesDone: 1}); err != nil {
		t.Fatalf("progress: %v", err)
	}
	for _, a := range []string{actCancel, "retry", "finish", "confirm", actBack} {
		e.mustRefuse("deploy running: "+a, idFor(s, a), discordgo.ButtonComponent)
	}
	// The DEPLOY message as /setup shows it (Refresh only), its controls forged too.
	if r := e.Command("setup"); !strings.Contains(r.Text(), "Deploying") || e.Find("refresh") == nil {
		t.Fatalf("/setup during the deploy: %s %v", r.Text(), e.customIDs())
	}
	forgeAll(t, e, other.ModeratorRoleID)
	// A modal of an earlier step submitted now is refused as well.
	before := e.storedSession()
	e.modal = &fakediscord.Modal{CustomID: customID{SessionID: s.ID, Step: 1, Version: s.Version, Action: actModal, Arg: "name"}.String(),
		Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{&discordgo.TextInput{CustomID: "name"}}}}}
	e.Submit(map[string]string{"name": "Forged"})
	if !bytes.Equal(before, e.storedSession()) {
		t.Fatalf("a forged modal submit changed the session")
	}
}
