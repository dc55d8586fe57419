package storetest

import (
	"context"
	"fmt"
	"net"
	"os/exec"
	"strconv"
	"sync"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// RedisServer is a private redis-server that one test starts and stops, for what the shared
// servers of scripts/test must not suffer (being stopped) and for counts that must be exact.
type RedisServer struct {
	Addr string
	cmd  *exec.Cmd
	once sync.Once
}

// StartRedisServer starts redis-server on a free loopback port in a temporary directory and
// stops it (by its PID) at cleanup. It fails the test when redis-server is missing.
func StartRedisServer(t *testing.T) *RedisServer {
	t.Helper()
	path, err := exec.LookPath("redis-server")
	if err != nil {
		t.Fatalf("redis-server is not installed (%v): run scripts/test, which installs it", err)
	}
	var lastErr error
	for range 3 { // the free port can be taken between the check and the start
		port, err := freePort()
		if err != nil {
			t.Fatalf("find a free port: %v", err)
		}
		r := &RedisServer{Addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(port))}
		r.cmd = exec.Command(path, "--bind", "127.0.0.1", "--port", strconv.Itoa(port),
			"--save", "", "--appendonly", "no", "--daemonize", "no", "--dir", t.TempDir())
		if err := r.cmd.Start(); err != nil {
			t.Fatalf("start redis-server: %v", err)
		}
		t.Cleanup(r.Stop)
		if lastErr = r.waitReady(5 * time.Second); lastErr == nil {
			return r
		}
		r.Stop()
	}
	t.Fatalf("private redis-server did not answer: %v", lastErr)
	return nil
}

// Stop kills the server and waits for it to exit; calling it again does nothing.
func (r *RedisServer) Stop() {
	r.once.Do(func() {
		_ = r.cmd.Process.Kill()
		_ = r.cmd.Wait()
	})
}

func (r *RedisServer) waitReady(limit time.Duration) error {
	c := goredis.NewClient(&goredis.Options{Addr: r.Addr, DialTimeout: 200 * time.Millisecond, MaxRetries: -1})
	defer c.Close()
	deadline := time.Now().Add(limit)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		err := c.Ping(ctx).Err()
		cancel()
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("redis-server at %s: %w", r.Addr, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// freePort returns a loopback TCP port that was free a moment ago.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
