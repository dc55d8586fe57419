package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/arrakis-bot/arrakis/internal/testenv"
	"github.com/arrakis-bot/arrakis/store"
	"github.com/arrakis-bot/arrakis/wizard"
)

// expiryTTL is the session TTL of the expiry subtest.
const expiryTTL = 2 * time.Second

// testSessionsExpiry: with a 2-second TTL, an untouched session is gone after it (checked in
// the backend when the suite has a probe), while one read every second, and one written
// every second, survive four seconds. On real time this subtest takes about four seconds.
func testSessionsExpiry(t *testing.T, ctx context.Context, newStore NewSessionsFunc, cfg sessionsConfig) {
	s := newStore(t, expiryTTL)
	gIdle, gRead, gWrite := testenv.GuildID(t), testenv.GuildID(t), testenv.GuildID(t)
	idle := sessMustCreate(t, ctx, s, gIdle, "1001")
	read := sessMustCreate(t, ctx, s, gRead, "1001")
	written := sessMustCreate(t, ctx, s, gWrite, "1001")
	if cfg.probe != nil {
		exists, ttl := cfg.probe(t, gIdle)
		if !exists || ttl <= 0 || ttl > expiryTTL {
			t.Errorf("new session in the backend: exists %v, TTL %v; want a TTL in (0, %v]", exists, ttl, expiryTTL)
		}
	}
	wait := func(d time.Duration) {
		if cfg.advance != nil {
			cfg.advance(d)
		} else {
			time.Sleep(d)
		}
	}

	for sec := 1; sec <= 4; sec++ {
		wait(time.Second)
		var err error
		switch sec {
		case 1:
			_, err = s.Get(ctx, read.ID)
		case 2:
			_, err = s.Validate(ctx, read.ID, gRead, "1001", "")
		case 3:
			_, err = s.GetByGuild(ctx, gRead)
		case 4:
			_, err = s.Get(ctx, read.ID)
		}
		if err != nil {
			t.Fatalf("second %d: read of a session read every second: %v", sec, err)
		}
		if cfg.probe != nil {
			if exists, ttl := cfg.probe(t, gRead); !exists || ttl < expiryTTL-time.Second {
				t.Errorf("second %d: after a read the backend has exists %v, TTL %v; want the TTL set again to ~%v", sec, exists, ttl, expiryTTL)
			}
		}

		switch sec {
		case 1:
			edit := *written
			edit.Data.CommunityName = "kept alive"
			written, err = s.Update(ctx, &edit)
		case 2:
			written, err = s.Transition(ctx, written.ID, written.Version, wizard.StateChainSelect)
		case 3:
			err = s.Refresh(ctx, written.ID)
		case 4:
			written, err = s.TakeOver(ctx, written.ID, written.Version, "2002", "Bob")
		}
		if err != nil {
			t.Fatalf("second %d: write to a session written every second: %v", sec, err)
		}

		if sec >= 3 && cfg.probe != nil { // more than the TTL since the idle session was touched
			if exists, ttl := cfg.probe(t, gIdle); exists {
				t.Errorf("second %d: the untouched session is still in the backend (TTL %v)", sec, ttl)
			}
		}
	}

	_, err := s.Get(ctx, idle.ID)
	sessWantCode(t, "Get of the untouched session", err, store.CodeExpired)
	if ok, err := s.ExistsForGuild(ctx, gIdle); err != nil || ok {
		t.Errorf("ExistsForGuild of the untouched session = %v, %v; want false", ok, err)
	}
	_, err = s.GetByGuild(ctx, gIdle)
	sessWantCode(t, "GetByGuild of the untouched session", err, store.CodeNotFound)
	if _, existing, err := s.Create(ctx, gIdle, "2002", "Bob"); err != nil || existing {
		t.Errorf("Create after expiry = %v, existing %v; want a new session", err, existing)
	}
	if got := sessMustGet(t, ctx, s, written.ID); got.OwnerID != "2002" || got.Data.CommunityName != "kept alive" {
		t.Errorf("the written session after four seconds: %+v", got)
	}
}
