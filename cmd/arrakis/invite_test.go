package main

import (
	"context"
	"encoding/hex"
	"net"
	"strings"
	"testing"
	"time"

	"crypto/ed25519"
	"crypto/rand"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/arrakis-bot/arrakis/internal/config"
	"github.com/arrakis-bot/arrakis/internal/fakediscord"
)

// TestServeLogsInviteWhenInNoServer: a first serve, before the bot was invited anywhere,
// logs the invite URL; once it is in a server, it does not.
func TestServeLogsInviteWhenInNoServer(t *testing.T) {
	for _, inServer := range []bool{false, true} {
		fd := fakediscord.New(t)
		if inServer {
			fd.Seed(fakediscord.GuildOptions{})
		}
		pub, _, _ := ed25519.GenerateKey(rand.Reader)
		cfg := config.Default()
		cfg.Discord.Token, cfg.Discord.ApplicationID = fd.BotToken(), fd.ApplicationID()
		cfg.Discord.RESTBaseURL, cfg.Discord.Mode, cfg.Discord.PublicKey = fd.RESTBase(), config.ModeHTTP, hex.EncodeToString(pub)
		cfg.DataDir = t.TempDir()
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		core, logs := observer.New(zap.InfoLevel)
		ctx, stop := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- serve(ctx, cfg, zap.New(core), ln) }()
		deadline := time.Now().Add(20 * time.Second)
		for logs.FilterMessage("arrakis is serving").Len() == 0 && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		stop()
		if err := <-done; err != nil {
			t.Fatalf("serve: %v", err)
		}
		invites := logs.FilterMessageSnippet("in no server").All()
		switch {
		case !inServer && (len(invites) != 1 || !strings.Contains(invites[0].ContextMap()["invite"].(string), "client_id="+fd.ApplicationID())):
			t.Errorf("serve in no server logged %v, want the invite URL once", invites)
		case inServer && len(invites) != 0:
			t.Errorf("serve in a server logged the invite: %v", invites)
		}
	}
}
