package main

import (
	"context"
	"net"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/arrakis-bot/arrakis/internal/testenv"
)

// burn spends about d of CPU on this goroutine.
func burn(d time.Duration) {
	start := selfCPU()
	x := 1.0
	for selfCPU()-start < d {
		for range 100000 {
			x = x*1.0000001 + 1e-9
		}
	}
	_ = x
}

// The /proc parser reads this process's own stat, and agrees with getrusage.
func TestProcCPUOfThisProcess(t *testing.T) {
	tick := clockTick()
	if tick <= 0 || tick > time.Second {
		t.Fatalf("clock tick %v", tick)
	}
	p0, err := procCPU(os.Getpid(), tick)
	if err != nil {
		t.Fatal(err)
	}
	s0 := selfCPU()
	burn(200 * time.Millisecond)
	p1, err := procCPU(os.Getpid(), tick)
	if err != nil {
		t.Fatal(err)
	}
	s1 := selfCPU()
	dp, ds := p1-p0, s1-s0
	// /proc counts whole ticks; getrusage is finer: they agree within a few ticks.
	if dp < 100*time.Millisecond || dp-ds > 5*tick || ds-dp > 5*tick {
		t.Fatalf("/proc/self/stat says %v, getrusage %v", dp, ds)
	}
	if rss, hwm := procMemory(os.Getpid()); rss <= 0 || hwm < rss {
		t.Fatalf("procMemory(self) = %d, %d", rss, hwm)
	}
	if _, err := procCPU(1<<30, tick); err == nil {
		t.Fatal("a pid that does not exist was read")
	}
}

func TestParseProcStat(t *testing.T) {
	// A command name with spaces and a ')' must not shift the fields.
	stat := "4242 (ser ve) (x)) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 35 0 0 20 0 9 0 1234 0 0"
	d, err := parseProcStat(stat, 10*time.Millisecond)
	if err != nil || d != 2850*time.Millisecond {
		t.Fatalf("parseProcStat = %v, %v; want 2.85s (285 ticks)", d, err)
	}
	if _, err := parseProcStat("4242 (x) S 1 2", 10*time.Millisecond); err == nil {
		t.Fatal("a short stat line parsed")
	}
}

// The process listening on a port is found through /proc/net/tcp and /proc/*/fd: here, this one.
func TestListenerPID(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	port := ln.Addr().(*net.TCPAddr).Port
	pid, err := listenerPID(port)
	if err != nil || pid != os.Getpid() {
		t.Fatalf("listenerPID(%d) = %d, %v; want this process %d", port, pid, err, os.Getpid())
	}
	ln.Close()
	if pid, err := listenerPID(port); err == nil {
		t.Fatalf("a closed port still has listener %d", pid)
	}
	table := "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n" +
		"   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 5551 1 0\n" +
		"   1: 0100007F:1F90 0100007F:C350 01 00000000:00000000 00:00000000 00000000  1000        0 5552 1 0\n" +
		"   2: 0100007F:1F91 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 5553 1 0\n"
	if got := listeningInodes(table, 8080); strings.Join(got, ",") != "5551" {
		t.Fatalf("listeningInodes(8080) = %v, want the LISTEN socket 5551 only", got)
	}
}

// redis-server's CPU comes from INFO cpu; it grows while Redis works.
func TestRedisCPU(t *testing.T) {
	rc := testenv.Redis(t)
	ctx := context.Background()
	nodes := rc.Options().Addr
	before, err := redisCPU(ctx, []*goredis.Client{rc})
	if err != nil {
		t.Fatalf("INFO cpu on %s: %v", nodes, err)
	}
	for i := range 3000 {
		if err := rc.Set(ctx, "arrakis-load:cpu-test", strconv.Itoa(i), time.Minute).Err(); err != nil {
			t.Fatal(err)
		}
	}
	after, err := redisCPU(ctx, []*goredis.Client{rc})
	if err != nil {
		t.Fatal(err)
	}
	if after <= before {
		t.Fatalf("redis-server CPU did not grow over 3000 commands: %v → %v", before, after)
	}
	d, err := parseInfoCPU("# CPU\r\nused_cpu_sys:1.500000\r\nused_cpu_user:2.250000\r\nused_cpu_sys_children:9.0\r\n")
	if err != nil || d != 3750*time.Millisecond {
		t.Fatalf("parseInfoCPU = %v, %v; want 3.75s", d, err)
	}
	if _, err := parseInfoCPU("# CPU\r\nused_cpu_sys:1.5\r\n"); err == nil {
		t.Fatal("INFO cpu without used_cpu_user parsed")
	}
}

func TestParseMetrics(t *testing.T) {
	m, err := parseMetrics(strings.NewReader("# HELP go_memstats_mallocs_total x\n# TYPE go_memstats_mallocs_total counter\n"+
		"go_memstats_mallocs_total 1.234e+06\nprocess_cpu_seconds_total 12.5\ngo_memstats_mallocs_total_other 7\n"),
		"go_memstats_mallocs_total", "process_cpu_seconds_total")
	if err != nil || m["go_memstats_mallocs_total"] != 1234000 || m["process_cpu_seconds_total"] != 12.5 || len(m) != 2 {
		t.Fatalf("parseMetrics = %v, %v", m, err)
	}
}
