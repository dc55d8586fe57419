package deploy

import (
	"strings"
	"testing"

	"github.com/arrakis-bot/arrakis/wizard"
)

// TestReviewWarnsAdoptedRoleOutOfOrder: an adopted role is never moved, so when a lower
// tier's role will be created (directly below the bot's role, above the adopted one) the
// review says so; the deploy then leaves the adopted role where it was.
func TestReviewWarnsAdoptedRoleOutOfOrder(t *testing.T) {
	e := newEnv(t)
	ctx := ctxT(t)
	m := loadManifest(t, "community.yaml", e.guild.ID)
	m.Tiers[1].Role = wizard.RoleSpec{Name: "Moderator", Adopt: e.guild.ModeratorRoleID}
	rev, err := e.svc.Review(ctx, e.guild.ID, m)
	if err != nil {
		t.Fatal(err)
	}
	if len(rev.Notes) != 1 || !strings.Contains(rev.Notes[0], "The adopted role “Moderator” (tier Collector) will sit below the role of the lower tier Holder") {
		t.Fatalf("notes %q, want the adopted role out of tier order", rev.Notes)
	}
	pos := e.fd.Role(e.guild.ID, e.guild.ModeratorRoleID).Position
	if _, err := e.svc.Deploy(ctx, Request{GuildID: e.guild.ID, Manifest: m, By: "tester"}); err != nil {
		t.Fatal(err)
	}
	if got := e.fd.Role(e.guild.ID, e.guild.ModeratorRoleID).Position; got != pos {
		t.Errorf("the adopted role moved from %d to %d", pos, got)
	}
	m.Tiers[1].Role = wizard.RoleSpec{Name: "Collector"}
	if rev, err = e.svc.Review(ctx, e.guild.ID, m); err != nil || len(rev.Notes) != 0 {
		t.Errorf("notes without adoption: %q (%v)", rev.Notes, err)
	}
}
