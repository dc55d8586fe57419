// Command arrakis-load drives concurrent /setup wizard sessions through a running Arrakis's
// HTTP interactions endpoint (POST /interactions) with Ed25519-signed clicks, and reports
// throughput, latency percentiles, errors and Redis commands per click, against a bare
// go-redis baseline making the same round trips, and the CPU each click cost over the
// measured window: serve's (/proc/<pid>/stat; the process listening on -url's port, or
// -serve-pid), redis-server's (INFO cpu, summed over a Cluster's masters) and its own, with
// serve's allocations per click (go_memstats_mallocs_total on its /metrics).
//
// The clicks are session-writing wizard clicks only — choose chains, Next, Back. Confirm
// clicks (deploy, reconcile, prune) recompute a plan against the live guild and are measured
// apart (BenchmarkConfirmDeployClick in bot); none is in these figures.
//
// Each session is its own guild: /setup, the community name (the INIT modal), Next, and
// then a loop of session-writing clicks on CHAIN_SELECT and ASSET_CONFIG. /setup answers
// through a deferred @original edit over Discord REST, so the tool serves a stub REST
// (-stub-listen) that the instance's discord.rest_base_url must point at; the measured
// clicks are answered in the HTTP response and never touch it.
//
// Each click (and the name modal's submit) carries the whole message the component is on, as
// Discord sends it: the wizard message with the embeds and components exactly as the bot last
// drew them, and Discord's own fields (id, type 20, author, timestamps, flags 64 for
// ephemeral, webhook_id, interaction_metadata …), so serve decodes what it would in production.
//
// Closed loop (-rate 0): -concurrency workers click as fast as answers come. Open loop
// (-rate R): R clicks per second spread over the sessions, each latency measured from its
// scheduled send time, so a stall is charged to every click it delayed.
//
//	arrakis-load -keygen          # a key pair: give the instance the public key
//	arrakis-load -url http://127.0.0.1:8080/interactions -private-key SEED \
//	    -concurrency 64 -duration 30s -redis 127.0.0.1:6379
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// config is the parsed command line.
type config struct {
	URL              string
	PrivateKey       string
	Sessions         int
	Concurrency      int
	Duration         time.Duration
	Rate             float64
	Warmup           time.Duration
	Redis            string
	Baseline         bool
	BaselineDuration time.Duration
	StubListen       string
	AppID            string
	SetupTimeout     time.Duration
	ServePID         int
	MetricsURL       string
}

const envKey = "ARRAKIS_LOAD_PRIVATE_KEY"

func parseFlags(args []string, getenv func(string) string, stderr io.Writer) (config, bool, error) {
	var c config
	fs := flag.NewFlagSet("arrakis-load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "arrakis-load drives wizard clicks (choose chains, Next, Back; never a Confirm deploy, reconcile or\n"+
			"prune, which recompute a plan and are measured apart) through an instance's /interactions and reports\n"+
			"clicks/s, latency, Redis commands and round trips per click, and CPU µs per click of serve, redis-server\n"+
			"and this tool over the measured window. Each click carries the whole wizard message as Discord sends it\n"+
			"(embeds and components as the bot last drew them, and Discord's own fields), so serve decodes a real body.\n\nFlags:")
		fs.PrintDefaults()
	}
	fs.StringVar(&c.URL, "url", "http://127.0.0.1:8080/interactions", "the instance's interactions endpoint")
	fs.StringVar(&c.PrivateKey, "private-key", "", "hex Ed25519 seed whose public key the instance has as discord.public_key (or $"+envKey+")")
	fs.IntVar(&c.Sessions, "sessions", 0, "wizard sessions (guilds); default: -concurrency in closed loop, 200 in open loop")
	fs.IntVar(&c.Concurrency, "concurrency", 64, "closed loop: clicks in flight")
	fs.DurationVar(&c.Duration, "duration", 30*time.Second, "measured time")
	fs.Float64Var(&c.Rate, "rate", 0, "open loop: clicks per second across the sessions (0 = closed loop)")
	fs.DurationVar(&c.Warmup, "warmup", 5*time.Second, "unmeasured clicking before the measured window")
	fs.StringVar(&c.Redis, "redis", "", "host:port of the instance's Redis, for INFO commandstats (commands per click), the round-trip probe and the baseline; a Cluster's masters comma-separated (no baseline then)")
	fs.BoolVar(&c.Baseline, "baseline", true, "with -redis: run the bare go-redis baseline after the measurement")
	fs.DurationVar(&c.BaselineDuration, "baseline-duration", 10*time.Second, "how long the baseline runs")
	fs.StringVar(&c.StubListen, "stub-listen", "127.0.0.1:7099", "where the stub Discord REST listens (the instance's discord.rest_base_url = http://ADDR/api/v9)")
	fs.StringVar(&c.AppID, "app-id", "1100000000000000001", "application id put in interactions")
	fs.DurationVar(&c.SetupTimeout, "setup-timeout", 10*time.Second, "how long /setup's deferred edit may take")
	fs.IntVar(&c.ServePID, "serve-pid", 0, "serve's pid, for its CPU per click from /proc/<pid>/stat (default: the process listening on -url's port)")
	fs.StringVar(&c.MetricsURL, "metrics-url", "", "serve's /metrics, for allocations per click (go_memstats_mallocs_total; default: -url's host + /metrics)")
	keygen := fs.Bool("keygen", false, "print a new key pair (seed for -private-key, public key for the instance) and exit")
	if err := fs.Parse(args); err != nil {
		return c, false, err
	}
	if *keygen {
		return c, true, nil
	}
	if c.PrivateKey == "" {
		c.PrivateKey = getenv(envKey)
	}
	switch {
	case c.PrivateKey == "":
		return c, false, fmt.Errorf("-private-key (or $%s) is required: the seed whose public key the instance is configured with", envKey)
	case c.Concurrency < 1:
		return c, false, errors.New("-concurrency must be at least 1")
	case c.Rate < 0:
		return c, false, errors.New("-rate must be 0 (closed loop) or more")
	case c.Duration <= 0:
		return c, false, errors.New("-duration must be positive")
	}
	if c.Sessions == 0 {
		c.Sessions = c.Concurrency
		if c.Rate > 0 {
			c.Sessions = 200
		}
	}
	if c.Rate == 0 && c.Sessions < c.Concurrency {
		return c, false, fmt.Errorf("-sessions %d is below -concurrency %d: a session has one click in flight at a time", c.Sessions, c.Concurrency)
	}
	return c, false, nil
}

func main() {
	cfg, keygen, err := parseFlags(os.Args[1:], os.Getenv, os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(0)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "arrakis-load:", err)
		os.Exit(2)
	}
	if keygen {
		if err := printKeyPair(os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, "arrakis-load:", err)
			os.Exit(1)
		}
		return
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	rep, err := run(ctx, cfg, os.Stderr)
	if rep != nil {
		rep.print(os.Stdout)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "arrakis-load:", err)
		os.Exit(1)
	}
}
