package redis

import (
	"context"
	"fmt"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/arrakis-bot/arrakis/internal/testenv"
	"github.com/arrakis-bot/arrakis/store"
	"github.com/arrakis-bot/arrakis/store/storetest"
	"github.com/arrakis-bot/arrakis/wizard"
)

// TestStatsExact checks Stats to the unit on a private redis-server that nothing else uses:
// more sessions than one SCAN call returns, other keys under arrakis:wizard: that are not
// sessions, a corrupt value, and counters from a second store on the same server.
func TestStatsExact(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	srv := storetest.StartRedisServer(t)
	c := goredis.NewClient(&goredis.Options{Addr: srv.Addr})
	defer c.Close()
	s := NewSessions(c, Options{TTL: time.Minute})
	defer s.Close()

	const n = 3*scanCount + 7 // several SCAN pages
	var last *wizard.Session
	for i := range n {
		sess, _, err := s.Create(ctx, testenv.GuildID(t), "1001", "Ada")
		if err != nil {
			t.Fatalf("Create #%d: %v", i, err)
		}
		last = sess
	}
	for _, to := range []wizard.State{wizard.StateChainSelect, wizard.StateAssetConfig} {
		if last, _ = s.Transition(ctx, last.ID, last.Version, to); last == nil {
			t.Fatalf("Transition to %s failed", to)
		}
	}
	// Not sessions: another key in a guild's slot, a key outside the pattern, a corrupt value.
	g := testenv.GuildID(t)
	for key, val := range map[string]string{
		"arrakis:wizard:{" + g + "}:draft":  `{"meta":{"state":"INIT"}}`,
		"arrakis:other:{" + g + "}:session": "x",
		sessionKey(testenv.GuildID(t)):      "corrupt",
	} {
		if err := c.Set(ctx, key, val, time.Minute).Err(); err != nil {
			t.Fatalf("SET %s: %v", key, err)
		}
	}
	// A second store (another instance) ends two sessions.
	other := NewSessions(c, Options{TTL: time.Minute})
	a, _, _ := other.Create(ctx, testenv.GuildID(t), "1001", "Ada")
	b, _, _ := other.Create(ctx, testenv.GuildID(t), "1001", "Ada")
	if err := other.Delete(ctx, a.ID, store.EndCompleted); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if err := other.Delete(ctx, b.ID, store.EndCancelled); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	other.Close() // sends its queued increments

	st, err := s.Stats(ctx)
	if err != nil {
		t.Fatalf("Stats: %v", err)
	}
	want := store.SessionStats{
		Active:  n,
		ByState: map[wizard.State]int64{wizard.StateInit: n - 1, wizard.StateAssetConfig: 1},
		Created: n + 2, Completed: 1, Cancelled: 1,
	}
	if fmt.Sprint(st) != fmt.Sprint(want) {
		t.Errorf("Stats = %+v, want %+v", st, want)
	}
}
