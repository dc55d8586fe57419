package redis

import (
	"context"
	"testing"
	"time"

	"github.com/arrakis-bot/arrakis/internal/testenv"
	"github.com/arrakis-bot/arrakis/store/storetest"
	"github.com/arrakis-bot/arrakis/wizard"
)

// TestCASWithoutScripts: the compare-and-swap writes send EVALSHA themselves (runCAS); on a
// server that does not know a script (no Preload, or after SCRIPT FLUSH) they fall back to
// EVAL and succeed.
func TestCASWithoutScripts(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	srv := storetest.StartRedisServer(t)
	c, err := Connect(ctx, "redis://"+srv.Addr, ConnOptions{})
	if err != nil {
		t.Fatalf("Connect: %v", err)
	}
	defer c.Close()
	s := NewSessions(c, Options{TTL: time.Minute})
	defer s.Close()
	sess, _, err := s.Create(ctx, testenv.GuildID(t), "1001", "Ada")
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	for round := range 2 {
		edit := *sess
		edit.Data.CommunityName = "Spice"
		if sess, err = s.Update(ctx, &edit); err != nil || sess.Data.CommunityName != "Spice" {
			t.Fatalf("round %d: Update: %+v, %v", round, sess, err)
		}
		to := wizard.StateChainSelect
		if sess.State == to {
			to = wizard.StateInit
		}
		if sess, err = s.Transition(ctx, sess.ID, sess.Version, to); err != nil || sess.State != to {
			t.Fatalf("round %d: Transition: %+v, %v", round, sess, err)
		}
		if sess, err = s.TakeOver(ctx, sess.ID, sess.Version, "2002", "Bob"); err != nil || sess.OwnerID != "2002" {
			t.Fatalf("round %d: TakeOver: %+v, %v", round, sess, err)
		}
		if err := c.ScriptFlush(ctx).Err(); err != nil {
			t.Fatalf("SCRIPT FLUSH: %v", err)
		}
	}
}
