package deploy

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/arrakis-bot/arrakis/internal/fakediscord"
	"github.com/arrakis-bot/arrakis/internal/testenv"
	"github.com/arrakis-bot/arrakis/store"
	"github.com/arrakis-bot/arrakis/store/dir"
	"github.com/arrakis-bot/arrakis/store/redis"
)

// TestConcurrentDeploysOneGuild: two instances, each with its own Redis client and
// discordgo session, deploy one guild at the same moment: one runs, the other is told a
// deploy is already running, and the guild ends up deployed once.
func TestConcurrentDeploysOneGuild(t *testing.T) {
	fd := fakediscord.New(t)
	ctx := ctxT(t)
	sh, err := dir.NewShadow(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, func(c *envConfig) { c.fd = fd }, withStores(sh, redis.NewCoordination(testenv.Redis(t))))
	m := loadManifest(t, "community.yaml", e.guild.ID)

	// Each instance, once it has made its first write, waits until the other instance's
	// deploy has returned: so the loser can only lose by finding the lease held.
	loserDone := make(chan struct{})
	hold := func(c *Config) {
		c.afterWrite = func(k int, recorded bool) error {
			if k == 1 && recorded {
				<-loserDone
			}
			return nil
		}
	}
	instances := []*Service{
		e.newService(func(c *Config) { hold(c); c.Coordination = redis.NewCoordination(testenv.Redis(t)) }),
		e.newService(func(c *Config) { hold(c); c.Coordination = redis.NewCoordination(testenv.Redis(t)) }),
	}
	by := []string{"111111111111111111", "222222222222222222"}
	errs := make([]error, 2)
	var once sync.Once
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range instances {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, errs[i] = instances[i].Deploy(ctx, Request{GuildID: e.guild.ID, Manifest: m, By: by[i]})
			if errs[i] != nil {
				once.Do(func() { close(loserDone) })
			}
		}()
	}
	close(start)
	wg.Wait()

	winner, loser := 0, 1
	if errs[0] != nil {
		winner, loser = 1, 0
	}
	if errs[winner] != nil {
		t.Fatalf("both deploys failed: %v / %v", errs[0], errs[1])
	}
	var de *Error
	if !errors.As(errs[loser], &de) || de.Code != CodeRunning {
		t.Fatalf("loser err = %v, want CodeRunning", errs[loser])
	}
	if !strings.Contains(de.Message, "A deploy is already running for this server") || de.HeldBy != by[winner] ||
		!strings.Contains(de.Message, "<@"+by[winner]+">") {
		t.Errorf("loser told %q (held by %q), want it to name the winner %s", de.Message, de.HeldBy, by[winner])
	}
	e.checkDeployed(m)
	if list, _ := sh.List(ctx, e.guild.ID); len(list) != 1 {
		t.Errorf("%d snapshots, want 1", len(list))
	}
	// The lease was released by its holder: a later deploy runs (and has nothing to do).
	fd.ResetCounts()
	if _, err := instances[loser].Deploy(ctx, Request{GuildID: e.guild.ID, Manifest: m, By: by[loser]}); err != nil {
		t.Fatalf("deploy after the winner finished: %v", err)
	}
	if n := fd.WriteCount(); n != 0 {
		t.Errorf("redeploy made %d writes", n)
	}
}

// TestLeaseRenewedWhileDeploying: a deploy that runs longer than the lease TTL keeps its
// lease (another instance is refused all along) and finishes.
func TestLeaseRenewedWhileDeploying(t *testing.T) {
	e := newEnv(t)
	ctx := ctxT(t)
	m := loadManifest(t, "community.yaml", e.guild.ID)
	paused := make(chan struct{})
	resume := make(chan struct{})
	slow := e.newService(func(c *Config) {
		c.LeaseTTL = 600 * time.Millisecond
		c.afterWrite = func(k int, recorded bool) error {
			if k == 1 && recorded {
				close(paused)
				<-resume
			}
			return nil
		}
	})
	done := make(chan error, 1)
	go func() {
		_, err := slow.Deploy(ctx, Request{GuildID: e.guild.ID, Manifest: m, By: "slow"})
		done <- err
	}()
	<-paused
	other := e.newService(nil)
	for i := 0; i < 4; i++ { // 4 × 300 ms: twice the 600 ms TTL, which only renewal bridges
		time.Sleep(300 * time.Millisecond)
		if _, err := other.Deploy(ctx, Request{GuildID: e.guild.ID, Manifest: m, By: "other"}); ErrorCode(err) != CodeRunning {
			close(resume)
			t.Fatalf("attempt %d during the slow deploy: %v, want CodeRunning", i, err)
		}
	}
	close(resume)
	if err := <-done; err != nil {
		t.Fatalf("slow deploy: %v", err)
	}
	e.checkDeployed(m)
}

// lostLeases is a Coordination whose leases cannot be renewed once lost is set, as when
// another instance took an expired lease over.
type lostLeases struct {
	store.Coordination
	lost *atomic.Bool
}

func (l lostLeases) RenewLease(ctx context.Context, lease *store.Lease, ttl time.Duration) error {
	if l.lost.Load() {
		return &store.Error{Code: store.CodeLeaseLost, Op: "renew lease"}
	}
	return l.Coordination.RenewLease(ctx, lease, ttl)
}

func TestLeaseLostStopsTheDeploy(t *testing.T) {
	e := newEnv(t)
	ctx := ctxT(t)
	m := loadManifest(t, "community.yaml", e.guild.ID)
	svc := e.newService(func(c *Config) {
		// The lease is lost right after the first write is recorded (not earlier: on a
		// loaded machine the deploy may take longer than a renewal tick to get there).
		lost := &atomic.Bool{}
		c.Coordination = lostLeases{c.Coordination, lost}
		c.LeaseTTL = 90 * time.Millisecond
		c.afterWrite = func(k int, recorded bool) error {
			if k == 1 && recorded {
				lost.Store(true)
				time.Sleep(200 * time.Millisecond) // a renewal tick comes and fails
			}
			return nil
		}
	})
	_, err := svc.Deploy(ctx, Request{GuildID: e.guild.ID, Manifest: m, By: "tester"})
	var de *Error
	if !errors.As(err, &de) || de.Code != CodeInterrupted || !strings.Contains(de.Message, "lease") {
		t.Fatalf("err = %v, want interrupted by the lost lease", err)
	}
	if de.Result == nil || len(de.Result.Remaining) == 0 || len(de.Result.Done) > 1 {
		t.Fatalf("result = %+v (err %v), want at most the first write done and the rest listed as remaining", de.Result, err)
	}
	// Another run resumes it.
	if _, err := e.svc.Deploy(ctx, Request{GuildID: e.guild.ID, Manifest: m, By: "tester"}); err != nil {
		t.Fatalf("resume: %v", err)
	}
	e.checkDeployed(m)
}
