package bot

import (
	"testing"

	"github.com/arrakis-bot/arrakis/wizard"
)

// Each modal's bad input is shown on the wizard message with the field and the reason and
// a Fix button; Fix reopens the modal pre-filled with what was typed; nothing entered on
// earlier steps is lost; corrected input is then accepted.
func TestModalBadInputShowsFieldReasonAndFix(t *testing.T) {
	cases := []struct {
		name   string
		at     string // the walk step before which the modal is used
		open   string
		bad    map[string]string
		reason []string
		good   map[string]string
	}{
		{"community name", "name", "open:name", map[string]string{"name": "ab"},
			[]string{"Community name", "3"}, map[string]string{"name": "Honey Jar"}},
		{"asset contract", "usdc", "open:asset",
			map[string]string{"contract": "0x1234", "name": "USD Coin", "symbol": "USDC", "decimals": "6"},
			[]string{"Contract address"}, map[string]string{"contract": usdc, "name": "USD Coin", "symbol": "USDC", "decimals": "6"}},
		{"asset decimals", "usdc", "open:asset",
			map[string]string{"contract": usdc, "name": "USD Coin", "symbol": "USDC", "decimals": "99"},
			[]string{"Decimals", "0 to 36"}, map[string]string{"contract": usdc, "name": "USD Coin", "symbol": "USDC", "decimals": "6"}},
		{"tier name", "tier bronze", "open:tier", map[string]string{"name": "   "},
			[]string{"Tier name"}, map[string]string{"name": "Bronze"}},
		{"rule amount", "rule amount", "open:rule", map[string]string{"amount": "lots"},
			[]string{"Minimum balance"}, map[string]string{"amount": "100"}},
		{"role colour", "bronze role", "open:role", map[string]string{"name": "Bronze Holder", "color": "#GGGGGG"},
			[]string{"Colour", "#FF00AA"}, map[string]string{"name": "Bronze Holder", "color": "#CD7F32"}},
		{"channel name", "category", "open:channel", map[string]string{"name": "Holders\nHQ"},
			[]string{"Channel name"}, map[string]string{"name": "Holders"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newE2E(t, newHTTPTransport)
			runWalk(t, e, walkUntil(t, c.at))
			before := e.Session()

			e.Click(c.open)
			r := e.Submit(c.bad)
			mustContain(t, "refusal", r.Text(), append([]string{"⚠️", "Press **Fix**"}, c.reason...)...)
			if e.FindLabel("Fix…") == nil {
				t.Fatalf("no Fix button: %v", e.customIDs())
			}
			after := e.Session()
			if !sameAnswers(before.Data, after.Data) {
				t.Fatalf("bad input changed the answers:\nbefore %+v\nafter  %+v", before.Data, after.Data)
			}

			r = e.Click(c.open) // the Fix button opens the same modal
			if r.Modal == nil {
				t.Fatalf("Fix did not open a modal")
			}
			for k, v := range c.bad {
				if got := e.ModalValues()[k]; got != v {
					t.Fatalf("Fix modal %s = %q, want what was typed %q", k, got, v)
				}
			}
			r = e.Submit(c.good)
			if e.FindLabel("Fix…") != nil || fixPending(e.Session()) != "" {
				t.Fatalf("corrected input still refused:\n%s", r.Text())
			}
		})
	}
}

// walkUntil returns the wizard walk up to (not including) the named step.
func walkUntil(t *testing.T, name string) []walkStep {
	walk := wizardWalk()
	for i, st := range walk {
		if st.name == name {
			return walk[:i]
		}
	}
	t.Fatalf("no walk step %q", name)
	return nil
}

// sameAnswers compares the answers of two sessions through their JSON form.
func sameAnswers(a, b wizard.SessionData) bool {
	return mustJSON(a) == mustJSON(b)
}
