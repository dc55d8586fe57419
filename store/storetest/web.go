package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/arrakis-bot/arrakis/store"
)

// TestWebAuth runs the store.WebAuth conformance suite. newAuth is called once per subtest.
// With WithCoordinationClock the stores run on a fake clock and the subtests run one at a
// time.
func TestWebAuth(t *testing.T, newAuth func(t *testing.T) store.WebAuth, opts ...CoordinationOption) {
	var cfg coordinationConfig
	for _, o := range opts {
		o(&cfg)
	}
	tests := []struct {
		name string
		run  func(t *testing.T, ctx context.Context, w store.WebAuth, cfg coordinationConfig)
	}{
		{"LinkTakenOnce", testWebLinkTakenOnce},
		{"LinkRacingTakes", testWebLinkRacingTakes},
		{"LinkExpiry", testWebLinkExpiry},
		{"LinkNeverOverwritten", testWebLinkNeverOverwritten},
		{"SessionRoundTrip", testWebSessionRoundTrip},
		{"SessionNeverRebound", testWebSessionNeverRebound},
		{"SessionExpiry", testWebSessionExpiry},
		{"InvalidInput", testWebInvalidInput},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if cfg.advance == nil {
				t.Parallel()
			}
			ctx, cancel := context.WithTimeout(context.Background(), coordinationTimeout)
			defer cancel()
			tc.run(t, ctx, newAuth(t), cfg)
		})
	}
}

// webID is a fresh id shaped like the web view's (hex of a hash), so runs never collide.
func webID(t *testing.T) string {
	t.Helper()
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b[:])
}

func sampleLink() store.WebLink {
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	return store.WebLink{GuildID: "1180000000000000001", UserID: "1180000000000000002", CreatedAt: now, ExpiresAt: now.Add(10 * time.Minute)}
}

func sampleWebSession() store.WebSession {
	now := time.Date(2026, 11, 30, 12, 0, 0, 123456789, time.UTC)
	return store.WebSession{GuildID: "1180000000000000001", UserID: "1180000000000000002", IP: "192.0.2.7", CreatedAt: now, LastSeen: now}
}

func testWebLinkTakenOnce(t *testing.T, ctx context.Context, w store.WebAuth, _ coordinationConfig) {
	id, want := webID(t), sampleLink()
	if err := w.PutWebLink(ctx, id, want, time.Minute); err != nil {
		t.Fatalf("PutWebLink: %v", err)
	}
	got, err := w.TakeWebLink(ctx, id)
	if err != nil || !got.CreatedAt.Equal(want.CreatedAt) || !got.ExpiresAt.Equal(want.ExpiresAt) ||
		got.GuildID != want.GuildID || got.UserID != want.UserID {
		t.Fatalf("TakeWebLink = %+v, %v; want %+v", got, err, want)
	}
	if _, err := w.TakeWebLink(ctx, id); !store.IsCode(err, store.CodeNotFound) {
		t.Fatalf("second TakeWebLink = %v, want CodeNotFound", err)
	}
	if _, err := w.TakeWebLink(ctx, webID(t)); !store.IsCode(err, store.CodeNotFound) {
		t.Fatalf("TakeWebLink of an unknown id = %v, want CodeNotFound", err)
	}
}

func testWebLinkRacingTakes(t *testing.T, ctx context.Context, w store.WebAuth, _ coordinationConfig) {
	id := webID(t)
	if err := w.PutWebLink(ctx, id, sampleLink(), time.Minute); err != nil {
		t.Fatalf("PutWebLink: %v", err)
	}
	var wins, misses atomic.Int32
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			_, err := w.TakeWebLink(ctx, id)
			switch {
			case err == nil:
				wins.Add(1)
			case store.IsCode(err, store.CodeNotFound):
				misses.Add(1)
			default:
				t.Errorf("TakeWebLink: %v", err)
			}
		})
	}
	wg.Wait()
	if wins.Load() != 1 || misses.Load() != 19 {
		t.Fatalf("20 racing takes: %d got the link, %d did not; want exactly 1", wins.Load(), misses.Load())
	}
}

func testWebLinkExpiry(t *testing.T, ctx context.Context, w store.WebAuth, cfg coordinationConfig) {
	id := webID(t)
	if err := w.PutWebLink(ctx, id, sampleLink(), 300*time.Millisecond); err != nil {
		t.Fatalf("PutWebLink: %v", err)
	}
	cfg.wait(600 * time.Millisecond)
	if _, err := w.TakeWebLink(ctx, id); !store.IsCode(err, store.CodeNotFound) {
		t.Fatalf("TakeWebLink past its TTL = %v, want CodeNotFound", err)
	}
}

func testWebLinkNeverOverwritten(t *testing.T, ctx context.Context, w store.WebAuth, _ coordinationConfig) {
	id, first := webID(t), sampleLink()
	if err := w.PutWebLink(ctx, id, first, time.Minute); err != nil {
		t.Fatalf("PutWebLink: %v", err)
	}
	other := first
	other.UserID = "1180000000000000099"
	if err := w.PutWebLink(ctx, id, other, time.Minute); !store.IsCode(err, store.CodeAlreadyExists) {
		t.Fatalf("second PutWebLink with the same id = %v, want CodeAlreadyExists", err)
	}
	if got, err := w.TakeWebLink(ctx, id); err != nil || got.UserID != first.UserID {
		t.Fatalf("TakeWebLink = %+v, %v; want the first link", got, err)
	}
}

func testWebSessionRoundTrip(t *testing.T, ctx context.Context, w store.WebAuth, _ coordinationConfig) {
	id, want := webID(t), sampleWebSession()
	if err := w.PutWebSession(ctx, id, want, time.Hour); err != nil {
		t.Fatalf("PutWebSession: %v", err)
	}
	got, err := w.WebSession(ctx, id)
	if err != nil || !(got.GuildID == want.GuildID && got.UserID == want.UserID && got.IP == want.IP &&
		got.CreatedAt.Equal(want.CreatedAt) && got.LastSeen.Equal(want.LastSeen)) {
		t.Fatalf("WebSession = %+v, %v; want %+v", got, err, want)
	}
	seen := want.LastSeen.Add(7 * time.Minute)
	if err := w.TouchWebSession(ctx, id, seen); err != nil {
		t.Fatalf("TouchWebSession: %v", err)
	}
	got, err = w.WebSession(ctx, id)
	if err != nil || !got.LastSeen.Equal(seen) || !got.CreatedAt.Equal(want.CreatedAt) || got.IP != want.IP || got.UserID != want.UserID {
		t.Fatalf("after a touch: %+v, %v; want only LastSeen = %v changed", got, err, seen)
	}
	if err := w.DeleteWebSession(ctx, id); err != nil {
		t.Fatalf("DeleteWebSession: %v", err)
	}
	if _, err := w.WebSession(ctx, id); !store.IsCode(err, store.CodeNotFound) {
		t.Fatalf("WebSession after delete = %v, want CodeNotFound", err)
	}
	if err := w.TouchWebSession(ctx, id, seen); !store.IsCode(err, store.CodeNotFound) {
		t.Fatalf("TouchWebSession after delete = %v, want CodeNotFound (a touch must not revive it)", err)
	}
	if _, err := w.WebSession(ctx, id); !store.IsCode(err, store.CodeNotFound) {
		t.Fatalf("WebSession after a touch of a deleted session = %v, want CodeNotFound", err)
	}
	if err := w.DeleteWebSession(ctx, id); err != nil {
		t.Fatalf("DeleteWebSession of a gone session = %v, want nil", err)
	}
}

func testWebSessionNeverRebound(t *testing.T, ctx context.Context, w store.WebAuth, _ coordinationConfig) {
	id, first := webID(t), sampleWebSession()
	if err := w.PutWebSession(ctx, id, first, time.Hour); err != nil {
		t.Fatalf("PutWebSession: %v", err)
	}
	other := first
	other.IP, other.UserID = "198.51.100.9", "1180000000000000099"
	if err := w.PutWebSession(ctx, id, other, time.Hour); !store.IsCode(err, store.CodeAlreadyExists) {
		t.Fatalf("second PutWebSession with the same id = %v, want CodeAlreadyExists", err)
	}
	got, err := w.WebSession(ctx, id)
	if err != nil || got.IP != first.IP || got.UserID != first.UserID {
		t.Fatalf("WebSession = %+v, %v; want the first binding kept", got, err)
	}
}

func testWebSessionExpiry(t *testing.T, ctx context.Context, w store.WebAuth, cfg coordinationConfig) {
	id := webID(t)
	if err := w.PutWebSession(ctx, id, sampleWebSession(), 300*time.Millisecond); err != nil {
		t.Fatalf("PutWebSession: %v", err)
	}
	cfg.wait(150 * time.Millisecond)
	if err := w.TouchWebSession(ctx, id, time.Now()); err != nil {
		t.Fatalf("TouchWebSession: %v", err)
	}
	cfg.wait(450 * time.Millisecond)
	if _, err := w.WebSession(ctx, id); !store.IsCode(err, store.CodeNotFound) {
		t.Fatalf("WebSession past its absolute TTL (a touch does not extend it) = %v, want CodeNotFound", err)
	}
}

func testWebInvalidInput(t *testing.T, ctx context.Context, w store.WebAuth, _ coordinationConfig) {
	long := strings.Repeat("a", store.MaxWebIDLength+1)
	for name, err := range map[string]error{
		"PutWebLink empty id":    w.PutWebLink(ctx, "", sampleLink(), time.Minute),
		"PutWebLink long id":     w.PutWebLink(ctx, long, sampleLink(), time.Minute),
		"PutWebLink no TTL":      w.PutWebLink(ctx, webID(t), sampleLink(), 0),
		"PutWebSession empty id": w.PutWebSession(ctx, "", sampleWebSession(), time.Minute),
		"PutWebSession no TTL":   w.PutWebSession(ctx, webID(t), sampleWebSession(), 0),
		"TouchWebSession empty":  w.TouchWebSession(ctx, "", time.Now()),
		"DeleteWebSession empty": w.DeleteWebSession(ctx, ""),
	} {
		if !store.IsCode(err, store.CodeInvalid) {
			t.Errorf("%s = %v, want CodeInvalid", name, err)
		}
	}
	if _, err := w.TakeWebLink(ctx, ""); !store.IsCode(err, store.CodeInvalid) {
		t.Errorf("TakeWebLink empty id = %v, want CodeInvalid", err)
	}
	if _, err := w.WebSession(ctx, long); !store.IsCode(err, store.CodeInvalid) {
		t.Errorf("WebSession long id = %v, want CodeInvalid", err)
	}
}
