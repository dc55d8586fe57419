package main

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// report is what a run measured.
type report struct {
	Cfg           config
	Run           summary
	Commands      commandStats // per measured window; nil without -redis
	Baseline      *baselineResult
	BaselineErr   error
	LoadBefore    string
	LoadAfter     string
	PressBefore   string // /proc/pressure/cpu some avg10
	PressAfter    string
	CPU           cpuUse // CPU per click over the measured window
	SessionBytes  int
	RedisMeasured bool
	Probe         *probe // round trips per click, from MONITOR after the window
	ProbeErr      error
}

// probeClicks is how many clicks MONITOR watches.
const probeClicks = 30

// RoundTripsPerClick is client round trips to Redis per click (0 when not probed).
func (r *report) RoundTripsPerClick() float64 {
	if r.Probe == nil {
		return 0
	}
	return r.Probe.perClick()
}

// CommandsPerClick is Redis commands (round trips) per click in the measured window.
func (r *report) CommandsPerClick() float64 {
	if r.Commands == nil || r.Run.Clicks == 0 {
		return 0
	}
	return float64(r.Commands.total()) / float64(r.Run.Clicks)
}

// Ratio is clicks/s ÷ baseline groups/s.
func (r *report) Ratio() float64 {
	if r.Baseline == nil || r.Baseline.Rate() == 0 {
		return 0
	}
	return r.Run.Throughput() / r.Baseline.Rate()
}

func run(ctx context.Context, cfg config, logw io.Writer) (*report, error) {
	priv, err := parseKey(cfg.PrivateKey)
	if err != nil {
		return nil, err
	}
	st, err := startStub(cfg.StubListen)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	fmt.Fprintf(logw, "stub Discord REST at %s (the instance's discord.rest_base_url)\n", st.Base())
	inflight := max(cfg.Concurrency, cfg.Sessions)
	ps := &poster{url: cfg.URL, priv: priv, client: &http.Client{
		Timeout:   10 * time.Second,
		Transport: &http.Transport{MaxIdleConns: inflight + 8, MaxIdleConnsPerHost: inflight + 8, IdleConnTimeout: time.Minute},
	}}
	defer ps.client.CloseIdleConnections()

	sessions := make([]*session, cfg.Sessions)
	for i := range sessions {
		sessions[i] = newSession(cfg.AppID, i)
	}
	if err := setupAll(ctx, sessions, ps, st, cfg); err != nil {
		return nil, err
	}
	fmt.Fprintf(logw, "%d sessions on CHAIN_SELECT; warming up for %s\n", len(sessions), cfg.Warmup)
	if cfg.Warmup > 0 {
		phase(ctx, cfg, sessions, ps, cfg.Warmup, newRecorder())
	}

	rep := &report{Cfg: cfg, LoadBefore: loadAverage(), PressBefore: cpuPressure()}
	var nodes []*goredis.Client // one per -redis address: a single node, or every master of a Cluster
	var before commandStats
	if cfg.Redis != "" {
		for _, addr := range redisAddrs(cfg.Redis) {
			n := goredis.NewClient(&goredis.Options{Addr: addr, PoolSize: 2})
			defer n.Close()
			nodes = append(nodes, n)
		}
		if before, err = readCommandStats(ctx, nodes); err != nil {
			return nil, err
		}
	}
	meter := newCPUMeter(cfg, nodes)
	rec := newRecorder()
	fmt.Fprintf(logw, "measuring for %s\n", cfg.Duration)
	cpu0 := meter.sample(ctx)
	elapsed := phase(ctx, cfg, sessions, ps, cfg.Duration, rec)
	cpu1 := meter.sample(ctx)
	rep.Run = rec.summary(elapsed)
	rep.CPU = meter.use(cpu0, cpu1, rep.Run.Clicks)
	rep.LoadAfter, rep.PressAfter = loadAverage(), cpuPressure()
	if nodes != nil {
		after, err := readCommandStats(ctx, nodes)
		if err != nil {
			return rep, err
		}
		rep.Commands, rep.RedisMeasured = after.delta(before), true
		rep.SessionBytes = sessionSize(ctx, nodes, sessions[0].a.GuildID)
		var reads int64
		pr, err := monitorDuring(ctx, redisAddrs(cfg.Redis), func() (int, error) {
			done := 0
			var err error
			reads, err = readsDuring(ctx, nodes, func() error {
				for ; done < probeClicks; done++ {
					if err := sessions[0].click(ctx, ps); err != nil {
						return fmt.Errorf("probe click: %w", err)
					}
				}
				return nil
			})
			return done, err
		})
		pr.ReadEvents = reads
		rep.Probe, rep.ProbeErr = &pr, err
		// The baseline answers "how close to Redis's pace", a closed-loop question; an open
		// loop sends a fixed rate, so it has no ratio. It runs on a single node only.
		if cfg.Baseline && cfg.Rate == 0 && err == nil && len(nodes) == 1 {
			fmt.Fprintf(logw, "baseline: %d workers on a bare go-redis client for %s\n", cfg.Concurrency, cfg.BaselineDuration)
			b, err := runBaseline(ctx, cfg.Redis, cfg.Concurrency, pr.Sent.mix(pr.Clicks), pr.pipelined(), rep.SessionBytes, cfg.BaselineDuration)
			rep.Baseline, rep.BaselineErr = &b, err
		}
	}
	return rep, ctx.Err()
}

// setupAll brings every session to CHAIN_SELECT, a few at a time; the first failure stops the run.
func setupAll(ctx context.Context, sessions []*session, ps *poster, st *stub, cfg config) error {
	sem := make(chan struct{}, min(cfg.Concurrency, 32))
	var wg sync.WaitGroup
	var once sync.Once
	var first error
	for _, s := range sessions {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			if err := s.setup(ctx, ps, st, cfg.SetupTimeout); err != nil {
				once.Do(func() { first = fmt.Errorf("session setup (guild %s): %w", s.a.GuildID, err) })
			}
		}()
	}
	wg.Wait()
	return first
}

// phase clicks for d (closed or open loop per cfg) and returns the time from its start to
// the last answer.
func phase(ctx context.Context, cfg config, sessions []*session, ps *poster, d time.Duration, rec *recorder) time.Duration {
	if cfg.Rate > 0 {
		return openLoop(ctx, cfg.Rate, sessions, ps, d, rec)
	}
	return closedLoop(ctx, cfg.Concurrency, sessions, ps, d, rec)
}

// closedLoop: worker w owns sessions w, w+C, w+2C … and clicks them in turn, one at a time.
func closedLoop(ctx context.Context, workers int, sessions []*session, ps *poster, d time.Duration, rec *recorder) time.Duration {
	start := time.Now()
	stop := start.Add(d)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; ctx.Err() == nil; n++ {
				t0 := time.Now()
				if !t0.Before(stop) {
					return
				}
				own := (len(sessions) - w + workers - 1) / workers
				s := sessions[w+(n%own)*workers]
				err := s.click(ctx, ps)
				rec.add(time.Since(t0), err)
			}
		}()
	}
	wg.Wait()
	return time.Since(start)
}

// openLoop sends rate clicks per second: click k is due at start + k/rate and is taken by
// whichever session is free. Latency counts from the due time, so waiting for a free
// session (the system falling behind) is part of it.
func openLoop(ctx context.Context, rate float64, sessions []*session, ps *poster, d time.Duration, rec *recorder) time.Duration {
	interval := time.Duration(float64(time.Second) / rate)
	start := time.Now()
	var next atomic.Int64
	var wg sync.WaitGroup
	for _, s := range sessions {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				due := start.Add(time.Duration(next.Add(1)-1) * interval)
				if due.Sub(start) >= d {
					return
				}
				if wait := time.Until(due); wait > 0 {
					select {
					case <-time.After(wait):
					case <-ctx.Done():
						return
					}
				}
				err := s.click(ctx, ps)
				rec.add(time.Since(due), err)
			}
		}()
	}
	wg.Wait()
	return time.Since(start)
}

// sessionSize is the stored size of one session (the baseline writes values this big). On
// a Cluster the nodes that do not hold the key answer MOVED; the one that does answers.
func sessionSize(ctx context.Context, nodes []*goredis.Client, guildID string) int {
	for _, c := range nodes {
		n, err := c.StrLen(ctx, "arrakis:wizard:{"+guildID+"}:session").Result()
		if err == nil && n > 0 {
			return int(n)
		}
	}
	return 1024
}

// redisAddrs splits -redis: one host:port, or a Cluster's masters separated by commas.
func redisAddrs(flag string) []string {
	var out []string
	for a := range strings.SplitSeq(flag, ",") {
		if a = strings.TrimSpace(a); a != "" {
			out = append(out, a)
		}
	}
	return out
}

func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

func printKeyPair(w io.Writer) error {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return fmt.Errorf("generate key: %w", err)
	}
	_, err = fmt.Fprintf(w, "private-key (seed): %s\npublic key (discord.public_key): %s\n", hex.EncodeToString(priv.Seed()), hex.EncodeToString(pub))
	return err
}

func (r *report) print(w io.Writer) {
	c := r.Cfg
	mode := fmt.Sprintf("closed loop, concurrency %d", c.Concurrency)
	if c.Rate > 0 {
		mode = fmt.Sprintf("open loop, %.0f clicks/s", c.Rate)
	}
	fmt.Fprintf(w, "arrakis-load: %s, %d sessions, %s measured after %s warm-up\n", mode, c.Sessions, c.Duration, c.Warmup)
	fmt.Fprintf(w, "click mix: chains select, Next, Back (no Confirm deploy, reconcile or prune: those recompute a plan and are measured apart, BenchmarkConfirmDeployClick in bot)\n")
	fmt.Fprintf(w, "load average: %s (before) → %s (after); CPU pressure some avg10: %s → %s\n", r.LoadBefore, r.LoadAfter, r.PressBefore, r.PressAfter)
	s := r.Run
	fmt.Fprintf(w, "clicks: %d in %s = %.0f clicks/s; errors: %d\n", s.Clicks, s.Elapsed.Round(time.Millisecond), s.Throughput(), s.Errors)
	fmt.Fprintf(w, "latency: p50 %s, p95 %s, p99 %s, max %s, mean %s\n", ms(s.P50), ms(s.P95), ms(s.P99), ms(s.Max), ms(s.Mean))
	r.CPU.print(w)
	for msg, n := range s.Examples {
		fmt.Fprintf(w, "  error ×%d: %s\n", n, msg)
	}
	if !r.RedisMeasured {
		fmt.Fprintln(w, "redis: not measured (no -redis)")
		return
	}
	fmt.Fprintf(w, "redis commands per click (INFO commandstats, scripts' inner commands included): %.2f (%s); stored session %d bytes\n",
		r.CommandsPerClick(), r.Commands.perClick(s.Clicks), r.SessionBytes)
	if p := r.Probe; p != nil && r.ProbeErr == nil {
		fmt.Fprintf(w, "redis round trips per click (server read events, %d clicks): %.2f; commands sent per click (MONITOR): %.2f (%s); %.2f commands inside scripts per click\n",
			p.Clicks, p.perClick(), float64(p.Sent.total())/float64(max(p.Clicks, 1)), p.Sent.perClick(p.Clicks), float64(p.InScripts)/float64(max(p.Clicks, 1)))
	}
	if r.ProbeErr != nil {
		fmt.Fprintf(w, "round-trip probe error: %v\n", r.ProbeErr)
	}
	if b := r.Baseline; b != nil {
		fmt.Fprintf(w, "baseline (bare go-redis, %s per group, %d round trips): %d groups in %s = %.0f groups/s\n",
			b.describe(), b.roundTrips(), b.Groups, b.Elapsed.Round(time.Millisecond), b.Rate())
		fmt.Fprintf(w, "ratio: %.2f (clicks/s ÷ baseline groups/s)\n", r.Ratio())
	}
	if r.BaselineErr != nil {
		fmt.Fprintf(w, "baseline error: %v\n", r.BaselineErr)
	}
}
