package redis

import (
	"context"
	"errors"
	"net"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// DefaultClusterReloadInterval is how stale a Cluster topology may get without errors.
// go-redis's own default (60 s) left clicks failing for half a minute after a replica was
// promoted: a dead master never answers MOVED, so nothing else triggers a reload.
const DefaultClusterReloadInterval = time.Second

// reloadHook asks a Cluster client to reload its topology after a connection error or a
// timeout, the signs of a master that died or stopped answering; the next click then goes
// to the promoted replica instead of waiting for the periodic reload.
type reloadHook struct{ c *goredis.ClusterClient }

func (h reloadHook) DialHook(next goredis.DialHook) goredis.DialHook {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		conn, err := next(ctx, network, addr)
		if err != nil {
			h.c.ReloadState(ctx)
		}
		return conn, err
	}
}

func (h reloadHook) ProcessHook(next goredis.ProcessHook) goredis.ProcessHook {
	return func(ctx context.Context, cmd goredis.Cmder) error {
		err := next(ctx, cmd)
		if topologyError(err) {
			h.c.ReloadState(ctx)
		}
		return err
	}
}

func (h reloadHook) ProcessPipelineHook(next goredis.ProcessPipelineHook) goredis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []goredis.Cmder) error {
		err := next(ctx, cmds)
		if topologyError(err) {
			h.c.ReloadState(ctx)
		}
		return err
	}
}

// topologyError reports whether err is not a Redis reply: a refused or reset connection, a
// read or write timeout, or the caller's deadline running out while a node was silent.
func topologyError(err error) bool {
	if err == nil || errors.Is(err, goredis.Nil) {
		return false
	}
	var re goredis.Error
	return !errors.As(err, &re) || isClusterDown(err)
}

func isClusterDown(err error) bool {
	s := err.Error()
	return len(s) >= 11 && s[:11] == "CLUSTERDOWN"
}
