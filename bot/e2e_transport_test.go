package bot

// Transports of the end-to-end driver (e2e_test.go): the signed HTTP endpoint and the fake
// gateway through discordgo's own websocket session.

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"
)

// httpTransport signs each interaction with a test key and posts it to the bot's
// /interactions endpoint; the answer is handed to the fake as Discord would apply it.
type httpTransport struct {
	srv  *httptest.Server
	priv ed25519.PrivateKey
}

func newHTTPTransport(e *E2E) transport {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		e.t.Fatalf("key: %v", err)
	}
	srv := httptest.NewServer(&InteractionsHandler{Bot: e.Bot, PublicKey: pub})
	e.t.Cleanup(srv.Close)
	return &httpTransport{srv: srv, priv: priv}
}

func (h *httpTransport) deliver(e *E2E, p map[string]any) Result {
	e.t.Helper()
	in, raw := e.FD.NewInteraction(p)
	checkDecode(e.t, raw) // the endpoint's one-pass reader decodes it as discordgo does
	status, body := h.post(e.t, raw, h.sign(raw, time.Now()))
	r := Result{Interaction: in, Status: status}
	if status != http.StatusOK {
		return r
	}
	if err := e.FD.AcknowledgeHTTP(in.ID, body); err != nil {
		e.t.Fatalf("acknowledge: %v (body %s)", err, body)
	}
	return r
}

// sign returns the signature headers for body at time ts.
func (h *httpTransport) sign(body []byte, ts time.Time) http.Header {
	stamp := strconv.FormatInt(ts.Unix(), 10)
	sig := ed25519.Sign(h.priv, append([]byte(stamp), body...))
	hd := http.Header{}
	hd.Set("X-Signature-Ed25519", hex.EncodeToString(sig))
	hd.Set("X-Signature-Timestamp", stamp)
	hd.Set("Content-Type", "application/json")
	return hd
}

func (h *httpTransport) post(t testing.TB, body []byte, hd http.Header) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, h.srv.URL, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header = hd
	resp, err := h.srv.Client().Do(req)
	if err != nil {
		t.Fatalf("post interaction: %v", err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, out
}

// gatewayTransport dispatches each interaction over the fake gateway to a discordgo
// websocket session that the bot's handler is attached to.
type gatewayTransport struct{}

func newGatewayTransport(e *E2E) transport {
	ctx, cancel := context.WithCancel(context.Background())
	e.t.Cleanup(cancel)
	e.Bot.AttachGateway(ctx, e.DG)
	if err := e.DG.Open(); err != nil {
		e.t.Fatalf("open gateway: %v", err)
	}
	e.t.Cleanup(func() { _ = e.DG.Close() })
	wctx, wcancel := context.WithTimeout(ctx, 10*time.Second)
	defer wcancel()
	if err := e.FD.WaitConnected(wctx, 1); err != nil {
		e.t.Fatalf("gateway did not connect: %v", err)
	}
	return gatewayTransport{}
}

func (gatewayTransport) deliver(e *E2E, p map[string]any) Result {
	e.t.Helper()
	in := e.FD.DispatchInteraction(p)
	deadline := time.Now().Add(5 * time.Second)
	for len(e.FD.Callbacks(in.ID)) == 0 {
		if time.Now().After(deadline) {
			e.t.Fatalf("no response to interaction %s over the gateway within 5s", in.ID)
		}
		time.Sleep(5 * time.Millisecond)
	}
	return Result{Interaction: in}
}
