package metrics

import (
	"context"
	"errors"
	"net"
	"strings"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// RedisHook returns a go-redis hook that times every round trip. Add it with
// client.AddHook(m.RedisHook()).
func (m *Metrics) RedisHook() goredis.Hook { return redisHook{m} }

type redisHook struct{ m *Metrics }

func (h redisHook) DialHook(next goredis.DialHook) goredis.DialHook {
	return func(ctx context.Context, network, addr string) (net.Conn, error) { return next(ctx, network, addr) }
}

func (h redisHook) ProcessHook(next goredis.ProcessHook) goredis.ProcessHook {
	return func(ctx context.Context, cmd goredis.Cmder) error {
		start := time.Now()
		err := next(ctx, cmd)
		h.observe(strings.ToLower(cmd.Name()), start, err)
		return err
	}
}

func (h redisHook) ProcessPipelineHook(next goredis.ProcessPipelineHook) goredis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []goredis.Cmder) error {
		start := time.Now()
		err := next(ctx, cmds)
		h.observe("pipeline", start, err)
		return err
	}
}

// knownCommands bounds the command label: anything else is "other".
var knownCommands = map[string]bool{
	"get": true, "getex": true, "set": true, "del": true, "exists": true, "expire": true,
	"pexpire": true, "incr": true, "scan": true, "evalsha": true, "eval": true, "script": true,
	"ping": true, "ttl": true, "pipeline": true, "hello": true, "info": true, "cluster": true,
}

func (h redisHook) observe(cmd string, start time.Time, err error) {
	if !knownCommands[cmd] {
		cmd = "other"
	}
	h.m.RedisDuration.WithLabelValues(cmd).Observe(time.Since(start).Seconds())
	if err != nil && !errors.Is(err, goredis.Nil) {
		h.m.RedisErrors.WithLabelValues(cmd).Inc()
	}
}
