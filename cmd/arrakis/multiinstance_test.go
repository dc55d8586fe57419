package main

import (
	"crypto/ed25519"
	"crypto/rand"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/arrakis-bot/arrakis/internal/fakediscord"
	"github.com/arrakis-bot/arrakis/internal/testenv"
)

// TestMultiInstance runs three `arrakis serve` processes on one three-master Redis Cluster
// and one S3 bucket, against the fake Discord, and checks what a load balancer in front of
// them relies on: a wizard whose every click lands on another instance completes; an
// instance killed mid-wizard loses nothing; two deploys of one guild sent to two instances
// at once make one deploy; and the scheduled drift check runs once per interval across the
// instances, so a change is reported once, not three times.
func TestMultiInstance(t *testing.T) {
	bin := buildArrakis(t)
	fd := fakediscord.New(t)
	seed := fd.Seed(fakediscord.GuildOptions{ID: testenv.GuildID(t)})
	s3 := testenv.S3(t)
	addrs := testenv.RedisClusterAddrs(t)
	redisURL := "redis://" + addrs[0] + "?addr=" + strings.Join(addrs[1:], "&addr=")
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	// Every instance runs the scheduled drift check each interval (config's minimum is a
	// minute). The manifest has no alert channel: alerts go by DM to the owner, who
	// deployed from Discord.
	const interval = time.Minute
	httpMode := httpServeEnv(fd, pub, s3Env(s3, s3.Endpoint), map[string]string{
		"ARRAKIS_REDIS_URL":      redisURL,
		"ARRAKIS_DATA_DIR":       t.TempDir(),
		"ARRAKIS_LOG_LEVEL":      "info",
		"ARRAKIS_DRIFT_INTERVAL": interval.String(),
	})
	var nodes []*child
	for _, name := range []string{"a", "b", "c"} {
		nodes = append(nodes, startChild(t, bin, name, httpMode))
	}
	w := &wiz{t: t, fd: fd, seed: seed, priv: priv, live: nodes, client: &http.Client{Timeout: 10 * time.Second}}
	ok := true // each part builds on the one before: stop at the first failure

	ok = ok && t.Run("every click on another instance", func(t *testing.T) {
		w.t = t
		via := w.play(walkToAssets)
		for i := 1; i < len(via); i++ {
			if via[i] == via[i-1] {
				t.Fatalf("clicks %d and %d both went to %s: %v", i-1, i, via[i], via)
			}
		}
		if got := strings.Join(via[:3], ""); got != "abc" {
			t.Fatalf("the first three interactions went to %v, want a, b, c", via)
		}
	})

	ok = ok && t.Run("an instance killed mid-wizard", func(t *testing.T) {
		w.t = t
		killed := nodes[2]
		killed.kill()
		in, raw := w.prepare(w.clickPayload(w.mustComponent("next")))
		if a := w.deliver(killed, in, raw); a.postErr == nil {
			t.Fatalf("the killed instance still answered %d", a.status)
		}
		w.live = nodes[:2]
		via := w.play(walkToReview)
		for _, v := range via {
			if v == killed.name {
				t.Fatalf("a click went to the killed instance: %v", via)
			}
		}
	})

	ok = ok && t.Run("two deploys at once make one", func(t *testing.T) {
		w.t = t
		w.play([]wizStep{{name: "deploy…", do: clickStep("deploy"), title: "Step 7 of 8 — Review"}})
		id, kind := w.component("confirm")
		// The same Confirm click, delivered twice (two interactions) to two instances at once.
		type prepared struct {
			in  *discordgo.Interaction
			raw []byte
		}
		var ps []prepared
		for range 2 {
			in, raw := w.prepare(w.clickPayload(id, kind))
			ps = append(ps, prepared{in, raw})
		}
		answers := make([]answer, 2)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				st, body, err := w.post(nodes[i], ps[i].raw)
				answers[i] = answer{in: ps[i].in, via: nodes[i].name, status: st, postErr: err}
				if err == nil && st == http.StatusOK {
					answers[i].postErr = fd.AcknowledgeHTTP(ps[i].in.ID, body)
				}
			}()
		}
		close(start)
		wg.Wait()
		var winner, loser *answer
		for i := range answers {
			a := &answers[i]
			if a.postErr != nil || a.status != http.StatusOK {
				t.Fatalf("%s answered %d: %v", a.via, a.status, a.postErr)
			}
			// Each answer's own body (both update the same wizard message).
			cbs := fd.Callbacks(a.in.ID)
			if len(cbs) != 1 {
				t.Fatalf("%s: %d initial responses", a.via, len(cbs))
			}
			m, err := cbs[0].Message()
			if cbs[0].Type == discordgo.InteractionResponseDeferredMessageUpdate {
				// Confirm re-reads the plan first, so it answers later by editing the message.
				m, err = firstEdit(t, fd, a.in.Token)
			}
			if err != nil {
				t.Fatalf("%s: %v", a.via, err)
			}
			a.msg = m
			if len(a.msg.Embeds) == 0 {
				t.Fatalf("%s: no wizard message in the answer", a.via)
			}
			if strings.Contains(a.msg.Embeds[0].Description, "⚠️") {
				loser = a
			} else {
				winner = a
			}
		}
		if winner == nil || loser == nil {
			t.Fatalf("want one deploy started and one refused; answers:\n%s: %s\n%s: %s",
				answers[0].via, answers[0].text(), answers[1].via, answers[1].text())
		}
		for _, a := range []*answer{winner, loser} {
			if a.title() != "Step 8 of 8 — Deploy" {
				t.Fatalf("%s: title %q, want the deploy step:\n%s", a.via, a.title(), a.text())
			}
		}
		// The refused click is told that the setup moved on and shown the deploy under way.
		lt := loser.text()
		if !(strings.Contains(lt, "at the same moment") || strings.Contains(lt, "out of date")) ||
			!(strings.Contains(lt, "Deploying") || strings.Contains(lt, "Deployed")) {
			t.Fatalf("%s's answer does not say a deploy is already running:\n%s", loser.via, lt)
		}
		waitFor(t, 60*time.Second, "the deploy completes", func() bool {
			m := fd.Original(winner.in.Token)
			return m != nil && len(m.Embeds) > 0 && strings.Contains(m.Embeds[0].Description, "Deployed")
		})
		if m := fd.Original(loser.in.Token); m == nil || !strings.Contains(m.Embeds[0].Description, "Deployed") {
			t.Fatalf("the wizard message does not say Deployed: %+v", m)
		}
		roleName := func(r *discordgo.Role) string { return r.Name }
		chanName := func(c *discordgo.Channel) string { return c.Name }
		if n := countNamed(fd.Roles(seed.ID), roleName, "Bronze Holder"); n != 1 {
			t.Fatalf("%d roles named Bronze Holder, want 1", n)
		}
		for _, name := range []string{"Holders", "holders-chat"} {
			if n := countNamed(fd.Channels(seed.ID), chanName, name); n != 1 {
				t.Fatalf("%d channels named %s, want 1", n, name)
			}
		}
		creates := 0
		for _, r := range fd.Requests() {
			if r.Method == http.MethodPost && r.Path == "/guilds/"+seed.ID+"/roles" && r.Status < 300 {
				creates++
			}
		}
		if creates != 1 {
			t.Fatalf("%d role creations reached Discord, want 1", creates)
		}
	})

	if !ok {
		return
	}
	t.Run("scheduled drift check once per interval across instances", func(t *testing.T) {
		// Back to three instances: a replacement for the killed one.
		fleet := []*child{nodes[0], nodes[1], startChild(t, bin, "c2", httpMode)}
		gone := fd.ChannelByName(seed.ID, "holders-chat")
		if gone == nil {
			t.Fatal("holders-chat is not in the fake guild")
		}
		fd.DeleteChannel(gone.ID) // drift: a managed channel is missing
		started := time.Now()
		alerts := func() []*discordgo.Message {
			var out []*discordgo.Message
			for _, m := range fd.DMs(seed.OwnerID) {
				if strings.HasPrefix(m.Content, "Drift check:") {
					out = append(out, m)
				}
			}
			return out
		}
		waitFor(t, 2*interval+30*time.Second, "a drift alert", func() bool { return len(alerts()) > 0 })
		// Every instance has checked at least twice by now (their tickers fire each
		// interval after start); the same drift must still be reported exactly once.
		time.Sleep(time.Until(started.Add(2*interval + 15*time.Second)))
		got := alerts()
		if len(got) != 1 {
			var texts []string
			for _, m := range got {
				texts = append(texts, m.Content)
			}
			t.Fatalf("%d drift alerts for one change, want 1:\n%s", len(got), strings.Join(texts, "\n---\n"))
		}
		if !strings.Contains(got[0].Content, "holders-chat") {
			t.Fatalf("the alert does not name the missing channel:\n%s", got[0].Content)
		}
		for _, c := range fleet {
			select {
			case <-c.done:
				t.Fatalf("%s exited during the drift checks:\n%s", c.name, tail(c.log, 4000))
			default:
			}
		}
	})
}

// mustComponent is component for use in a payload.
func (w *wiz) mustComponent(action string) (string, discordgo.ComponentType) {
	w.t.Helper()
	return w.component(action)
}

const (
	usdc = "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48"
)

// walkToAssets is /setup through to ASSET_CONFIG; walkToReview continues to REVIEW.
var walkToAssets = []wizStep{
	{name: "setup", do: func(w *wiz) answer { return w.command("setup") }, title: "Step 1 of 8 — Community name"},
	{name: "name", do: modalStepOf("open:name", map[string]string{"name": "Honey Jar"}), title: "Step 1 of 8 — Community name"},
	{name: "to chains", do: clickStep("next"), title: "Step 2 of 8 — Chains"},
	{name: "chains", do: clickStep("sel:chains", "ethereum", "base"), title: "Step 2 of 8 — Chains"},
	{name: "to assets", do: clickStep("next"), title: "Step 3 of 8 — Assets"},
}

var walkToReview = []wizStep{
	{name: "asset type", do: clickStep("sel:atype", "erc20"), title: "Step 3 of 8 — Assets"},
	{name: "asset chain", do: clickStep("sel:achain", "ethereum"), title: "Step 3 of 8 — Assets"},
	{name: "usdc", do: modalStepOf("open:asset", map[string]string{"contract": usdc, "name": "USD Coin", "symbol": "USDC", "decimals": "6"}), title: "Step 3 of 8 — Assets"},
	{name: "to rules", do: clickStep("next"), title: "Step 4 of 8 — Eligibility rules"},
	{name: "tier", do: modalStepOf("open:tier", map[string]string{"name": "Bronze"}), title: "Step 4 of 8 — Eligibility rules"},
	{name: "rule type", do: clickStep("sel:rtype", "min_balance"), title: "Step 4 of 8 — Eligibility rules"},
	{name: "rule asset", do: clickStep("sel:rasst", "asset-1"), title: "Step 4 of 8 — Eligibility rules"},
	{name: "rule", do: modalStepOf("open:rule", map[string]string{"amount": "100"}), title: "Step 4 of 8 — Eligibility rules"},
	{name: "to roles", do: clickStep("next"), title: "Step 5 of 8 — Tier roles"},
	{name: "role", do: modalStepOf("open:role", map[string]string{"name": "Bronze Holder", "color": "#CD7F32"}), title: "Step 5 of 8 — Tier roles"},
	{name: "to channels", do: clickStep("next"), title: "Step 6 of 8 — Channels"},
	{name: "custom", do: clickStep("sel:tmpl", "custom"), title: "Step 6 of 8 — Channels"},
	{name: "category type", do: clickStep("sel:ctype", "category"), title: "Step 6 of 8 — Channels"},
	{name: "category", do: modalStepOf("open:channel", map[string]string{"name": "Holders"}), title: "Step 6 of 8 — Channels"},
	{name: "text type", do: clickStep("sel:ctype", "text"), title: "Step 6 of 8 — Channels"},
	{name: "parent", do: clickStep("sel:parent", "chan-1"), title: "Step 6 of 8 — Channels"},
	{name: "min tier", do: clickStep("sel:ctier", "tier-1"), title: "Step 6 of 8 — Channels"},
	{name: "channel", do: modalStepOf("open:channel", map[string]string{"name": "holders-chat", "topic": "For holders"}), title: "Step 6 of 8 — Channels"},
	{name: "to review", do: clickStep("next"), title: "Step 7 of 8 — Review"},
}
