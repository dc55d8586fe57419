package bot

// The replay guard of wizard clicks rides along with the session read
// (store.Sessions.ValidateOnce): a click costs at most two Redis round trips, and a repeated
// delivery still has one effect, whatever the first delivery was answered.

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	goredis "github.com/redis/go-redis/v9"

	"github.com/arrakis-bot/arrakis/internal/testenv"
	"github.com/arrakis-bot/arrakis/store"
	"github.com/arrakis-bot/arrakis/store/redis"
	"github.com/arrakis-bot/arrakis/wizard"
)

// A wizard click, a modal submit and a modal that opens each cost at most two Redis round
// trips — the interaction's mark pipelined with the session read, then the compare-and-swap
// write — on a single node and on a Cluster.
func TestWizardClickRedisRoundTrips(t *testing.T) {
	backends := []struct {
		name   string
		client func(testing.TB) goredis.UniversalClient
	}{
		{"single", func(t testing.TB) goredis.UniversalClient { return testenv.Redis(t) }},
		{"cluster", func(t testing.TB) goredis.UniversalClient { return testenv.RedisCluster(t) }},
	}
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			c := be.client(t)
			log := &testenv.RoundTrips{}
			c.AddHook(log)
			sessions := redis.NewSessions(c, redis.Options{})
			t.Cleanup(func() { _ = sessions.Close() })
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if err := sessions.Preload(ctx); err != nil { // no NOSCRIPT fallback to count
				t.Fatalf("Preload: %v", err)
			}
			e := newE2E(t, newHTTPTransport, func(o *e2eOptions) {
				o.sessions, o.coord = sessions, redis.NewCoordination(c)
			})
			guild := e.Seed.ID
			e.Command("setup")
			log.Take()

			clicks := []struct {
				name   string
				do     func() Result
				writes int // compare-and-swap writes after the read
			}{
				{"open the name modal", func() Result { return e.Click("open:name") }, 0},
				{"submit the name", func() Result { return e.Submit(map[string]string{"name": "Honey Jar"}) }, 1},
				{"next", func() Result { return e.Click("next") }, 1},
				{"back", func() Result { return e.Click("back") }, 1},
			}
			for _, cl := range clicks {
				r := cl.do()
				sent, _ := log.Take()
				want := "pipeline[SET arrakis:once:{" + guild + "}:interaction:" + r.Interaction.ID + "; GETEX " + redis.SessionKey(guild) + "]"
				if len(sent) != 1+cl.writes || sent[0] != want {
					t.Errorf("%s: sent %q; want %q and %d write(s)", cl.name, sent, want, cl.writes)
					continue
				}
				for _, w := range sent[1:] {
					if w != "EVALSHA "+redis.SessionKey(guild) {
						t.Errorf("%s: write %q, want one EVALSHA on the session", cl.name, w)
					}
				}
				t.Logf("%s: %d round trips: %q", cl.name, len(sent), sent)
			}
			e.mustState(wizard.StateInit)
		})
	}
}

// postTwice signs and posts one interaction twice and hands the first answer to the fake.
func postTwice(t *testing.T, e *E2E, p map[string]any) (first, second int, body []byte) {
	t.Helper()
	h := e.tr.(*httpTransport)
	in, raw := e.FD.NewInteraction(p)
	first, body = h.post(t, raw, h.sign(raw, time.Now()))
	if first == http.StatusOK {
		if err := e.FD.AcknowledgeHTTP(in.ID, body); err != nil {
			t.Fatal(err)
		}
	}
	e.Bot.Wait()
	second, _ = h.post(t, raw, h.sign(raw, time.Now()))
	e.Bot.Wait()
	return first, second, body
}

// A modal submit delivered twice is answered 409 the second time and stored once.
func TestRepeatedModalSubmitHasOneEffect(t *testing.T) {
	e := newE2E(t, newHTTPTransport)
	e.Command("setup")
	e.Click("open:name")
	before := e.mustState(wizard.StateInit)
	first, second, _ := postTwice(t, e, e.modalSubmit(map[string]string{"name": "Honey Jar"}))
	if first != http.StatusOK || second != http.StatusConflict {
		t.Fatalf("statuses %d, %d; want 200 then 409", first, second)
	}
	after := e.mustState(wizard.StateInit)
	if after.Version != before.Version+1 || after.Data.CommunityName != "Honey Jar" {
		t.Fatalf("after two deliveries: v%d → v%d, name %q; want one write of the name", before.Version, after.Version, after.Data.CommunityName)
	}
}

// A click refused because its session ended is answered once, too: the repeat is 409.
func TestRepeatedRefusedClickIsAnsweredOnce(t *testing.T) {
	e := newE2E(t, newHTTPTransport)
	e.Command("setup")
	next := e.Find("next")
	s := e.mustState(wizard.StateInit)
	if err := e.Sessions.Delete(context.Background(), s.ID, store.EndCancelled); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	p := e.base(discordgo.InteractionMessageComponent)
	p["message"] = map[string]any{"id": e.WizardID}
	p["data"] = map[string]any{"custom_id": next.customID, "component_type": 2}
	first, second, body := postTwice(t, e, p)
	if first != http.StatusOK || second != http.StatusConflict {
		t.Fatalf("statuses %d, %d; want 200 then 409", first, second)
	}
	mustContain(t, "refusal", string(body), msgExpired)
}

// A non-admin's click is guarded on its own (no session is read for it): the repeat is 409.
func TestRepeatedNonAdminClickIsAnsweredOnce(t *testing.T) {
	e := newE2E(t, newHTTPTransport)
	e.Command("setup")
	next := e.Find("next")
	before := e.mustState(wizard.StateInit)
	e.As = Member{ID: testenv.GuildID(t), Name: "visitor"}
	p := e.base(discordgo.InteractionMessageComponent)
	p["message"] = map[string]any{"id": e.WizardID}
	p["data"] = map[string]any{"custom_id": next.customID, "component_type": 2}
	first, second, body := postTwice(t, e, p)
	if first != http.StatusOK || second != http.StatusConflict {
		t.Fatalf("statuses %d, %d; want 200 then 409", first, second)
	}
	mustContain(t, "refusal", string(body), msgNotAdmin)
	if after := e.mustState(wizard.StateInit); after.Version != before.Version {
		t.Fatalf("a non-admin's click wrote the session: v%d → v%d", before.Version, after.Version)
	}
}

// Deliver (the gateway's path) answers a repeated click once and writes once.
func TestDeliverRepeatedClickOnce(t *testing.T) {
	e := newE2E(t, newHTTPTransport)
	e.Command("setup")
	e.Click("open:name")
	e.Submit(map[string]string{"name": "Honey Jar"})
	next := e.Find("next")
	before := e.mustState(wizard.StateInit)
	p := e.base(discordgo.InteractionMessageComponent)
	p["message"] = map[string]any{"id": e.WizardID}
	p["data"] = map[string]any{"custom_id": next.customID, "component_type": 2}
	_, raw := e.FD.NewInteraction(p)
	var i discordgo.Interaction
	if err := json.Unmarshal(raw, &i); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	r1, first1 := e.Bot.Deliver(ctx, &i)
	r2, first2 := e.Bot.Deliver(ctx, &i)
	e.Bot.Wait()
	if !first1 || r1.Response == nil || first2 || r2.Response != nil {
		t.Fatalf("deliveries: (%v, %v) then (%v, %v); want an answer then a repeat", first1, r1.Response != nil, first2, r2.Response != nil)
	}
	if raw, _ := json.Marshal(r1.Response); !bytes.Contains(raw, []byte("Chains")) {
		t.Errorf("first delivery answered %s, want the Chains step", raw)
	}
	if after := e.mustState(wizard.StateChainSelect); after.Version != before.Version+1 {
		t.Fatalf("version %d → %d: want exactly one write", before.Version, after.Version)
	}
}
