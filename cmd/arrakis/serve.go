package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/spf13/cobra"
	"go.uber.org/zap"

	"github.com/arrakis-bot/arrakis/bot"
	"github.com/arrakis-bot/arrakis/bot/deploy"
	"github.com/arrakis-bot/arrakis/bot/metrics"
	"github.com/arrakis-bot/arrakis/internal/config"
	"github.com/arrakis-bot/arrakis/store"
	"github.com/arrakis-bot/arrakis/web"
)

// `arrakis serve` runs the bot: the stores, the discordgo session, the commands (registered
// on start by bulk overwrite), the HTTP server (/interactions in HTTP mode, /healthz,
// /readyz, /metrics), and the gateway in gateway mode. SIGINT or SIGTERM stops it gracefully.

const (
	shutdownGrace = 15 * time.Second
	readyTimeout  = 2 * time.Second
)

func init() { rootCmd.AddCommand(newServeCmd()) }

func newServeCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "serve",
		Short: "Run the bot (gateway or HTTP interactions, per discord.mode)",
		Long: `Run the bot: the stores, the slash commands (registered on start), the HTTP listener
(http.listen: /healthz, /readyz, /metrics and, in http mode, /interactions) and, in gateway
mode, the websocket to Discord. It logs the invite URL while the bot is in no server.
SIGINT or SIGTERM stops it gracefully.

Exit status: 0 stopped by a signal, 1 a failure while running (Discord, Redis, S3, the
listener), 2 bad configuration.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadConfig()
			if err != nil {
				return usageError(err)
			}
			if err := cfg.RequireToken(); err != nil {
				return usageError(err)
			}
			log, err := newLogger(cfg.Log.Level, cfg.Log.Format)
			if err != nil {
				return usageError(err)
			}
			defer func() { _ = log.Sync() }()
			ctx, stop := signal.NotifyContext(cmd.Context(), syscall.SIGINT, syscall.SIGTERM)
			defer stop()
			ln, err := net.Listen("tcp", cfg.HTTP.Listen)
			if err != nil {
				return fmt.Errorf("listen on http.listen %s: %w", cfg.HTTP.Listen, err)
			}
			return serve(ctx, cfg, log, ln)
		},
	}
}

// serve runs until ctx ends, then shuts down: the HTTP server drains, the gateway closes,
// and deferred work gets a grace period.
func serve(ctx context.Context, cfg *config.Config, log *zap.Logger, ln net.Listener) error {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m := metrics.New(reg)
	st, closeStores, err := openStoresFor(ctx, cfg, log, m.RedisHook())
	if err != nil {
		ln.Close()
		return err
	}
	defer closeStores()
	dg, err := openDiscord(cfg)
	if err != nil {
		ln.Close()
		return err
	}
	dg.Client.Transport = m.DiscordTransport(dg.Client.Transport)
	svc := newDeployService(cfg, dg, st, log)
	wv, err := newWebView(cfg, dg, st, svc, log)
	if err != nil {
		ln.Close()
		return err
	}
	b := bot.New(bot.Deps{
		Sessions: st.Sessions, Coordination: st.Coordination, Shadow: st.Shadow,
		Guilds: svc, Deploy: svc, Followups: bot.SessionFollowups{S: bot.CallbackSession(dg)}, Log: log, Metrics: m,
		WebLinks: webLinks(wv), ClickBudget: cfg.Discord.ClickBudget, SessionTTL: cfg.Session.TTL,
	})
	srv, err := newHTTPServer(cfg, b, st, reg, m, log, wv)
	if err != nil {
		ln.Close()
		return err
	}
	if _, err := bot.RegisterCommands(dg, cfg.Discord.ApplicationID, "", discordgo.WithContext(ctx)); err != nil {
		if isUnauthorized(err) {
			ln.Close()
			return err // a rejected token stops here, worded by run
		}
		log.Warn(registerAdvice(err), zap.Error(err))
	} else {
		logInviteWhenAlone(ctx, dg, cfg.Discord.ApplicationID, log)
	}
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	if err := startGateway(ctx, cfg, b, dg); err != nil {
		_ = srv.Close()
		return err
	}
	// The checks write to the stores (a kept alert): serve returns, and the stores close,
	// only after the check under way has finished.
	driftCtx, stopDrift := context.WithCancel(ctx)
	driftDone := startDriftChecks(driftCtx, svc, driftGuilds(cfg.Discord.Mode, dg, st.Shadow), log)
	defer func() { stopDrift(); <-driftDone }()
	log.Info("arrakis is serving", zap.String("version", versionString()), zap.String("mode", cfg.Discord.Mode), zap.String("listen", ln.Addr().String()))
	select {
	case <-ctx.Done():
	case err := <-serveErr:
		if !errors.Is(err, http.ErrServerClosed) {
			return fmt.Errorf("http server: %w", err)
		}
	}
	return shutdown(srv, dg, b, log)
}

// startGateway opens the websocket in gateway mode.
func startGateway(ctx context.Context, cfg *config.Config, b *bot.Bot, dg *discordgo.Session) error {
	if cfg.Discord.Mode != config.ModeGateway {
		return nil
	}
	b.AttachGateway(ctx, dg)
	if err := dg.Open(); err != nil {
		return fmt.Errorf("open the Discord gateway: %w", err)
	}
	return nil
}

// startDriftChecks runs the scheduled drift checks (off when drift.interval is 0) in the
// background until ctx ends; the returned channel closes when they have stopped.
func startDriftChecks(ctx context.Context, svc interface {
	RunDriftChecks(context.Context, deploy.GuildLister) error
}, guilds deploy.GuildLister, log *zap.Logger) <-chan struct{} {
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := svc.RunDriftChecks(ctx, guilds); err != nil && ctx.Err() == nil {
			log.Warn("scheduled drift checks stopped", zap.Error(err))
		}
	}()
	return done
}

// driftGuilds says which guilds the scheduled drift checks visit. In gateway mode: the
// guilds the gateway session is in (a guild that removed the bot has left the state). In
// HTTP mode there is no gateway state, so: every community with shadow history — a guild
// never set up has nothing to drift from, and one that removed the bot since answers
// 50001, which the check skips.
func driftGuilds(mode string, dg *discordgo.Session, sh store.Shadow) deploy.GuildLister {
	if mode == config.ModeGateway {
		return func(context.Context) ([]string, error) { return stateGuilds(dg), nil }
	}
	return sh.Communities
}

// stateGuilds lists the guilds the gateway session is in.
func stateGuilds(dg *discordgo.Session) []string {
	if dg.State == nil {
		return nil
	}
	dg.State.RLock()
	defer dg.State.RUnlock()
	ids := make([]string, 0, len(dg.State.Guilds))
	for _, g := range dg.State.Guilds {
		ids = append(ids, g.ID)
	}
	return ids
}

func shutdown(srv *http.Server, dg *discordgo.Session, b *bot.Bot, log *zap.Logger) error {
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	err := srv.Shutdown(sctx)
	if cerr := dg.Close(); cerr != nil {
		log.Debug("close gateway", zap.Error(cerr))
	}
	// A deploy under way stops after its write in flight, records itself as stopped and
	// releases its lease, so that Retry continues it here or on another instance.
	b.StopDeploys()
	done := make(chan struct{})
	go func() { b.Wait(); close(done) }()
	select {
	case <-done:
	case <-sctx.Done():
		log.Warn("shutdown: background work still running after the grace period")
	}
	return err
}

// newHTTPServer serves /healthz, /readyz, /metrics, the web view under /web/ when there is
// one, and, in HTTP mode, /interactions, with read timeouts so a slow client cannot hold a
// connection.
func newHTTPServer(cfg *config.Config, b *bot.Bot, st *stores, reg *prometheus.Registry, m *metrics.Metrics, log *zap.Logger, wv *web.Server) (*http.Server, error) {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok\n")) })
	mux.HandleFunc("GET /readyz", readyz(st, m, log))
	mountWebView(mux, wv)
	if cfg.Discord.Mode == config.ModeHTTP {
		key, err := bot.ParsePublicKey(cfg.Discord.PublicKey)
		if err != nil {
			return nil, usageError(fmt.Errorf("discord.public_key: %w", err))
		}
		mux.Handle("POST /interactions", &bot.InteractionsHandler{Bot: b, PublicKey: key})
	}
	return &http.Server{
		Handler: mux, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 10 * time.Second,
		WriteTimeout: 10 * time.Second, IdleTimeout: 60 * time.Second, MaxHeaderBytes: 16 << 10,
		ErrorLog: httpErrorLog(log.Named("http")),
	}, nil
}

// readyz answers 200 while the session store and coordination answer — the wizard can be
// served — with each part's state in the body. The deployment history being down (or the
// data directory not writable) shows in the body and in arrakis_part_up, never as a 503
// that would take every instance out of a load balancer.
func readyz(st *stores, m *metrics.Metrics, log *zap.Logger) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), readyTimeout)
		defer cancel()
		ready := true
		var body strings.Builder
		for _, p := range checkParts(ctx, st) {
			up := 1.0
			line := string(p.part) + ": ok"
			if p.err != nil {
				up = 0
				line = string(p.part) + ": failing — " + partLine(p.err)
				log.Warn("readiness: a part does not answer", zap.String("part", string(p.part)), zap.Error(p.err))
				if p.part != store.PartHistory {
					ready = false
				}
			}
			if m != nil {
				m.PartUp.WithLabelValues(string(p.part)).Set(up)
			}
			body.WriteString(line + "\n")
		}
		head := "ready\n"
		if !ready {
			head = "not ready: the wizard's stores do not answer\n"
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.WriteHeader(http.StatusServiceUnavailable)
		}
		_, _ = w.Write([]byte(head + body.String()))
	}
}

// partLine is a part's failure as the body of /readyz shows it.
func partLine(err error) string {
	if s := store.PartSentence(err); s != "" {
		return s
	}
	return "it does not answer."
}

// readyProbeGuild is a guild id no real guild has; reads of it touch each store cheaply.
const readyProbeGuild = "0"

type partState struct {
	part store.Part
	err  error
}

// checkParts asks each part a cheap question; the data directory is also written to (a
// synced temporary file), since a full disk still answers reads.
func checkParts(ctx context.Context, st *stores) []partState {
	var out []partState
	_, err := st.Sessions.ExistsForGuild(ctx, readyProbeGuild)
	out = append(out, partState{store.PartSessions, store.Tag(err, store.PartSessions, "")})
	_, err = st.Coordination.Progress(ctx, readyProbeGuild)
	if store.IsCode(err, store.CodeNotFound) {
		err = nil
	}
	out = append(out, partState{store.PartCoordination, store.Tag(err, store.PartCoordination, "")})
	if w, ok := st.Shadow.(interface{ Writable(context.Context) error }); ok {
		err = w.Writable(ctx)
	} else if _, err = st.Shadow.List(ctx, readyProbeGuild); store.IsCode(err, store.CodeNotFound) {
		err = nil
	}
	out = append(out, partState{store.PartHistory, err})
	return out
}
