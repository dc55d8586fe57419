package main

import (
	"fmt"
	"math"
	"slices"
	"sync"
	"time"
)

// recorder collects every click's latency and outcome. Runs are short (tens of thousands of
// clicks), so keeping each sample and sorting once gives exact percentiles.
type recorder struct {
	mu        sync.Mutex
	latencies []time.Duration
	errors    int
	examples  map[string]int // error text → count (bounded)
}

func newRecorder() *recorder { return &recorder{examples: map[string]int{}} }

func (r *recorder) add(d time.Duration, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.latencies = append(r.latencies, d)
	if err != nil {
		r.errors++
		msg := clip(err.Error(), 200)
		if _, ok := r.examples[msg]; ok || len(r.examples) < 10 {
			r.examples[msg]++
		}
	}
}

// summary is a run's figures.
type summary struct {
	Clicks, Errors int
	Elapsed        time.Duration
	P50, P95, P99  time.Duration
	Max, Mean      time.Duration
	Examples       map[string]int
}

func (s summary) Throughput() float64 {
	if s.Elapsed <= 0 {
		return 0
	}
	return float64(s.Clicks) / s.Elapsed.Seconds()
}

func (r *recorder) summary(elapsed time.Duration) summary {
	r.mu.Lock()
	defer r.mu.Unlock()
	lat := slices.Clone(r.latencies)
	slices.Sort(lat)
	s := summary{Clicks: len(lat), Errors: r.errors, Elapsed: elapsed, Examples: r.examples}
	s.P50, s.P95, s.P99 = percentile(lat, 50), percentile(lat, 95), percentile(lat, 99)
	if len(lat) > 0 {
		s.Max = lat[len(lat)-1]
		var sum time.Duration
		for _, d := range lat {
			sum += d
		}
		s.Mean = sum / time.Duration(len(lat))
	}
	return s
}

// percentile is the nearest-rank percentile of sorted samples: the smallest sample with at
// least p% of the samples at or below it. No samples: 0.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	rank = min(max(rank, 1), len(sorted))
	return sorted[rank-1]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond)) }
