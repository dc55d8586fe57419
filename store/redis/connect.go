package redis

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/arrakis-bot/arrakis/store"
	goredis "github.com/redis/go-redis/v9"
)

// DefaultTimeout bounds dialing, and each read and write, when ConnOptions leaves it zero: a
// Discord interaction must be answered within 3 s, so a dead Redis must fail well inside that.
const DefaultTimeout = 2 * time.Second

// ConnOptions tune Connect. A zero field takes the URL's value (dial_timeout=…), else
// DefaultTimeout.
type ConnOptions struct {
	DialTimeout  time.Duration
	ReadTimeout  time.Duration
	WriteTimeout time.Duration
}

// Connect opens a client for url and checks that Redis answers PING.
//
//	redis://[user:pass@]host:port/db          a single node (rediss:// for TLS)
//	redis://h1:p1?addr=h2:p2&addr=h3:p3       a Cluster, seeded from every address given
//	redis://h1:p1?cluster=true                a Cluster seeded from one address
//	redis://s1:p1?addr=s2:p2&master_name=m    Sentinel: the master m, found through s1, s2
//
// Other query parameters are go-redis's (ParseURL, ParseClusterURL, ParseFailoverURL). A
// command is tried once: no retry after a network error (go-redis's default is three), so a
// dead Redis costs at most one dial or read timeout, and a compare-and-swap is never re-sent
// blindly. A URL may set max_retries to choose otherwise.
func Connect(ctx context.Context, rawURL string, o ConnOptions) (goredis.UniversalClient, error) {
	const op = "connect to redis"
	u, err := url.Parse(rawURL)
	if err != nil {
		// url.Parse's error repeats the URL, password included: say less.
		return nil, &store.Error{Code: store.CodeInvalid, Op: op, Err: errors.New("the Redis URL does not parse")}
	}
	shown := u.Redacted()
	q := u.Query()
	cluster := q.Get("cluster") == "true" || q.Get("cluster") == "1"
	q.Del("cluster")
	retries := q.Has("max_retries")
	u.RawQuery = q.Encode()
	clean := u.String()

	pick := func(explicit, fromURL time.Duration) time.Duration {
		switch {
		case explicit > 0:
			return explicit
		case fromURL > 0:
			return fromURL
		}
		return DefaultTimeout
	}
	var c goredis.UniversalClient
	switch {
	case q.Has("master_name"):
		fo, err := goredis.ParseFailoverURL(clean)
		if err != nil {
			return nil, badURL(op, shown, err)
		}
		fo.DialTimeout = pick(o.DialTimeout, fo.DialTimeout)
		fo.ReadTimeout = pick(o.ReadTimeout, fo.ReadTimeout)
		fo.WriteTimeout = pick(o.WriteTimeout, fo.WriteTimeout)
		if !retries {
			fo.MaxRetries = -1
		}
		c = goredis.NewFailoverClient(fo)
	case cluster || len(q["addr"]) > 0:
		co, err := goredis.ParseClusterURL(clean)
		if err != nil {
			return nil, badURL(op, shown, err)
		}
		co.DialTimeout = pick(o.DialTimeout, co.DialTimeout)
		co.ReadTimeout = pick(o.ReadTimeout, co.ReadTimeout)
		co.WriteTimeout = pick(o.WriteTimeout, co.WriteTimeout)
		if !retries {
			co.MaxRetries = -1
		}
		c = goredis.NewClusterClient(co)
	default:
		so, err := goredis.ParseURL(clean)
		if err != nil {
			return nil, badURL(op, shown, err)
		}
		so.DialTimeout = pick(o.DialTimeout, so.DialTimeout)
		so.ReadTimeout = pick(o.ReadTimeout, so.ReadTimeout)
		so.WriteTimeout = pick(o.WriteTimeout, so.WriteTimeout)
		if !retries {
			so.MaxRetries = -1
		}
		c = goredis.NewClient(so)
	}
	if err := c.Ping(ctx).Err(); err != nil {
		_ = c.Close()
		return nil, wrap(op+" at "+shown, "", err)
	}
	return c, nil
}

func badURL(op, shown string, err error) error {
	return &store.Error{Code: store.CodeInvalid, Op: op, Err: fmt.Errorf("the Redis URL %s: %w", shown, err)}
}
