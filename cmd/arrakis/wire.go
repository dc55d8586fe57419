package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"
	goredis "github.com/redis/go-redis/v9"
	"go.uber.org/zap"

	"github.com/arrakis-bot/arrakis/bot/deploy"
	"github.com/arrakis-bot/arrakis/bot/restbase"
	"github.com/arrakis-bot/arrakis/internal/config"
	"github.com/arrakis-bot/arrakis/store"
	"github.com/arrakis-bot/arrakis/store/dir"
	"github.com/arrakis-bot/arrakis/store/memory"
	"github.com/arrakis-bot/arrakis/store/redis"
	"github.com/arrakis-bot/arrakis/store/s3"
)

// stores are the three stores a running Arrakis uses, chosen by configuration: Redis when
// redis.url is set (else memory) for sessions and coordination, S3 when s3.bucket is set
// (else the data directory) for shadow state.
type stores struct {
	Sessions     store.Sessions
	Coordination store.Coordination
	Shadow       store.Shadow
	Web          store.WebAuth // the web view's links and browser sessions, beside coordination
}

// openStores opens the configured stores. The returned func closes what was opened.
// redisHooks are added to the Redis client when one is configured (serve passes the
// metrics hook; the CLI passes none).
func openStores(ctx context.Context, cfg *config.Config, redisHooks ...goredis.Hook) (*stores, func(), error) {
	return openStoresFor(ctx, cfg, nil, redisHooks...)
}

// historyRetry is how often serve retries a deployment history that did not answer.
const historyRetry = 2 * time.Second

// openStoresFor is openStores; with a log (serve), an S3 history that cannot be reached at
// start-up does not stop the process: the wizard needs only the session store. The
// history is then gated (store.GatedShadow) and checked again in the background until it
// answers and its conditional-write check passes; the log says which setting and address
// fail.
func openStoresFor(ctx context.Context, cfg *config.Config, log *zap.Logger, redisHooks ...goredis.Hook) (*stores, func(), error) {
	st := &stores{}
	var closers []func()
	closeAll := func() {
		for i := len(closers) - 1; i >= 0; i-- {
			closers[i]()
		}
	}
	if cfg.Redis.URL == "" {
		st.Sessions = memory.NewSessions(memory.Options{TTL: cfg.Session.TTL})
		st.Coordination = memory.NewCoordination(time.Now)
		st.Web = memory.NewWebAuth(time.Now)
	} else {
		c, err := redis.Connect(ctx, cfg.Redis.URL, redis.ConnOptions{
			DialTimeout: cfg.Redis.DialTimeout, ReadTimeout: cfg.Redis.ReadTimeout, WriteTimeout: cfg.Redis.WriteTimeout,
			ClusterReloadInterval: cfg.Redis.ClusterReloadInterval,
		})
		if err != nil {
			return nil, nil, redisFailure(cfg, err)
		}
		closers = append(closers, func() { _ = c.Close() })
		for _, h := range redisHooks {
			c.AddHook(h)
		}
		sessions := redis.NewSessions(c, redis.Options{TTL: cfg.Session.TTL})
		closers = append(closers, func() { _ = sessions.Close() })
		st.Sessions = sessions
		st.Coordination = redis.NewCoordination(c)
		st.Web = redis.NewWebAuth(c)
	}
	if cfg.S3.Bucket == "" {
		sh, err := dir.NewShadow(cfg.DataDir)
		if err != nil {
			closeAll()
			return nil, nil, dataDirFailure(cfg, err)
		}
		// A directory that exists but cannot be written fails here, naming data_dir, rather
		// than at the first deploy's save.
		if err := sh.Check(ctx); err != nil {
			closeAll()
			return nil, nil, dataDirFailure(cfg, err)
		}
		st.Shadow = sh
		if cfg.Redis.URL == "" {
			// Embedded: a deploy's progress (its create journal) outlives the process, so
			// an interrupted apply or a crashed serve resumes instead of creating twice.
			st.Coordination = dir.NewCoordination(st.Coordination, sh, time.Now)
		}
	} else {
		sh, err := s3.NewShadow(ctx, s3.Options{
			Bucket: cfg.S3.Bucket, Endpoint: cfg.S3.Endpoint, Region: cfg.S3.Region,
			AccessKey: cfg.S3.AccessKey, SecretKey: cfg.S3.SecretKey, PathStyle: cfg.S3.PathStyle,
			ChecksumWhenRequired: cfg.S3.Checksum == config.ChecksumWhenRequired,
			Logger:               sdkLogger{libLog.Named("s3")},
		})
		if err != nil {
			closeAll()
			return nil, nil, s3Failure(cfg, err)
		}
		if err := sh.Check(ctx); err != nil {
			if log == nil || !store.IsCode(err, store.CodeUnavailable) {
				closeAll()
				return nil, nil, s3Failure(cfg, err)
			}
			g := store.NewGatedShadow(sh, sh.Where(), err)
			log.Warn("the deployment history does not answer; serving the wizard and retrying in the background (deploys, drift and rollback wait for it)",
				zap.String("setting", "s3.endpoint, s3.bucket"), zap.String("endpoint", cfg.S3.Endpoint), zap.String("bucket", cfg.S3.Bucket), zap.Error(err))
			rctx, stop := context.WithCancel(context.WithoutCancel(ctx))
			done := make(chan struct{})
			go retryHistory(rctx, g, log, done)
			closers = append(closers, func() { stop(); <-done })
			st.Shadow = g
			return st, closeAll, nil
		}
		st.Shadow = sh
	}
	return st, closeAll, nil
}

// openDiscord makes the bot's discordgo session: REST calls go to discord.rest_base_url
// through a RoundTripper (discordgo's package variables are never changed), the gateway
// URL is discord.gateway_url when set, and the session identifies as its shard with the
// Guilds intent only.
func openDiscord(cfg *config.Config) (*discordgo.Session, error) {
	if err := cfg.RequireToken(); err != nil {
		return nil, err
	}
	dg, err := discordgo.New("Bot " + cfg.Discord.Token)
	if err != nil {
		return nil, fmt.Errorf("create the Discord session: %w", err)
	}
	var rt http.RoundTripper = http.DefaultTransport
	if cfg.Discord.RESTBaseURL != "" {
		if rt, err = restbase.New(cfg.Discord.RESTBaseURL, rt); err != nil {
			return nil, fmt.Errorf("discord.rest_base_url: %w", err)
		}
	}
	if cfg.Discord.GatewayURL != "" {
		rt = &gatewayOverride{next: rt, url: cfg.Discord.GatewayURL}
	}
	dg.Client = &http.Client{Transport: rt, Timeout: 20 * time.Second}
	dg.ShouldReconnectOnError = true
	dg.Identify.Intents = discordgo.IntentsGuilds
	if cfg.Discord.ShardCount > 1 {
		dg.ShardID, dg.ShardCount = cfg.Discord.ShardID, cfg.Discord.ShardCount
	}
	return dg, nil
}

// gatewayOverride answers discordgo's "which gateway?" question (GET /gateway and
// /gateway/bot, asked over REST before the websocket opens) with the configured URL:
// discordgo keeps the gateway URL in an unexported field, so this is the one place it can
// be set without touching package state.
type gatewayOverride struct {
	next http.RoundTripper
	url  string
}

func (g *gatewayOverride) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method != http.MethodGet || !(strings.HasSuffix(req.URL.Path, "/gateway") || strings.HasSuffix(req.URL.Path, "/gateway/bot")) {
		return g.next.RoundTrip(req)
	}
	if strings.HasSuffix(req.URL.Path, "/gateway/bot") {
		// Keep Discord's shard advice and session limits; only the URL changes.
		resp, err := g.next.RoundTrip(req)
		if err != nil || resp.StatusCode != http.StatusOK {
			return resp, err
		}
		var body map[string]any
		data, rerr := io.ReadAll(resp.Body)
		resp.Body.Close()
		if rerr != nil || json.Unmarshal(data, &body) != nil {
			body = map[string]any{}
		}
		body["url"] = g.url
		out, _ := json.Marshal(body)
		resp.Body = io.NopCloser(bytes.NewReader(out))
		resp.ContentLength = int64(len(out))
		resp.Header.Del("Content-Length")
		return resp, nil
	}
	out, _ := json.Marshal(map[string]string{"url": g.url})
	return &http.Response{
		StatusCode: http.StatusOK, Status: "200 OK", Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header:        http.Header{"Content-Type": {"application/json"}},
		Body:          io.NopCloser(bytes.NewReader(out)),
		ContentLength: int64(len(out)), Request: req,
	}, nil
}

// newDeployService wires the deploy service from configuration.
func newDeployService(cfg *config.Config, dg *discordgo.Session, st *stores, log *zap.Logger) *deploy.Service {
	return deploy.New(deploy.Config{
		Session: dg, Shadow: st.Shadow, Coordination: st.Coordination, Logger: log,
		DriftInterval: cfg.Drift.Interval,
		Retry:         deploy.RetryPolicy{Budget5xx: cfg.Discord.ServerErrorBudget},
	})
}

// retryHistory checks a gated history every historyRetry until it passes.
func retryHistory(ctx context.Context, g *store.GatedShadow, log *zap.Logger, done chan<- struct{}) {
	defer close(done)
	t := time.NewTicker(historyRetry)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		err := g.Check(cctx)
		cancel()
		if err == nil {
			log.Info("the deployment history answers and honours conditional writes; deploys, drift and rollback are available")
			return
		}
		log.Debug("the deployment history still does not answer", zap.Error(err))
	}
}
