package main

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"strings"
	"sync"
	"time"
)

// INFO commandstats counts the commands a Lua script runs inside Redis as well as the
// EVALSHA that ran it, so it overstates round trips. MONITOR tells them apart (a script's
// commands are shown as coming from "lua"), but slows Redis down, so it watches only a short
// probe after the measured window: a few clicks, one at a time. The round trips one click
// makes, per command, are what the baseline repeats.

// probe is what MONITOR saw while probe clicks ran.
type probe struct {
	Clicks     int
	RoundTrips commandStats // commands sent by clients (each one round trip)
	InScripts  int64        // commands run inside scripts
}

func (p probe) perClick() float64 {
	if p.Clicks == 0 {
		return 0
	}
	return float64(p.RoundTrips.total()) / float64(p.Clicks)
}

// monitorDuring runs MONITOR on addr while do runs, and counts what it saw.
func monitorDuring(ctx context.Context, addr string, do func() (int, error)) (probe, error) {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return probe{}, fmt.Errorf("MONITOR: %w", err)
	}
	defer conn.Close()
	if _, err := conn.Write([]byte("*1\r\n$7\r\nMONITOR\r\n")); err != nil {
		return probe{}, fmt.Errorf("MONITOR: %w", err)
	}
	rd := bufio.NewReader(conn)
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	if ok, err := rd.ReadString('\n'); err != nil || !strings.HasPrefix(ok, "+OK") {
		return probe{}, fmt.Errorf("MONITOR: unexpected answer %q: %v", ok, err)
	}
	_ = conn.SetReadDeadline(time.Time{})
	var mu sync.Mutex
	p := probe{RoundTrips: commandStats{}}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			line, err := rd.ReadString('\n')
			if err != nil {
				return
			}
			cmd, lua, ok := parseMonitorLine(line)
			if !ok {
				continue
			}
			mu.Lock()
			if lua {
				p.InScripts++
			} else {
				p.RoundTrips[cmd]++
			}
			mu.Unlock()
		}
	}()
	clicks, err := do()
	time.Sleep(200 * time.Millisecond) // let the last lines arrive
	_ = conn.Close()
	<-done
	mu.Lock()
	defer mu.Unlock()
	p.Clicks = clicks
	return p, err
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
