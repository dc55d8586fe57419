package redis

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"runtime"
	"strconv"
	"time"

	"github.com/arrakis-bot/arrakis/store"
	goredis "github.com/redis/go-redis/v9"
)

// DefaultTimeout bounds dialing, and each read and write, when ConnOptions leaves it zero: a
// Discord interaction must be answered within 3 s, so a dead Redis must fail well inside that.
const DefaultTimeout = 2 * time.Second

// DefaultPoolSize is the least number of connections per node, for commands and for
// pipelines each, when the URL sets no pool_size / pipeline_pool_size. go-redis's own
// defaults (10 per core, and 10 for pipelines) make most of 64 concurrent clicks wait for a
// connection on a small machine, and waking the waiters cost ~3 µs of CPU per session read
// (BenchmarkStoreRead, issue #16). Connections are opened only as concurrency needs them.
const DefaultPoolSize = 64

// ConnOptions tune Connect. A zero field takes the URL's value (dial_timeout=…), else
// DefaultTimeout.
type ConnOptions struct {
	DialTimeout  time.Duration
	ReadTimeout  time.Duration
	WriteTimeout time.Duration
	// ClusterReloadInterval is how often a Cluster client reloads its topology (zero:
	// DefaultClusterReloadInterval); it also reloads after any connection error or timeout.
	ClusterReloadInterval time.Duration
}

// Connect opens a client for url (see NewClient) and checks that Redis answers PING.
func Connect(ctx context.Context, rawURL string, o ConnOptions) (goredis.UniversalClient, error) {
	c, err := NewClient(rawURL, o)
	if err != nil {
		return nil, err
	}
	if err := c.Ping(ctx).Err(); err != nil {
		_ = c.Close()
		return nil, wrap("connect to redis at "+redactedURL(rawURL), "", err)
	}
	return c, nil
}

// NewClient makes a client for url without contacting Redis.
//
//	redis://[user:pass@]host:port/db          a single node (rediss:// for TLS)
//	redis://h1:p1?addr=h2:p2&addr=h3:p3       a Cluster, seeded from every address given
//	redis://h1:p1?cluster=true                a Cluster seeded from one address
//	redis://s1:p1?addr=s2:p2&master_name=m    Sentinel: the master m, found through s1, s2
//
// Other query parameters are go-redis's (ParseURL, ParseClusterURL, ParseFailoverURL). Unless
// the URL says otherwise (max_retries, dialer_retries), a command is tried once and a dial
// is tried once — go-redis's defaults are three command retries and five dials each — so a
// dead Redis costs at most one dial or read timeout, and a compare-and-swap is never re-sent
// blindly. Without pool_size and pipeline_pool_size the pools hold up to DefaultPoolSize
// connections each. Without protocol the client speaks RESP2: Arrakis uses no RESP3 feature
// (push notifications, client-side caching), and go-redis's RESP3 path costs ~2 µs more CPU
// per click at 64 concurrent clicks (BenchmarkStoreClick, issue #16).
func NewClient(rawURL string, o ConnOptions) (goredis.UniversalClient, error) {
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
	dialerRetries := 1
	if v := q.Get("dialer_retries"); v != "" {
		// Parsed here: go-redis's single-node ParseURL does not know this parameter.
		if dialerRetries, err = strconv.Atoi(v); err != nil {
			return nil, badURL(op, shown, fmt.Errorf("dialer_retries=%q is not a number", v))
		}
	}
	q.Del("dialer_retries")
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
	// tune applies the timeouts and retry policy to whichever options struct the URL needs.
	// Every call honours its caller's context (the click's budget), not only the socket
	// timeouts: a Redis that stops answering costs a click its budget, never Discord's 3 s.
	tune := func(dial, read, write *time.Duration, maxRetries, dialerRetriesOpt *int, ctxTimeout *bool, poolSize, pipelinePoolSize, protocol *int) {
		*ctxTimeout = true
		if !q.Has("protocol") {
			*protocol = 2
		}
		if *poolSize == 0 {
			*poolSize = max(DefaultPoolSize, 10*runtime.GOMAXPROCS(0))
		}
		if *pipelinePoolSize == 0 {
			*pipelinePoolSize = DefaultPoolSize
		}
		*dial, *read, *write = pick(o.DialTimeout, *dial), pick(o.ReadTimeout, *read), pick(o.WriteTimeout, *write)
		if !retries {
			*maxRetries = -1
		}
		*dialerRetriesOpt = dialerRetries
	}
	switch {
	case q.Has("master_name"):
		fo, err := goredis.ParseFailoverURL(clean)
		if err != nil {
			return nil, badURL(op, shown, err)
		}
		tune(&fo.DialTimeout, &fo.ReadTimeout, &fo.WriteTimeout, &fo.MaxRetries, &fo.DialerRetries, &fo.ContextTimeoutEnabled, &fo.PoolSize, &fo.PipelinePoolSize, &fo.Protocol)
		return goredis.NewFailoverClient(fo), nil
	case cluster || len(q["addr"]) > 0:
		co, err := goredis.ParseClusterURL(clean)
		if err != nil {
			return nil, badURL(op, shown, err)
		}
		tune(&co.DialTimeout, &co.ReadTimeout, &co.WriteTimeout, &co.MaxRetries, &co.DialerRetries, &co.ContextTimeoutEnabled, &co.PoolSize, &co.PipelinePoolSize, &co.Protocol)
		co.ClusterStateReloadInterval = o.ClusterReloadInterval
		if co.ClusterStateReloadInterval <= 0 {
			co.ClusterStateReloadInterval = DefaultClusterReloadInterval
		}
		if !retries {
			// A redirect limit of 1: one MOVED/ASK is followed, but a timeout or refused
			// connection is not retried node after node past the click's budget.
			co.MaxRedirects = 1
		}
		cc := goredis.NewClusterClient(co)
		cc.AddHook(reloadHook{c: cc})
		return cc, nil
	default:
		so, err := goredis.ParseURL(clean)
		if err != nil {
			return nil, badURL(op, shown, err)
		}
		tune(&so.DialTimeout, &so.ReadTimeout, &so.WriteTimeout, &so.MaxRetries, &so.DialerRetries, &so.ContextTimeoutEnabled, &so.PoolSize, &so.PipelinePoolSize, &so.Protocol)
		return goredis.NewClient(so), nil
	}
}

func redactedURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}

func badURL(op, shown string, err error) error {
	return &store.Error{Code: store.CodeInvalid, Op: op, Err: fmt.Errorf("the Redis URL %s: %w", shown, err)}
}
