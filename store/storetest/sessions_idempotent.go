package storetest

import (
	"context"
	"testing"

	"github.com/arrakis-bot/arrakis/internal/testenv"
	"github.com/arrakis-bot/arrakis/store"
	"github.com/arrakis-bot/arrakis/wizard"
)

// testSessionsIdempotentWrites: a write re-sent with its own write id (its reply was lost)
// is reported as applied, once; the same re-send under another id is a conflict; and a
// write id does not excuse a write that raced another one.
func testSessionsIdempotentWrites(t *testing.T, ctx context.Context, newStore NewSessionsFunc, _ sessionsConfig) {
	s := newStore(t, longTTL)
	sess := sessMustCreate(t, ctx, s, testenv.GuildID(t), "1001")
	click := store.WithWriteID(ctx, "1400000000000000001")

	edit := *sess
	edit.Data.CommunityName = "Honey Jar"
	first, err := s.Update(click, &edit)
	if err != nil {
		t.Fatalf("Update: %v", err)
	}
	again, err := s.Update(click, &edit) // the same write, re-sent
	if err != nil {
		t.Fatalf("re-sent Update with its own write id: %v, want success", err)
	}
	if again.Version != first.Version || again.Data.CommunityName != "Honey Jar" {
		t.Fatalf("re-sent Update: version %d name %q, want version %d as applied once", again.Version, again.Data.CommunityName, first.Version)
	}
	if got := sessMustGet(t, ctx, s, sess.ID); got.Version != first.Version {
		t.Fatalf("stored version %d after a re-send, want %d (applied once)", got.Version, first.Version)
	}
	_, err = s.Update(store.WithWriteID(ctx, "1400000000000000002"), &edit)
	sessWantCode(t, "the same write under another write id", err, store.CodeConflict)
	_, err = s.Update(ctx, &edit)
	sessWantCode(t, "the same write without a write id", err, store.CodeConflict)

	// Transition and TakeOver too.
	moved, err := s.Transition(click, first.ID, first.Version, wizard.StateChainSelect)
	if err != nil {
		t.Fatalf("Transition: %v", err)
	}
	if again, err := s.Transition(click, first.ID, first.Version, wizard.StateChainSelect); err != nil || again.Version != moved.Version || again.State != wizard.StateChainSelect {
		t.Fatalf("re-sent Transition: %+v, %v; want the applied version %d", again, err, moved.Version)
	}
	taken, err := s.TakeOver(click, moved.ID, moved.Version, "2002", "other")
	if err != nil {
		t.Fatalf("TakeOver: %v", err)
	}
	if again, err := s.TakeOver(click, moved.ID, moved.Version, "2002", "other"); err != nil || again.Version != taken.Version || again.OwnerID != "2002" {
		t.Fatalf("re-sent TakeOver: %+v, %v; want the applied version %d", again, err, taken.Version)
	}
	// Two versions later, the old write is a conflict even under its own id.
	edit2 := *taken
	edit2.Data.CommunityName = "Other"
	if _, err := s.Update(store.WithWriteID(ctx, "1400000000000000003"), &edit2); err != nil {
		t.Fatalf("Update by another click: %v", err)
	}
	_, err = s.Transition(click, first.ID, first.Version, wizard.StateChainSelect)
	sessWantCode(t, "a stale write under its own id after another click", err, store.CodeConflict)
}
