package bot

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/arrakis-bot/arrakis/wizard"
)

// A plan longer than a page is listed a page at a time, and paging through the review
// shows every change the deploy will make, in the plan's order — also on the confirmation,
// whose Deploy button still runs that plan.
func TestReviewPagesThroughEveryChange(t *testing.T) {
	e := newE2E(t, newHTTPTransport)
	ctx := context.Background()
	e.Command("setup")
	s := e.Session()
	s.Data, s.UI = largestManifest(), nil
	if _, err := e.Sessions.Update(ctx, s); err != nil {
		t.Fatalf("fill the session: %v", err)
	}
	e.Command("setup")
	for range 8 {
		if e.Session().State == wizard.StateReview {
			break
		}
		e.Click("next")
	}
	e.mustState(wizard.StateReview)
	m, ps := wizard.BuildManifest(e.Seed.ID, e.Session().Data)
	if len(ps) > 0 {
		t.Fatal(ps)
	}
	rv, err := e.Deploy.Review(ctx, e.Seed.ID, m)
	if err != nil {
		t.Fatalf("review: %v", err)
	}
	if len(rv.Plan) <= 2*planPageSize {
		t.Fatalf("the plan has %d changes; the test needs more than two pages", len(rv.Plan))
	}
	var want []string
	for _, op := range rv.Plan {
		want = append(want, "• "+opText(op))
	}

	// pageThrough collects the plan lines of every page, pressing ▶ until it is gone.
	pageThrough := func(name string) []string {
		t.Helper()
		var got []string
		for page := 0; ; page++ {
			text := e.Last.Text()
			for _, line := range strings.Split(text, "\n") {
				if strings.HasPrefix(line, "• ") && slices.Contains(want, line) {
					got = append(got, line)
				}
			}
			more := e.FindLabel("More changes ▶")
			if more == nil {
				if page == 0 || e.FindLabel("◀ Earlier changes") == nil {
					t.Fatalf("%s: the last page offers no ◀ Earlier changes:\n%s", name, text)
				}
				return got
			}
			if page > len(want) {
				t.Fatalf("%s: more pages than changes", name)
			}
			e.Press(more.customID, discordgo.ButtonComponent)
		}
	}
	if got := pageThrough("review"); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("paging the review showed %d lines, want the plan's %d in order", len(got), len(want))
	}

	// Back to the first page, then the confirmation pages the same plan.
	for e.FindLabel("◀ Earlier changes") != nil {
		e.Press(e.FindLabel("◀ Earlier changes").customID, discordgo.ButtonComponent)
	}
	mustContain(t, "first page", e.Last.Text(), "Changes 1–15 of")
	r := e.Click("deploy")
	previewDump(t, "confirmation, first page of a long plan", r.Message)
	mustContain(t, "confirm", r.Text(), fmt.Sprintf("exactly the %d changes listed, page by page", len(want)))
	if got := pageThrough("confirmation"); len(got) != len(want) {
		t.Fatalf("paging the confirmation showed %d lines, want %d", len(got), len(want))
	}
	if e.FindLabel("Deploy these changes") == nil {
		t.Fatalf("the last page of the confirmation has no Deploy button:\n%s", e.Last.Text())
	}
	var hash string
	if c := e.Find("confirm"); c != nil {
		id, err := parseCustomID(c.customID)
		if err != nil {
			t.Fatal(err)
		}
		hash = id.Arg
	}
	if hash != rv.PlanHash {
		t.Fatalf("Deploy on a later page carries plan hash %q, want the plan's %q", hash, rv.PlanHash)
	}
}
