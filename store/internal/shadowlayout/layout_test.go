package shadowlayout

import (
	"testing"
	"time"

	"github.com/arrakis-bot/arrakis/store"
)

func TestParseID(t *testing.T) {
	for id, want := range map[string]int{"v00000001": 1, "v00000042": 42, "v123456789": 123456789,
		"v0000001": 0, "00000001": 0, "v00000000": 0, "v0000000x": 0, "v000000042": 0, "": 0} {
		got, ok := ParseID(id)
		if got != want || ok != (want > 0) {
			t.Errorf("ParseID(%q) = %d, %v; want %d", id, got, ok, want)
		}
	}
	if v, ok := VersionOfKey(MetadataPrefix("g"), MetadataKey("g", 7)); !ok || v != 7 {
		t.Errorf("VersionOfKey(MetadataKey(g, 7)) = %d, %v", v, ok)
	}
	if _, ok := VersionOfKey(MetadataPrefix("g"), MetadataKey("h", 7)); ok {
		t.Error("a key of another community parsed")
	}
}

func TestCheckCommunity(t *testing.T) {
	for _, bad := range []string{"", ".probe", "../x", "a/b", "a b", string(make([]byte, 65))} {
		if !store.IsCode(CheckCommunity("op", bad), store.CodeInvalid) {
			t.Errorf("CheckCommunity(%q) accepted", bad)
		}
	}
	if err := CheckCommunity("op", "123456789012345678"); err != nil {
		t.Errorf("a guild id refused: %v", err)
	}
}

// A claim lost and retried at the next version gets that version's default reason: the
// first claim's "initial" does not stick to version 2.
func TestClaimDefaultsPerVersion(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.FixedZone("x", 3600))
	meta := store.SnapshotMeta{CommunityID: "g"}
	first := Claim(meta, 1, now)
	if first.ID != "v00000001" || first.PreviousID != "" || first.Reason != store.ReasonInitial || first.CreatedAt.Location() != time.UTC {
		t.Errorf("claim of v1 = %+v", first)
	}
	second := Claim(meta, 2, now)
	if second.ID != "v00000002" || second.PreviousID != "v00000001" || second.Reason != store.ReasonUpdate {
		t.Errorf("claim of v2 after losing v1 = %+v", second)
	}
	meta.Reason = store.ReasonRollback
	if got := Claim(meta, 1, now).Reason; got != store.ReasonRollback {
		t.Errorf("a given reason became %q", got)
	}
}
