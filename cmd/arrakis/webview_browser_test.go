package main

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"

	"github.com/arrakis-bot/arrakis/bot/deploy"
	"github.com/arrakis-bot/arrakis/internal/config"
	"github.com/arrakis-bot/arrakis/internal/fakediscord"
	"github.com/arrakis-bot/arrakis/internal/testenv"
	"github.com/arrakis-bot/arrakis/store/dir"
	"github.com/arrakis-bot/arrakis/store/memory"
	"github.com/arrakis-bot/arrakis/wizard"
)

// TestWebViewInBrowser: `serve` in gateway mode with web.base_url set. /drift, run over the
// fake gateway through the bot's real handler, offers "Open in browser"; its link opens in
// Debian's chromium (driven by chromedp) and shows the drift the test put into the fake
// guild; history lists the versions; the diff shows the change between them; the manifest
// downloads and validates. Screenshots go to ARRAKIS_TEST_ARTIFACTS when it is set.
func TestWebViewInBrowser(t *testing.T) {
	chromium := testenv.Chromium(t)
	shots := testenv.Artifacts(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()

	// Two versions deployed, then the guild changed by hand.
	fd := fakediscord.New(t)
	g := fd.Seed(fakediscord.GuildOptions{Name: "Dune Traders Guild"})
	dataDir := t.TempDir()
	sh, err := dir.NewShadow(dataDir)
	if err != nil {
		t.Fatal(err)
	}
	svc := deploy.New(deploy.Config{Session: fd.NewSession(t), Shadow: sh, Coordination: memory.NewCoordination(time.Now)})
	m := exampleManifest(t, g.ID)
	if _, err := svc.Deploy(ctx, deploy.Request{GuildID: g.ID, Manifest: m, By: g.OwnerID}); err != nil {
		t.Fatalf("deploy v1: %v", err)
	}
	m.Tiers[1].Role.Name = "Collector Elite"
	if _, err := svc.Deploy(ctx, deploy.Request{GuildID: g.ID, Manifest: m, By: g.OwnerID}); err != nil {
		t.Fatalf("deploy v2: %v", err)
	}
	fd.DeleteRole(g.ID, fd.RoleByName(g.ID, "Holder").ID)
	fd.UpdateRole(g.ID, fd.RoleByName(g.ID, "Collector Elite").ID, func(r *discordgo.Role) { r.Color = 0x00FF00 })

	// serve, gateway mode, with the web view.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	pub, _, _ := ed25519.GenerateKey(rand.Reader)
	cfg := config.Default()
	cfg.Discord.Token, cfg.Discord.ApplicationID = fd.BotToken(), fd.ApplicationID()
	cfg.Discord.RESTBaseURL, cfg.Discord.Mode, cfg.Discord.PublicKey = fd.RESTBase(), config.ModeGateway, hex.EncodeToString(pub)
	cfg.DataDir, cfg.Web.BaseURL = dataDir, "http://"+ln.Addr().String()
	sctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serve(sctx, cfg, zaptest.NewLogger(t, zaptest.Level(zap.WarnLevel)), ln) }()
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
	if err := fd.WaitConnected(ctx, 1); err != nil {
		t.Fatalf("gateway: %v", err)
	}

	// /drift over the gateway, as the guild owner: the reply carries the link.
	in := fd.DispatchInteraction(map[string]any{
		"type": 2, "guild_id": g.ID, "channel_id": g.GeneralID,
		"data": map[string]any{"id": "1", "name": "drift", "type": 1},
	})
	var link string
	waitFor(t, 15*time.Second, "/drift to offer Open in browser", func() bool {
		link = browserLink(fd.Original(in.Token))
		return link != ""
	})
	if !strings.HasPrefix(link, cfg.Web.BaseURL+"/web/signin/") {
		t.Fatalf("link %q is not under web.base_url", link)
	}

	// The browser.
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chromium), chromedp.NoSandbox,
		chromedp.WindowSize(1100, 900), chromedp.Flag("disable-dev-shm-usage", true))
	actx, acancel := chromedp.NewExecAllocator(ctx, opts...)
	defer acancel()
	bctx, bcancel := chromedp.NewContext(actx)
	defer bcancel()
	shoot := func(name string) {
		t.Helper()
		if shots == "" {
			return
		}
		png, err := chromedp.Run(bctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		if err := os.WriteFile(filepath.Join(shots, name), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(bctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return s
	}
	must := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(bctx, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}

	// Sign in and see the drift.
	must("open the link", chromedp.Navigate(link), chromedp.WaitVisible(chromedp.CSS("#continue")))
	shoot("web-signin.png")
	must("sign in", chromedp.Click(chromedp.CSS("#continue")), chromedp.WaitVisible(chromedp.CSS("#sev-error")))
	drift := text("main")
	for _, want := range []string{"Role missing Holder", "Role changed Collector Elite color", "#5865F2", "#00FF00", "Errors", "Info", "Expected", "Actual"} {
		if !strings.Contains(strings.ToLower(drift), strings.ToLower(want)) { // CSS upper-cases some labels
			t.Fatalf("the drift page lacks %q:\n%s", want, drift)
		}
	}
	if head := text("header"); !strings.Contains(head, "Dune Traders Guild") {
		t.Fatalf("the page header does not name the guild: %q", head)
	}
	shoot("web-drift.png")

	// History.
	must("open history", chromedp.Click(chromedp.CSS(`nav a[href$="/history"]`)), chromedp.WaitVisible(chromedp.CSS("#history")))
	hist := text("#history")
	for _, want := range []string{"v2", "v1", "initial", "update", "deployed", "owner (you)"} {
		if !strings.Contains(hist, want) {
			t.Fatalf("history lacks %q:\n%s", want, hist)
		}
	}
	shoot("web-history.png")

	// The change from v1 to v2.
	must("open the diff", chromedp.Click(chromedp.CSS("a.vdiff")), chromedp.WaitVisible(chromedp.CSS("#diff")))
	diff, err := chromedp.Run(bctx, chromedp.Text(chromedp.CSS("#diff tr.change")))
	if err != nil || !strings.Contains(diff, "name: Collector") || !strings.Contains(diff, "name: Collector Elite") {
		t.Fatalf("the diff's changed row = %q, %v; want Collector → Collector Elite", diff, err)
	}
	shoot("web-diff.png")

	// The manifest, downloaded.
	downloads := t.TempDir()
	got := make(chan string, 1)
	if err := chromedp.ListenBrowser(bctx, func(ev any) {
		if p, ok := ev.(*browser.EventDownloadProgress); ok && p.State == browser.DownloadProgressStateCompleted {
			select {
			case got <- p.GUID:
			default:
			}
		}
	}); err != nil {
		t.Fatal(err)
	}
	events := true
	if _, err := chromedp.CallBrowser(bctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: downloads, EventsEnabled: &events,
	}); err != nil {
		t.Fatal(err)
	}
	must("open the manifest", chromedp.Click(chromedp.CSS(`nav a[href$="/manifest"]`)), chromedp.WaitVisible(chromedp.CSS("#yaml")))
	shoot("web-manifest.png")
	must("download the YAML", chromedp.Click(chromedp.CSS("#download")))
	var guid string
	select {
	case guid = <-got:
	case <-time.After(30 * time.Second):
		t.Fatal("the YAML did not download within 30s")
	}
	data, err := os.ReadFile(filepath.Join(downloads, guid))
	if err != nil {
		t.Fatal(err)
	}
	dm, err := wizard.DecodeYAML(data)
	if err != nil {
		t.Fatalf("the downloaded YAML does not decode: %v\n%s", err, data)
	}
	if v := dm.Validate(); !v.Complete || dm.Community.GuildID != g.ID || dm.Tiers[1].Role.Name != "Collector Elite" {
		t.Fatalf("the downloaded manifest: complete=%v problems=%v guild=%s", v.Complete, v.Problems, dm.Community.GuildID)
	}

	// The drift page on a phone.
	must("phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2)),
		chromedp.Click(chromedp.CSS(`nav a[href$="/drift"]`)), chromedp.WaitVisible(chromedp.CSS("#sev-error")))
	shoot("web-drift-phone.png")
	must("phone diff", chromedp.Click(chromedp.CSS(`nav a[href$="/history"]`)), chromedp.WaitVisible(chromedp.CSS("#history")),
		chromedp.Click(chromedp.CSS("a.vdiff")), chromedp.WaitVisible(chromedp.CSS("#diff")))
	shoot("web-diff-phone.png")
}

// browserLink is the URL of a message's "Open in browser" button, or "".
func browserLink(msg *discordgo.Message) string {
	if msg == nil {
		return ""
	}
	for _, rc := range msg.Components {
		row, ok := rc.(*discordgo.ActionsRow)
		if !ok {
			continue
		}
		for _, c := range row.Components {
			if b, ok := c.(*discordgo.Button); ok && b.Style == discordgo.LinkButton && b.Label == "Open in browser" {
				return b.URL
			}
		}
	}
	return ""
}
