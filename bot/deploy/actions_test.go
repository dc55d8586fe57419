package deploy

import (
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/arrakis-bot/arrakis/drift"
	"github.com/arrakis-bot/arrakis/store"
	"github.com/arrakis-bot/arrakis/wizard"
)

func deployed(t *testing.T, e *env, m *wizard.Manifest) *Result {
	t.Helper()
	res, err := e.svc.Deploy(ctxT(t), Request{GuildID: e.guild.ID, Manifest: m, By: "tester"})
	if err != nil {
		t.Fatalf("deploy: %v", err)
	}
	return res
}

func TestAcceptTakesLiveValues(t *testing.T) {
	e := newEnv(t)
	ctx := ctxT(t)
	m := loadManifest(t, "community.yaml", e.guild.ID)
	res := deployed(t, e, m)
	holder, chat := res.Resources.Roles["t1"], res.Resources.Channels["tier-t2-chat"]
	e.fd.UpdateRole(e.guild.ID, holder, func(r *discordgo.Role) { r.Name, r.Color = "Holders", 0x010203 })
	e.fd.UpdateChannel(chat, func(c *discordgo.Channel) { c.Topic = "Renamed by a moderator." })
	e.fd.DeleteChannel(res.Resources.Channels["tier-t3-voice"])

	acc, err := e.svc.Accept(ctx, e.guild.ID, "tester", "")
	if err != nil {
		t.Fatalf("accept: %v", err)
	}
	snap, err := e.shadow.LatestDeployed(ctx, e.guild.ID)
	if err != nil || snap.Meta.ID != acc.SnapshotID || snap.Meta.Reason != store.ReasonAccept {
		t.Fatalf("accepted snapshot = %+v, %v", snap, err)
	}
	am := snap.Manifest
	if am.Tiers[0].Role.Name != "Holders" || am.Tiers[0].Role.Color != 0x010203 {
		t.Errorf("accepted role = %+v", am.Tiers[0].Role)
	}
	if c := channelByKey(am, "tier-t2-chat"); c == nil || c.Topic != "Renamed by a moderator." {
		t.Errorf("accepted channel = %+v", c)
	}
	if channelByKey(am, "tier-t3-voice") != nil {
		t.Errorf("a channel deleted in Discord is still in the accepted manifest")
	}
	view, err := e.svc.Drift(ctx, e.guild.ID)
	if err != nil || !view.Report.Empty() {
		t.Fatalf("drift after accept: %v %s", err, FormatReport(view.Report))
	}

	// A deleted tier role cannot be accepted: nothing changes.
	e.fd.DeleteRole(e.guild.ID, res.Resources.Roles["t2"])
	_, err = e.svc.Accept(ctx, e.guild.ID, "tester", "")
	if ErrorCode(err) != CodeInvalid || !strings.Contains(UserMessage(err), "Reconcile") {
		t.Fatalf("accept of a deleted role: %v", err)
	}
	if latest, _ := e.shadow.Latest(ctx, e.guild.ID); latest.Meta.ID != acc.SnapshotID {
		t.Errorf("a refused accept saved %s", latest.Meta.ID)
	}
}

func TestPruneDeletesExactlyTheExtras(t *testing.T) {
	e := newEnv(t)
	ctx := ctxT(t)
	m := loadManifest(t, "community.yaml", e.guild.ID)
	res := deployed(t, e, m)

	// v2 drops the top tier and its channels; deploying it keeps them (no prune).
	m2 := cloneManifest(m)
	m2.Tiers = m2.Tiers[:2]
	m2.ChannelTemplate = wizard.TemplateCustom
	var kept []wizard.Channel
	for _, c := range m2.Channels {
		if c.MinTier != "t3" {
			kept = append(kept, c)
		}
	}
	m2.Channels = kept
	deployed(t, e, m2)
	if e.fd.Role(e.guild.ID, res.Resources.Roles["t3"]) == nil {
		t.Fatal("a deploy without prune deleted the dropped tier's role")
	}
	view, err := e.svc.Drift(ctx, e.guild.ID)
	if err != nil {
		t.Fatal(err)
	}
	var extras int
	for _, it := range view.Report.Items {
		if it.Type != drift.RoleExtra && it.Type != drift.ChannelExtra || it.Severity != drift.SeverityInfo {
			t.Errorf("unexpected item %+v", it)
		}
		extras++
	}
	if extras != 4 || len(view.PrunePlan) != 4 {
		t.Fatalf("drift lists %d extras and %d prune ops, want 4 (a role, a category, two channels)", extras, len(view.PrunePlan))
	}
	rev, err := e.svc.Review(ctx, e.guild.ID, m2)
	if err != nil || len(rev.Plan) != 0 || len(rev.PrunePlan) != 4 {
		t.Fatalf("review of v2: plan %d, prune plan %d, %v; want 0 and 4", len(rev.Plan), len(rev.PrunePlan), err)
	}
	before := len(e.fd.Channels(e.guild.ID))
	if _, err := e.svc.Prune(ctx, e.guild.ID, "tester", ""); err != nil {
		t.Fatalf("prune: %v", err)
	}
	if e.fd.Role(e.guild.ID, res.Resources.Roles["t3"]) != nil || len(e.fd.Channels(e.guild.ID)) != before-3 {
		t.Fatalf("prune left the extras (channels %d → %d)", before, len(e.fd.Channels(e.guild.ID)))
	}
	for _, id := range []string{e.guild.GeneralID, e.guild.ModLogChannelID, e.guild.InfoCategoryID} {
		if e.fd.Channel(id) == nil {
			t.Errorf("prune deleted unmanaged channel %s", id)
		}
	}
	if e.fd.Role(e.guild.ID, e.guild.ModeratorRoleID) == nil {
		t.Error("prune deleted the Moderator role")
	}
	view, err = e.svc.Drift(ctx, e.guild.ID)
	if err != nil || !view.Report.Empty() {
		t.Fatalf("drift after prune: %v %s", err, FormatReport(view.Report))
	}
}

func TestRollbackDeploysAnEarlierVersionAsNew(t *testing.T) {
	e := newEnv(t)
	ctx := ctxT(t)
	m := loadManifest(t, "community.yaml", e.guild.ID)
	deployed(t, e, m)
	want := layout(e.fd, e.guild.ID)
	m2 := cloneManifest(m)
	m2.Tiers[0].Role.Name = "Holder Prime"
	deployed(t, e, m2)
	res, err := e.svc.Rollback(ctx, e.guild.ID, 1, "tester")
	if err != nil {
		t.Fatalf("rollback: %v", err)
	}
	if res.SnapshotID != "v00000003" || layout(e.fd, e.guild.ID) != want {
		t.Fatalf("rollback made %s; layout back to v1: %v", res.SnapshotID, layout(e.fd, e.guild.ID) == want)
	}
	hist, err := e.svc.History(ctx, e.guild.ID)
	if err != nil || len(hist) != 3 || hist[0].Meta.Reason != store.ReasonRollback || hist[0].Deployed == nil {
		t.Fatalf("history = %+v, %v", hist, err)
	}
	if _, err := e.svc.Rollback(ctx, e.guild.ID, 9, "tester"); ErrorCode(err) != CodeInvalid {
		t.Fatalf("rollback to a missing version: %v", err)
	}
}

func TestScheduledDriftCheckPostsEachReportOnce(t *testing.T) {
	e := newEnv(t)
	ctx := ctxT(t)
	var now atomic.Int64
	now.Store(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).UnixNano())
	clock := func() time.Time { return time.Unix(0, now.Load()) }
	instance := func() *Service {
		return e.newService(func(c *Config) {
			c.DriftInterval, c.Now = time.Hour, clock
		})
	}
	a, b := instance(), instance()
	m := loadManifest(t, "community.yaml", e.guild.ID)
	m.Alerts = &wizard.Alerts{Channel: e.guild.GeneralID}
	res := deployed(t, e, m)
	// The deploy's own report went to the alert channel first; count what came after.
	base := len(e.fd.Messages(e.guild.GeneralID))
	posts := func() int { return len(e.fd.Messages(e.guild.GeneralID)) - base }
	check := func(s *Service) bool {
		t.Helper()
		posted, err := s.CheckDrift(ctx, e.guild.ID)
		if err != nil {
			t.Fatalf("check: %v", err)
		}
		return posted
	}
	if check(a) || posts() != 0 {
		t.Fatal("posted with no drift")
	}
	e.fd.UpdateRole(e.guild.ID, res.Resources.Roles["t1"], func(r *discordgo.Role) { r.Name = "Drifted" })
	if check(b) {
		t.Fatal("a second check in the same interval slot ran")
	}
	now.Add(int64(time.Hour))
	if !check(b) || posts() != 1 || !strings.Contains(e.fd.Messages(e.guild.GeneralID)[base].Content, "Drifted") {
		t.Fatalf("drift not posted once (%d posts)", posts())
	}
	if check(a) {
		t.Fatal("the other instance checked the same slot again")
	}
	now.Add(int64(time.Hour))
	if check(a) || posts() != 1 {
		t.Fatal("the same report was posted twice")
	}
	e.fd.DeleteChannel(res.Resources.Channels["tier-t1-voice"])
	now.Add(int64(time.Hour))
	if !check(b) || posts() != 2 {
		t.Fatalf("changed drift not posted (%d posts)", posts())
	}
}
