package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// CPU per click: on this shared machine throughput swings with the load, CPU time per click
// barely does. Over the measured window the tool reads serve's CPU (utime + stime in
// /proc/<pid>/stat), redis-server's (INFO cpu used_cpu_user + used_cpu_sys, summed over a
// Cluster's masters), its own (getrusage) and serve's allocations (go_memstats_mallocs_total
// on its /metrics), and divides each by the clicks completed in the window.

// cpuSample is one reading of every CPU counter; a part that could not be read is absent.
type cpuSample struct {
	Serve     time.Duration // serve's user+system CPU
	ServeOK   bool
	Redis     time.Duration // redis-server's user+system CPU, all nodes
	RedisOK   bool
	Self      time.Duration // this tool's user+system CPU
	Mallocs   float64       // serve's go_memstats_mallocs_total
	MallocsOK bool
}

// cpuUse is the CPU over the measured window, per click.
type cpuUse struct {
	Clicks             int
	ServePID           int
	ServeFrom          string // where serve's CPU came from ("/proc/<pid>/stat", "process_cpu_seconds_total")
	Serve, Redis, Self time.Duration
	ServeOK, RedisOK   bool
	Mallocs            float64
	MallocsOK          bool
	Note               string // why a part is missing
	ServeRSS, ServeHWM int64  // serve's resident memory after the window and its peak (bytes; 0 unknown)
}

func perClickUS(d time.Duration, clicks int) float64 {
	return float64(d.Microseconds()) / float64(max(clicks, 1))
}

// cpuMeter knows where serve and Redis are and samples them.
type cpuMeter struct {
	pid        int    // serve's pid, 0 when unknown
	from       string // how pid was found
	metricsURL string // serve's /metrics
	nodes      []*goredis.Client
	tick       time.Duration // one clock tick (1/CLK_TCK s)
	note       []string
	client     *http.Client
}

// newCPUMeter finds serve: -serve-pid when given, else the process listening on -url's port
// (the /proc/net/tcp* inode of the listening socket, found among /proc/*/fd). When neither
// works (serve in a container, another user's process), serve's CPU comes from its /metrics
// (process_cpu_seconds_total, same 10 ms resolution).
func newCPUMeter(cfg config, nodes []*goredis.Client) *cpuMeter {
	m := &cpuMeter{nodes: nodes, tick: clockTick(), client: &http.Client{Timeout: 5 * time.Second}}
	m.metricsURL = cfg.MetricsURL
	if m.metricsURL == "" {
		if u, err := url.Parse(cfg.URL); err == nil {
			m.metricsURL = (&url.URL{Scheme: u.Scheme, Host: u.Host, Path: "/metrics"}).String()
		}
	}
	switch {
	case cfg.ServePID > 0:
		m.pid, m.from = cfg.ServePID, "-serve-pid"
	default:
		port := 0
		if u, err := url.Parse(cfg.URL); err == nil {
			port, _ = strconv.Atoi(u.Port())
		}
		if port == 0 {
			m.note = append(m.note, "serve pid: -url has no port; give -serve-pid")
			break
		}
		pid, err := listenerPID(port)
		if err != nil {
			m.note = append(m.note, fmt.Sprintf("serve pid: %v; give -serve-pid", err))
			break
		}
		m.pid, m.from = pid, fmt.Sprintf("listener on :%d", port)
	}
	return m
}

func (m *cpuMeter) sample(ctx context.Context) cpuSample {
	var s cpuSample
	if m.pid > 0 {
		if d, err := procCPU(m.pid, m.tick); err == nil {
			s.Serve, s.ServeOK = d, true
		}
	}
	metrics, err := m.scrape(ctx)
	if err == nil {
		if v, ok := metrics["go_memstats_mallocs_total"]; ok {
			s.Mallocs, s.MallocsOK = v, true
		}
		if v, ok := metrics["process_cpu_seconds_total"]; ok && m.pid == 0 {
			s.Serve, s.ServeOK = time.Duration(v*float64(time.Second)), true
		}
	}
	if len(m.nodes) > 0 {
		if d, err := redisCPU(ctx, m.nodes); err == nil {
			s.Redis, s.RedisOK = d, true
		}
	}
	s.Self = selfCPU()
	return s
}

// use is the window's CPU from two samples.
func (m *cpuMeter) use(a, b cpuSample, clicks int) cpuUse {
	u := cpuUse{Clicks: clicks, ServePID: m.pid, Self: b.Self - a.Self}
	u.ServeFrom = "process_cpu_seconds_total on " + m.metricsURL
	if m.pid > 0 {
		u.ServeFrom = fmt.Sprintf("/proc/%d/stat (%s)", m.pid, m.from)
	}
	if a.ServeOK && b.ServeOK {
		u.Serve, u.ServeOK = b.Serve-a.Serve, true
	}
	if a.RedisOK && b.RedisOK {
		u.Redis, u.RedisOK = b.Redis-a.Redis, true
	}
	if a.MallocsOK && b.MallocsOK {
		u.Mallocs, u.MallocsOK = b.Mallocs-a.Mallocs, true
	} else {
		m.note = append(m.note, "allocations: no go_memstats_mallocs_total on "+m.metricsURL)
	}
	u.Note = strings.Join(m.note, "; ")
	if m.pid > 0 {
		u.ServeRSS, u.ServeHWM = procMemory(m.pid)
	}
	return u
}

// procMemory is a process's resident set now and at its peak (VmRSS, VmHWM in
// /proc/<pid>/status), so that a change that trades memory for CPU (GOGC) shows its price.
func procMemory(pid int) (rss, hwm int64) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok || k != "VmRSS" && k != "VmHWM" {
			continue
		}
		f := strings.Fields(v) // "12345 kB"
		if len(f) != 2 || f[1] != "kB" {
			continue
		}
		n, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil {
			continue
		}
		if k == "VmRSS" {
			rss = n << 10
		} else {
			hwm = n << 10
		}
	}
	return rss, hwm
}

func (m *cpuMeter) scrape(ctx context.Context) (map[string]float64, error) {
	if m.metricsURL == "" {
		return nil, errors.New("no metrics URL")
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, m.metricsURL, nil)
	if err != nil {
		return nil, err
	}
	resp, err := m.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: HTTP %d", m.metricsURL, resp.StatusCode)
	}
	return parseMetrics(resp.Body, "go_memstats_mallocs_total", "process_cpu_seconds_total")
}

// parseMetrics reads the named unlabelled samples from Prometheus text exposition.
func parseMetrics(r io.Reader, names ...string) (map[string]float64, error) {
	out := map[string]float64{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		name, val, ok := strings.Cut(sc.Text(), " ")
		if !ok || strings.HasPrefix(name, "#") {
			continue
		}
		for _, n := range names {
			if name == n {
				v, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
				if err != nil {
					return nil, fmt.Errorf("metric %s: %w", n, err)
				}
				out[n] = v
			}
		}
	}
	return out, sc.Err()
}

// procCPU is a process's user+system CPU from /proc/<pid>/stat (fields 14 and 15, in clock
// ticks; the command name in field 2 may hold spaces and parentheses, so fields are counted
// after its last ')').
func procCPU(pid int, tick time.Duration) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	return parseProcStat(string(b), tick)
}

func parseProcStat(stat string, tick time.Duration) (time.Duration, error) {
	end := strings.LastIndexByte(stat, ')')
	if end < 0 {
		return 0, errors.New("/proc stat: no command name")
	}
	f := strings.Fields(stat[end+1:])
	// f[0] is field 3 (state); utime is field 14 → f[11], stime field 15 → f[12].
	if len(f) < 13 {
		return 0, fmt.Errorf("/proc stat: %d fields after the name, want at least 13", len(f))
	}
	ut, err1 := strconv.ParseInt(f[11], 10, 64)
	st, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("/proc stat: utime %q stime %q are not numbers", f[11], f[12])
	}
	return time.Duration(ut+st) * tick, nil
}

// clockTick is 1/CLK_TCK seconds (getconf CLK_TCK; 100 on every Linux this runs on).
func clockTick() time.Duration {
	hz := 100
	if out, err := exec.Command("getconf", "CLK_TCK").Output(); err == nil {
		if n, err := strconv.Atoi(strings.TrimSpace(string(out))); err == nil && n > 0 {
			hz = n
		}
	}
	return time.Second / time.Duration(hz)
}

// listenerPID is the process with a socket listening on TCP port (IPv4 or IPv6): the
// socket's inode from /proc/net/tcp{,6}, then the process whose fd links to socket:[inode].
// Only processes this user may inspect are found.
func listenerPID(port int) (int, error) {
	inodes := map[string]bool{}
	for _, f := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		for _, ino := range listeningInodes(string(b), port) {
			inodes[ino] = true
		}
	}
	if len(inodes) == 0 {
		return 0, fmt.Errorf("no socket listens on port %d", port)
	}
	procs, _ := filepath.Glob("/proc/[0-9]*/fd/*")
	for _, fd := range procs {
		link, err := os.Readlink(fd)
		if err != nil || !strings.HasPrefix(link, "socket:[") {
			continue
		}
		if inodes[strings.TrimSuffix(strings.TrimPrefix(link, "socket:["), "]")] {
			pid, err := strconv.Atoi(strings.Split(fd, "/")[2])
			if err == nil {
				return pid, nil
			}
		}
	}
	return 0, fmt.Errorf("the process listening on port %d is not one this user can inspect", port)
}

// listeningInodes reads /proc/net/tcp lines ("sl local_address rem_address st … inode"):
// local_address is HEXIP:HEXPORT, st 0A is LISTEN, inode is field 10.
func listeningInodes(table string, port int) []string {
	var out []string
	want := fmt.Sprintf(":%04X", port)
	for line := range strings.SplitSeq(table, "\n") {
		f := strings.Fields(line)
		if len(f) < 10 || f[3] != "0A" || !strings.HasSuffix(f[1], want) {
			continue
		}
		out = append(out, f[9])
	}
	return out
}

// redisCPU sums used_cpu_user + used_cpu_sys (seconds, µs resolution) of INFO cpu over the nodes.
func redisCPU(ctx context.Context, nodes []*goredis.Client) (time.Duration, error) {
	var sum time.Duration
	for _, c := range nodes {
		raw, err := c.Info(ctx, "cpu").Result()
		if err != nil {
			return 0, fmt.Errorf("INFO cpu: %w", err)
		}
		d, err := parseInfoCPU(raw)
		if err != nil {
			return 0, err
		}
		sum += d
	}
	return sum, nil
}

func parseInfoCPU(raw string) (time.Duration, error) {
	var sum time.Duration
	found := 0
	for line := range strings.SplitSeq(raw, "\n") {
		k, v, ok := strings.Cut(strings.TrimSpace(line), ":")
		if !ok || (k != "used_cpu_user" && k != "used_cpu_sys") {
			continue
		}
		s, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return 0, fmt.Errorf("INFO cpu %s: %q is not a number", k, v)
		}
		sum += time.Duration(s * float64(time.Second))
		found++
	}
	if found != 2 {
		return 0, errors.New("INFO cpu: no used_cpu_user and used_cpu_sys")
	}
	return sum, nil
}

// selfCPU is this process's user+system CPU (getrusage).
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// cpuPressure is /proc/pressure/cpu's "some avg10" (the share of time a task waited for a CPU).
func cpuPressure() string {
	b, err := os.ReadFile("/proc/pressure/cpu")
	if err != nil {
		return "unknown"
	}
	for _, f := range strings.Fields(string(b)) {
		if v, ok := strings.CutPrefix(f, "avg10="); ok {
			return v + "%"
		}
	}
	return "unknown"
}

// print writes the CPU lines of the summary.
func (u cpuUse) print(w io.Writer) {
	part := func(ok bool, d time.Duration) string {
		if !ok {
			return "not measured"
		}
		return fmt.Sprintf("%.1f µs", perClickUS(d, u.Clicks))
	}
	fmt.Fprintf(w, "CPU per click (measured window, %d clicks): serve %s, redis-server %s, load tool %.1f µs\n",
		u.Clicks, part(u.ServeOK, u.Serve), part(u.RedisOK, u.Redis), perClickUS(u.Self, u.Clicks))
	if u.ServeOK {
		fmt.Fprintf(w, "  serve CPU from %s: %s in the window\n", u.ServeFrom, u.Serve.Round(time.Millisecond))
	}
	if u.ServeRSS > 0 {
		fmt.Fprintf(w, "  serve resident memory: %d MiB after the window, peak %d MiB\n", u.ServeRSS>>20, u.ServeHWM>>20)
	}
	if u.MallocsOK {
		fmt.Fprintf(w, "  serve allocations per click (go_memstats_mallocs_total): %.0f\n", u.Mallocs/float64(max(u.Clicks, 1)))
	}
	if u.Note != "" {
		fmt.Fprintf(w, "  %s\n", u.Note)
	}
}
