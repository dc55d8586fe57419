package bot

import (
	"context"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/arrakis-bot/arrakis/bot/deploy"
	"github.com/arrakis-bot/arrakis/wizard"
)

// TestConfirmationMatchesWhatRunsForSessions: a take-over, cancel or rollback confirmation
// is bound to the session state it described. When the session changes between
// showing and clicking, nothing runs and the new state is shown; its fresh confirm runs.
func TestConfirmationMatchesWhatRunsForSessions(t *testing.T) {
	for _, tc := range []struct{ open, ok string }{{"takeover", "takeover_ok"}, {"cancel", "cancel_ok"}} {
		t.Run(tc.open, func(t *testing.T) {
			e := newE2E(t, newHTTPTransport)
			e.Command("setup")
			ownerMsg, ownerLast := e.WizardID, e.Last
			other := Member{ID: "990000000000000011", Name: "second", Permissions: discordgo.PermissionAdministrator}
			e.FD.AddMember(e.Seed.ID, other.ID, other.Name, e.Seed.AdminRoleID)
			e.As = other
			e.Command("setup")
			r := e.Click(tc.open)
			mustContain(t, "confirmation", r.Message.Content, "<@"+e.Owner.ID+">", "no answers yet")
			stale := e.Find(tc.ok)
			otherMsg, otherLast := e.WizardID, e.Last

			// The owner answers meanwhile.
			e.As, e.WizardID, e.Last = e.Owner, ownerMsg, ownerLast
			e.Click("open:name")
			e.Submit(map[string]string{"name": "Honey Jar"})
			before := e.storedSession()

			e.As, e.WizardID, e.Last = other, otherMsg, otherLast
			r = e.Press(stale.customID, stale.kind)
			if string(before) != string(e.storedSession()) {
				t.Fatalf("a stale %s confirmation ran", tc.ok)
			}
			mustContain(t, "new state", r.Message.Content, "changed since you looked", "community **Honey Jar**")
			s := e.Session()
			if s == nil || s.OwnerID != e.Owner.ID {
				t.Fatalf("session after stale confirm: %+v", s)
			}
			r = e.Click(tc.ok)
			s = e.Session()
			if tc.ok == "takeover_ok" && (s == nil || s.OwnerID != other.ID) {
				t.Fatalf("fresh take-over confirm did not run: %+v", s)
			}
			if tc.ok == "cancel_ok" && s != nil {
				t.Fatalf("fresh cancel confirm did not run: %+v", s)
			}
		})
	}
	t.Run("rollback", rollbackConfirmationMatches)
}

// rollbackConfirmationMatches: rollback's confirmation names the open session it ends; when that session changes (here:
// another admin's session replaces the admin's own) between showing and clicking, nothing
// runs and the new confirmation names the other admin; its confirm then runs.
func rollbackConfirmationMatches(t *testing.T) {
	e := newE2E(t, newHTTPTransport)
	ctx := context.Background()
	m1 := deployedManifest(t, e)
	if _, err := e.Deploy.Deploy(ctx, deploy.Request{GuildID: e.Seed.ID, Manifest: m1, By: e.Owner.ID}); err != nil {
		t.Fatal(err)
	}
	d := wizard.SessionDataFromManifest(m1, "")
	d.Tiers[1].Role.Name = "Gold Members"
	m2, ps := wizard.BuildManifest(e.Seed.ID, d)
	if len(ps) > 0 {
		t.Fatal(ps)
	}
	if _, err := e.Deploy.Deploy(ctx, deploy.Request{GuildID: e.Seed.ID, Manifest: m2, By: e.Owner.ID}); err != nil {
		t.Fatal(err)
	}
	e.Command("setup")
	e.Follow(e.Click("rb"))
	r := e.Click("rbpick", "1")
	mustContain(t, "confirm", r.Text(), "Roll back to version 1?", "Your open /setup session ends")
	e.mustRefuse("a version the select did not offer", driftID{Guild: e.Seed.ID, Action: "rbpick"}.String(), discordgo.SelectMenuComponent, "2")
	stale := e.Find("rb_ok")
	rbMsg, rbLast := e.WizardID, e.Last

	other := Member{ID: "990000000000000012", Name: "second", Permissions: discordgo.PermissionAdministrator}
	e.FD.AddMember(e.Seed.ID, other.ID, other.Name, e.Seed.AdminRoleID)
	e.As = other
	e.Command("setup")
	e.Click("cancel")
	e.Click("cancel_ok")
	e.Command("setup")
	theirs := e.Session()
	if theirs == nil || theirs.OwnerID != other.ID {
		t.Fatalf("other admin's session: %+v", theirs)
	}

	e.As, e.WizardID, e.Last = e.Owner, rbMsg, rbLast
	writes := e.FD.WriteCount()
	r = e.Press(stale.customID, stale.kind)
	if n := e.FD.WriteCount(); n != writes {
		t.Fatalf("a stale rollback confirmation made %d writes", n-writes)
	}
	if s := e.Session(); s == nil || s.ID != theirs.ID {
		t.Fatalf("a stale rollback confirmation ended the other admin's session")
	}
	mustContain(t, "new confirmation", r.Text(), "changed since you looked", "<@"+other.ID+">'s open /setup session ends")
	e.Last = r
	r = e.Click("rb_ok")
	mustContain(t, "rolled back", r.Message.Content, "Rolled back: version 1 is deployed again")
	if e.Session() != nil {
		t.Fatalf("the confirmed rollback left the session it said it would end")
	}
}
