package storetest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/arrakis-bot/arrakis/internal/testenv"
	"github.com/arrakis-bot/arrakis/store"
	"github.com/arrakis-bot/arrakis/wizard"
)

// onceTTL is the interaction-mark TTL of the ValidateOnce subtests that are not about the
// mark's expiry.
const onceTTL = 20 * time.Minute

// newInteractionID is a fresh Discord-shaped interaction id.
func newInteractionID(t *testing.T) string { return testenv.GuildID(t) }

// onceCall is one ValidateOnce and what it answered.
type onceCall struct {
	s     *wizard.Session
	first bool
	err   error
}

func validateOnce(ctx context.Context, s store.Sessions, id, guild, user, ip, iid string, ttl time.Duration) onceCall {
	sess, first, err := s.ValidateOnce(ctx, id, guild, user, ip, iid, ttl)
	return onceCall{sess, first, err}
}

// wantRepeat fails the test unless c is a repeat: no session, first false, no error.
func (c onceCall) wantRepeat(t *testing.T, what string) {
	t.Helper()
	if c.first || c.err != nil || c.s != nil {
		t.Errorf("%s: first %v, err %v, session %v; want a repeat (false, nil, nil)", what, c.first, c.err, c.s)
	}
}

// testSessionsValidateOnce: the first delivery of an interaction id is Validate's answer
// with first = true; every later one is (nil, false, nil) — after a refusal too; invalid
// input records nothing; ValidateOnce writes nothing.
func testSessionsValidateOnce(t *testing.T, ctx context.Context, newStore NewSessionsFunc, _ sessionsConfig) {
	s := newStore(t, longTTL)
	guild := testenv.GuildID(t)
	sess := sessMustCreate(t, ctx, s, guild, "1001")

	iid := newInteractionID(t)
	c := validateOnce(ctx, s, sess.ID, guild, "1001", "", iid, onceTTL)
	if c.err != nil || !c.first {
		t.Fatalf("first delivery: first %v, err %v; want true, nil", c.first, c.err)
	}
	sessAssertEqual(t, "first delivery", c.s, sess)
	validateOnce(ctx, s, sess.ID, guild, "1001", "", iid, onceTTL).wantRepeat(t, "second delivery")
	validateOnce(ctx, s, sess.ID, guild, "1001", "", iid, onceTTL).wantRepeat(t, "third delivery")
	// A repeat is a repeat whoever sends it and whatever it names.
	validateOnce(ctx, s, wizard.NewSessionID(guild), guild, "2002", "192.0.2.1", iid, onceTTL).wantRepeat(t, "repeat naming another session")
	// Another interaction on the same session is a first delivery.
	if c := validateOnce(ctx, s, sess.ID, guild, "1001", "", newInteractionID(t), onceTTL); c.err != nil || !c.first || c.s == nil {
		t.Errorf("another interaction id: first %v, err %v, session %v; want true, nil, the session", c.first, c.err, c.s)
	}

	// Refusals are Validate's typed errors on the first delivery, and repeats after it.
	other := testenv.GuildID(t)
	refusals := []struct {
		name     string
		id       string
		guild    string
		user, ip string
		code     store.Code
		withSess bool // the session comes back with the error
	}{
		{"an id that does not parse", "nonsense", guild, "1001", "", store.CodeNotFound, false},
		{"a session that ended", wizard.NewSessionID(guild), guild, "1001", "", store.CodeExpired, false},
		{"another guild's session", sess.ID, other, "1001", "", store.CodeWrongGuild, false},
		{"another admin", sess.ID, guild, "2002", "", store.CodeNotOwner, true},
	}
	for _, r := range refusals {
		iid := newInteractionID(t)
		c := validateOnce(ctx, s, r.id, r.guild, r.user, r.ip, iid, onceTTL)
		if !c.first {
			t.Errorf("%s: first delivery answered as a repeat (err %v)", r.name, c.err)
		}
		sessWantCode(t, r.name, c.err, r.code)
		if r.withSess && (c.s == nil || c.s.OwnerID != "1001" || c.s.OwnerAt.IsZero()) {
			t.Errorf("%s: session %+v, want it returned with the refusal", r.name, c.s)
		}
		validateOnce(ctx, s, r.id, r.guild, r.user, r.ip, iid, onceTTL).wantRepeat(t, r.name+", delivered again")
	}

	// Invalid input is refused before anything is recorded.
	invalid := []struct {
		name  string
		guild string
		iid   string
		ttl   time.Duration
	}{
		{"no interaction id", guild, "", onceTTL},
		{"a guild id that is not one", "not-a-guild", newInteractionID(t), onceTTL},
		{"a zero mark TTL", guild, newInteractionID(t), 0},
		{"a mark TTL under 1ms", guild, newInteractionID(t), time.Microsecond},
	}
	for _, in := range invalid {
		c := validateOnce(ctx, s, sess.ID, in.guild, "1001", "", in.iid, in.ttl)
		sessWantCode(t, in.name, c.err, store.CodeInvalid)
		if c.first || c.s != nil {
			t.Errorf("%s: first %v, session %v; want false, nil", in.name, c.first, c.s)
		}
	}
	if c := validateOnce(ctx, s, sess.ID, guild, "1001", "", invalid[2].iid, onceTTL); !c.first || c.err != nil {
		t.Errorf("after an invalid call, the same interaction id: first %v, err %v; want a first delivery", c.first, c.err)
	}

	// The address binding is checked as Validate checks it.
	if _, err := s.BindIP(ctx, sess.ID, "192.0.2.9"); err != nil {
		t.Fatalf("BindIP: %v", err)
	}
	bound := sessMustGet(t, ctx, s, sess.ID)
	if c := validateOnce(ctx, s, sess.ID, guild, "1001", "192.0.2.9", newInteractionID(t), onceTTL); c.err != nil || !c.first {
		t.Errorf("from the bound address: first %v, err %v", c.first, c.err)
	}
	c = validateOnce(ctx, s, sess.ID, guild, "1001", "192.0.2.10", newInteractionID(t), onceTTL)
	sessWantCode(t, "from another address", c.err, store.CodeIPMismatch)

	// Nothing above wrote the session.
	sessAssertEqual(t, "session after ValidateOnce calls", sessMustGet(t, ctx, s, sess.ID), bound)
}

// testSessionsValidateOnceRace: twenty deliveries of one interaction id at the same moment
// make exactly one first delivery.
func testSessionsValidateOnceRace(t *testing.T, ctx context.Context, newStore NewSessionsFunc, _ sessionsConfig) {
	s := newStore(t, longTTL)
	guild := testenv.GuildID(t)
	sess := sessMustCreate(t, ctx, s, guild, "1001")
	iid := newInteractionID(t)
	const n = 20
	calls := make([]onceCall, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			calls[i] = validateOnce(ctx, s, sess.ID, guild, "1001", "", iid, onceTTL)
		})
	}
	close(start)
	wg.Wait()
	firsts := 0
	for i, c := range calls {
		switch {
		case c.first && c.err == nil && c.s != nil && c.s.ID == sess.ID:
			firsts++
		case !c.first && c.err == nil && c.s == nil:
		default:
			t.Errorf("delivery %d: first %v, err %v, session %v", i, c.first, c.err, c.s)
		}
	}
	if firsts != 1 {
		t.Errorf("%d of %d simultaneous deliveries were first, want exactly 1", firsts, n)
	}
}

// onceExpiryTTL is the interaction-mark TTL of the expiry subtest.
const onceExpiryTTL = time.Second

// testSessionsValidateOnceExpiry: ValidateOnce slides the session's TTL like Validate (a
// session read that way every second outlives a 2-second TTL, checked in the backend when the
// suite has a probe), and a mark lasts its own TTL: after it the interaction id is new again.
func testSessionsValidateOnceExpiry(t *testing.T, ctx context.Context, newStore NewSessionsFunc, cfg sessionsConfig) {
	s := newStore(t, expiryTTL)
	guild := testenv.GuildID(t)
	sess := sessMustCreate(t, ctx, s, guild, "1001")
	wait := func(d time.Duration) {
		if cfg.advance != nil {
			cfg.advance(d)
		} else {
			time.Sleep(d)
		}
	}
	iid := newInteractionID(t)
	for sec := 1; sec <= 3; sec++ {
		wait(time.Second)
		c := validateOnce(ctx, s, sess.ID, guild, "1001", "", newInteractionID(t), time.Minute)
		if c.err != nil || !c.first {
			t.Fatalf("second %d: ValidateOnce of a session read every second: first %v, err %v", sec, c.first, c.err)
		}
		if cfg.probe != nil {
			if exists, ttl := cfg.probe(t, guild); !exists || ttl < expiryTTL-time.Second {
				t.Errorf("second %d: after ValidateOnce the backend has exists %v, TTL %v; want the TTL set again to ~%v", sec, exists, ttl, expiryTTL)
			}
		}
		if sec == 1 {
			if c := validateOnce(ctx, s, sess.ID, guild, "1001", "", iid, onceExpiryTTL); !c.first || c.err != nil {
				t.Fatalf("mark with a 1s TTL: first %v, err %v", c.first, c.err)
			}
			wait(onceExpiryTTL / 2)
			validateOnce(ctx, s, sess.ID, guild, "1001", "", iid, onceExpiryTTL).wantRepeat(t, "within the mark's TTL")
		}
	}
	// More than a second has passed since the mark was made: the id is new again.
	if c := validateOnce(ctx, s, sess.ID, guild, "1001", "", iid, onceExpiryTTL); !c.first || c.err != nil {
		t.Errorf("after the mark's TTL: first %v, err %v; want a first delivery", c.first, c.err)
	}
	if got := sessMustGet(t, ctx, s, sess.ID); got.Version != sess.Version {
		t.Errorf("version after ValidateOnce calls = %d, want %d", got.Version, sess.Version)
	}
}
