package bot

import (
	"context"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
)

// TestReviewNameCollisions: a tier role and a category the walk would create share their
// names (exactly, and up to case) with a role and a category the admin already has. The
// review lists both, Deploy stays disabled until each is decided, "Create another" and
// "Adopt" are remembered in the session and shown as decided, a forged choice changes
// nothing, and the deploy leaves the admin's role alone and manages the adopted category.
func TestReviewNameCollisions(t *testing.T) {
	e := newE2E(t, newHTTPTransport)
	gid := e.Seed.ID
	roleID := e.FD.CreateRole(gid, discordgo.Role{Name: "Bronze Holder", Color: 0x123456})
	catID := e.FD.CreateChannel(gid, discordgo.Channel{Name: "HOLDERS", Type: discordgo.ChannelTypeGuildCategory})

	walk := wizardWalk()
	runWalk(t, e, walk[:len(walk)-1])
	r := e.Click("next")
	mustContain(t, "review", r.Text(), "Name collisions", "<@&"+roleID+">", "<#"+catID+">", "same name up to case")
	if c := e.Find("deploy"); c == nil || !c.disabled {
		t.Fatalf("Deploy… is enabled with undecided collisions: %+v", c)
	}

	// A forged choice (a collision the review does not offer) changes nothing.
	forged := e.Find(actColCreate)
	if forged == nil {
		t.Fatalf("no Create another button; components: %v", e.customIDs())
	}
	before := e.Session().Version
	id, _ := parseCustomID(forged.customID)
	id.Arg = "role.tier-9"
	e.Press(id.String(), discordgo.ButtonComponent)
	if s := e.Session(); s.Version != before || len(s.Data.CreateAnyway) != 0 {
		t.Fatalf("a forged collision choice changed the session: %+v", s.Data.CreateAnyway)
	}

	r = e.Click(actColCreate) // the role: create another next to the admin's
	if s := e.Session(); len(s.Data.CreateAnyway) != 1 || s.Data.CreateAnyway[0] != "role:tier-1" {
		t.Fatalf("create another not recorded: %+v", s.Data.CreateAnyway)
	}
	mustContain(t, "after create another", r.Text(), "creating another")
	r = e.Click(actColAdopt) // the category: adopt the admin's
	if s := e.Session(); s.Data.ChannelAdopts["chan-1"] != catID {
		t.Fatalf("adopt not recorded: %+v", s.Data.ChannelAdopts)
	}
	if c := e.Find("deploy"); c == nil || c.disabled {
		t.Fatalf("Deploy… still disabled after every collision was decided; message:\n%s", r.Text())
	}

	e.Click("deploy")
	mustContain(t, "deploy", e.Click("confirm").Text(), "Deployed")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	snap, err := e.Shadow.LatestDeployed(ctx, gid)
	if err != nil {
		t.Fatal(err)
	}
	res := snap.Deployment.Resources
	if res.Channels["chan-1"] != catID || !res.IsAdopted(catID) {
		t.Errorf("the category was not adopted: %+v", res)
	}
	if res.Roles["tier-1"] == roleID || res.Roles["tier-1"] == "" {
		t.Errorf("tier-1's role = %q, want a new one (the admin's is %s)", res.Roles["tier-1"], roleID)
	}
	if got := e.FD.Role(gid, roleID); got == nil || got.Name != "Bronze Holder" || got.Color != 0x123456 {
		t.Errorf("the admin's role changed: %+v", got)
	}

	// /drift: the managed chat channel was deleted and someone made one of the same name;
	// the fix would create another next to it, and /drift says so.
	e.FD.DeleteChannel(res.Channels["chan-2"])
	twin := e.FD.CreateChannel(gid, discordgo.Channel{Name: "holders-chat", Type: discordgo.ChannelTypeGuildText, ParentID: catID})
	r = e.Command("drift")
	mustContain(t, "/drift", r.Text(), "Channel **holders\\-chat**: missing", "Name collisions", "<#"+twin+">")
}
