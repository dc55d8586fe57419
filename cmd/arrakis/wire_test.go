package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/arrakis-bot/arrakis/internal/config"
	"github.com/arrakis-bot/arrakis/internal/fakediscord"
	"github.com/arrakis-bot/arrakis/internal/testenv"
	"github.com/arrakis-bot/arrakis/store/dir"
	"github.com/arrakis-bot/arrakis/store/memory"
	"github.com/arrakis-bot/arrakis/store/redis"
	"github.com/arrakis-bot/arrakis/store/s3"
)

func TestOpenStoresEmbedded(t *testing.T) {
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	st, closeAll, err := openStores(context.Background(), cfg)
	if err != nil {
		t.Fatalf("openStores: %v", err)
	}
	defer closeAll()
	_, okS := st.Sessions.(*memory.Sessions)
	// Deploy progress (the create journal) lives in the data directory, so an
	// interrupted apply resumes in the next process; leases stay in memory.
	_, okC := st.Coordination.(*dir.Coordination)
	_, okD := st.Shadow.(*dir.Shadow)
	if !okS || !okC || !okD {
		t.Fatalf("embedded stores = %T %T %T", st.Sessions, st.Coordination, st.Shadow)
	}
}

func TestOpenStoresRedisAndS3(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	set := testenv.S3(t)
	cfg := config.Default()
	cfg.Redis.URL = "redis://" + testenv.RedisAddr(t) + "/0"
	cfg.S3.Bucket, cfg.S3.Endpoint, cfg.S3.Region = set.Bucket, set.Endpoint, set.Region
	cfg.S3.AccessKey, cfg.S3.SecretKey, cfg.S3.PathStyle = set.AccessKey, set.SecretKey, true
	st, closeAll, err := openStores(ctx, cfg)
	if err != nil {
		t.Fatalf("openStores: %v", err)
	}
	defer closeAll()
	_, okS := st.Sessions.(*redis.Sessions)
	_, okC := st.Coordination.(*redis.Coordination)
	_, okD := st.Shadow.(*s3.Shadow)
	if !okS || !okC || !okD {
		t.Fatalf("stores = %T %T %T", st.Sessions, st.Coordination, st.Shadow)
	}
	// A lease through the configured Redis works.
	l, err := st.Coordination.AcquireLease(ctx, "wire-test:"+testenv.GuildID(t), time.Second)
	if err != nil {
		t.Fatalf("lease: %v", err)
	}
	if err := st.Coordination.ReleaseLease(ctx, l); err != nil {
		t.Fatalf("release: %v", err)
	}

	cfg.S3.Bucket = "no-such-bucket-" + strings.ToLower(testenv.GuildID(t))
	if _, _, err := openStores(ctx, cfg); err == nil {
		t.Fatal("openStores accepted a bucket that does not exist")
	}
}

func TestOpenDiscordPointsAtConfiguredURLs(t *testing.T) {
	fd := fakediscord.New(t)
	cfg := config.Default()
	if _, err := openDiscord(cfg); err == nil || !strings.Contains(err.Error(), "ARRAKIS_DISCORD_TOKEN") {
		t.Fatalf("openDiscord without a token: %v", err)
	}
	cfg.Discord.Token, cfg.Discord.ApplicationID = fd.BotToken(), fd.ApplicationID()
	cfg.Discord.RESTBaseURL = fd.RESTBase()
	cfg.Discord.GatewayURL = "ws://gateway.example.test/gw"
	cfg.Discord.ShardID, cfg.Discord.ShardCount = 1, 3
	dg, err := openDiscord(cfg)
	if err != nil {
		t.Fatalf("openDiscord: %v", err)
	}
	u, err := dg.User("@me")
	if err != nil || u.ID != fd.BotUserID() {
		t.Fatalf("@me through the REST base URL = %+v, %v", u, err)
	}
	gw, err := dg.Gateway()
	if err != nil || strings.TrimSuffix(gw, "/") != cfg.Discord.GatewayURL { // discordgo adds the "/"
		t.Fatalf("gateway = %q, %v; want the configured URL", gw, err)
	}
	bot, err := dg.GatewayBot()
	if err != nil || strings.TrimSuffix(bot.URL, "/") != cfg.Discord.GatewayURL || bot.Shards != 1 {
		t.Fatalf("gateway/bot = %+v, %v; want the configured URL and Discord's shard advice kept", bot, err)
	}
	if dg.ShardID != 1 || dg.ShardCount != 3 || dg.Identify.Intents != discordgo.IntentsGuilds {
		t.Fatalf("shard %d/%d intents %d", dg.ShardID, dg.ShardCount, dg.Identify.Intents)
	}
}
