package main

import (
	"bufio"
	"context"
	"fmt"
	"math"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// INFO commandstats counts the commands a Lua script runs inside Redis as well as the
// EVALSHA that ran it, so it overstates round trips. MONITOR tells them apart (a script's
// commands are shown as coming from "lua"), but slows Redis down, so it watches only a short
// probe after the measured window: a few clicks, one at a time. MONITOR shows commands, not
// round trips: a pipeline of two commands is two lines. The round trips are counted by the
// server itself, as read events (INFO stats total_reads_processed: one per request or
// pipeline a client writes) over the probe. With several nodes (a Cluster's masters) every
// node is watched and the counts are summed.

// probe is what MONITOR and the read-event counters saw while probe clicks ran.
type probe struct {
	Clicks     int
	Sent       commandStats // commands sent by clients (a pipeline sends several in one round trip)
	InScripts  int64        // commands run inside scripts
	ReadEvents int64        // round trips: client requests or pipelines the servers read
}

// perClick is round trips per click.
func (p probe) perClick() float64 {
	if p.Clicks == 0 {
		return 0
	}
	return float64(p.ReadEvents) / float64(p.Clicks)
}

// pipelined reports whether the clicks sent fewer round trips than commands: then some
// commands shared a pipeline (the bot's interaction mark rides with the session read).
func (p probe) pipelined() bool {
	return p.Clicks > 0 && math.Round(p.perClick()) < math.Round(float64(p.Sent.total())/float64(p.Clicks))
}

// monitorDuring runs MONITOR on every node while do runs, and counts what it saw; do's
// read events are counted by readsDuring, around the clicks alone.
func monitorDuring(ctx context.Context, addrs []string, do func() (int, error)) (probe, error) {
	var mu sync.Mutex
	p := probe{Sent: commandStats{}}
	var readers sync.WaitGroup
	var conns []net.Conn
	defer func() {
		for _, c := range conns {
			_ = c.Close()
		}
	}()
	for _, addr := range addrs {
		var d net.Dialer
		conn, err := d.DialContext(ctx, "tcp", addr)
		if err != nil {
			return probe{}, fmt.Errorf("MONITOR %s: %w", addr, err)
		}
		conns = append(conns, conn)
		if _, err := conn.Write([]byte("*1\r\n$7\r\nMONITOR\r\n")); err != nil {
			return probe{}, fmt.Errorf("MONITOR %s: %w", addr, err)
		}
		rd := bufio.NewReader(conn)
		_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
		if ok, err := rd.ReadString('\n'); err != nil || !strings.HasPrefix(ok, "+OK") {
			return probe{}, fmt.Errorf("MONITOR %s: unexpected answer %q: %v", addr, ok, err)
		}
		_ = conn.SetReadDeadline(time.Time{})
		readers.Add(1)
		go func() {
			defer readers.Done()
			for {
				line, err := rd.ReadString('\n')
				if err != nil {
					return
				}
				cmd, lua, ok := parseMonitorLine(line)
				if !ok || cmd == "info" { // the tool's own read-event counters
					continue
				}
				mu.Lock()
				if lua {
					p.InScripts++
				} else {
					p.Sent[cmd]++
				}
				mu.Unlock()
			}
		}()
	}
	clicks, err := do()
	time.Sleep(200 * time.Millisecond) // let the last lines arrive
	for _, c := range conns {
		_ = c.Close()
	}
	readers.Wait()
	mu.Lock()
	defer mu.Unlock()
	p.Clicks = clicks
	return p, err
}

// readsDuring counts the read events (round trips) every node served while do ran. Each
// node's second INFO counts its own read, which is taken off.
func readsDuring(ctx context.Context, nodes []*goredis.Client, do func() error) (int64, error) {
	before, err := readEvents(ctx, nodes)
	if err != nil {
		return 0, err
	}
	if err := do(); err != nil {
		return 0, err
	}
	after, err := readEvents(ctx, nodes)
	if err != nil {
		return 0, err
	}
	return after - before - int64(len(nodes)), nil
}

// readEvents sums INFO stats total_reads_processed over the nodes.
func readEvents(ctx context.Context, nodes []*goredis.Client) (int64, error) {
	var sum int64
	for _, n := range nodes {
		raw, err := n.Info(ctx, "stats").Result()
		if err != nil {
			return 0, fmt.Errorf("INFO stats: %w", err)
		}
		v, ok := infoField(raw, "total_reads_processed")
		if !ok {
			return 0, fmt.Errorf("INFO stats of %s has no total_reads_processed (Redis 6.0 or later needed)", n.Options().Addr)
		}
		sum += v
	}
	return sum, nil
}

// infoField reads an integer field ("name:123") of an INFO reply.
func infoField(raw, name string) (int64, bool) {
	for line := range strings.SplitSeq(raw, "\n") {
		k, v, ok := strings.Cut(strings.TrimSpace(line), ":")
		if ok && k == name {
			n, err := strconv.ParseInt(v, 10, 64)
			return n, err == nil
		}
	}
	return 0, false
}

// parseMonitorLine reads `+1795690469.766666 [0 127.0.0.1:37348] "set" "k" …` (or
// `[0 lua]` for a script's command) into the lower-case command name.
func parseMonitorLine(line string) (cmd string, lua, ok bool) {
	open := strings.IndexByte(line, '[')
	end := strings.IndexByte(line, ']')
	if open < 0 || end < open {
		return "", false, false
	}
	client := line[open+1 : end]
	rest := strings.TrimSpace(line[end+1:])
	if !strings.HasPrefix(rest, `"`) {
		return "", false, false
	}
	name, _, found := strings.Cut(rest[1:], `"`)
	if !found || name == "" {
		return "", false, false
	}
	_, src, _ := strings.Cut(client, " ")
	return strings.ToLower(name), src == "lua", true
}
