package storetest

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/arrakis-bot/arrakis/internal/testenv"
	"github.com/arrakis-bot/arrakis/store"
	"github.com/arrakis-bot/arrakis/wizard"
)

func testSessionsUpdate(t *testing.T, ctx context.Context, newStore NewSessionsFunc, _ sessionsConfig) {
	s := newStore(t, longTTL)
	sess := sessMustCreate(t, ctx, s, testenv.GuildID(t), "1001")

	edit := *sess
	edit.Data = FilledSessionData()
	edit.UI = map[string]string{"chain": "polygon", "fix": `{"name":"x"}`}
	updated, err := s.Update(ctx, &edit)
	if err != nil {
		t.Fatalf("Update: %v", err)
	}
	if updated.Version != sess.Version+1 {
		t.Errorf("version after Update = %d, want %d", updated.Version, sess.Version+1)
	}
	if updated.UpdatedAt.Before(sess.UpdatedAt) {
		t.Errorf("updatedAt went back: %v < %v", updated.UpdatedAt, sess.UpdatedAt)
	}
	if !reflect.DeepEqual(updated.Data, FilledSessionData()) {
		t.Errorf("Update returned data\n%+v\nwant\n%+v", updated.Data, FilledSessionData())
	}
	if !reflect.DeepEqual(updated.UI, edit.UI) {
		t.Errorf("Update returned UI %v, want %v", updated.UI, edit.UI)
	}
	got := sessMustGet(t, ctx, s, sess.ID)
	sessAssertEqual(t, "Get after Update", got, updated)

	// The same version again lost the race: conflict, and nothing changes.
	stale := edit
	stale.Data.CommunityName = "stale write"
	_, err = s.Update(ctx, &stale)
	sessWantCode(t, "Update at a stale version", err, store.CodeConflict)
	future := *updated
	future.Version += 5
	_, err = s.Update(ctx, &future)
	sessWantCode(t, "Update at a future version", err, store.CodeConflict)
	sessAssertEqual(t, "Get after conflicts", sessMustGet(t, ctx, s, sess.ID), updated)

	// Clearing: empty UI and data are stored as empty.
	clear := *updated
	clear.UI = map[string]string{}
	clear.Data = wizard.SessionData{}
	cleared, err := s.Update(ctx, &clear)
	if err != nil {
		t.Fatalf("Update clearing: %v", err)
	}
	if cleared.UI != nil || !reflect.DeepEqual(cleared.Data, wizard.SessionData{}) {
		t.Errorf("cleared session has UI %v and data %+v, want none", cleared.UI, cleared.Data)
	}
	_, err = s.Update(ctx, nil)
	sessWantCode(t, "Update(nil)", err, store.CodeInvalid)
}

// testSessionsUpdateKeepsManagedFields: Update takes only UI and Data from its argument; id,
// guild and createdAt never change, the owner changes only by TakeOver, the state only by
// Transition and the binding only by BindIP.
func testSessionsUpdateKeepsManagedFields(t *testing.T, ctx context.Context, newStore NewSessionsFunc, _ sessionsConfig) {
	s := newStore(t, longTTL)
	guild := testenv.GuildID(t)
	sess := sessMustCreate(t, ctx, s, guild, "1001")
	sess = sessMustTransition(t, ctx, s, sess, wizard.StateChainSelect)

	edit := *sess
	edit.GuildID = testenv.GuildID(t)
	edit.CreatedAt = sess.CreatedAt.Add(-time.Hour)
	edit.OwnerID, edit.OwnerName, edit.OwnerAt = "6666", "Mallory", sess.OwnerAt.Add(time.Hour)
	edit.State = wizard.StateDeploy
	edit.BoundIP = "198.51.100.66"
	edit.UpdatedAt = sess.UpdatedAt.Add(-time.Hour)
	edit.Data.CommunityName = "Renamed"
	updated, err := s.Update(ctx, &edit)
	if err != nil {
		t.Fatalf("Update: %v", err)
	}
	want := *sess
	want.Version = sess.Version + 1
	want.UpdatedAt = updated.UpdatedAt
	want.Data.CommunityName = "Renamed"
	sessAssertEqual(t, "Update with managed fields changed", updated, &want)
	sessAssertEqual(t, "Get after it", sessMustGet(t, ctx, s, sess.ID), &want)
	if updated.UpdatedAt.Before(sess.UpdatedAt) {
		t.Errorf("Update took updatedAt from its argument: %v", updated.UpdatedAt)
	}
}

func testSessionsTransition(t *testing.T, ctx context.Context, newStore NewSessionsFunc, _ sessionsConfig) {
	s := newStore(t, longTTL)
	sess := sessMustCreate(t, ctx, s, testenv.GuildID(t), "1001")

	// Skipping a step is not a transition the wizard allows.
	_, err := s.Transition(ctx, sess.ID, sess.Version, wizard.StateAssetConfig)
	sessWantCode(t, "Transition INIT → ASSET_CONFIG", err, store.CodeInvalid)
	var te *wizard.TransitionError
	if !errors.As(err, &te) || te.From != wizard.StateInit || te.To != wizard.StateAssetConfig {
		t.Errorf("Transition INIT → ASSET_CONFIG = %v, want a *wizard.TransitionError from INIT", err)
	}
	_, err = s.Transition(ctx, sess.ID, sess.Version, wizard.StateInit)
	sessWantCode(t, "Transition INIT → INIT", err, store.CodeInvalid)

	// UI state belongs to a step and goes when the step changes; answers stay.
	edit := *sess
	edit.Data.CommunityName = "Sietch Tabr"
	edit.UI = map[string]string{"draft": "x"}
	sess, err = s.Update(ctx, &edit)
	if err != nil {
		t.Fatalf("Update: %v", err)
	}
	next, err := s.Transition(ctx, sess.ID, sess.Version, wizard.StateChainSelect)
	if err != nil {
		t.Fatalf("Transition INIT → CHAIN_SELECT: %v", err)
	}
	if next.State != wizard.StateChainSelect || next.Version != sess.Version+1 || next.UI != nil ||
		next.Data.CommunityName != "Sietch Tabr" || next.OwnerID != sess.OwnerID {
		t.Errorf("after Transition: %+v", next)
	}
	if next.UpdatedAt.Before(sess.UpdatedAt) {
		t.Errorf("updatedAt went back")
	}
	sessAssertEqual(t, "Get after Transition", sessMustGet(t, ctx, s, sess.ID), next)

	// The old version lost: conflict even for a move that would be allowed.
	_, err = s.Transition(ctx, sess.ID, sess.Version, wizard.StateChainSelect)
	sessWantCode(t, "Transition at a stale version", err, store.CodeConflict)

	// Back one step, then all the way to DEPLOY, which has no way back.
	back := sessMustTransition(t, ctx, s, next, wizard.StateInit)
	deploy := sessWalkTo(t, ctx, s, back, wizard.StateDeploy)
	if deploy.Version != back.Version+int64(len(wizard.States)-1) {
		t.Errorf("version at DEPLOY = %d, want %d", deploy.Version, back.Version+int64(len(wizard.States)-1))
	}
	_, err = s.Transition(ctx, deploy.ID, deploy.Version, wizard.StateReview)
	sessWantCode(t, "Transition DEPLOY → REVIEW", err, store.CodeInvalid)
	if got := sessMustGet(t, ctx, s, deploy.ID); got.State != wizard.StateDeploy || got.Version != deploy.Version {
		t.Errorf("refused transition changed the session: %+v", got)
	}
}

func testSessionsTakeOver(t *testing.T, ctx context.Context, newStore NewSessionsFunc, _ sessionsConfig) {
	s := newStore(t, longTTL)
	guild := testenv.GuildID(t)
	sess := sessMustCreate(t, ctx, s, guild, "1001")
	sess = sessMustTransition(t, ctx, s, sess, wizard.StateChainSelect)

	taken, err := s.TakeOver(ctx, sess.ID, sess.Version, "2002", "Bob")
	if err != nil {
		t.Fatalf("TakeOver: %v", err)
	}
	if taken.OwnerID != "2002" || taken.OwnerName != "Bob" || taken.Version != sess.Version+1 ||
		taken.ID != sess.ID || taken.State != sess.State || !taken.CreatedAt.Equal(sess.CreatedAt) {
		t.Errorf("after TakeOver: %+v", taken)
	}
	if taken.OwnerAt.Before(sess.OwnerAt) {
		t.Errorf("ownerAt went back: %v < %v", taken.OwnerAt, sess.OwnerAt)
	}
	sessAssertEqual(t, "Get after TakeOver", sessMustGet(t, ctx, s, sess.ID), taken)

	// The old owner's buttons are stale twice over: an old version, and not the owner.
	_, err = s.Transition(ctx, sess.ID, sess.Version, wizard.StateAssetConfig)
	sessWantCode(t, "old owner's Transition", err, store.CodeConflict)
	_, err = s.Validate(ctx, sess.ID, guild, "1001", "")
	sessWantCode(t, "Validate as the old owner", err, store.CodeNotOwner)
	if _, err := s.Validate(ctx, sess.ID, guild, "2002", ""); err != nil {
		t.Errorf("Validate as the new owner: %v", err)
	}
	_, err = s.TakeOver(ctx, sess.ID, sess.Version, "3003", "Cy")
	sessWantCode(t, "TakeOver at a stale version", err, store.CodeConflict)
	if got := sessMustGet(t, ctx, s, sess.ID); got.OwnerID != "2002" {
		t.Errorf("owner after a stale TakeOver = %q, want 2002", got.OwnerID)
	}
}

func testSessionsDelete(t *testing.T, ctx context.Context, newStore NewSessionsFunc, _ sessionsConfig) {
	s := newStore(t, longTTL)
	guild := testenv.GuildID(t)
	first := sessMustCreate(t, ctx, s, guild, "1001")
	if err := s.Delete(ctx, first.ID, store.EndCancelled); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	_, err := s.Get(ctx, first.ID)
	sessWantCode(t, "Get after Delete", err, store.CodeExpired)
	if ok, err := s.ExistsForGuild(ctx, guild); err != nil || ok {
		t.Errorf("ExistsForGuild after Delete = %v, %v", ok, err)
	}
	sessWantCode(t, "Delete twice", s.Delete(ctx, first.ID, store.EndCancelled), store.CodeExpired)

	// A new session of the guild is not the old one: the old id cannot delete it.
	second := sessMustCreate(t, ctx, s, guild, "2002")
	if second.ID == first.ID {
		t.Fatalf("a new session reused id %s", first.ID)
	}
	sessWantCode(t, "Delete with the earlier id", s.Delete(ctx, first.ID, store.EndCompleted), store.CodeExpired)
	sessAssertEqual(t, "the new session", sessMustGet(t, ctx, s, second.ID), second)
	if err := s.Delete(ctx, second.ID, store.EndRemoved); err != nil {
		t.Errorf("Delete(removed): %v", err)
	}
}

func testSessionsRefresh(t *testing.T, ctx context.Context, newStore NewSessionsFunc, _ sessionsConfig) {
	s := newStore(t, longTTL)
	guild := testenv.GuildID(t)
	sess := sessMustCreate(t, ctx, s, guild, "1001")
	if err := s.Refresh(ctx, sess.ID); err != nil {
		t.Fatalf("Refresh: %v", err)
	}
	sessAssertEqual(t, "Get after Refresh", sessMustGet(t, ctx, s, sess.ID), sess) // not a write
	sessWantCode(t, "Refresh of another id of the guild", s.Refresh(ctx, wizard.NewSessionID(guild)), store.CodeExpired)
}

func testSessionsBindIP(t *testing.T, ctx context.Context, newStore NewSessionsFunc, _ sessionsConfig) {
	s := newStore(t, longTTL)
	guild := testenv.GuildID(t)
	sess := sessMustCreate(t, ctx, s, guild, "1001")

	bound, err := s.BindIP(ctx, sess.ID, "203.0.113.7")
	if err != nil {
		t.Fatalf("BindIP: %v", err)
	}
	if bound.BoundIP != "203.0.113.7" || bound.Version != sess.Version+1 {
		t.Errorf("after BindIP: boundIp %q, version %d", bound.BoundIP, bound.Version)
	}
	// The same address (in another spelling) is a use, not a write.
	again, err := s.BindIP(ctx, sess.ID, "::ffff:203.0.113.7")
	if err != nil {
		t.Fatalf("BindIP with the same address: %v", err)
	}
	sessAssertEqual(t, "BindIP with the same address", again, bound)
	// Never rebound.
	_, err = s.BindIP(ctx, sess.ID, "198.51.100.1")
	sessWantCode(t, "BindIP with another address", err, store.CodeIPMismatch)
	if err != nil && (strings.Contains(err.Error(), "198.51.100.1") || strings.Contains(err.Error(), "203.0.113.7")) {
		t.Errorf("the IP mismatch error shows a full address: %v", err)
	}
	// Nor unbound or changed by Update.
	edit := *bound
	edit.BoundIP = ""
	if _, err := s.Update(ctx, &edit); err != nil {
		t.Fatalf("Update: %v", err)
	}
	if got := sessMustGet(t, ctx, s, sess.ID); got.BoundIP != "203.0.113.7" {
		t.Errorf("boundIp after all that = %q, want 203.0.113.7", got.BoundIP)
	}
	v6 := sessMustCreate(t, ctx, s, testenv.GuildID(t), "1001")
	if b, err := s.BindIP(ctx, v6.ID, "2001:db8::1"); err != nil || b.BoundIP != "2001:db8::1" {
		t.Errorf("BindIP(IPv6) = %+v, %v", b, err)
	}
}

func testSessionsValidate(t *testing.T, ctx context.Context, newStore NewSessionsFunc, _ sessionsConfig) {
	s := newStore(t, longTTL)
	guild := testenv.GuildID(t)
	sess := sessMustCreate(t, ctx, s, guild, "1001")

	got, err := s.Validate(ctx, sess.ID, guild, "1001", "")
	if err != nil {
		t.Fatalf("Validate by the owner: %v", err)
	}
	sessAssertEqual(t, "Validate", got, sess)
	if _, err := s.Validate(ctx, sess.ID, guild, "1001", "192.0.2.9"); err != nil {
		t.Errorf("Validate of an unbound session with an address: %v", err)
	}
	_, err = s.Validate(ctx, sess.ID, testenv.GuildID(t), "1001", "")
	sessWantCode(t, "Validate from another guild", err, store.CodeWrongGuild)
	other, err := s.Validate(ctx, sess.ID, guild, "2002", "")
	sessWantCode(t, "Validate by another admin", err, store.CodeNotOwner)
	// The session comes back with not_owner, so the bot can say who owns it and since when.
	if other == nil || other.OwnerID != "1001" || other.OwnerAt.IsZero() {
		t.Errorf("Validate by another admin returned %+v, want the session", other)
	}

	if _, err := s.BindIP(ctx, sess.ID, "192.0.2.9"); err != nil {
		t.Fatalf("BindIP: %v", err)
	}
	if _, err := s.Validate(ctx, sess.ID, guild, "1001", "192.0.2.9"); err != nil {
		t.Errorf("Validate from the bound address: %v", err)
	}
	if _, err := s.Validate(ctx, sess.ID, guild, "1001", ""); err != nil {
		t.Errorf("Validate without an address (the Discord path): %v", err)
	}
	_, err = s.Validate(ctx, sess.ID, guild, "1001", "192.0.2.10")
	sessWantCode(t, "Validate from another address", err, store.CodeIPMismatch)
	_, err = s.Validate(ctx, sess.ID, guild, "1001", "garbage")
	sessWantCode(t, "Validate from an unparsable address", err, store.CodeIPMismatch)
}

// testSessionsCopiesAreIndependent: what a store returns is the caller's to change.
func testSessionsCopiesAreIndependent(t *testing.T, ctx context.Context, newStore NewSessionsFunc, _ sessionsConfig) {
	s := newStore(t, longTTL)
	sess := sessMustCreate(t, ctx, s, testenv.GuildID(t), "1001")
	edit := *sess
	edit.Data = FilledSessionData()
	edit.UI = map[string]string{"k": "v"}
	updated, err := s.Update(ctx, &edit)
	if err != nil {
		t.Fatalf("Update: %v", err)
	}
	// Change everything the caller holds, including what Update was given.
	edit.UI["k"] = "changed"
	edit.Data.Tiers[0].Name = "changed"
	updated.UI["k"] = "changed"
	updated.Data.Chains[0] = "changed"
	updated.State = wizard.StateDeploy
	got := sessMustGet(t, ctx, s, sess.ID)
	if got.UI["k"] != "v" || got.Data.Tiers[0].Name != "Fremen" || got.Data.Chains[0] != "ethereum" || got.State != wizard.StateInit {
		t.Errorf("changing returned values changed the store: %+v", got)
	}
}

func testSessionsGuildsApart(t *testing.T, ctx context.Context, newStore NewSessionsFunc, _ sessionsConfig) {
	s := newStore(t, longTTL)
	g1, g2 := testenv.GuildID(t), testenv.GuildID(t)
	a := sessMustCreate(t, ctx, s, g1, "1001")
	b := sessMustCreate(t, ctx, s, g2, "1001")
	a = sessMustTransition(t, ctx, s, a, wizard.StateChainSelect)
	if err := s.Delete(ctx, a.ID, store.EndCancelled); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	sessAssertEqual(t, "the other guild's session", sessMustGet(t, ctx, s, b.ID), b)
	_, err := s.Validate(ctx, b.ID, g1, "1001", "")
	sessWantCode(t, "Validate of guild 2's session in guild 1", err, store.CodeWrongGuild)
}
