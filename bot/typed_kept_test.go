package bot

import (
	"context"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/arrakis-bot/arrakis/store"
	"github.com/arrakis-bot/arrakis/wizard"
)

// raceOnce is a session store where the next Update loses a race: another write lands
// first, as when a second click wins.
type raceOnce struct {
	store.Sessions
	armed bool
}

func (r *raceOnce) Update(ctx context.Context, s *wizard.Session) (*wizard.Session, error) {
	if r.armed {
		r.armed = false
		cur, err := r.Sessions.Get(ctx, s.ID)
		if err != nil {
			return nil, err
		}
		cur.Data.CommunityName = "Changed Meanwhile"
		// The winning click is another interaction: its write carries its own id.
		if _, err := r.Sessions.Update(store.WithWriteID(ctx, "1499999999999999999"), cur); err != nil {
			return nil, err
		}
	}
	return r.Sessions.Update(ctx, s)
}

// Typed input survives a save that lost its race: the wizard shows the winner's state with
// a Fix button, and Fix reopens the form with exactly what was typed.
func TestTypedInputKeptAfterLostRace(t *testing.T) {
	r := newHandlerRig(t)
	race := &raceOnce{Sessions: r.sessions}
	r.b.d.Sessions = race
	r.prepare(3)
	r.click("open:asset")
	typed := map[string]string{"contract": usdc, "name": "Typed Coin", "symbol": "TYP", "decimals": "7"}
	race.armed = true
	r.submit(typed)
	s := r.session()
	if s.Data.CommunityName != "Changed Meanwhile" || len(s.Data.Assets) != 1 {
		t.Fatalf("expected the winner's state with one asset: %q %d", s.Data.CommunityName, len(s.Data.Assets))
	}
	if fixPending(s) != "asset" || !strings.Contains(s.UI[uiFixMsg], "not saved") {
		t.Fatalf("no Fix for the unsaved form: %v", s.UI)
	}
	r.click("open:asset") // the Fix button opens the same form
	if r.modal == nil {
		t.Fatalf("Fix opened no form")
	}
	got := map[string]string{}
	for _, rc := range r.modal.Components {
		row, _ := asRow(rc)
		for _, c := range row.Components {
			if ti, ok := c.(discordgo.TextInput); ok {
				got[ti.CustomID] = ti.Value
			}
		}
	}
	for k, v := range typed {
		if got[k] != v {
			t.Fatalf("Fix form %s = %q, typed %q", k, got[k], v)
		}
	}
	r.submit(typed)
	if s = r.session(); len(s.Data.Assets) != 2 || s.Data.Assets[1].Name != "Typed Coin" {
		t.Fatalf("resubmitted form not saved: %+v", s.Data.Assets)
	}
}
