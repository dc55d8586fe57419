package main

import (
	"bufio"
	"context"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	goredis "github.com/redis/go-redis/v9"
)

// Redis commands per click come from INFO commandstats read before and after the measured
// window: the deltas of every command's calls, divided by the clicks made in between. The
// window starts after warm-up, so go-redis's one-off EVAL fallback (before the script is
// cached) is not counted. The tool's own INFO calls are left out.

// commandStats maps a command ("set", "evalsha") to its total calls.
type commandStats map[string]int64

// readCommandStats sums INFO commandstats over the nodes.
func readCommandStats(ctx context.Context, nodes []*goredis.Client) (commandStats, error) {
	sum := commandStats{}
	for _, c := range nodes {
		raw, err := c.Info(ctx, "commandstats").Result()
		if err != nil {
			return nil, fmt.Errorf("INFO commandstats: %w", err)
		}
		st, err := parseCommandStats(raw)
		if err != nil {
			return nil, err
		}
		for k, v := range st {
			sum[k] += v
		}
	}
	return sum, nil
}

// parseCommandStats reads lines like "cmdstat_set:calls=12,usec=40,usec_per_call=3.33,...".
func parseCommandStats(raw string) (commandStats, error) {
	out := commandStats{}
	sc := bufio.NewScanner(strings.NewReader(raw))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		name, rest, ok := strings.Cut(line, ":")
		if !ok || !strings.HasPrefix(name, "cmdstat_") {
			continue
		}
		for _, kv := range strings.Split(rest, ",") {
			k, v, _ := strings.Cut(kv, "=")
			if k != "calls" {
				continue
			}
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return nil, fmt.Errorf("commandstats line %q: %w", line, err)
			}
			out[strings.TrimPrefix(name, "cmdstat_")] = n
		}
	}
	return out, sc.Err()
}

// delta is after − before, without the tool's own commands.
func (after commandStats) delta(before commandStats) commandStats {
	out := commandStats{}
	for k, v := range after {
		if k == "info" {
			continue
		}
		if d := v - before[k]; d > 0 {
			out[k] = d
		}
	}
	return out
}

func (c commandStats) total() int64 {
	var n int64
	for _, v := range c {
		n += v
	}
	return n
}

// perClick formats each command's calls per click, most frequent first.
func (c commandStats) perClick(clicks int) string {
	type kv struct {
		k string
		v int64
	}
	var all []kv
	for k, v := range c {
		all = append(all, kv{k, v})
	}
	sort.Slice(all, func(i, j int) bool { return all[i].v > all[j].v || all[i].v == all[j].v && all[i].k < all[j].k })
	var parts []string
	for _, e := range all {
		parts = append(parts, fmt.Sprintf("%s %.2f", e.k, float64(e.v)/float64(max(clicks, 1))))
	}
	return strings.Join(parts, ", ")
}

// mix is the round trips one click makes, rounded per command: what the baseline repeats.
func (c commandStats) mix(clicks int) []string {
	var out []string
	keys := make([]string, 0, len(c))
	for k := range c {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		n := int(math.Round(float64(c[k]) / float64(max(clicks, 1))))
		for range n {
			out = append(out, k)
		}
	}
	return out
}
