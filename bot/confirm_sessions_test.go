package bot

import (
	"testing"

	"github.com/bwmarrin/discordgo"
)

// TestConfirmationMatchesWhatRunsForSessions: a take-over or cancel confirmation of another
// admin's session is bound to the session it described. When the session changes between
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
}
