package bot

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/arrakis-bot/arrakis/bot/deploy"
	"github.com/arrakis-bot/arrakis/store"
	"github.com/arrakis-bot/arrakis/wizard"
)

// TestConfirmationMatchesWhatRuns: every confirm control (deploy, reconcile, accept,
// prune) is bound to what it showed. When the guild or the manifest changes between the
// confirmation being shown and clicked, the click writes nothing and shows the new plan;
// confirming that one performs exactly the operations listed, counted at the fake.
func TestConfirmationMatchesWhatRuns(t *testing.T) {
	t.Run("deploy", func(t *testing.T) {
		e := newE2E(t, newHTTPTransport)
		ctx := context.Background()
		res := mustDeploy(t, e, deployedManifest(t, e))
		// Edit mode; the server drifted once already, so the plan has one change.
		e.FD.UpdateRole(e.Seed.ID, res.Roles["tier-2"], func(r *discordgo.Role) { r.Color = 0x123456 })
		e.Command("setup")
		for range 6 {
			e.Click("next")
		}
		e.mustState(wizard.StateReview)
		r := e.Click("deploy")
		mustContain(t, "review", r.Text(), "**Changes:** update 1 role", "Update role **Gold**")
		shown := confirmHash(t, e, "confirm")

		// Someone deletes a managed channel before the click.
		e.FD.DeleteChannel(res.Channels[wizard.TierChatKey("tier-1")])
		e.FD.ResetCounts()
		r = e.Click("confirm")
		if n := e.FD.WriteCount(); n != 0 {
			t.Fatalf("a stale deploy confirmation made %d writes", n)
		}
		e.mustState(wizard.StateReview)
		mustContain(t, "new plan", r.Text(), "Nothing was changed", "Update role **Gold**", "Create channel **bronze** in **Members**")
		if again := confirmHash(t, e, "confirm"); again == shown {
			t.Fatalf("the new plan's Confirm carries the old hash %s", shown)
		}
		lines := planLines(r)

		e.FD.ResetCounts()
		r = e.Click("confirm")
		mustContain(t, "deployed", r.Text(), "Deployed")
		if n := e.FD.WriteCount(); n != lines {
			t.Fatalf("the confirmed deploy made %d writes; it listed %d changes:\n%v", n, lines, e.FD.Requests())
		}
		assertNoDrift(t, e, ctx)
	})

	t.Run("retry of a failed deploy", func(t *testing.T) {
		e := newE2E(t, newHTTPTransport)
		ctx := context.Background()
		res := mustDeploy(t, e, deployedManifest(t, e))
		e.FD.DeleteChannel(res.Channels[wizard.TierChatKey("tier-1")])
		e.FD.DeleteChannel(res.Channels[wizard.TierChatKey("tier-2")])
		e.Command("setup")
		for range 6 {
			e.Click("next")
		}
		e.Click("deploy")
		e.FD.FailNext(http.MethodPost, "/guilds/"+e.Seed.ID+"/channels", 1, http.StatusBadRequest, 0)
		r := e.Click("confirm")
		mustContain(t, "failed", r.Text(), "The deploy stopped before changing anything", "Retry starts it again")

		r = e.Click("retry")
		mustContain(t, "retry confirm", r.Text(), "**Retry** makes exactly these changes", "Create channel **bronze**", "Create channel **gold**")
		e.FD.UpdateRole(e.Seed.ID, res.Roles["tier-1"], func(r *discordgo.Role) { r.Hoist = true })
		e.FD.ResetCounts()
		r = e.Click("retry_ok")
		if n := e.FD.WriteCount(); n != 0 {
			t.Fatalf("a stale retry confirmation made %d writes", n)
		}
		mustContain(t, "new rest", r.Text(), "Nothing was changed", "Update role **Bronze** (shown separately)")
		lines := planLines(r)

		e.FD.ResetCounts()
		r = e.Click("retry_ok")
		mustContain(t, "deployed", r.Text(), "Deployed")
		if n := e.FD.WriteCount(); n != lines {
			t.Fatalf("the confirmed retry made %d writes; it listed %d:\n%v", n, lines, e.FD.Requests())
		}
		assertNoDrift(t, e, ctx)
	})

	t.Run("reconcile", func(t *testing.T) {
		e := newE2E(t, newHTTPTransport)
		ctx := context.Background()
		res := mustDeploy(t, e, deployedManifest(t, e))
		e.FD.DeleteRole(e.Seed.ID, res.Roles["tier-2"])
		e.Command("drift")
		r := e.Click("rec")
		mustContain(t, "confirm", r.Text(), "Create role **Gold**")
		shown := confirmHash(t, e, "rec_ok")

		e.FD.UpdateRole(e.Seed.ID, res.Roles["tier-1"], func(r *discordgo.Role) { r.Name = "Bronze!" })
		e.FD.ResetCounts()
		r = e.Click("rec_ok")
		if n := e.FD.WriteCount(); n != 0 {
			t.Fatalf("a stale reconcile confirmation made %d writes", n)
		}
		mustContain(t, "new plan", r.Text(), "Nothing was changed", "Create role **Gold**", "Update role **Bronze**")
		if confirmHash(t, e, "rec_ok") == shown {
			t.Fatalf("the new plan's Confirm carries the old hash")
		}
		lines := bulletLines(r)

		e.FD.ResetCounts()
		r = e.Click("rec_ok")
		mustContain(t, "reconciled", r.Text(), "✅ Reconciled", "No drift")
		if n := e.FD.WriteCount(); n != lines {
			t.Fatalf("the confirmed reconcile made %d writes; it listed %d:\n%v", n, lines, e.FD.Requests())
		}
		assertNoDrift(t, e, ctx)
	})

	t.Run("accept", func(t *testing.T) {
		e := newE2E(t, newHTTPTransport)
		ctx := context.Background()
		res := mustDeploy(t, e, deployedManifest(t, e))
		e.FD.UpdateRole(e.Seed.ID, res.Roles["tier-1"], func(r *discordgo.Role) { r.Color = 0x00AA00 })
		e.Command("drift")
		r := e.Click("acc")
		mustContain(t, "confirm", r.Text(), "These differences become the setup", "Role **Bronze**: colour changed from")
		before := latestID(t, e)

		e.FD.UpdateRole(e.Seed.ID, res.Roles["tier-2"], func(r *discordgo.Role) { r.Name = "Golden" })
		e.FD.ResetCounts()
		r = e.Click("acc_ok")
		if n := e.FD.WriteCount(); n != 0 || latestID(t, e) != before {
			t.Fatalf("a stale accept confirmation made %d writes, newest snapshot %s (was %s)", n, latestID(t, e), before)
		}
		mustContain(t, "new differences", r.Text(), "Nothing was changed", "Role **Bronze**: colour changed from", "Role **Gold**: name changed from “Gold” to “Golden”")
		lines := bulletLines(r)

		r = e.Click("acc_ok")
		mustContain(t, "accepted", r.Text(), "✅ Accepted", "No drift")
		if n := e.FD.WriteCount(); n != 0 {
			t.Fatalf("accept wrote %d times to the server", n)
		}
		snap, err := e.Shadow.Latest(ctx, e.Seed.ID)
		if err != nil {
			t.Fatal(err)
		}
		prev, err := e.Shadow.Get(ctx, e.Seed.ID, before)
		if err != nil {
			t.Fatal(err)
		}
		if got := manifestChanges(prev.Manifest, snap.Manifest); got != lines || snap.Manifest.Tiers[0].Role.Color != 0x00AA00 || snap.Manifest.Tiers[1].Role.Name != "Golden" {
			t.Fatalf("accept changed %d fields (listed %d): %+v", got, lines, snap.Manifest.Tiers)
		}
	})

	t.Run("prune", func(t *testing.T) {
		e := newE2E(t, newHTTPTransport)
		ctx := context.Background()
		three := deployedManifest(t, e)
		d := wizard.SessionDataFromManifest(three, "")
		d.Tiers = append(d.Tiers, wizard.Tier{ID: "tier-3", Name: "Diamond", Rules: d.Tiers[1].Rules, Role: wizard.RoleSpec{Name: "Diamond"}})
		three = buildManifest(t, e, d)
		mustDeploy(t, e, three)
		d.Tiers = d.Tiers[:2]
		mustDeploy(t, e, buildManifest(t, e, d))
		e.Command("drift")
		r := e.Click("prune")
		mustContain(t, "confirm", r.Text(), "Delete role **Diamond**", "Delete channel **diamond**")
		if strings.Contains(r.Text(), "**Gold**") {
			t.Fatalf("prune lists Gold before the setup dropped it:\n%s", r.Text())
		}

		// The desired setup loses Gold too (saved, not deployed): the prune would now delete more.
		d.Tiers = d.Tiers[:1]
		if _, err := e.Shadow.Save(ctx, buildManifest(t, e, d), store.SnapshotMeta{CommunityID: e.Seed.ID, GuildID: e.Seed.ID,
			CreatedBy: e.Owner.ID, Reason: store.ReasonUpdate}); err != nil {
			t.Fatal(err)
		}
		e.FD.ResetCounts()
		r = e.Click("prune_ok")
		if n := e.FD.WriteCount(); n != 0 {
			t.Fatalf("a stale prune confirmation made %d writes", n)
		}
		mustContain(t, "new list", r.Text(), "Nothing was changed", "Delete role **Diamond**", "Delete role **Gold**", "Delete channel **gold**")
		lines := bulletLines(r)

		e.FD.ResetCounts()
		r = e.Click("prune_ok")
		mustContain(t, "pruned", r.Text(), "✅ Pruned")
		if n := e.FD.WriteCount(); n != lines {
			t.Fatalf("the confirmed prune made %d writes; it listed %d:\n%v", n, lines, e.FD.Requests())
		}
		for _, name := range []string{"Gold", "Diamond"} {
			if e.FD.RoleByName(e.Seed.ID, name) != nil {
				t.Errorf("role %s survived the prune", name)
			}
		}
		if e.FD.RoleByName(e.Seed.ID, "Bronze") == nil {
			t.Errorf("the prune deleted Bronze, which the setup keeps")
		}
	})
}

// mustDeploy deploys m straight through the service and returns its ResourceMap.
func mustDeploy(t testing.TB, e *E2E, m *wizard.Manifest) wizard.ResourceMap {
	t.Helper()
	res, err := e.Deploy.Deploy(context.Background(), deploy.Request{GuildID: e.Seed.ID, Manifest: m, By: e.Owner.ID})
	if err != nil {
		t.Fatalf("deploy: %v", err)
	}
	return res.Resources
}

func buildManifest(t *testing.T, e *E2E, d wizard.SessionData) *wizard.Manifest {
	t.Helper()
	m, ps := wizard.BuildManifest(e.Seed.ID, d)
	if len(ps) > 0 {
		t.Fatalf("build manifest: %v", ps)
	}
	return m
}

// confirmHash is the hash a Confirm control carries (wizard or /drift).
func confirmHash(t *testing.T, e *E2E, action string) string {
	t.Helper()
	c := e.Find(action)
	if c == nil {
		t.Fatalf("no %s control: %v", action, e.customIDs())
	}
	if d, err := parseDriftID(c.customID); err == nil {
		if d.Hash == "" {
			t.Fatalf("%s carries no hash: %s", action, c.customID)
		}
		return d.Hash
	}
	id, err := parseCustomID(c.customID)
	if err != nil || id.Arg == "" || len(c.customID) > maxCustomID {
		t.Fatalf("%s: custom_id %q carries no hash or is too long (%v)", action, c.customID, err)
	}
	return id.Arg
}

// bulletLines counts the "• " lines of the confirmation's embed.
func bulletLines(r Result) int {
	n := 0
	for _, l := range strings.Split(r.Message.Embeds[0].Description, "\n") {
		if strings.HasPrefix(l, "• ") {
			n++
		}
	}
	return n
}

// planLines counts the plan's lines on the review screen: the "• " lines right after
// "**Changes:**" (access changes and removals follow in sections of their own).
func planLines(r Result) int {
	d := r.Message.Embeds[0].Description
	start := strings.Index(d, "**Changes:**")
	if start < 0 {
		return -1
	}
	n := 0
	for _, l := range strings.Split(d[start:], "\n")[1:] {
		if !strings.HasPrefix(l, "• ") {
			break
		}
		n++
	}
	return n
}

func latestID(t *testing.T, e *E2E) string {
	t.Helper()
	s, err := e.Shadow.Latest(context.Background(), e.Seed.ID)
	if err != nil {
		t.Fatal(err)
	}
	return s.Meta.ID
}

func assertNoDrift(t *testing.T, e *E2E, ctx context.Context) {
	t.Helper()
	v, err := e.Deploy.Drift(ctx, e.Seed.ID)
	if err != nil || !v.Report.Empty() {
		t.Fatalf("drift afterwards: %v %s", err, deploy.FormatReport(v.Report))
	}
}

// manifestChanges counts the role fields and channels that differ between two manifests.
func manifestChanges(a, b *wizard.Manifest) int {
	n := 0
	for i := range a.Tiers {
		x, y := a.Tiers[i].Role, b.Tiers[i].Role
		for _, diff := range []bool{x.Name != y.Name, x.Color != y.Color, x.Hoist != y.Hoist, x.Mentionable != y.Mentionable, x.Permissions != y.Permissions} {
			if diff {
				n++
			}
		}
	}
	for i := range a.Channels {
		if i >= len(b.Channels) || a.Channels[i] != b.Channels[i] {
			n++
		}
	}
	return n
}
