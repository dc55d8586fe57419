package storetest

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/arrakis-bot/arrakis/internal/testenv"
	"github.com/arrakis-bot/arrakis/store"
)

// communitiesBulk is more communities than one S3 listing page (1,000) holds, so
// Communities must follow continuation tokens to see them all.
const communitiesBulk = 1050

func testShadowCommunities(t *testing.T, ctx context.Context, b ShadowBackend) {
	s := b.Store
	if got, err := s.Communities(ctx); err != nil || len(got) != 0 {
		t.Fatalf("Communities of an empty store = %v, %v; want none, nil", got, err)
	}
	// Check's probe, a stray file at the root and a name no guild id can have are not
	// communities.
	if err := s.Check(ctx); err != nil {
		t.Fatalf("Check: %v", err)
	}
	mustTamper(t, b, "shadow-state/.probe/leftover", []byte(`{}`))
	mustTamper(t, b, "shadow-state/README.json", []byte(`{}`))
	mustTamper(t, b, "shadow-state/not a guild/latest.json", []byte(`{}`))
	t.Cleanup(func() {
		for _, k := range []string{"shadow-state/.probe/leftover", "shadow-state/README.json", "shadow-state/not a guild/latest.json"} {
			_ = b.Tamper(k, nil)
		}
	})
	if got, err := s.Communities(ctx); err != nil || len(got) != 0 {
		t.Fatalf("Communities with only a probe and strays = %v, %v; want none, nil", got, err)
	}

	a, c := testenv.GuildID(t), testenv.GuildID(t)
	mustSave(t, ctx, s, ShadowManifest(a, 1), store.SnapshotMeta{CommunityID: a})
	mustSave(t, ctx, s, ShadowManifest(a, 2), store.SnapshotMeta{CommunityID: a})
	mustSave(t, ctx, s, ShadowManifest(c, 1), store.SnapshotMeta{CommunityID: c})
	want := []string{a, c}
	slices.Sort(want)
	got, err := s.Communities(ctx)
	if err != nil || !slices.Equal(got, want) {
		t.Fatalf("Communities after saves in two communities = %v, %v; want %v (each once, sorted)", got, err, want)
	}

	// Past one listing page.
	key := func(i int) string { return fmt.Sprintf("shadow-state/bulk%05d/latest.json", i) }
	err = inParallel(1, communitiesBulk, func(i int) error { return b.Tamper(key(i), []byte(`{}`)) })
	t.Cleanup(func() {
		if err := inParallel(1, communitiesBulk, func(i int) error { return b.Tamper(key(i), nil) }); err != nil {
			t.Errorf("clear the bulk communities: %v", err)
		}
	})
	if err != nil {
		t.Fatalf("lay down %d communities: %v", communitiesBulk, err)
	}
	got, err = s.Communities(ctx)
	if err != nil {
		t.Fatalf("Communities of %d: %v", communitiesBulk+2, err)
	}
	if len(got) != communitiesBulk+2 || !slices.IsSorted(got) {
		t.Fatalf("Communities returned %d ids (sorted: %v), want %d sorted", len(got), slices.IsSorted(got), communitiesBulk+2)
	}
	for _, id := range []string{a, c, "bulk00001", fmt.Sprintf("bulk%05d", communitiesBulk)} {
		if _, ok := slices.BinarySearch(got, id); !ok {
			t.Errorf("Communities misses %s", id)
		}
	}
}
