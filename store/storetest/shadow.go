// Package storetest holds the conformance suites that every store implementation must
// pass, run against real backends (a temporary directory, versitygw, Redis).
package storetest

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/arrakis-bot/arrakis/internal/testenv"
	"github.com/arrakis-bot/arrakis/store"
	"github.com/arrakis-bot/arrakis/wizard"
)

// ShadowBackend is one fresh, empty Shadow store under test with raw access to the objects
// behind it.
type ShadowBackend struct {
	Store store.Shadow
	// Tamper writes data at key (a layout key such as "shadow-state/{id}/latest.json")
	// behind the store's back, replacing whatever is there; nil data removes the object
	// (if it is there).
	// The suite uses it to damage objects and to lay down (and clear) many objects fast.
	// Safe for concurrent use.
	Tamper func(key string, data []byte) error
}

// shadowTimeout bounds one subtest's store calls.
const shadowTimeout = 60 * time.Second

// TestShadow runs the Shadow conformance suite. newBackend is called once per subtest and
// must return an empty store (a fresh directory or bucket).
func TestShadow(t *testing.T, newBackend func(t *testing.T) ShadowBackend) {
	tests := []struct {
		name string
		run  func(t *testing.T, ctx context.Context, b ShadowBackend)
	}{
		{"Check", testShadowCheck},
		{"Empty", testShadowEmpty},
		{"SaveAndGet", testShadowSaveAndGet},
		{"Deployments", testShadowDeployments},
		{"CommunitiesApart", testShadowCommunitiesApart},
		{"InvalidInput", testShadowInvalidInput},
		{"ConcurrentSaves", testShadowConcurrentSaves},
		{"TamperedManifest", testShadowTamperedManifest},
		{"TamperedMetadata", testShadowTamperedMetadata},
		{"TamperedDeployment", testShadowTamperedDeployment},
		{"StaleLatestHint", testShadowStaleLatestHint},
		{"ManyVersions", testShadowManyVersions},
		{"Communities", testShadowCommunities},
		{"Alerts", testShadowAlerts},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := newBackend(t)
			ctx, cancel := context.WithTimeout(context.Background(), shadowTimeout)
			defer cancel()
			tc.run(t, ctx, b)
		})
	}
}

func testShadowCheck(t *testing.T, ctx context.Context, b ShadowBackend) {
	if err := b.Store.Check(ctx); err != nil {
		t.Fatalf("Check on a healthy backend: %v", err)
	}
	// The probe leaves nothing a community can see.
	if _, err := b.Store.Latest(ctx, ".probe"); !store.IsCode(err, store.CodeInvalid) {
		t.Errorf("Latest(.probe) = %v, want invalid community id", err)
	}
}

func testShadowEmpty(t *testing.T, ctx context.Context, b ShadowBackend) {
	cid := testenv.GuildID(t)
	s := b.Store
	if _, err := s.Latest(ctx, cid); !store.IsCode(err, store.CodeNotFound) {
		t.Errorf("Latest of a new community = %v, want not_found", err)
	}
	if _, err := s.LatestDeployed(ctx, cid); !store.IsCode(err, store.CodeNotFound) {
		t.Errorf("LatestDeployed of a new community = %v, want not_found", err)
	}
	if _, err := s.Get(ctx, cid, store.SnapshotID(1)); !store.IsCode(err, store.CodeNotFound) {
		t.Errorf("Get v1 of a new community = %v, want not_found", err)
	}
	list, err := s.List(ctx, cid)
	if err != nil || len(list) != 0 {
		t.Errorf("List of a new community = %v, %v; want none, nil", list, err)
	}
	err = s.RecordDeployment(ctx, cid, store.SnapshotID(1), testDeployment(store.SnapshotID(1)))
	if !store.IsCode(err, store.CodeNotFound) {
		t.Errorf("RecordDeployment of a missing snapshot = %v, want not_found", err)
	}
}

func testShadowSaveAndGet(t *testing.T, ctx context.Context, b ShadowBackend) {
	cid := testenv.GuildID(t)
	s := b.Store
	m1, m2 := ShadowManifest(cid, 1), ShadowManifest(cid, 2)
	before := time.Now().Add(-time.Minute)
	got1 := mustSave(t, ctx, s, m1, store.SnapshotMeta{CommunityID: cid, CreatedBy: "admin-1", Reason: store.ReasonInitial})
	if got1.ID != "v00000001" || got1.Version != 1 || got1.PreviousID != "" {
		t.Errorf("first save = id %q version %d previous %q, want v00000001, 1, none", got1.ID, got1.Version, got1.PreviousID)
	}
	if got1.CommunityID != cid || got1.GuildID != cid || got1.CreatedBy != "admin-1" || got1.Reason != store.ReasonInitial {
		t.Errorf("first save kept the wrong caller fields: %+v", got1)
	}
	if want, err := m1.SHA256(); err != nil || got1.ManifestSHA256 != want {
		t.Errorf("ManifestSHA256 = %q, want the manifest's own SHA256() %q (%v)", got1.ManifestSHA256, want, err)
	}
	if want := "shadow-state/" + cid + "/manifests/" + got1.ManifestSHA256 + ".json"; got1.ManifestKey != want {
		t.Errorf("ManifestKey = %q, want %q", got1.ManifestKey, want)
	}
	if got1.CreatedAt.Before(before) || got1.CreatedAt.After(time.Now().Add(time.Minute)) {
		t.Errorf("CreatedAt = %v, want about now", got1.CreatedAt)
	}

	// Reason left empty: the store says "update" after the first version.
	got2 := mustSave(t, ctx, s, m2, store.SnapshotMeta{CommunityID: cid, CreatedBy: "admin-2"})
	if got2.ID != "v00000002" || got2.PreviousID != "v00000001" || got2.Reason != store.ReasonUpdate {
		t.Errorf("second save = %q previous %q reason %q, want v00000002, v00000001, update", got2.ID, got2.PreviousID, got2.Reason)
	}
	if got2.ManifestSHA256 == got1.ManifestSHA256 {
		t.Errorf("two different manifests got the same SHA-256 %s", got1.ManifestSHA256)
	}
	// Saving the same content again is a new version that shares the manifest body.
	got3 := mustSave(t, ctx, s, m1, store.SnapshotMeta{CommunityID: cid, CreatedBy: "admin-1", Reason: store.ReasonRollback})
	if got3.Version != 3 || got3.ManifestKey != got1.ManifestKey || got3.Reason != store.ReasonRollback {
		t.Errorf("third save = version %d key %q reason %q, want 3, %q, rollback", got3.Version, got3.ManifestKey, got3.Reason, got1.ManifestKey)
	}

	for _, c := range []struct {
		meta store.SnapshotMeta
		m    *wizard.Manifest
	}{{got1, m1}, {got2, m2}, {got3, m1}} {
		snap, err := s.Get(ctx, cid, c.meta.ID)
		if err != nil {
			t.Fatalf("Get %s: %v", c.meta.ID, err)
		}
		assertMeta(t, "Get "+c.meta.ID, snap.Meta, c.meta)
		assertManifest(t, "Get "+c.meta.ID, snap.Manifest, c.m)
		if snap.Deployment != nil {
			t.Errorf("Get %s: Deployment = %+v before any deploy", c.meta.ID, snap.Deployment)
		}
	}
	latest, err := s.Latest(ctx, cid)
	if err != nil {
		t.Fatalf("Latest: %v", err)
	}
	assertMeta(t, "Latest", latest.Meta, got3)
	assertManifest(t, "Latest", latest.Manifest, m1)

	list, err := s.List(ctx, cid)
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	if len(list) != 3 {
		t.Fatalf("List has %d snapshots, want 3", len(list))
	}
	for i, want := range []store.SnapshotMeta{got3, got2, got1} {
		assertMeta(t, fmt.Sprintf("List[%d]", i), list[i], want)
	}
	if _, err := s.Get(ctx, cid, store.SnapshotID(4)); !store.IsCode(err, store.CodeNotFound) {
		t.Errorf("Get v4 (never saved) = %v, want not_found", err)
	}
}

func testShadowDeployments(t *testing.T, ctx context.Context, b ShadowBackend) {
	cid := testenv.GuildID(t)
	s := b.Store
	v1 := mustSave(t, ctx, s, ShadowManifest(cid, 1), store.SnapshotMeta{CommunityID: cid, CreatedBy: "a"})
	if _, err := s.LatestDeployed(ctx, cid); !store.IsCode(err, store.CodeNotFound) {
		t.Errorf("LatestDeployed before any deploy = %v, want not_found", err)
	}
	d1 := testDeployment(v1.ID)
	if err := s.RecordDeployment(ctx, cid, v1.ID, d1); err != nil {
		t.Fatalf("RecordDeployment %s: %v", v1.ID, err)
	}
	shadow, err := s.LatestDeployed(ctx, cid)
	if err != nil {
		t.Fatalf("LatestDeployed: %v", err)
	}
	assertMeta(t, "LatestDeployed", shadow.Meta, v1)
	assertDeployment(t, "LatestDeployed", shadow.Deployment, d1)

	v2 := mustSave(t, ctx, s, ShadowManifest(cid, 2), store.SnapshotMeta{CommunityID: cid, CreatedBy: "a"})
	v3 := mustSave(t, ctx, s, ShadowManifest(cid, 3), store.SnapshotMeta{CommunityID: cid, CreatedBy: "a"})
	// v3 is desired but not deployed: the shadow stays v1 until v2 is recorded.
	if shadow, err = s.LatestDeployed(ctx, cid); err != nil || shadow.Meta.ID != v1.ID {
		t.Fatalf("LatestDeployed with v2, v3 undeployed = %v, %v; want %s", shadowID(shadow), err, v1.ID)
	}
	d2 := testDeployment("") // the store fills SnapshotID in
	if err := s.RecordDeployment(ctx, cid, v2.ID, d2); err != nil {
		t.Fatalf("RecordDeployment %s: %v", v2.ID, err)
	}
	d2.SnapshotID = v2.ID
	shadow, err = s.LatestDeployed(ctx, cid)
	if err != nil || shadow.Meta.ID != v2.ID {
		t.Fatalf("LatestDeployed = %v, %v; want %s", shadowID(shadow), err, v2.ID)
	}
	assertDeployment(t, "LatestDeployed v2", shadow.Deployment, d2)
	assertManifest(t, "LatestDeployed v2", shadow.Manifest, ShadowManifest(cid, 2))

	err = s.RecordDeployment(ctx, cid, v2.ID, testDeployment(v2.ID))
	if !store.IsCode(err, store.CodeAlreadyExists) {
		t.Errorf("second RecordDeployment of %s = %v, want already_exists", v2.ID, err)
	}
	if err := s.RecordDeployment(ctx, cid, v3.ID, testDeployment(v1.ID)); !store.IsCode(err, store.CodeInvalid) {
		t.Errorf("RecordDeployment %s with a record naming %s = %v, want invalid", v3.ID, v1.ID, err)
	}
	if err := s.RecordDeployment(ctx, cid, store.SnapshotID(9), testDeployment(store.SnapshotID(9))); !store.IsCode(err, store.CodeNotFound) {
		t.Errorf("RecordDeployment of an unsaved snapshot = %v, want not_found", err)
	}

	latest, err := s.Latest(ctx, cid)
	if err != nil || latest.Meta.ID != v3.ID || latest.Deployment != nil {
		t.Errorf("Latest = %s (deployment %v), %v; want %s, not deployed", shadowID(latest), latest != nil && latest.Deployment != nil, err, v3.ID)
	}
	snap1, err := s.Get(ctx, cid, v1.ID)
	if err != nil {
		t.Fatalf("Get %s: %v", v1.ID, err)
	}
	assertDeployment(t, "Get v1", snap1.Deployment, d1)
}

func testShadowCommunitiesApart(t *testing.T, ctx context.Context, b ShadowBackend) {
	a, c := testenv.GuildID(t), testenv.GuildID(t)
	s := b.Store
	va := mustSave(t, ctx, s, ShadowManifest(a, 1), store.SnapshotMeta{CommunityID: a})
	mustSave(t, ctx, s, ShadowManifest(a, 2), store.SnapshotMeta{CommunityID: a})
	vc := mustSave(t, ctx, s, ShadowManifest(c, 1), store.SnapshotMeta{CommunityID: c})
	if vc.Version != 1 {
		t.Errorf("first save of a second community = version %d, want 1", vc.Version)
	}
	if err := s.RecordDeployment(ctx, a, va.ID, testDeployment(va.ID)); err != nil {
		t.Fatalf("RecordDeployment: %v", err)
	}
	if _, err := s.LatestDeployed(ctx, c); !store.IsCode(err, store.CodeNotFound) {
		t.Errorf("LatestDeployed of the other community = %v, want not_found", err)
	}
	if list, err := s.List(ctx, c); err != nil || len(list) != 1 || list[0].CommunityID != c {
		t.Errorf("List of the other community = %+v, %v; want its one snapshot", list, err)
	}
}

func testShadowInvalidInput(t *testing.T, ctx context.Context, b ShadowBackend) {
	cid := testenv.GuildID(t)
	s := b.Store
	m := ShadowManifest(cid, 1)
	for _, bad := range []string{"", "../etc", "a/b", ".probe", "x y", strings.Repeat("9", 65)} {
		if _, err := s.Save(ctx, m, store.SnapshotMeta{CommunityID: bad}); !store.IsCode(err, store.CodeInvalid) {
			t.Errorf("Save for community %q = %v, want invalid", bad, err)
		}
		if _, err := s.Latest(ctx, bad); !store.IsCode(err, store.CodeInvalid) {
			t.Errorf("Latest for community %q = %v, want invalid", bad, err)
		}
		if _, err := s.List(ctx, bad); !store.IsCode(err, store.CodeInvalid) {
			t.Errorf("List for community %q = %v, want invalid", bad, err)
		}
	}
	if _, err := s.Save(ctx, nil, store.SnapshotMeta{CommunityID: cid}); !store.IsCode(err, store.CodeInvalid) {
		t.Errorf("Save of no manifest = %v, want invalid", err)
	}
	if _, err := s.Save(ctx, m, store.SnapshotMeta{CommunityID: cid, Reason: "whim"}); !store.IsCode(err, store.CodeInvalid) {
		t.Errorf("Save with reason %q = %v, want invalid", "whim", err)
	}
	for _, bad := range []string{"", "1", "v1", "v0000001", "v00000000", "v-0000001", "../v00000001", "v00000001.json"} {
		if _, err := s.Get(ctx, cid, bad); !store.IsCode(err, store.CodeInvalid) {
			t.Errorf("Get %q = %v, want invalid", bad, err)
		}
		if err := s.RecordDeployment(ctx, cid, bad, store.Deployment{}); !store.IsCode(err, store.CodeInvalid) {
			t.Errorf("RecordDeployment %q = %v, want invalid", bad, err)
		}
	}
	if list, err := s.List(ctx, cid); err != nil || len(list) != 0 {
		t.Errorf("after refused saves List = %+v, %v; want nothing", list, err)
	}
}

// testShadowConcurrentSaves: ten writers race for versions of one community. Every save
// must get its own version, 1..10, and read back with its own manifest, and the
// previous-id chain must be one line.
func testShadowConcurrentSaves(t *testing.T, ctx context.Context, b ShadowBackend) {
	const writers = 10
	cid := testenv.GuildID(t)
	s := b.Store
	metas := make([]store.SnapshotMeta, writers)
	errs := make([]error, writers)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range writers {
		wg.Go(func() {
			<-start
			metas[i], errs[i] = s.Save(ctx, ShadowManifest(cid, i), store.SnapshotMeta{CommunityID: cid, CreatedBy: fmt.Sprint("writer-", i)})
		})
	}
	close(start)
	wg.Wait()
	seen := map[int]int{}
	for i := range writers {
		if errs[i] != nil {
			t.Fatalf("writer %d: Save: %v", i, errs[i])
		}
		if j, dup := seen[metas[i].Version]; dup {
			t.Errorf("writers %d and %d both got version %d", j, i, metas[i].Version)
		}
		seen[metas[i].Version] = i
	}
	for v := 1; v <= writers; v++ {
		if _, ok := seen[v]; !ok {
			t.Errorf("no writer got version %d (got %v)", v, seen)
		}
	}
	for i := range writers {
		snap, err := s.Get(ctx, cid, metas[i].ID)
		if err != nil {
			t.Fatalf("writer %d: Get %s: %v", i, metas[i].ID, err)
		}
		assertMeta(t, fmt.Sprintf("writer %d", i), snap.Meta, metas[i])
		assertManifest(t, fmt.Sprintf("writer %d (%s)", i, metas[i].ID), snap.Manifest, ShadowManifest(cid, i))
	}
	list, err := s.List(ctx, cid)
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	assertChain(t, list, writers)
	latest, err := s.Latest(ctx, cid)
	if err != nil || latest.Meta.Version != writers {
		t.Errorf("Latest = %s, %v; want %s", shadowID(latest), err, store.SnapshotID(writers))
	}
}

func testShadowTamperedManifest(t *testing.T, ctx context.Context, b ShadowBackend) {
	cid := testenv.GuildID(t)
	s := b.Store
	v1 := mustSave(t, ctx, s, ShadowManifest(cid, 1), store.SnapshotMeta{CommunityID: cid})
	if err := s.RecordDeployment(ctx, cid, v1.ID, testDeployment(v1.ID)); err != nil {
		t.Fatalf("RecordDeployment: %v", err)
	}
	// Valid JSON, a plausible manifest, but not what was saved.
	other, err := json.Marshal(ShadowManifest(cid, 99))
	if err != nil {
		t.Fatal(err)
	}
	mustTamper(t, b, v1.ManifestKey, other)
	_, err = s.Get(ctx, cid, v1.ID)
	assertStoreError(t, "Get after the manifest changed", err, store.CodeIntegrity, v1.ManifestKey)
	_, err = s.Latest(ctx, cid)
	assertStoreError(t, "Latest after the manifest changed", err, store.CodeIntegrity, v1.ManifestKey)
	_, err = s.LatestDeployed(ctx, cid)
	assertStoreError(t, "LatestDeployed after the manifest changed", err, store.CodeIntegrity, v1.ManifestKey)

	// A body that vanished is as wrong as a changed one.
	mustTamper(t, b, v1.ManifestKey, nil)
	_, err = s.Get(ctx, cid, v1.ID)
	assertStoreError(t, "Get after the manifest was removed", err, store.CodeIntegrity, v1.ManifestKey)

	// Saving the same manifest again restores the content-addressed body.
	v2 := mustSave(t, ctx, s, ShadowManifest(cid, 1), store.SnapshotMeta{CommunityID: cid})
	if v2.ManifestKey != v1.ManifestKey {
		t.Fatalf("same manifest, different key: %s vs %s", v2.ManifestKey, v1.ManifestKey)
	}
	if snap, err := s.Get(ctx, cid, v1.ID); err != nil {
		t.Errorf("Get %s after saving its manifest again: %v", v1.ID, err)
	} else {
		assertManifest(t, "repaired v1", snap.Manifest, ShadowManifest(cid, 1))
	}
}

func testShadowTamperedMetadata(t *testing.T, ctx context.Context, b ShadowBackend) {
	cid := testenv.GuildID(t)
	s := b.Store
	v1 := mustSave(t, ctx, s, ShadowManifest(cid, 1), store.SnapshotMeta{CommunityID: cid})
	v2 := mustSave(t, ctx, s, ShadowManifest(cid, 2), store.SnapshotMeta{CommunityID: cid})
	v1Key := "shadow-state/" + cid + "/metadata/" + v1.ID + ".json"
	v2Key := "shadow-state/" + cid + "/metadata/" + v2.ID + ".json"

	// v2's metadata now claims v1's manifest hash but keeps its own key: caught.
	forged := v2
	forged.ManifestSHA256 = v1.ManifestSHA256
	mustTamper(t, b, v2Key, mustJSON(t, forged))
	_, err := s.Get(ctx, cid, v2.ID)
	assertStoreError(t, "Get with a forged hash", err, store.CodeIntegrity, v2Key)
	_, err = s.List(ctx, cid)
	assertStoreError(t, "List with a forged hash", err, store.CodeIntegrity, v2Key)

	// v1's metadata copied over v2's (a misplaced object): caught by the id.
	mustTamper(t, b, v2Key, mustJSON(t, v1))
	_, err = s.Latest(ctx, cid)
	assertStoreError(t, "Latest with v1's metadata at v2", err, store.CodeIntegrity, v2Key)

	// The previous-id chain is part of the metadata's meaning.
	broken := v2
	broken.PreviousID = ""
	mustTamper(t, b, v2Key, mustJSON(t, broken))
	_, err = s.Get(ctx, cid, v2.ID)
	assertStoreError(t, "Get with a broken chain", err, store.CodeIntegrity, v2Key)

	mustTamper(t, b, v1Key, []byte("{not json"))
	_, err = s.Get(ctx, cid, v1.ID)
	assertStoreError(t, "Get with garbage metadata", err, store.CodeCorrupt, v1Key)
}

func testShadowTamperedDeployment(t *testing.T, ctx context.Context, b ShadowBackend) {
	cid := testenv.GuildID(t)
	s := b.Store
	v1 := mustSave(t, ctx, s, ShadowManifest(cid, 1), store.SnapshotMeta{CommunityID: cid})
	v2 := mustSave(t, ctx, s, ShadowManifest(cid, 2), store.SnapshotMeta{CommunityID: cid})
	if err := s.RecordDeployment(ctx, cid, v2.ID, testDeployment(v2.ID)); err != nil {
		t.Fatalf("RecordDeployment: %v", err)
	}
	key := "shadow-state/" + cid + "/deployments/" + v2.ID + ".json"
	mustTamper(t, b, key, mustJSON(t, testDeployment(v1.ID)))
	_, err := s.LatestDeployed(ctx, cid)
	assertStoreError(t, "LatestDeployed with a record naming another snapshot", err, store.CodeIntegrity, key)
	// A record for a snapshot that was never saved.
	orphan := "shadow-state/" + cid + "/deployments/" + store.SnapshotID(7) + ".json"
	mustTamper(t, b, orphan, mustJSON(t, testDeployment(store.SnapshotID(7))))
	_, err = s.LatestDeployed(ctx, cid)
	assertStoreError(t, "LatestDeployed with an orphan record", err, store.CodeIntegrity, "shadow-state/"+cid+"/metadata/"+store.SnapshotID(7)+".json")
}

// testShadowStaleLatestHint: latest.json is only a hint. Stale, ahead, damaged or missing,
// Latest and Save must still find the true newest version.
func testShadowStaleLatestHint(t *testing.T, ctx context.Context, b ShadowBackend) {
	cid := testenv.GuildID(t)
	s := b.Store
	for i := 1; i <= 3; i++ {
		mustSave(t, ctx, s, ShadowManifest(cid, i), store.SnapshotMeta{CommunityID: cid})
	}
	hint := "shadow-state/" + cid + "/latest.json"
	for i, data := range []string{
		`{"id":"v00000001","version":1}`,  // behind
		`{"id":"v00000099","version":99}`, // ahead of anything saved
		`{"id":"v00000002","version":7}`,  // contradicts itself
		`garbage`,
		``,
	} {
		mustTamper(t, b, hint, []byte(data))
		latest, err := s.Latest(ctx, cid)
		if err != nil || latest.Meta.Version != 3+i {
			t.Fatalf("Latest with latest.json %q = %s, %v; want %s", data, shadowID(latest), err, store.SnapshotID(3+i))
		}
		mustTamper(t, b, hint, []byte(data))
		got := mustSave(t, ctx, s, ShadowManifest(cid, 4+i), store.SnapshotMeta{CommunityID: cid})
		if got.Version != 4+i || got.PreviousID != store.SnapshotID(3+i) {
			t.Fatalf("Save with latest.json %q = %s after %s; want %s after %s", data, got.ID, got.PreviousID, store.SnapshotID(4+i), store.SnapshotID(3+i))
		}
	}
}

// testShadowManyVersions: more snapshots than one S3 listing page (1,000) list completely and
// in order. The bulk is laid down behind the store's back (in parallel) to stay fast, then
// read through the store; a final Save must find the true newest version past a stale hint.
func testShadowManyVersions(t *testing.T, ctx context.Context, b ShadowBackend) {
	const total = 1200
	cid := testenv.GuildID(t)
	s := b.Store
	first := mustSave(t, ctx, s, ShadowManifest(cid, 1), store.SnapshotMeta{CommunityID: cid, CreatedBy: "bulk"})
	metaKey := func(v int) string { return "shadow-state/" + cid + "/metadata/" + store.SnapshotID(v) + ".json" }
	err := inParallel(2, total, func(v int) error {
		meta := first
		meta.Version, meta.ID, meta.PreviousID = v, store.SnapshotID(v), store.SnapshotID(v-1)
		meta.CreatedAt = first.CreatedAt.Add(time.Duration(v) * time.Second)
		raw, err := json.Marshal(meta)
		if err != nil {
			return err
		}
		return b.Tamper(metaKey(v), raw)
	})
	// Clearing the bulk in parallel keeps a bucket's one-by-one cleanup short.
	t.Cleanup(func() {
		if err := inParallel(1, total+1, func(v int) error { return b.Tamper(metaKey(v), nil) }); err != nil {
			t.Errorf("clear the bulk snapshots: %v", err)
		}
	})
	if err != nil {
		t.Fatalf("lay down %d snapshots: %v", total, err)
	}
	list, err := s.List(ctx, cid)
	if err != nil {
		t.Fatalf("List of %d snapshots: %v", total, err)
	}
	assertChain(t, list, total)
	next := mustSave(t, ctx, s, ShadowManifest(cid, 2), store.SnapshotMeta{CommunityID: cid})
	if next.Version != total+1 || next.PreviousID != store.SnapshotID(total) {
		t.Errorf("Save after %d snapshots = %s after %s; want %s", total, next.ID, next.PreviousID, store.SnapshotID(total+1))
	}
}

// inParallel runs f(from)..f(to) on 16 goroutines and returns the first error.
func inParallel(from, to int, f func(int) error) error {
	next := make(chan int)
	errs := make(chan error, to-from+1)
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			for v := range next {
				if err := f(v); err != nil {
					errs <- fmt.Errorf("%d: %w", v, err)
				}
			}
		})
	}
	for v := from; v <= to; v++ {
		next <- v
	}
	close(next)
	wg.Wait()
	close(errs)
	return <-errs
}

// ShadowManifest is a small, complete manifest that differs for every i.
func ShadowManifest(guildID string, i int) *wizard.Manifest {
	decimals := 18
	return &wizard.Manifest{
		APIVersion: wizard.APIVersion,
		Community:  wizard.Community{Name: fmt.Sprintf("Arrakis <&> %d", i), GuildID: guildID},
		Chains:     []wizard.Chain{{ID: "ethereum", ChainID: 1}},
		Assets: []wizard.Asset{{ID: "spice", Type: wizard.AssetERC20, Chain: "ethereum",
			Contract: "0x6B175474E89094C44Da98b954EedeAC495271d0F", Name: "Spice", Symbol: "SPC", Decimals: &decimals}},
		Tiers: []wizard.Tier{{
			ID: "fremen", Name: "Fremen",
			Rules: []wizard.Rule{{Type: wizard.RuleMinBalance, Asset: "spice", Amount: fmt.Sprint(100 + i)}},
			Role:  wizard.RoleSpec{Name: "Fremen", Color: 0xC2B280, Hoist: true},
		}},
		ChannelTemplate: "custom",
		Channels: []wizard.Channel{
			{Key: "sietch", Name: "sietch", Type: wizard.ChannelCategory},
			{Key: "council", Name: "council", Type: wizard.ChannelText, Parent: "sietch", Topic: "Ünïcode ✓", MinTier: "fremen"},
		},
	}
}

func testDeployment(id string) store.Deployment {
	return store.Deployment{
		SnapshotID: id,
		DeployedAt: time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC),
		DeployedBy: "admin-1",
		Result:     "completed",
		Writes:     4,
		Resources: wizard.ResourceMap{
			Roles:    map[string]string{"fremen": "1300000000000000001"},
			Channels: map[string]string{"sietch": "1300000000000000002", "council": "1300000000000000003"},
		},
	}
}

func mustSave(t *testing.T, ctx context.Context, s store.Shadow, m *wizard.Manifest, meta store.SnapshotMeta) store.SnapshotMeta {
	t.Helper()
	got, err := s.Save(ctx, m, meta)
	if err != nil {
		t.Fatalf("Save for %s: %v", meta.CommunityID, err)
	}
	return got
}

func mustTamper(t *testing.T, b ShadowBackend, key string, data []byte) {
	t.Helper()
	if err := b.Tamper(key, data); err != nil {
		t.Fatalf("tamper with %s: %v", key, err)
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func shadowID(s *store.Snapshot) string {
	if s == nil {
		return "<none>"
	}
	return s.Meta.ID
}

// assertChain checks a newest-first listing of versions n..1 whose previous ids form one line.
func assertChain(t *testing.T, list []store.SnapshotMeta, n int) {
	t.Helper()
	if len(list) != n {
		t.Fatalf("List has %d snapshots, want %d", len(list), n)
	}
	for i, meta := range list {
		v := n - i
		want := ""
		if v > 1 {
			want = store.SnapshotID(v - 1)
		}
		if meta.Version != v || meta.ID != store.SnapshotID(v) || meta.PreviousID != want {
			t.Fatalf("List[%d] = %s (version %d, previous %q), want %s after %q", i, meta.ID, meta.Version, meta.PreviousID, store.SnapshotID(v), want)
		}
	}
}

func assertMeta(t *testing.T, what string, got, want store.SnapshotMeta) {
	t.Helper()
	if !got.CreatedAt.Equal(want.CreatedAt) {
		t.Errorf("%s: CreatedAt = %v, want %v", what, got.CreatedAt, want.CreatedAt)
	}
	got.CreatedAt, want.CreatedAt = time.Time{}, time.Time{}
	if got != want {
		t.Errorf("%s: metadata = %+v, want %+v", what, got, want)
	}
}

func assertManifest(t *testing.T, what string, got, want *wizard.Manifest) {
	t.Helper()
	g, err1 := json.Marshal(got)
	w, err2 := json.Marshal(want)
	if err1 != nil || err2 != nil || string(g) != string(w) {
		t.Errorf("%s: manifest = %s, want %s", what, g, w)
	}
}

func assertDeployment(t *testing.T, what string, got *store.Deployment, want store.Deployment) {
	t.Helper()
	if got == nil {
		t.Errorf("%s: no deployment record, want %+v", what, want)
		return
	}
	if !got.DeployedAt.Equal(want.DeployedAt) {
		t.Errorf("%s: DeployedAt = %v, want %v", what, got.DeployedAt, want.DeployedAt)
	}
	g, w := *got, want
	g.DeployedAt, w.DeployedAt = time.Time{}, time.Time{}
	gj, _ := json.Marshal(g)
	wj, _ := json.Marshal(w)
	if string(gj) != string(wj) {
		t.Errorf("%s: deployment = %s, want %s", what, gj, wj)
	}
}

// assertStoreError checks that err is a *store.Error with code that names key.
func assertStoreError(t *testing.T, what string, err error, code store.Code, key string) {
	t.Helper()
	if !store.IsCode(err, code) {
		t.Errorf("%s: error = %v, want code %s", what, err, code)
		return
	}
	if !strings.Contains(err.Error(), key) {
		t.Errorf("%s: error %q does not name the object %s", what, err, key)
	}
}
