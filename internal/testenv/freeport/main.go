// Command freeport prints free TCP ports on 127.0.0.1, one per line, for scripts/test.
//
// Ports are drawn at random below the kernel's ephemeral range (so outgoing connections
// cannot take them between the check and the server's start), and each is checked by
// binding it. With -bus, port+10000 must be free too: a Redis Cluster node listens on both.
package main

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"strconv"
	"strings"
)

func main() {
	n := flag.Int("n", 1, "how many ports to print")
	bus := flag.Bool("bus", false, "also require port+10000 to be free (Redis Cluster bus port)")
	flag.Parse()
	ports, err := pick(*n, *bus)
	if err != nil {
		fmt.Fprintln(os.Stderr, "freeport:", err)
		os.Exit(1)
	}
	for _, p := range ports {
		fmt.Println(p)
	}
}

func pick(n int, bus bool) ([]int, error) {
	lo, hi := 10000, ephemeralLow()
	if bus {
		hi -= 10000 // the bus port must stay below the ephemeral range too
	}
	if hi-lo < 100 {
		lo, hi = 1024, 65535-10000
	}
	taken := map[int]bool{}
	var ports []int
	for tries := 0; len(ports) < n; tries++ {
		if tries > 1000 {
			return nil, fmt.Errorf("found only %d of %d free ports in [%d, %d)", len(ports), n, lo, hi)
		}
		p := lo + rand.IntN(hi-lo)
		if taken[p] || (bus && taken[p+10000]) {
			continue
		}
		if !free(p) || (bus && !free(p+10000)) {
			continue
		}
		taken[p] = true
		if bus {
			taken[p+10000] = true
		}
		ports = append(ports, p)
	}
	return ports, nil
}

// free reports whether 127.0.0.1:p can be bound right now.
func free(p int) bool {
	l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(p)))
	if err != nil {
		return false
	}
	l.Close()
	return true
}

// ephemeralLow is the first port of the kernel's ephemeral range (32768 when unknown).
func ephemeralLow() int {
	b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range")
	if err != nil {
		return 32768
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return 32768
	}
	v, err := strconv.Atoi(f[0])
	if err != nil || v < 11024 {
		return 32768
	}
	return v
}
