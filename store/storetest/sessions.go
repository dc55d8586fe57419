package storetest

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/arrakis-bot/arrakis/internal/testenv"
	"github.com/arrakis-bot/arrakis/store"
	"github.com/arrakis-bot/arrakis/wizard"
)

// NewSessionsFunc returns a store.Sessions whose sessions live for ttl. The suite calls it
// once per subtest (several times in some); the caller closes what it returns at cleanup.
type NewSessionsFunc func(t *testing.T, ttl time.Duration) store.Sessions

// SessionsOption tells TestSessions what else an implementation can offer.
type SessionsOption func(*sessionsConfig)

type sessionsConfig struct {
	advance     func(time.Duration)
	probe       func(t *testing.T, guildID string) (exists bool, ttl time.Duration)
	corrupt     func(t *testing.T, guildID, value string)
	unavailable func(t *testing.T) (s store.Sessions, timeout time.Duration)
	exclusive   bool
}

// WithClock says that the stores run on a fake clock that advance moves on; expiry is then
// tested by advancing it rather than by sleeping. The suite's subtests then run one at a time.
func WithClock(advance func(time.Duration)) SessionsOption {
	return func(c *sessionsConfig) { c.advance = advance }
}

// WithProbe lets the suite look at the backend behind the store: whether the guild's session
// exists there and its remaining TTL (Redis: EXISTS and PTTL).
func WithProbe(probe func(t *testing.T, guildID string) (exists bool, ttl time.Duration)) SessionsOption {
	return func(c *sessionsConfig) { c.probe = probe }
}

// WithCorrupter lets the suite write a raw value under a guild's session key.
func WithCorrupter(corrupt func(t *testing.T, guildID, value string)) SessionsOption {
	return func(c *sessionsConfig) { c.corrupt = corrupt }
}

// WithUnavailable gives the suite a store whose backend is down, and the time within which
// every call must fail with CodeUnavailable.
func WithUnavailable(f func(t *testing.T) (store.Sessions, time.Duration)) SessionsOption {
	return func(c *sessionsConfig) { c.unavailable = f }
}

// WithExclusiveStats says that each store from newStore sees only its own sessions, so that
// Stats can be checked exactly; without it (a Redis shared with other tests) the suite checks
// lower bounds.
func WithExclusiveStats() SessionsOption {
	return func(c *sessionsConfig) { c.exclusive = true }
}

// sessionsTimeout bounds the store calls of one subtest.
const sessionsTimeout = 60 * time.Second

// longTTL is long enough that nothing expires during a subtest that is not about expiry.
const longTTL = 10 * time.Minute

type sessionsSubtest struct {
	name string
	run  func(t *testing.T, ctx context.Context, newStore NewSessionsFunc, cfg sessionsConfig)
}

// TestSessions runs the store.Sessions conformance suite.
func TestSessions(t *testing.T, newStore NewSessionsFunc, opts ...SessionsOption) {
	var cfg sessionsConfig
	for _, o := range opts {
		o(&cfg)
	}
	tests := []sessionsSubtest{
		{"CreateAndGet", testSessionsCreateAndGet},
		{"CreateExisting", testSessionsCreateExisting},
		{"InvalidInput", testSessionsInvalidInput},
		{"NotFoundAndExpired", testSessionsNotFoundAndExpired},
		{"Update", testSessionsUpdate},
		{"UpdateKeepsManagedFields", testSessionsUpdateKeepsManagedFields},
		{"Transition", testSessionsTransition},
		{"TakeOver", testSessionsTakeOver},
		{"Delete", testSessionsDelete},
		{"Refresh", testSessionsRefresh},
		{"BindIP", testSessionsBindIP},
		{"Validate", testSessionsValidate},
		{"ValidateOnce", testSessionsValidateOnce},
		{"ValidateOnceRace", testSessionsValidateOnceRace},
		{"ValidateOnceExpiry", testSessionsValidateOnceExpiry},
		{"CopiesAreIndependent", testSessionsCopiesAreIndependent},
		{"GuildsApart", testSessionsGuildsApart},
		{"Stats", testSessionsStats},
		{"RacingTransitions", testSessionsRacingTransitions},
		{"RacingWrites", testSessionsRacingWrites},
		{"IdempotentWrites", testSessionsIdempotentWrites},
		{"Expiry", testSessionsExpiry},
		{"Close", testSessionsClose},
	}
	// Failures only some backends can be put into.
	if cfg.corrupt != nil {
		tests = append(tests, sessionsSubtest{"Corrupt", testSessionsCorrupt})
	}
	if cfg.unavailable != nil {
		tests = append(tests, sessionsSubtest{"Unavailable", testSessionsUnavailable})
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if cfg.advance == nil {
				t.Parallel() // real time: the expiry subtest sleeps, the others need not wait
			}
			ctx, cancel := context.WithTimeout(context.Background(), sessionsTimeout)
			defer cancel()
			tc.run(t, ctx, newStore, cfg)
		})
	}
}

func testSessionsCreateAndGet(t *testing.T, ctx context.Context, newStore NewSessionsFunc, _ sessionsConfig) {
	s := newStore(t, longTTL)
	guild := testenv.GuildID(t)
	created, existing, err := s.Create(ctx, guild, "1001", "Ada")
	if err != nil || existing {
		t.Fatalf("Create = %v, existing %v; want a new session", err, existing)
	}
	if g, ok := wizard.GuildOfSessionID(created.ID); !ok || g != guild {
		t.Errorf("id %q does not embed guild %s", created.ID, guild)
	}
	if created.GuildID != guild || created.OwnerID != "1001" || created.OwnerName != "Ada" ||
		created.Version != 1 || created.State != wizard.StateInit || created.UI != nil || created.BoundIP != "" {
		t.Errorf("new session = %+v", created)
	}
	if !reflect.DeepEqual(created.Data, wizard.SessionData{}) {
		t.Errorf("new session has data %+v", created.Data)
	}
	for what, ts := range map[string]time.Time{"createdAt": created.CreatedAt, "ownerAt": created.OwnerAt, "updatedAt": created.UpdatedAt} {
		// The store's clock may be a fake one; it must at least be set.
		if ts.IsZero() {
			t.Errorf("%s is not set", what)
		}
	}

	got, err := s.Get(ctx, created.ID)
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	sessAssertEqual(t, "Get", got, created)
	byGuild, err := s.GetByGuild(ctx, guild)
	if err != nil {
		t.Fatalf("GetByGuild: %v", err)
	}
	sessAssertEqual(t, "GetByGuild", byGuild, created)
	if ok, err := s.ExistsForGuild(ctx, guild); err != nil || !ok {
		t.Errorf("ExistsForGuild = %v, %v; want true", ok, err)
	}
	if ok, err := s.ExistsForGuild(ctx, testenv.GuildID(t)); err != nil || ok {
		t.Errorf("ExistsForGuild(other guild) = %v, %v; want false", ok, err)
	}
	// Reads do not write: the version stays.
	if again, _ := s.Get(ctx, created.ID); again == nil || again.Version != 1 {
		t.Errorf("version after reads = %+v, want 1", again)
	}
}

func testSessionsCreateExisting(t *testing.T, ctx context.Context, newStore NewSessionsFunc, _ sessionsConfig) {
	s := newStore(t, longTTL)
	guild := testenv.GuildID(t)
	first := sessMustCreate(t, ctx, s, guild, "1001")
	first = sessMustTransition(t, ctx, s, first, wizard.StateChainSelect)

	again, existing, err := s.Create(ctx, guild, "2002", "Bob")
	if err != nil || !existing {
		t.Fatalf("second Create = %v, existing %v; want the first session flagged existing", err, existing)
	}
	sessAssertEqual(t, "second Create", again, first)
	if again.OwnerID != "1001" {
		t.Errorf("second Create changed the owner to %q", again.OwnerID)
	}
	got := sessMustGet(t, ctx, s, first.ID)
	sessAssertEqual(t, "Get after second Create", got, first)

	// A second store on the same backend sees the same session (for memory: its own).
	other := newStore(t, longTTL)
	if o, existing, err := other.Create(ctx, guild, "3003", "Cy"); err != nil {
		t.Fatalf("Create on a second store: %v", err)
	} else if existing && o.ID != first.ID {
		t.Errorf("second store returned existing session %s, want %s", o.ID, first.ID)
	}
}

func testSessionsInvalidInput(t *testing.T, ctx context.Context, newStore NewSessionsFunc, _ sessionsConfig) {
	s := newStore(t, longTTL)
	for _, guild := range []string{"", "abc", "12{3}", "123:4", strings.Repeat("9", 21)} {
		_, _, err := s.Create(ctx, guild, "1001", "Ada")
		sessWantCode(t, "Create(guild "+guild+")", err, store.CodeInvalid)
	}
	_, _, err := s.Create(ctx, testenv.GuildID(t), "", "")
	sessWantCode(t, "Create without owner", err, store.CodeInvalid)

	sess := sessMustCreate(t, ctx, s, testenv.GuildID(t), "1001")
	_, err = s.TakeOver(ctx, sess.ID, sess.Version, "", "")
	sessWantCode(t, "TakeOver to nobody", err, store.CodeInvalid)
	_, err = s.BindIP(ctx, sess.ID, "not an address")
	sessWantCode(t, "BindIP(not an address)", err, store.CodeInvalid)
	_, err = s.Transition(ctx, sess.ID, sess.Version, wizard.State("BOGUS"))
	sessWantCode(t, "Transition to BOGUS", err, store.CodeInvalid)
	if got := sessMustGet(t, ctx, s, sess.ID); got.Version != sess.Version || got.OwnerID != "1001" || got.BoundIP != "" {
		t.Errorf("refused calls changed the session: %+v", got)
	}
}

func testSessionsNotFoundAndExpired(t *testing.T, ctx context.Context, newStore NewSessionsFunc, _ sessionsConfig) {
	s := newStore(t, longTTL)
	guild := testenv.GuildID(t)
	// An id that does not parse can never have existed: not found.
	for _, bad := range []string{"", "nonsense", "abc.def", guild, guild + ".", guild + ".a.b", guild + ".a:b"} {
		_, err := s.Get(ctx, bad)
		sessWantCode(t, "Get("+bad+")", err, store.CodeNotFound)
		_, err = s.Update(ctx, &wizard.Session{ID: bad, Version: 1})
		sessWantCode(t, "Update("+bad+")", err, store.CodeNotFound)
		_, err = s.Transition(ctx, bad, 1, wizard.StateChainSelect)
		sessWantCode(t, "Transition("+bad+")", err, store.CodeNotFound)
		_, err = s.TakeOver(ctx, bad, 1, "2002", "Bob")
		sessWantCode(t, "TakeOver("+bad+")", err, store.CodeNotFound)
		sessWantCode(t, "Delete("+bad+")", s.Delete(ctx, bad, store.EndCancelled), store.CodeNotFound)
		sessWantCode(t, "Refresh("+bad+")", s.Refresh(ctx, bad), store.CodeNotFound)
		_, err = s.BindIP(ctx, bad, "192.0.2.1")
		sessWantCode(t, "BindIP("+bad+")", err, store.CodeNotFound)
		_, err = s.Validate(ctx, bad, guild, "1001", "")
		sessWantCode(t, "Validate("+bad+")", err, store.CodeNotFound)
	}
	// A well-formed id with nothing behind it expired or ended.
	gone := wizard.NewSessionID(guild)
	_, err := s.Get(ctx, gone)
	sessWantCode(t, "Get(gone)", err, store.CodeExpired)
	if err != nil && !strings.Contains(err.Error(), "expired or ended") {
		t.Errorf("Get(gone) = %q, want it to say \"expired or ended\"", err)
	}
	_, err = s.Update(ctx, &wizard.Session{ID: gone, GuildID: guild, Version: 1})
	sessWantCode(t, "Update(gone)", err, store.CodeExpired)
	_, err = s.Transition(ctx, gone, 1, wizard.StateChainSelect)
	sessWantCode(t, "Transition(gone)", err, store.CodeExpired)
	_, err = s.TakeOver(ctx, gone, 1, "2002", "Bob")
	sessWantCode(t, "TakeOver(gone)", err, store.CodeExpired)
	sessWantCode(t, "Delete(gone)", s.Delete(ctx, gone, store.EndCancelled), store.CodeExpired)
	sessWantCode(t, "Refresh(gone)", s.Refresh(ctx, gone), store.CodeExpired)
	_, err = s.BindIP(ctx, gone, "192.0.2.1")
	sessWantCode(t, "BindIP(gone)", err, store.CodeExpired)
	_, err = s.Validate(ctx, gone, guild, "1001", "")
	sessWantCode(t, "Validate(gone)", err, store.CodeExpired)
	// By guild, there is simply no session.
	_, err = s.GetByGuild(ctx, guild)
	sessWantCode(t, "GetByGuild(no session)", err, store.CodeNotFound)
	_, err = s.GetByGuild(ctx, "not-a-guild")
	sessWantCode(t, "GetByGuild(not-a-guild)", err, store.CodeNotFound)
	if ok, err := s.ExistsForGuild(ctx, "not-a-guild"); err != nil || ok {
		t.Errorf("ExistsForGuild(not-a-guild) = %v, %v; want false, nil", ok, err)
	}
	// Nothing above created anything.
	if ok, _ := s.ExistsForGuild(ctx, guild); ok {
		t.Errorf("failed calls left a session for guild %s", guild)
	}

	// An id of an earlier session of a guild that has a new one is ended, too.
	cur := sessMustCreate(t, ctx, s, guild, "1001")
	old := wizard.NewSessionID(guild)
	_, err = s.Get(ctx, old)
	sessWantCode(t, "Get(earlier id)", err, store.CodeExpired)
	_, err = s.Transition(ctx, old, cur.Version, wizard.StateChainSelect)
	sessWantCode(t, "Transition(earlier id)", err, store.CodeExpired)
	_, err = s.Update(ctx, &wizard.Session{ID: old, GuildID: guild, Version: cur.Version})
	sessWantCode(t, "Update(earlier id)", err, store.CodeExpired)
	if got := sessMustGet(t, ctx, s, cur.ID); got.Version != cur.Version || got.State != wizard.StateInit {
		t.Errorf("calls with an earlier id changed the current session: %+v", got)
	}
}

// sessWantCode fails the test unless err is a *store.Error with code.
func sessWantCode(t *testing.T, what string, err error, code store.Code) {
	t.Helper()
	if err == nil {
		t.Errorf("%s: no error, want %s", what, code)
		return
	}
	var se *store.Error
	if !errors.As(err, &se) {
		t.Errorf("%s: %v (%T), want a *store.Error with code %s", what, err, err, code)
		return
	}
	if se.Code != code {
		t.Errorf("%s: code %q (%v), want %s", what, se.Code, err, code)
	}
}

func sessMustCreate(t *testing.T, ctx context.Context, s store.Sessions, guild, owner string) *wizard.Session {
	t.Helper()
	sess, existing, err := s.Create(ctx, guild, owner, "Owner "+owner)
	if err != nil || existing {
		t.Fatalf("Create(%s): %v, existing %v", guild, err, existing)
	}
	return sess
}

func sessMustGet(t *testing.T, ctx context.Context, s store.Sessions, id string) *wizard.Session {
	t.Helper()
	sess, err := s.Get(ctx, id)
	if err != nil {
		t.Fatalf("Get(%s): %v", id, err)
	}
	return sess
}

func sessMustTransition(t *testing.T, ctx context.Context, s store.Sessions, sess *wizard.Session, to wizard.State) *wizard.Session {
	t.Helper()
	next, err := s.Transition(ctx, sess.ID, sess.Version, to)
	if err != nil {
		t.Fatalf("Transition %s → %s at v%d: %v", sess.State, to, sess.Version, err)
	}
	return next
}

// sessWalkTo moves a session forward one step at a time until it is at state to.
func sessWalkTo(t *testing.T, ctx context.Context, s store.Sessions, sess *wizard.Session, to wizard.State) *wizard.Session {
	t.Helper()
	for sess.State != to {
		next, ok := sess.State.Next()
		if !ok {
			t.Fatalf("cannot walk from %s to %s", sess.State, to)
		}
		sess = sessMustTransition(t, ctx, s, sess, next)
	}
	return sess
}

// sessAssertEqual compares two sessions field by field, times with Equal.
func sessAssertEqual(t *testing.T, what string, got, want *wizard.Session) {
	t.Helper()
	if got == nil || want == nil {
		t.Errorf("%s: got %v, want %v", what, got, want)
		return
	}
	g, w := *got, *want
	for _, p := range []struct {
		name string
		a, b time.Time
	}{{"createdAt", g.CreatedAt, w.CreatedAt}, {"ownerAt", g.OwnerAt, w.OwnerAt}, {"updatedAt", g.UpdatedAt, w.UpdatedAt}} {
		if !p.a.Equal(p.b) {
			t.Errorf("%s: %s = %v, want %v", what, p.name, p.a, p.b)
		}
	}
	g.CreatedAt, g.OwnerAt, g.UpdatedAt = time.Time{}, time.Time{}, time.Time{}
	w.CreatedAt, w.OwnerAt, w.UpdatedAt = time.Time{}, time.Time{}, time.Time{}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("%s:\n got %+v\nwant %+v", what, g, w)
	}
}
