package storetest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/arrakis-bot/arrakis/internal/testenv"
	"github.com/arrakis-bot/arrakis/store"
	"github.com/arrakis-bot/arrakis/wizard"
)

// testSessionsCorrupt: a value under a session key that is not a session of that guild is
// CodeCorrupt naming the key, from every method that reads it, and nothing panics.
func testSessionsCorrupt(t *testing.T, ctx context.Context, newStore NewSessionsFunc, cfg sessionsConfig) {
	s := newStore(t, longTTL)
	other := testenv.GuildID(t)
	values := map[string]string{
		"not JSON":        "not json {",
		"a JSON array":    "[1,2,3]",
		"empty meta":      `{"meta":{}}`,
		"a bare session":  `{"id":"1.abc","guildId":"1","version":1,"state":"INIT"}`,
		"unbalanced meta": `{"meta":{"id":"x","ui":{},"data":{}}`,
		"another guild's session": `{"meta":{"id":"` + other + `.abcd","guildId":"` + other +
			`","version":1,"state":"INIT","ownerId":"1001"},"ui":{},"data":{}}`,
	}
	for name, value := range values {
		t.Run(strings.ReplaceAll(name, " ", "_"), func(t *testing.T) {
			guild := testenv.GuildID(t)
			cfg.corrupt(t, guild, value)
			id := wizard.NewSessionID(guild)
			wantCorrupt := func(what string, err error) {
				t.Helper()
				sessWantCode(t, what, err, store.CodeCorrupt)
				var se *store.Error
				if errors.As(err, &se) && (!strings.Contains(se.Key, guild) || !strings.Contains(err.Error(), se.Key)) {
					t.Errorf("%s: %v does not name the session key of guild %s (Key %q)", what, err, guild, se.Key)
				}
			}
			_, err := s.Get(ctx, id)
			wantCorrupt("Get", err)
			_, err = s.GetByGuild(ctx, guild)
			wantCorrupt("GetByGuild", err)
			_, _, err = s.Create(ctx, guild, "1001", "Ada")
			wantCorrupt("Create over it", err)
			_, err = s.Validate(ctx, id, guild, "1001", "")
			wantCorrupt("Validate", err)
			_, first, err := s.ValidateOnce(ctx, id, guild, "1001", "", testenv.GuildID(t), time.Minute)
			wantCorrupt("ValidateOnce", err)
			if !first {
				t.Errorf("ValidateOnce of a corrupt session answered as a repeat")
			}
			_, err = s.Update(ctx, &wizard.Session{ID: id, GuildID: guild, Version: 1})
			wantCorrupt("Update", err)
			_, err = s.Transition(ctx, id, 1, wizard.StateChainSelect)
			wantCorrupt("Transition", err)
			_, err = s.TakeOver(ctx, id, 1, "2002", "Bob")
			wantCorrupt("TakeOver", err)
			_, err = s.BindIP(ctx, id, "192.0.2.1")
			wantCorrupt("BindIP", err)
			wantCorrupt("Refresh", s.Refresh(ctx, id))
			wantCorrupt("Delete", s.Delete(ctx, id, store.EndCancelled))
			if _, err := s.Stats(ctx); err != nil {
				t.Errorf("Stats with a corrupt value present: %v", err)
			}
		})
	}
}

// unavailableSlack is how much longer than the configured timeout a failing call may take
// (scheduling on a loaded machine, the race detector).
const unavailableSlack = time.Second

// testSessionsUnavailable: with the backend down every call fails with CodeUnavailable
// within the timeout, and nothing panics.
func testSessionsUnavailable(t *testing.T, ctx context.Context, _ NewSessionsFunc, cfg sessionsConfig) {
	s, timeout := cfg.unavailable(t)
	guild := testenv.GuildID(t)
	id := wizard.NewSessionID(guild)
	calls := []struct {
		name string
		call func() error
	}{
		{"Create", func() error { _, _, err := s.Create(ctx, guild, "1001", "Ada"); return err }},
		{"Get", func() error { _, err := s.Get(ctx, id); return err }},
		{"GetByGuild", func() error { _, err := s.GetByGuild(ctx, guild); return err }},
		{"Update", func() error { _, err := s.Update(ctx, &wizard.Session{ID: id, Version: 1}); return err }},
		{"Transition", func() error { _, err := s.Transition(ctx, id, 1, wizard.StateChainSelect); return err }},
		{"TakeOver", func() error { _, err := s.TakeOver(ctx, id, 1, "2002", "Bob"); return err }},
		{"Delete", func() error { return s.Delete(ctx, id, store.EndCancelled) }},
		{"Refresh", func() error { return s.Refresh(ctx, id) }},
		{"ExistsForGuild", func() error { _, err := s.ExistsForGuild(ctx, guild); return err }},
		{"BindIP", func() error { _, err := s.BindIP(ctx, id, "192.0.2.1"); return err }},
		{"Validate", func() error { _, err := s.Validate(ctx, id, guild, "1001", ""); return err }},
		{"ValidateOnce", func() error {
			_, _, err := s.ValidateOnce(ctx, id, guild, "1001", "", testenv.GuildID(t), time.Minute)
			return err
		}},
		{"Stats", func() error { _, err := s.Stats(ctx); return err }},
	}
	for _, c := range calls {
		start := time.Now()
		err := func() (err error) {
			defer func() {
				if r := recover(); r != nil {
					err = fmt.Errorf("panic: %v", r)
				}
			}()
			return c.call()
		}()
		took := time.Since(start)
		sessWantCode(t, c.name+" with the backend down", err, store.CodeUnavailable)
		if took > timeout+unavailableSlack {
			t.Errorf("%s with the backend down took %v, want at most the timeout %v (+%v)", c.name, took, timeout, unavailableSlack)
		}
		t.Logf("%s with the backend down: %v after %v", c.name, err, took.Round(time.Millisecond))
	}
	if err := s.Close(); err != nil {
		t.Errorf("Close with the backend down: %v", err)
	}
}

// testSessionsClose: after Close a store refuses work with CodeUnavailable; Close twice is
// fine.
func testSessionsClose(t *testing.T, ctx context.Context, newStore NewSessionsFunc, _ sessionsConfig) {
	s := newStore(t, longTTL)
	guild := testenv.GuildID(t)
	sess := sessMustCreate(t, ctx, s, guild, "1001")
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	_, _, err := s.Create(ctx, testenv.GuildID(t), "1001", "Ada")
	sessWantCode(t, "Create after Close", err, store.CodeUnavailable)
	_, err = s.Get(ctx, sess.ID)
	sessWantCode(t, "Get after Close", err, store.CodeUnavailable)
	_, err = s.Transition(ctx, sess.ID, sess.Version, wizard.StateChainSelect)
	sessWantCode(t, "Transition after Close", err, store.CodeUnavailable)
	_, _, err = s.ValidateOnce(ctx, sess.ID, guild, sess.OwnerID, "", testenv.GuildID(t), time.Minute)
	sessWantCode(t, "ValidateOnce after Close", err, store.CodeUnavailable)
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}
