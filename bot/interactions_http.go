package bot

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
	"go.uber.org/zap"
)

// The HTTP interactions endpoint (POST /interactions). Discord signs each request with
// Ed25519 over timestamp + body; anything that does not verify is 401 (Discord probes a
// new endpoint URL with bad signatures and expects exactly that). A repeated interaction
// id — Discord retrying a delivery, or a replayed request — is answered 409 Conflict with
// no side effect: the first delivery already answered it.

const (
	// MaxInteractionBody caps a request body; real interactions are a few kilobytes.
	MaxInteractionBody = 64 << 10
	// maxClockSkew is how far a signed timestamp may be from now.
	maxClockSkew = 5 * time.Minute
	// seenTTL is how long an interaction id is remembered (its token lives 15 minutes).
	seenTTL = 20 * time.Minute
)

// InteractionsHandler serves POST /interactions for a bot and an application public key.
type InteractionsHandler struct {
	Bot       *Bot
	PublicKey ed25519.PublicKey
}

// ParsePublicKey decodes the application's public key as the developer portal shows it (hex).
func ParsePublicKey(hexKey string) (ed25519.PublicKey, error) {
	k, err := hex.DecodeString(hexKey)
	if err != nil || len(k) != ed25519.PublicKeySize {
		return nil, errors.New("discord public key: expected 64 hex characters (the application's Public Key)")
	}
	return ed25519.PublicKey(k), nil
}

func (h *InteractionsHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	body, status := readBody(w, r)
	if status != 0 {
		http.Error(w, http.StatusText(status), status)
		return
	}
	if !h.verify(r.Header, body, h.Bot.now()) {
		http.Error(w, "invalid request signature", http.StatusUnauthorized)
		return
	}
	var i discordgo.Interaction
	if err := decodeInteraction(body, &i); err != nil {
		http.Error(w, "malformed interaction", http.StatusBadRequest)
		return
	}
	reply, first := h.Bot.deliver(r.Context(), &i, "http")
	if !first {
		http.Error(w, "interaction already handled", http.StatusConflict)
		return
	}
	writeResponse(w, reply.Response, h.Bot.d.Log)
	h.Bot.runLater(r.Context(), &i, reply)
}

// readBody reads at most MaxInteractionBody bytes; a larger body is 413. A body of declared
// length (as Discord sends) is read into one buffer of that size: net/http's reader stops
// at the declared length, and growing a buffer from 512 bytes cost two allocations a click.
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, int) {
	switch n := r.ContentLength; {
	case n > MaxInteractionBody:
		return nil, http.StatusRequestEntityTooLarge
	case n > 0:
		body := make([]byte, n)
		if _, err := io.ReadFull(r.Body, body); err != nil {
			return nil, http.StatusBadRequest
		}
		return body, 0
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxInteractionBody))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return nil, http.StatusRequestEntityTooLarge
	case err != nil:
		return nil, http.StatusBadRequest
	}
	return body, 0
}

// verify checks the Ed25519 signature over timestamp + body and the timestamp's age.
func (h *InteractionsHandler) verify(hd http.Header, body []byte, now time.Time) bool {
	sig, err := hex.DecodeString(hd.Get("X-Signature-Ed25519"))
	if err != nil || len(sig) != ed25519.SignatureSize || len(h.PublicKey) != ed25519.PublicKeySize {
		return false
	}
	ts := hd.Get("X-Signature-Timestamp")
	secs, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return false
	}
	if d := now.Sub(time.Unix(secs, 0)); d > maxClockSkew || d < -maxClockSkew {
		return false
	}
	msg := make([]byte, 0, len(ts)+len(body))
	msg = append(append(msg, ts...), body...)
	return ed25519.Verify(h.PublicKey, msg, sig)
}

// responseBufs holds response buffers between requests (a wizard answer is a few kB).
var responseBufs = sync.Pool{New: func() any { b := make([]byte, 0, 8<<10); return &b }}

func writeResponse(w http.ResponseWriter, r *discordgo.InteractionResponse, log *zap.Logger) {
	bp := responseBufs.Get().(*[]byte)
	defer func() {
		if cap(*bp) <= 64<<10 {
			responseBufs.Put(bp)
		}
	}()
	out, err := encodeResponse((*bp)[:0], r)
	*bp = out
	if err != nil {
		log.Error("encode interaction response", zap.Error(err))
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h["Content-Length"] = []string{strconv.Itoa(len(out))}
	_, _ = w.Write(out)
}

// Deliver handles an interaction once: a repeated id (or a store that cannot say) is not
// handled again. first is false for a repeat. The mark of a click on a wizard message is
// recorded with its session read (Sessions.ValidateOnce); any other interaction's with
// Coordination.MarkOnce first.
func (b *Bot) Deliver(ctx context.Context, i *discordgo.Interaction) (r Reply, first bool) {
	return b.deliver(ctx, i, "other")
}

func (b *Bot) deliver(ctx context.Context, i *discordgo.Interaction, transport string) (r Reply, first bool) {
	start := b.now()
	if i.Type == discordgo.InteractionPing {
		b.countInteraction(transport, "ping")
		r = b.Handle(ctx, i)
		b.logInteraction(i, transport, "ping", b.now().Sub(start))
		return r, true
	}
	var mark *onceMark
	if b.d.Coordination != nil && i.ID != "" && wizardClick(i) {
		// A click on a wizard message: its mark is recorded with the session read.
		mark = &onceMark{interactionID: i.ID}
	} else if b.d.Coordination != nil && i.ID != "" {
		first, err := b.d.Coordination.MarkOnce(ctx, "interaction:"+i.ID, seenTTL)
		if err != nil {
			// Without the mark we cannot tell a repeat; answer without acting.
			r := say(b.sentenceFor(err, "", interactionFields(i)...))
			b.logInteraction(i, transport, "store_unavailable", b.now().Sub(start))
			return r, true
		}
		if !first {
			b.countInteraction(transport, "duplicate")
			b.logInteraction(i, transport, "duplicate", b.now().Sub(start))
			return Reply{}, false
		}
	}
	r = b.handle(ctx, i, mark)
	if mark != nil && mark.outcome != "" {
		if mark.outcome == "duplicate" {
			b.countInteraction(transport, mark.outcome)
			r = Reply{}
		}
		b.logInteraction(i, transport, mark.outcome, b.now().Sub(start))
		return r, mark.outcome != "duplicate"
	}
	b.countInteraction(transport, "handled")
	b.logInteraction(i, transport, "handled", b.now().Sub(start))
	return r, true
}

// onceMark is the replay guard of a click on a wizard message (see wizardClick), still to
// be recorded: checkSession records it with the session read in one store call
// (Sessions.ValidateOnce), which on Redis is one round trip instead of two.
type onceMark struct {
	interactionID string
	// outcome is set when the interaction must not count as handled: "duplicate" (the id
	// was seen before: no effect, no answer) or "store_unavailable" (the mark could not be
	// recorded: answered with a sentence, nothing done).
	outcome string
}
