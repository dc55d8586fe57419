package bot

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/arrakis-bot/arrakis/wizard"
)

// The endpoint refuses anything Discord did not sign, and answers PING.
func TestInteractionsEndpointRefusesInvalidRequests(t *testing.T) {
	e := newE2E(t, newHTTPTransport)
	h := e.tr.(*httpTransport)
	p := e.base(discordgo.InteractionApplicationCommand)
	p["data"] = map[string]any{"id": "1", "name": "setup", "type": 1}
	_, raw := e.FD.NewInteraction(p)
	_, otherKey, _ := ed25519.GenerateKey(rand.Reader)
	forged := (&httpTransport{priv: otherKey}).sign(raw, time.Now())
	altered := append(bytes.Clone(raw[:len(raw)-1]), []byte(`,"x":1}`)...)
	big := append([]byte(`{"type":1,"pad":"`), bytes.Repeat([]byte("a"), MaxInteractionBody)...)
	big = append(big, '"', '}')

	cases := []struct {
		name string
		body []byte
		hd   http.Header
		want int
	}{
		{"forged signature", raw, forged, http.StatusUnauthorized},
		{"stale timestamp", raw, h.sign(raw, time.Now().Add(-6*time.Minute)), http.StatusUnauthorized},
		{"future timestamp", raw, h.sign(raw, time.Now().Add(6*time.Minute)), http.StatusUnauthorized},
		{"altered body", altered, h.sign(raw, time.Now()), http.StatusUnauthorized},
		{"no signature", raw, http.Header{}, http.StatusUnauthorized},
		{"garbage signature", raw, http.Header{"X-Signature-Ed25519": {"zz"}, "X-Signature-Timestamp": {"1"}}, http.StatusUnauthorized},
		{"oversized body", big, h.sign(big, time.Now()), http.StatusRequestEntityTooLarge},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, _ := h.post(t, c.body, c.hd)
			if status != c.want {
				t.Fatalf("status %d, want %d", status, c.want)
			}
		})
	}
	if s := e.Session(); s != nil {
		t.Fatalf("a refused request created a session: %+v", s)
	}

	ping := []byte(`{"id":"1","type":1,"application_id":"1","token":"t","version":1}`)
	status, body := h.post(t, ping, h.sign(ping, time.Now()))
	var pong discordgo.InteractionResponse
	if err := json.Unmarshal(body, &pong); err != nil || status != http.StatusOK || pong.Type != discordgo.InteractionResponsePong {
		t.Fatalf("PING: status %d body %s", status, body)
	}
}

// A repeated delivery of one interaction id is answered 409 and changes nothing.
func TestRepeatedInteractionHasOneEffect(t *testing.T) {
	e := newE2E(t, newHTTPTransport)
	h := e.tr.(*httpTransport)
	e.Command("setup")
	e.Click("open:name")
	e.Submit(map[string]string{"name": "Honey Jar"})
	before := e.mustState(wizard.StateInit)

	next := e.Find("next")
	p := e.base(discordgo.InteractionMessageComponent)
	p["message"] = map[string]any{"id": e.WizardID}
	p["data"] = map[string]any{"custom_id": next.customID, "component_type": 2}
	in, raw := e.FD.NewInteraction(p)
	first, body := h.post(t, raw, h.sign(raw, time.Now()))
	second, _ := h.post(t, raw, h.sign(raw, time.Now()))
	if first != http.StatusOK || second != http.StatusConflict {
		t.Fatalf("statuses %d, %d; want 200 then 409", first, second)
	}
	if err := e.FD.AcknowledgeHTTP(in.ID, body); err != nil {
		t.Fatal(err)
	}
	e.Bot.Wait()
	after := e.mustState(wizard.StateChainSelect)
	if after.Version != before.Version+1 {
		t.Fatalf("version %d → %d: want exactly one write", before.Version, after.Version)
	}
}

// A double click (the same button twice, in sequence and at the same moment) makes one
// transition; the late click is shown the current step.
func TestDoubleClickMakesOneTransition(t *testing.T) {
	e := newE2E(t, newHTTPTransport)
	e.Command("setup")
	e.Click("open:name")
	e.Submit(map[string]string{"name": "Honey Jar"})
	next := e.Find("next")
	before := e.Session()

	r1 := e.Press(next.customID, discordgo.ButtonComponent)
	r2 := e.Press(next.customID, discordgo.ButtonComponent)
	eq(t, "first click", r1.Title(), "Step 2 of 8 — Chains")
	eq(t, "second click", r2.Title(), "Step 2 of 8 — Chains")
	mustContain(t, "second click", r2.Text(), msgOutOfDate)
	s := e.mustState(wizard.StateChainSelect)
	eq(t, "version", s.Version, before.Version+1)

	// Two clicks racing: both carry the version the message was drawn with.
	e.Click("sel:chains", "ethereum")
	before = e.Session()
	codes, _ := raceClicks(t, e, e.Find("next").customID)
	if codes != [2]int{http.StatusOK, http.StatusOK} {
		t.Fatalf("racing clicks answered %v, want both 200", codes)
	}
	s = e.mustState(wizard.StateAssetConfig)
	eq(t, "version after race", s.Version, before.Version+1)
}

// raceClicks posts two clicks of one custom_id at the same moment and returns the statuses
// and the response bodies.
func raceClicks(t *testing.T, e *E2E, customID string) ([2]int, [2][]byte) {
	h := e.tr.(*httpTransport)
	var wg sync.WaitGroup
	var codes [2]int
	var bodies [2][]byte
	var tokens, ids [2]string
	start := make(chan struct{})
	for k := range 2 {
		p := e.base(discordgo.InteractionMessageComponent)
		p["message"] = map[string]any{"id": e.WizardID}
		p["data"] = map[string]any{"custom_id": customID, "component_type": 2}
		in, raw := e.FD.NewInteraction(p)
		tokens[k], ids[k] = in.Token, in.ID
		hd := h.sign(raw, time.Now())
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			req, _ := http.NewRequest(http.MethodPost, h.srv.URL, bytes.NewReader(raw))
			req.Header = hd
			if resp, err := h.srv.Client().Do(req); err == nil {
				codes[k] = resp.StatusCode
				bodies[k], _ = io.ReadAll(resp.Body)
				resp.Body.Close()
				_ = e.FD.AcknowledgeHTTP(ids[k], bodies[k]) // so that a deferred answer's edit lands
			}
		}()
	}
	close(start)
	wg.Wait()
	e.Bot.Wait()
	// A deferred click answers later, by editing its message: add those edits (the two
	// clicks edit the same message, so each one's own requests tell them apart).
	for _, r := range e.FD.Requests() {
		for k, tok := range tokens {
			if r.Method == http.MethodPatch && strings.Contains(r.Path, tok) && strings.HasSuffix(r.Path, "/messages/@original") {
				bodies[k] = append(bodies[k], r.Body...)
			}
		}
	}
	return codes, bodies
}
