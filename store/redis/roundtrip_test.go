package redis

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/arrakis-bot/arrakis/internal/testenv"
	"github.com/arrakis-bot/arrakis/store"
	"github.com/arrakis-bot/arrakis/store/storetest"
	"github.com/arrakis-bot/arrakis/wizard"
)

// TestRoundTrips counts, after warm-up, the round trips of each session operation on a
// single node and on a Cluster: one each. On a Cluster it counts twice — at the cluster
// client and on every node's own client — so a MOVED redirect or a retry would show.
func TestRoundTrips(t *testing.T) {
	t.Run("single", func(t *testing.T) {
		t.Parallel()
		c := testenv.Redis(t)
		h := &testenv.RoundTrips{}
		c.AddHook(h)
		testRoundTrips(t, c, h, nil)
	})
	t.Run("cluster", func(t *testing.T) {
		t.Parallel()
		c := testenv.RedisCluster(t)
		h := &testenv.RoundTrips{}
		c.AddHook(h)
		// Node clients also see the cluster's own CLUSTER SLOTS refreshes, and the HELLO and
		// CLIENT SETINFO that open a new connection (the background counter pipelines use a
		// pool of their own): not session work.
		nodes := &testenv.RoundTrips{Skip: func(name string) bool { return name == "cluster" || name == "hello" || name == "client" }}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := c.ForEachShard(ctx, func(_ context.Context, n *goredis.Client) error {
			n.AddHook(nodes)
			return nil
		}); err != nil {
			t.Fatalf("ForEachShard: %v", err)
		}
		testRoundTrips(t, c, h, nodes)
	})
}

func testRoundTrips(t *testing.T, c goredis.UniversalClient, h, nodes *testenv.RoundTrips) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s := NewSessions(c, Options{TTL: time.Minute})
	defer s.Close()
	guild := testenv.GuildID(t)

	// Warm-up on the guild's node: the first EVALSHA of each script there is answered
	// NOSCRIPT and go-redis sends EVAL once.
	warm, _, err := s.Create(ctx, guild, "1001", "Ada")
	if err != nil {
		t.Fatalf("warm-up Create: %v", err)
	}
	warm = mustRun(t, "warm-up Update", func() (*wizard.Session, error) { return s.Update(ctx, withData(warm)) })
	warm = mustRun(t, "warm-up Transition", func() (*wizard.Session, error) {
		return s.Transition(ctx, warm.ID, warm.Version, wizard.StateChainSelect)
	})
	warm = mustRun(t, "warm-up TakeOver", func() (*wizard.Session, error) { return s.TakeOver(ctx, warm.ID, warm.Version, "1001", "Ada") })
	warm = mustRun(t, "warm-up BindIP", func() (*wizard.Session, error) { return s.BindIP(ctx, warm.ID, "192.0.2.1") })
	if err := s.Refresh(ctx, warm.ID); err != nil {
		t.Fatalf("warm-up Refresh: %v", err)
	}
	if err := s.Delete(ctx, warm.ID, store.EndCancelled); err != nil {
		t.Fatalf("warm-up Delete: %v", err)
	}
	s.counters.flush(ctx)
	h.Take()
	if nodes != nil {
		nodes.Take()
	}

	var sess *wizard.Session
	var iid string // ValidateOnce's interaction id, delivered twice
	steps := []struct {
		name         string
		run          func() error
		wantCounters int // background counter pipelines
	}{
		{"Create", func() error { var err error; sess, _, err = s.Create(ctx, guild, "1001", "Ada"); return err }, 1},
		{"Get", func() error { var err error; sess, err = s.Get(ctx, sess.ID); return err }, 0},
		{"GetByGuild", func() error { _, err := s.GetByGuild(ctx, guild); return err }, 0},
		{"Validate", func() error { _, err := s.Validate(ctx, sess.ID, guild, "1001", ""); return err }, 0},
		// The mark and the read, in one pipeline to the guild's node.
		{"ValidateOnce", func() error {
			iid = testenv.GuildID(t)
			return validateOnceFirst(ctx, s, sess.ID, guild, guild, iid)
		}, 0},
		{"ValidateOnce(repeat)", func() error { return validateOnceRepeat(ctx, s, sess.ID, guild, iid) }, 0},
		{"ValidateOnce(wrong guild)", func() error {
			return validateOnceFirst(ctx, s, sess.ID, testenv.GuildID(t), "", testenv.GuildID(t))
		}, 0},
		{"Update", func() error { var err error; sess, err = s.Update(ctx, withData(sess)); return err }, 0},
		{"Transition", func() error {
			var err error
			sess, err = s.Transition(ctx, sess.ID, sess.Version, wizard.StateChainSelect)
			return err
		}, 0},
		{"TakeOver", func() error {
			var err error
			sess, err = s.TakeOver(ctx, sess.ID, sess.Version, "2002", "Bob")
			return err
		}, 0},
		{"BindIP", func() error { var err error; sess, err = s.BindIP(ctx, sess.ID, "192.0.2.1"); return err }, 0},
		{"Refresh", func() error { return s.Refresh(ctx, sess.ID) }, 0},
		{"ExistsForGuild", func() error { _, err := s.ExistsForGuild(ctx, guild); return err }, 0},
		{"Delete", func() error { return s.Delete(ctx, sess.ID, store.EndCompleted) }, 1},
	}
	// What some operations must send, as testenv.RoundTrips writes it down.
	markAndRead := func() string {
		return "pipeline[SET arrakis:once:{" + guild + "}:interaction:" + iid + "; GETEX " + SessionKey(guild) + "]"
	}
	wantSent := map[string]func() string{"ValidateOnce": markAndRead, "ValidateOnce(repeat)": markAndRead}
	for _, st := range steps {
		if err := st.run(); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		s.counters.flush(ctx) // let the background increments land, so they are seen and kept apart
		critical, counters := h.Take()
		if len(critical) != 1 {
			t.Errorf("%s: %d round trips on the caller's path, want 1: %q", st.name, len(critical), critical)
		}
		if len(counters) != st.wantCounters {
			t.Errorf("%s: %d background counter pipelines, want %d: %q", st.name, len(counters), st.wantCounters, counters)
		}
		if want, ok := wantSent[st.name]; ok && (len(critical) != 1 || critical[0] != want()) {
			t.Errorf("%s: sent %q, want %q", st.name, critical, want())
		}
		t.Logf("%-14s caller: %q; background: %q", st.name, critical, counters)
		if nodes != nil {
			nc, ncounters := nodes.Take()
			if len(nc) != 1 || len(ncounters) != st.wantCounters {
				t.Errorf("%s: node clients saw %q and counters %q, want 1 round trip and %d counter pipelines", st.name, nc, ncounters, st.wantCounters)
			}
		}
	}

}

// TestPreload: after Preload every master knows every session script, so even the first
// write after a restart is one EVALSHA. The single-node case runs on a private server, whose
// script cache is empty; on the shared Cluster the scripts are looked up with SCRIPT EXISTS.
func TestPreload(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	t.Run("single", func(t *testing.T) {
		srv := storetest.StartRedisServer(t)
		c := goredis.NewClient(&goredis.Options{Addr: srv.Addr})
		defer c.Close()
		h := &testenv.RoundTrips{}
		c.AddHook(h)
		s := NewSessions(c, Options{})
		defer s.Close()
		if err := s.Preload(ctx); err != nil {
			t.Fatalf("Preload: %v", err)
		}
		sess, _, err := s.Create(ctx, testenv.GuildID(t), "1001", "Ada")
		if err != nil {
			t.Fatalf("Create: %v", err)
		}
		s.counters.flush(ctx)
		h.Take()
		if _, err := s.Transition(ctx, sess.ID, sess.Version, wizard.StateChainSelect); err != nil {
			t.Fatalf("Transition: %v", err)
		}
		if critical, _ := h.Take(); len(critical) != 1 || !strings.HasPrefix(critical[0], "EVALSHA") {
			t.Errorf("first Transition on a fresh server after Preload: %q, want one EVALSHA", critical)
		}
	})
	t.Run("cluster", func(t *testing.T) {
		c := testenv.RedisCluster(t)
		s := NewSessions(c, Options{})
		defer s.Close()
		if err := s.Preload(ctx); err != nil {
			t.Fatalf("Preload: %v", err)
		}
		var hashes []string
		for _, sc := range sessionScripts {
			hashes = append(hashes, sc.Hash())
		}
		var masters atomic.Int32
		err := c.ForEachMaster(ctx, func(ctx context.Context, n *goredis.Client) error {
			exists, err := n.ScriptExists(ctx, hashes...).Result()
			if err != nil {
				return err
			}
			for i, ok := range exists {
				if !ok {
					return fmt.Errorf("%s does not know script %s", n.Options().Addr, hashes[i])
				}
			}
			masters.Add(1)
			return nil
		})
		if err != nil || masters.Load() != 3 {
			t.Errorf("after Preload: %v (%d masters checked, want 3)", err, masters.Load())
		}
	})
}

// validateOnceFirst is a first delivery of interaction iid; wantGuild says whether the session
// should come back ("" when a refusal is expected, with the wrong guild).
func validateOnceFirst(ctx context.Context, s *Sessions, id, guild, wantGuild, iid string) error {
	sess, first, err := s.ValidateOnce(ctx, id, guild, "1001", "", iid, time.Minute)
	switch {
	case !first:
		return fmt.Errorf("first delivery of %s answered as a repeat (err %v)", iid, err)
	case wantGuild == "" && !store.IsCode(err, store.CodeWrongGuild):
		return fmt.Errorf("from another guild: err %v, want wrong_guild", err)
	case wantGuild == "":
		return nil
	case err != nil:
		return err
	case sess == nil || sess.GuildID != wantGuild:
		return fmt.Errorf("session %+v, want guild %s's", sess, wantGuild)
	}
	return nil
}

func validateOnceRepeat(ctx context.Context, s *Sessions, id, guild, iid string) error {
	sess, first, err := s.ValidateOnce(ctx, id, guild, "1001", "", iid, time.Minute)
	if first || err != nil || sess != nil {
		return fmt.Errorf("repeat of %s: first %v, err %v, session %v; want a repeat", iid, first, err, sess)
	}
	return nil
}

func withData(s *wizard.Session) *wizard.Session {
	c := *s
	c.Data = storetest.FilledSessionData()
	return &c
}

func mustRun(t *testing.T, what string, f func() (*wizard.Session, error)) *wizard.Session {
	t.Helper()
	s, err := f()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return s
}
