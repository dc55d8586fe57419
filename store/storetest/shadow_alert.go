package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/arrakis-bot/arrakis/store"
)

// testShadowAlerts: one kept alert per community, replaced by the next, apart from other
// communities, and a damaged one is an error, never silently used.
func testShadowAlerts(t *testing.T, ctx context.Context, b ShadowBackend) {
	s := b.Store
	const g1, g2 = "1180000000000000001", "1180000000000000002"
	if _, err := s.Alert(ctx, g1); !store.IsCode(err, store.CodeNotFound) {
		t.Fatalf("Alert of a community without one: %v, want not_found", err)
	}
	a := &store.Alert{GuildID: g1, Kind: store.AlertDrift, Subject: "drift:abc", Text: "Drift check: 1 item",
		Nonce: "n1", CreatedAt: time.Now().UTC().Truncate(time.Millisecond), Attempts: 1, Problem: "DMs refused"}
	if err := s.SaveAlert(ctx, g1, a); err != nil {
		t.Fatalf("SaveAlert: %v", err)
	}
	got, err := s.Alert(ctx, g1)
	if err != nil || got.Subject != "drift:abc" || got.Nonce != "n1" || got.Problem != "DMs refused" || !got.CreatedAt.Equal(a.CreatedAt) || !got.Pending() {
		t.Fatalf("Alert = %+v, %v", got, err)
	}
	if _, err := s.Alert(ctx, g2); !store.IsCode(err, store.CodeNotFound) {
		t.Fatalf("another community sees the alert: %v", err)
	}
	a.DeliveredAt, a.DeliveredTo, a.Problem = time.Now().UTC(), "1180000000000000099", ""
	if err := s.SaveAlert(ctx, g1, a); err != nil {
		t.Fatalf("SaveAlert (replace): %v", err)
	}
	if got, err := s.Alert(ctx, g1); err != nil || got.Pending() || got.DeliveredTo != "1180000000000000099" {
		t.Fatalf("replaced alert = %+v, %v", got, err)
	}
	if err := s.SaveAlert(ctx, g2, a); !store.IsCode(err, store.CodeInvalid) {
		t.Errorf("an alert saved under another community: %v, want invalid", err)
	}
	if err := s.SaveAlert(ctx, "../x", &store.Alert{GuildID: "../x"}); !store.IsCode(err, store.CodeInvalid) {
		t.Errorf("a bad community id: %v, want invalid", err)
	}
	if err := b.Tamper("shadow-state/"+g1+"/alert.json", []byte("{not json")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Alert(ctx, g1); !store.IsCode(err, store.CodeCorrupt) {
		t.Errorf("a damaged alert: %v, want corrupt", err)
	}
}
