package redis

import (
	"context"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/arrakis-bot/arrakis/internal/testenv"
	"github.com/arrakis-bot/arrakis/store"
	"github.com/arrakis-bot/arrakis/wizard"
)

func TestConnect(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	t.Run("single", func(t *testing.T) {
		c, err := Connect(ctx, "redis://"+testenv.RedisAddr(t)+"/0", ConnOptions{})
		if err != nil {
			t.Fatalf("Connect: %v", err)
		}
		defer c.Close()
		sc, ok := c.(*goredis.Client)
		if !ok {
			t.Fatalf("Connect made a %T, want *goredis.Client", c)
		}
		o := sc.Options()
		if o.DialTimeout != DefaultTimeout || o.ReadTimeout != DefaultTimeout || o.WriteTimeout != DefaultTimeout {
			t.Errorf("timeouts = %v/%v/%v, want %v each", o.DialTimeout, o.ReadTimeout, o.WriteTimeout, DefaultTimeout)
		}
		// go-redis stores "no retries" (-1) as 0 once the client is made; its default is 3.
		if o.MaxRetries != 0 || o.DialerRetries != 1 {
			t.Errorf("MaxRetries %d, DialerRetries %d; want 0 (none) and 1", o.MaxRetries, o.DialerRetries)
		}
		if o.PoolSize < DefaultPoolSize || o.PipelinePoolSize != DefaultPoolSize || o.Protocol != 2 {
			t.Errorf("PoolSize %d, PipelinePoolSize %d, Protocol %d; want at least %d, %[4]d and RESP2", o.PoolSize, o.PipelinePoolSize, o.Protocol, DefaultPoolSize)
		}
		useSessions(t, ctx, c)
	})

	t.Run("options and URL parameters", func(t *testing.T) {
		c, err := NewClient("redis://"+testenv.RedisAddr(t)+"?dial_timeout=1500ms&max_retries=2&dialer_retries=3&pool_size=5&pipeline_pool_size=3&protocol=3",
			ConnOptions{ReadTimeout: 750 * time.Millisecond})
		if err != nil {
			t.Fatalf("NewClient: %v", err)
		}
		defer c.Close()
		o := c.(*goredis.Client).Options()
		if o.DialTimeout != 1500*time.Millisecond || o.ReadTimeout != 750*time.Millisecond || o.WriteTimeout != DefaultTimeout {
			t.Errorf("timeouts = %v/%v/%v, want 1.5s (URL), 750ms (options), 2s (default)", o.DialTimeout, o.ReadTimeout, o.WriteTimeout)
		}
		if o.MaxRetries != 2 || o.DialerRetries != 3 {
			t.Errorf("MaxRetries %d, DialerRetries %d; want the URL's 2 and 3", o.MaxRetries, o.DialerRetries)
		}
		if o.PoolSize != 5 || o.PipelinePoolSize != 3 || o.Protocol != 3 {
			t.Errorf("PoolSize %d, PipelinePoolSize %d, Protocol %d; want the URL's 5, 3 and 3", o.PoolSize, o.PipelinePoolSize, o.Protocol)
		}
	})

	t.Run("cluster", func(t *testing.T) {
		addrs := testenv.RedisClusterAddrs(t)
		u := "redis://" + addrs[0] + "?addr=" + strings.Join(addrs[1:], "&addr=")
		c, err := Connect(ctx, u, ConnOptions{DialTimeout: time.Second})
		if err != nil {
			t.Fatalf("Connect(%s): %v", u, err)
		}
		defer c.Close()
		cc, ok := c.(*goredis.ClusterClient)
		if !ok {
			t.Fatalf("Connect made a %T, want *goredis.ClusterClient", c)
		}
		if o := cc.Options(); len(o.Addrs) != len(addrs) || o.DialTimeout != time.Second || o.MaxRetries != -1 {
			t.Errorf("cluster options: addrs %v, dial %v, retries %d", o.Addrs, o.DialTimeout, o.MaxRetries)
		}
		useSessions(t, ctx, c)

		one, err := Connect(ctx, "redis://"+addrs[0]+"?cluster=true", ConnOptions{})
		if err != nil {
			t.Fatalf("Connect(?cluster=true): %v", err)
		}
		defer one.Close()
		if _, ok := one.(*goredis.ClusterClient); !ok {
			t.Errorf("?cluster=true made a %T", one)
		}
	})

	t.Run("sentinel", func(t *testing.T) {
		c, err := NewClient("redis://:secret@127.0.0.1:1?addr=127.0.0.1:2&master_name=arrakis", ConnOptions{})
		if err != nil {
			t.Fatalf("NewClient(sentinel URL): %v", err)
		}
		defer c.Close()
		if _, ok := c.(*goredis.Client); !ok {
			t.Errorf("a sentinel URL made a %T, want the failover *goredis.Client", c)
		}
	})

	t.Run("bad URLs do not show the password", func(t *testing.T) {
		for _, u := range []string{
			"http://user:hunter2@127.0.0.1:6379",
			"redis://user:hunter2@127.0.0.1:6379?bogus=1",
			"redis://user:hunter2@127.0.0.1:6379/notadb",
			"redis://user:hunter2@127.0.0.1:6379?addr=nohostport",
			"redis://user:hunter2@127.0.0.1:6379?dialer_retries=many",
			"redis://user:hunter2@[::1",
		} {
			_, err := NewClient(u, ConnOptions{})
			if !store.IsCode(err, store.CodeInvalid) {
				t.Errorf("NewClient(%q) = %v, want invalid", u, err)
			}
			if err != nil && strings.Contains(err.Error(), "hunter2") {
				t.Errorf("NewClient(%q) error shows the password: %v", u, err)
			}
		}
	})

	t.Run("down", func(t *testing.T) {
		port := closedPort(t)
		start := time.Now()
		_, err := Connect(ctx, "redis://:hunter2@"+port, ConnOptions{DialTimeout: 300 * time.Millisecond})
		if !store.IsCode(err, store.CodeUnavailable) {
			t.Errorf("Connect to a closed port = %v, want unavailable", err)
		}
		if err != nil && strings.Contains(err.Error(), "hunter2") {
			t.Errorf("the error shows the password: %v", err)
		}
		if took := time.Since(start); took > 300*time.Millisecond+time.Second {
			t.Errorf("Connect to a closed port took %v", took)
		}
	})
}

// TestUnresponsiveRedis: a server that accepts connections and never answers (a hung or
// overloaded Redis) costs each call at most the read timeout, then CodeUnavailable.
func TestUnresponsiveRedis(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			conn, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, conn) // held open, never answered
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		l.Close()
		<-done
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
	})

	const timeout = 300 * time.Millisecond
	c, err := NewClient("redis://"+l.Addr().String(), ConnOptions{DialTimeout: timeout, ReadTimeout: timeout, WriteTimeout: timeout})
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	defer c.Close()
	s := NewSessions(c, Options{})
	defer s.Close()
	guild := testenv.GuildID(t)
	id := wizard.NewSessionID(guild)
	ctx := context.Background() // no deadline: the timeouts alone must bound each call
	calls := map[string]func() error{
		"Create":     func() error { _, _, err := s.Create(ctx, guild, "1001", "Ada"); return err },
		"Get":        func() error { _, err := s.Get(ctx, id); return err },
		"Transition": func() error { _, err := s.Transition(ctx, id, 1, wizard.StateChainSelect); return err },
		"Update":     func() error { _, err := s.Update(ctx, &wizard.Session{ID: id, Version: 1}); return err },
	}
	for name, call := range calls {
		start := time.Now()
		err := call()
		took := time.Since(start)
		if !store.IsCode(err, store.CodeUnavailable) {
			t.Errorf("%s on a server that never answers = %v, want unavailable", name, err)
		}
		// The handshake (HELLO) and the command each get at most one read timeout.
		if took > 2*timeout+time.Second {
			t.Errorf("%s on a server that never answers took %v, want about %v", name, took, timeout)
		}
		t.Logf("%s: %v after %v", name, err, took.Round(time.Millisecond))
	}
}

// useSessions runs a session through a client made by Connect.
func useSessions(t *testing.T, ctx context.Context, c goredis.UniversalClient) {
	t.Helper()
	s := NewSessions(c, Options{})
	defer s.Close()
	sess, _, err := s.Create(ctx, testenv.GuildID(t), "1001", "Ada")
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	if _, err := s.Transition(ctx, sess.ID, sess.Version, wizard.StateChainSelect); err != nil {
		t.Fatalf("Transition: %v", err)
	}
	if err := s.Delete(ctx, sess.ID, store.EndCancelled); err != nil {
		t.Fatalf("Delete: %v", err)
	}
}

// closedPort is host:port where nothing listens.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}
