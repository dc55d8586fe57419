package deploy

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/arrakis-bot/arrakis/wizard"
)

// A scheduled run goes on past a guild that removed the bot (an info line, no alert) and
// past a failed guild listing, and still reports the drift of the next guild.
func TestRunDriftChecksSkipsALostGuild(t *testing.T) {
	lost := newEnv(t)
	e := newEnv(t, func(c *envConfig) { c.fd = lost.fd }, withStores(lost.shadow, lost.coord))
	deployed(t, lost, loadManifest(t, "community.yaml", lost.guild.ID))
	m := loadManifest(t, "community.yaml", e.guild.ID)
	m.Alerts = &wizard.Alerts{Channel: e.guild.GeneralID}
	res := deployed(t, e, m)
	base := len(e.fd.Messages(e.guild.GeneralID)) // the deploy's report
	lost.fd.RemoveBot(lost.guild.ID)
	e.fd.DeleteChannel(res.Resources.Channels["tier-t1-voice"])

	core, logs := observer.New(zapcore.InfoLevel)
	svc := e.newService(func(c *Config) {
		c.DriftInterval, c.Logger = 50*time.Millisecond, zap.New(core)
	})
	var calls atomic.Int32
	list := func(context.Context) ([]string, error) {
		if calls.Add(1) == 1 {
			return nil, errors.New("listing is down")
		}
		return []string{lost.guild.ID, e.guild.ID}, nil
	}
	ctx, cancel := context.WithCancel(ctxT(t))
	done := make(chan error, 1)
	go func() { done <- svc.RunDriftChecks(ctx, list) }()
	deadline := time.Now().Add(30 * time.Second)
	for len(e.fd.Messages(e.guild.GeneralID)) == base && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("RunDriftChecks returned %v after cancel, want nil", err)
	}
	msgs := e.fd.Messages(e.guild.GeneralID)[base:]
	if len(msgs) == 0 || !strings.HasPrefix(msgs[0].Content, "Drift check:") {
		t.Fatalf("no drift alert for the guild after the lost one (listing calls %d)", calls.Load())
	}
	if n := len(lost.fd.Messages(lost.guild.GeneralID)); n != 0 {
		t.Errorf("%d messages posted in the guild that removed the bot", n)
	}
	skipped := logs.FilterMessageSnippet("skipped").FilterField(zap.String("guild", lost.guild.ID)).All()
	if len(skipped) == 0 || skipped[0].Level != zapcore.InfoLevel {
		t.Errorf("no info line naming the lost guild; logs: %v", messages(logs))
	}
	if logs.FilterMessageSnippet("list the guilds").Len() == 0 {
		t.Errorf("the failed listing was not logged; logs: %v", messages(logs))
	}
	if n := logs.FilterLevelExact(zapcore.WarnLevel).FilterField(zap.String("guild", lost.guild.ID)).Len(); n != 0 {
		t.Errorf("the lost guild logged %d warnings; it should be an info line", n)
	}
}

func messages(logs *observer.ObservedLogs) []string {
	var out []string
	for _, l := range logs.All() {
		out = append(out, l.Level.String()+" "+l.Message)
	}
	return out
}
