package redis

import (
	"bytes"
	"context"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/arrakis-bot/arrakis/internal/testenv"
	"github.com/arrakis-bot/arrakis/store"
)

// dropProxy is a loopback proxy in front of Redis that forwards everything, except that
// after it forwards the first script call (EVALSHA/EVAL) once armed, it drops that call's
// reply and closes the connection: the compare-and-swap ran, its answer was lost.
type dropProxy struct {
	ln      net.Listener
	target  string
	armed   atomic.Bool
	dropped atomic.Int32
	wg      sync.WaitGroup
}

func newDropProxy(t *testing.T, target string) *dropProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &dropProxy{ln: ln, target: target}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			p.wg.Add(1)
			go func() { defer p.wg.Done(); p.pipe(c) }()
		}
	}()
	t.Cleanup(func() { ln.Close(); p.wg.Wait() })
	return p
}

func (p *dropProxy) pipe(c net.Conn) {
	defer c.Close()
	u, err := net.Dial("tcp", p.target)
	if err != nil {
		return
	}
	defer u.Close()
	var drop atomic.Bool
	go func() {
		buf := make([]byte, 64<<10)
		for {
			n, err := c.Read(buf)
			if n > 0 {
				chunk := buf[:n]
				if bytes.Contains(bytes.ToLower(chunk), []byte("\r\nevalsha\r\n")) && p.armed.CompareAndSwap(true, false) {
					drop.Store(true)
				}
				if _, werr := u.Write(chunk); werr != nil {
					return
				}
			}
			if err != nil {
				u.Close()
				return
			}
		}
	}()
	buf := make([]byte, 64<<10)
	for {
		n, err := u.Read(buf)
		if n > 0 {
			if drop.Load() {
				p.dropped.Add(1)
				return // the reply is lost with the connection
			}
			if _, werr := c.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// TestFaultRecovery (compare-and-swap reply lost): the update ran in Redis, its reply was
// dropped with the connection; the store re-sends it under the click's write id, the script
// recognises its own write, and the click is told it was applied — once.
func TestFaultRecovery(t *testing.T) {
	t.Run("cluster master killed and paused", clusterMasterKilledAndPaused)
	t.Run("CAS reply lost", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		addr := testenv.RedisAddr(t)
		// Load the scripts first, so that the dropped reply is the update's own.
		direct, err := NewClient("redis://"+addr, ConnOptions{})
		if err != nil {
			t.Fatal(err)
		}
		defer direct.Close()
		if err := NewSessions(direct, Options{}).Preload(ctx); err != nil {
			t.Fatalf("preload: %v", err)
		}
		p := newDropProxy(t, addr)
		c, err := NewClient("redis://"+p.ln.Addr().String(), ConnOptions{})
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		s := NewSessions(c, Options{TTL: time.Minute})
		defer s.Close()
		sess, _, err := s.Create(ctx, testenv.GuildID(t), "1001", "owner")
		if err != nil {
			t.Fatalf("create: %v", err)
		}
		edit := *sess
		edit.Data.CommunityName = "Honey Jar"
		p.armed.Store(true)
		got, err := s.Update(store.WithWriteID(ctx, "1400000000000000001"), &edit)
		if p.dropped.Load() != 1 {
			t.Fatalf("the proxy dropped %d replies, want 1", p.dropped.Load())
		}
		if err != nil {
			t.Fatalf("an update whose reply was lost: %v, want it reported as applied", err)
		}
		if got.Version != sess.Version+1 || got.Data.CommunityName != "Honey Jar" {
			t.Fatalf("answer: version %d name %q, want version %d", got.Version, got.Data.CommunityName, sess.Version+1)
		}
		stored, err := s.Get(ctx, sess.ID)
		if err != nil || stored.Version != sess.Version+1 || stored.Data.CommunityName != "Honey Jar" {
			t.Fatalf("stored: %+v, %v; want the update applied once (version %d)", stored, err, sess.Version+1)
		}
	})
}
