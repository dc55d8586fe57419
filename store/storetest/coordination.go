package storetest

import (
	"context"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/arrakis-bot/arrakis/internal/testenv"
	"github.com/arrakis-bot/arrakis/store"
	"github.com/arrakis-bot/arrakis/wizard"
)

// CoordinationOption tells TestCoordination what else an implementation can offer.
type CoordinationOption func(*coordinationConfig)

type coordinationConfig struct {
	advance       func(time.Duration)
	progressProbe func(t *testing.T, guildID string) (raw string, ttl time.Duration)
}

// WithCoordinationClock says that the stores run on a fake clock that advance moves on;
// the suite's subtests then run one at a time.
func WithCoordinationClock(advance func(time.Duration)) CoordinationOption {
	return func(c *coordinationConfig) { c.advance = advance }
}

// WithProgressProbe lets the suite read a guild's stored deploy progress as the backend
// holds it, and its remaining TTL.
func WithProgressProbe(probe func(t *testing.T, guildID string) (raw string, ttl time.Duration)) CoordinationOption {
	return func(c *coordinationConfig) { c.progressProbe = probe }
}

// coordinationTimeout bounds the store calls of one subtest.
const coordinationTimeout = 60 * time.Second

type coordinationSubtest struct {
	name string
	run  func(t *testing.T, ctx context.Context, c store.Coordination, cfg coordinationConfig)
}

// TestCoordination runs the store.Coordination conformance suite. newCoord is called once
// per subtest.
func TestCoordination(t *testing.T, newCoord func(t *testing.T) store.Coordination, opts ...CoordinationOption) {
	var cfg coordinationConfig
	for _, o := range opts {
		o(&cfg)
	}
	tests := []coordinationSubtest{
		{"LeaseIsExclusive", testCoordLeaseIsExclusive},
		{"LeaseRenewAndRelease", testCoordLeaseRenewAndRelease},
		{"LeaseExpiry", testCoordLeaseExpiry},
		{"LeaseKeptAliveByRenewal", testCoordLeaseKeptAlive},
		{"RacingAcquires", testCoordRacingAcquires},
		{"MarkOnce", testCoordMarkOnce},
		{"RacingMarks", testCoordRacingMarks},
		{"Progress", testCoordProgress},
		{"InvalidInput", testCoordInvalidInput},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if cfg.advance == nil {
				t.Parallel()
			}
			ctx, cancel := context.WithTimeout(context.Background(), coordinationTimeout)
			defer cancel()
			tc.run(t, ctx, newCoord(t), cfg)
		})
	}
}

func (cfg coordinationConfig) wait(d time.Duration) {
	if cfg.advance != nil {
		cfg.advance(d)
	} else {
		time.Sleep(d)
	}
}

func testCoordLeaseIsExclusive(t *testing.T, ctx context.Context, c store.Coordination, _ coordinationConfig) {
	guild := testenv.GuildID(t)
	name := "deploy:" + guild
	l, err := c.AcquireLease(ctx, name, time.Minute)
	if err != nil {
		t.Fatalf("AcquireLease: %v", err)
	}
	if l.Name != name || len(l.Token) < 16 || l.Expires.IsZero() {
		t.Errorf("lease = %+v, want its name, a random token and an expiry", l)
	}
	_, err = c.AcquireLease(ctx, name, time.Minute)
	sessWantCode(t, "AcquireLease while held", err, store.CodeLeaseHeld)
	other, err := c.AcquireLease(ctx, "deploy:"+testenv.GuildID(t), time.Minute)
	if err != nil {
		t.Fatalf("AcquireLease of another guild's lease: %v", err)
	}
	if other.Token == l.Token {
		t.Errorf("two leases share token %s", l.Token)
	}
	if err := c.ReleaseLease(ctx, l); err != nil {
		t.Fatalf("ReleaseLease: %v", err)
	}
	again, err := c.AcquireLease(ctx, name, time.Minute)
	if err != nil {
		t.Fatalf("AcquireLease after release: %v", err)
	}
	if again.Token == l.Token {
		t.Errorf("a new holder got the old token")
	}
}

func testCoordLeaseRenewAndRelease(t *testing.T, ctx context.Context, c store.Coordination, cfg coordinationConfig) {
	name := "deploy:" + testenv.GuildID(t)
	l, err := c.AcquireLease(ctx, name, time.Minute)
	if err != nil {
		t.Fatalf("AcquireLease: %v", err)
	}
	if held, err := c.LeaseHeld(ctx, name); err != nil || !held {
		t.Errorf("LeaseHeld of a held lease = %v, %v; want true", held, err)
	}
	first := l.Expires
	cfg.wait(10 * time.Millisecond)
	if err := c.RenewLease(ctx, l, 2*time.Minute); err != nil {
		t.Fatalf("RenewLease by the holder: %v", err)
	}
	if !l.Expires.After(first) {
		t.Errorf("RenewLease left Expires at %v (was %v)", l.Expires, first)
	}
	forged := &store.Lease{Name: name, Token: "not-the-token", Expires: l.Expires}
	sessWantCode(t, "RenewLease with another token", c.RenewLease(ctx, forged, time.Minute), store.CodeLeaseLost)
	sessWantCode(t, "ReleaseLease with another token", c.ReleaseLease(ctx, forged), store.CodeLeaseLost)
	_, err = c.AcquireLease(ctx, name, time.Minute)
	sessWantCode(t, "AcquireLease after a forged release", err, store.CodeLeaseHeld)

	if err := c.ReleaseLease(ctx, l); err != nil {
		t.Fatalf("ReleaseLease: %v", err)
	}
	sessWantCode(t, "ReleaseLease twice", c.ReleaseLease(ctx, l), store.CodeLeaseLost)
	if held, err := c.LeaseHeld(ctx, name); err != nil || held {
		t.Errorf("LeaseHeld after release = %v, %v; want false", held, err)
	}
	sessWantCode(t, "RenewLease after release", c.RenewLease(ctx, l, time.Minute), store.CodeLeaseLost)
}

// leaseTTL is short enough to wait out on real time.
const leaseTTL = 400 * time.Millisecond

func testCoordLeaseExpiry(t *testing.T, ctx context.Context, c store.Coordination, cfg coordinationConfig) {
	name := "deploy:" + testenv.GuildID(t)
	old, err := c.AcquireLease(ctx, name, leaseTTL)
	if err != nil {
		t.Fatalf("AcquireLease: %v", err)
	}
	cfg.wait(leaseTTL + 200*time.Millisecond)
	next, err := c.AcquireLease(ctx, name, time.Minute)
	if err != nil {
		t.Fatalf("AcquireLease after the first lease expired: %v", err)
	}
	// The old holder lost it, and can neither renew nor release the new holder's lease.
	sessWantCode(t, "RenewLease of an expired lease", c.RenewLease(ctx, old, time.Minute), store.CodeLeaseLost)
	sessWantCode(t, "ReleaseLease of an expired lease", c.ReleaseLease(ctx, old), store.CodeLeaseLost)
	_, err = c.AcquireLease(ctx, name, time.Minute)
	sessWantCode(t, "AcquireLease while the new holder has it", err, store.CodeLeaseHeld)
	if err := c.ReleaseLease(ctx, next); err != nil {
		t.Errorf("new holder's ReleaseLease: %v", err)
	}
}

func testCoordLeaseKeptAlive(t *testing.T, ctx context.Context, c store.Coordination, cfg coordinationConfig) {
	const ttl = time.Second // renewed every quarter of it: a stall of 750ms is still fine
	name := "deploy:" + testenv.GuildID(t)
	l, err := c.AcquireLease(ctx, name, ttl)
	if err != nil {
		t.Fatalf("AcquireLease: %v", err)
	}
	for i := range 6 { // 6 × TTL/4: longer than the TTL in all
		cfg.wait(ttl / 4)
		if err := c.RenewLease(ctx, l, ttl); err != nil {
			t.Fatalf("renewal %d: %v", i, err)
		}
	}
	_, err = c.AcquireLease(ctx, name, ttl)
	sessWantCode(t, "AcquireLease of a lease kept alive", err, store.CodeLeaseHeld)
}

func testCoordRacingAcquires(t *testing.T, ctx context.Context, c store.Coordination, _ coordinationConfig) {
	name := "deploy:" + testenv.GuildID(t)
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins, held := 0, 0
	start := make(chan struct{})
	for range racers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, err := c.AcquireLease(ctx, name, time.Minute)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				wins++
			case store.IsCode(err, store.CodeLeaseHeld):
				held++
			default:
				t.Errorf("racing AcquireLease: %v", err)
			}
		}()
	}
	close(start)
	wg.Wait()
	if wins != 1 || held != racers-1 {
		t.Errorf("%d racers: %d got the lease, %d were told it is held; want exactly 1 holder", racers, wins, held)
	}
}

func testCoordMarkOnce(t *testing.T, ctx context.Context, c store.Coordination, cfg coordinationConfig) {
	key := "interaction:" + testenv.GuildID(t)
	for i, want := range []bool{true, false, false} {
		first, err := c.MarkOnce(ctx, key, time.Minute)
		if err != nil || first != want {
			t.Errorf("MarkOnce #%d = %v, %v; want %v", i+1, first, err, want)
		}
	}
	if first, err := c.MarkOnce(ctx, key+":other", time.Minute); err != nil || !first {
		t.Errorf("MarkOnce of another key = %v, %v; want true", first, err)
	}
	short := key + ":short"
	if first, err := c.MarkOnce(ctx, short, leaseTTL); err != nil || !first {
		t.Errorf("MarkOnce(short) = %v, %v; want true", first, err)
	}
	cfg.wait(leaseTTL + 200*time.Millisecond)
	if first, err := c.MarkOnce(ctx, short, time.Minute); err != nil || !first {
		t.Errorf("MarkOnce after the mark expired = %v, %v; want true", first, err)
	}
	if first, err := c.MarkOnce(ctx, key, time.Minute); err != nil || first {
		t.Errorf("MarkOnce of the long mark = %v, %v; want false", first, err)
	}
}

func testCoordRacingMarks(t *testing.T, ctx context.Context, c store.Coordination, _ coordinationConfig) {
	key := "drift:" + testenv.GuildID(t) + ":abc"
	var wg sync.WaitGroup
	var mu sync.Mutex
	firsts := 0
	start := make(chan struct{})
	for range racers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			first, err := c.MarkOnce(ctx, key, time.Minute)
			if err != nil {
				t.Errorf("racing MarkOnce: %v", err)
			}
			if first {
				mu.Lock()
				firsts++
				mu.Unlock()
			}
		}()
	}
	close(start)
	wg.Wait()
	if firsts != 1 {
		t.Errorf("%d racers: %d were first, want exactly 1", racers, firsts)
	}
}

func testCoordProgress(t *testing.T, ctx context.Context, c store.Coordination, cfg coordinationConfig) {
	guild := testenv.GuildID(t)
	_, err := c.Progress(ctx, guild)
	sessWantCode(t, "Progress before any deploy", err, store.CodeNotFound)

	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	const secret = "interaction-token-SECRET-123"
	p := &store.DeployProgress{
		GuildID: guild, SnapshotID: "v00000002", Status: wizard.DeployRoles, StartedBy: "1001",
		StartedAt: now, UpdatedAt: now.Add(time.Second), Done: 2, Total: 9, RolesDone: 2, RolesTotal: 4,
		ChannelsTotal: 5, Writes: 2,
		Resources:     wizard.ResourceMap{Roles: map[string]string{"tier-1": "555"}, Channels: map[string]string{}},
		ApplicationID: "998877", InteractionToken: secret,
	}
	if err := c.SaveProgress(ctx, p); err != nil {
		t.Fatalf("SaveProgress: %v", err)
	}
	got, err := c.Progress(ctx, guild)
	if err != nil {
		t.Fatalf("Progress: %v", err)
	}
	want := *p
	want.InteractionToken = "" // never persisted
	if !reflect.DeepEqual(got, &want) {
		t.Errorf("Progress =\n%+v\nwant\n%+v", got, &want)
	}
	if cfg.progressProbe != nil {
		raw, ttl := cfg.progressProbe(t, guild)
		if strings.Contains(raw, secret) {
			t.Errorf("the stored progress contains the interaction token: %s", raw)
		}
		if ttl <= store.ProgressTTL-time.Minute || ttl > store.ProgressTTL {
			t.Errorf("stored progress TTL = %v, want ~%v", ttl, store.ProgressTTL)
		}
	}

	// A later save replaces it.
	p.Status, p.Done, p.RolesDone = wizard.DeployCompleted, 9, 4
	if err := c.SaveProgress(ctx, p); err != nil {
		t.Fatalf("SaveProgress again: %v", err)
	}
	if got, err := c.Progress(ctx, guild); err != nil || got.Status != wizard.DeployCompleted || got.Done != 9 {
		t.Errorf("Progress after the second save = %+v, %v", got, err)
	}
	// Progress is per guild.
	_, err = c.Progress(ctx, testenv.GuildID(t))
	sessWantCode(t, "Progress of another guild", err, store.CodeNotFound)

	if cfg.advance != nil { // on real time a week is too long to wait: the probe checked the TTL
		cfg.advance(store.ProgressTTL + time.Second)
		_, err = c.Progress(ctx, guild)
		sessWantCode(t, "Progress after ProgressTTL", err, store.CodeNotFound)
	}
}

func testCoordInvalidInput(t *testing.T, ctx context.Context, c store.Coordination, _ coordinationConfig) {
	_, err := c.AcquireLease(ctx, "", time.Minute)
	sessWantCode(t, "AcquireLease without a name", err, store.CodeInvalid)
	_, err = c.AcquireLease(ctx, "deploy:1", 0)
	sessWantCode(t, "AcquireLease for 0s", err, store.CodeInvalid)
	sessWantCode(t, "RenewLease(nil)", c.RenewLease(ctx, nil, time.Minute), store.CodeInvalid)
	sessWantCode(t, "ReleaseLease(nil)", c.ReleaseLease(ctx, nil), store.CodeInvalid)
	_, err = c.MarkOnce(ctx, "", time.Minute)
	sessWantCode(t, "MarkOnce without a key", err, store.CodeInvalid)
	_, err = c.MarkOnce(ctx, "k", -time.Second)
	sessWantCode(t, "MarkOnce for a negative TTL", err, store.CodeInvalid)
	sessWantCode(t, "SaveProgress(nil)", c.SaveProgress(ctx, nil), store.CodeInvalid)
	sessWantCode(t, "SaveProgress without a guild", c.SaveProgress(ctx, &store.DeployProgress{}), store.CodeInvalid)
	_, err = c.Progress(ctx, "not-a-guild")
	sessWantCode(t, "Progress(not-a-guild)", err, store.CodeNotFound)
}
