package storetest

import (
	"context"
	"testing"

	"github.com/arrakis-bot/arrakis/internal/testenv"
	"github.com/arrakis-bot/arrakis/store"
	"github.com/arrakis-bot/arrakis/wizard"
)

// testSessionsStats: active sessions by state, and the created / completed / cancelled
// counters. Exact when the store is exclusive; otherwise (a Redis shared with tests running
// at the same time) every figure must at least include this subtest's sessions and ends.
func testSessionsStats(t *testing.T, ctx context.Context, newStore NewSessionsFunc, cfg sessionsConfig) {
	s := newStore(t, longTTL)
	before, err := s.Stats(ctx)
	if err != nil {
		t.Fatalf("Stats: %v", err)
	}
	if cfg.exclusive && (before.Active != 0 || before.Created != 0 || len(before.ByState) != 0) {
		t.Errorf("Stats of a new exclusive store = %+v, want zeros", before)
	}

	atInit := sessMustCreate(t, ctx, s, testenv.GuildID(t), "1001")
	for range 2 {
		sessMustTransition(t, ctx, s, sessMustCreate(t, ctx, s, testenv.GuildID(t), "1001"), wizard.StateChainSelect)
	}
	if _, existing, err := s.Create(ctx, atInit.GuildID, "2002", "Bob"); err != nil || !existing {
		t.Fatalf("Create over an existing session: %v, existing %v", err, existing)
	}
	for _, reason := range []store.EndReason{store.EndCompleted, store.EndCancelled, store.EndCancelled, store.EndRemoved} {
		ended := sessMustCreate(t, ctx, s, testenv.GuildID(t), "1001")
		if err := s.Delete(ctx, ended.ID, reason); err != nil {
			t.Fatalf("Delete(%s): %v", reason, err)
		}
	}

	after, err := s.Stats(ctx)
	if err != nil {
		t.Fatalf("Stats: %v", err)
	}
	t.Logf("Stats before %+v, after %+v", before, after)
	var sum int64
	for st, n := range after.ByState {
		if !st.Valid() || n <= 0 {
			t.Errorf("ByState has %s = %d", st, n)
		}
		sum += n
	}
	if sum != after.Active {
		t.Errorf("ByState adds up to %d, Active is %d", sum, after.Active)
	}
	// 7 created (the repeated Create is not one), 1 completed, 2 cancelled, 3 still active.
	if cfg.exclusive {
		want := store.SessionStats{Active: 3, Created: 7, Completed: 1, Cancelled: 2}
		if after.Active != want.Active || after.Created != want.Created || after.Completed != want.Completed ||
			after.Cancelled != want.Cancelled || after.ByState[wizard.StateInit] != 1 ||
			after.ByState[wizard.StateChainSelect] != 2 || len(after.ByState) != 2 {
			t.Errorf("Stats = %+v, want %+v with INIT 1 and CHAIN_SELECT 2", after, want)
		}
		return
	}
	if after.Created-before.Created < 7 || after.Completed-before.Completed < 1 || after.Cancelled-before.Cancelled < 2 {
		t.Errorf("counters moved by created %d, completed %d, cancelled %d; want at least 7, 1, 2",
			after.Created-before.Created, after.Completed-before.Completed, after.Cancelled-before.Cancelled)
	}
	if after.Active < 3 || after.ByState[wizard.StateInit] < 1 || after.ByState[wizard.StateChainSelect] < 2 {
		t.Errorf("Stats = %+v, want at least 3 active with INIT ≥ 1 and CHAIN_SELECT ≥ 2", after)
	}
}
