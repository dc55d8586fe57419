package main

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"net"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest"
	"go.uber.org/zap/zaptest/observer"

	"github.com/arrakis-bot/arrakis/bot/deploy"
	"github.com/arrakis-bot/arrakis/internal/config"
	"github.com/arrakis-bot/arrakis/internal/fakediscord"
	"github.com/arrakis-bot/arrakis/internal/testenv"
	"github.com/arrakis-bot/arrakis/store"
	"github.com/arrakis-bot/arrakis/store/dir"
	"github.com/arrakis-bot/arrakis/store/memory"
	"github.com/arrakis-bot/arrakis/store/storetest"
	"github.com/arrakis-bot/arrakis/wizard"
)

// Gateway mode checks the guilds in the gateway state; HTTP mode, which has none, checks
// the communities with shadow history.
func TestDriftGuildsBySource(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	sh, err := dir.NewShadow(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	a, b := testenv.GuildID(t), testenv.GuildID(t)
	for _, g := range []string{a, b} {
		if _, err := sh.Save(ctx, storetest.ShadowManifest(g, 1), store.SnapshotMeta{CommunityID: g}); err != nil {
			t.Fatalf("save %s: %v", g, err)
		}
	}
	dg, err := discordgo.New("Bot x")
	if err != nil {
		t.Fatal(err)
	}
	gw := testenv.GuildID(t)
	if err := dg.State.GuildAdd(&discordgo.Guild{ID: gw}); err != nil {
		t.Fatal(err)
	}

	got, err := driftGuilds(config.ModeGateway, dg, sh)(ctx)
	if err != nil || !slices.Equal(got, []string{gw}) {
		t.Errorf("gateway mode guilds = %v, %v; want the state's %v", got, err, []string{gw})
	}
	want := []string{a, b}
	slices.Sort(want)
	got, err = driftGuilds(config.ModeHTTP, dg, sh)(ctx)
	if err != nil || !slices.Equal(got, want) {
		t.Errorf("HTTP mode guilds = %v, %v; want the shadow's communities %v", got, err, want)
	}
}

// `serve` in HTTP mode runs scheduled drift checks over the communities in the shadow
// store: a deployed guild that drifted gets an alert; one that removed the bot is skipped.
func TestServeHTTPModeSchedulesDriftChecks(t *testing.T) {
	fd := fakediscord.New(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	dataDir := t.TempDir()
	sh, err := dir.NewShadow(dataDir)
	if err != nil {
		t.Fatal(err)
	}
	svc := deploy.New(deploy.Config{Session: fd.NewSession(t), Shadow: sh, Coordination: memory.NewCoordination(time.Now)})
	lost, kept := fd.Seed(fakediscord.GuildOptions{}), fd.Seed(fakediscord.GuildOptions{})
	var res *deploy.Result
	for _, g := range []fakediscord.SeededGuild{lost, kept} {
		m := exampleManifest(t, g.ID)
		m.Alerts = &wizard.Alerts{Channel: g.GeneralID} // each guild's own alert channel
		res, err = svc.Deploy(ctx, deploy.Request{GuildID: g.ID, Manifest: m, By: "tester"})
		if err != nil {
			t.Fatalf("deploy into %s: %v", g.ID, err)
		}
	}
	// The deploy reports went to each guild's channel; what comes after is the drift check.
	baseKept, baseLost := len(fd.Messages(kept.GeneralID)), len(fd.Messages(lost.GeneralID))
	fd.RemoveBot(lost.ID)
	gone := res.Resources.Channels["tier-t1-voice"]
	fd.DeleteChannel(gone)

	pub, _, _ := ed25519.GenerateKey(rand.Reader)
	cfg := config.Default()
	cfg.Discord.Token, cfg.Discord.ApplicationID = fd.BotToken(), fd.ApplicationID()
	cfg.Discord.RESTBaseURL, cfg.Discord.Mode, cfg.Discord.PublicKey = fd.RESTBase(), config.ModeHTTP, hex.EncodeToString(pub)
	cfg.DataDir = dataDir
	// Below config's one-minute floor (serve takes the config as it is): the test waits
	// for one tick, not a minute.
	cfg.Drift.Interval = 300 * time.Millisecond
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	sctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	obs, logs := observer.New(zapcore.InfoLevel)
	log := zaptest.NewLogger(t, zaptest.Level(zap.WarnLevel), zaptest.WrapOptions(zap.WrapCore(func(c zapcore.Core) zapcore.Core { return zapcore.NewTee(c, obs) })))
	go func() { done <- serve(sctx, cfg, log, ln) }()
	defer func() {
		stop()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve returned %v", err)
			}
		case <-time.After(20 * time.Second):
			t.Errorf("serve did not stop within 20s")
		}
	}()

	deadline := time.Now().Add(30 * time.Second)
	skipped := func() int {
		return logs.FilterMessageSnippet("skipped").FilterField(zap.String("guild", lost.ID)).Len()
	}
	for (len(fd.Messages(kept.GeneralID)) == baseKept || skipped() == 0) && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	msgs := fd.Messages(kept.GeneralID)[baseKept:]
	if len(msgs) == 0 {
		t.Fatal("no scheduled drift alert within 30s in HTTP mode")
	}
	if !strings.HasPrefix(msgs[0].Content, "Drift check:") || !strings.Contains(msgs[0].Content, "Channel “Holder Voice”: missing") {
		t.Fatalf("alert does not report the deleted channel:\n%s", msgs[0].Content)
	}
	if n := len(fd.Messages(lost.GeneralID)) - baseLost; n != 0 {
		t.Errorf("%d messages posted in the guild that removed the bot", n)
	}
	if skipped() == 0 {
		t.Errorf("no log line says the guild that removed the bot was skipped")
	}
}

func exampleManifest(t *testing.T, guildID string) *wizard.Manifest {
	t.Helper()
	data, err := os.ReadFile("../../examples/community.yaml")
	if err != nil {
		t.Fatal(err)
	}
	m, err := wizard.DecodeYAML(data)
	if err != nil {
		t.Fatal(err)
	}
	m.Community.GuildID = guildID
	return m
}
