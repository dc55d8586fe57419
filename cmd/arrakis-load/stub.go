package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"time"
)

// stub is the smallest Discord REST the measured path needs: the instance registers its
// commands at start (PUT …/commands) and renders /setup later by editing @original (PATCH
// /webhooks/{app}/{token}/messages/@original). The load tool needs that edit to learn the
// session's custom_ids, so it serves it itself: point the instance's
// discord.rest_base_url at http://<stub>/api/v9. Clicks are answered in the HTTP response
// and never touch it.
type stub struct {
	mu      sync.Mutex
	edits   map[string]message       // by interaction token
	waiters map[string]chan struct{} // closed when the token's edit arrives
	srv     *http.Server
	ln      net.Listener
}

func startStub(addr string) (*stub, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("stub Discord REST: listen on %s: %w", addr, err)
	}
	s := &stub{edits: map[string]message{}, waiters: map[string]chan struct{}{}, ln: ln}
	mux := http.NewServeMux()
	mux.HandleFunc("PATCH /api/v9/webhooks/{app}/{token}/messages/{mid}", s.edit)
	mux.HandleFunc("PUT /api/v9/applications/{app}/commands", func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte("[]"))
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(`{"message": "Unknown route (arrakis-load stub)", "code": 0}`))
	})
	s.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = s.srv.Serve(ln) }()
	return s, nil
}

// Base is the REST base URL to configure the instance with.
func (s *stub) Base() string { return "http://" + s.ln.Addr().String() + "/api/v9" }

func (s *stub) Close() { _ = s.srv.Close() }

func (s *stub) edit(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	var m message
	if err != nil || json.Unmarshal(body, &m) != nil {
		http.Error(w, `{"message": "bad body", "code": 50035}`, http.StatusBadRequest)
		return
	}
	token := r.PathValue("token")
	s.mu.Lock()
	s.edits[token] = m
	if ch := s.waiters[token]; ch != nil {
		close(ch)
		delete(s.waiters, token)
	}
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	_, _ = fmt.Fprintf(w, `{"id": "1", "channel_id": "1", "type": 0, "content": "", "embeds": [], "components": []}`)
}

// wait returns the @original edit made for token, waiting until ctx ends.
func (s *stub) wait(ctx context.Context, token string) (message, error) {
	s.mu.Lock()
	if m, ok := s.edits[token]; ok {
		delete(s.edits, token)
		s.mu.Unlock()
		return m, nil
	}
	ch := s.waiters[token]
	if ch == nil {
		ch = make(chan struct{})
		s.waiters[token] = ch
	}
	s.mu.Unlock()
	select {
	case <-ch:
	case <-ctx.Done():
		return message{}, fmt.Errorf("no @original edit for the /setup answer: %w (is discord.rest_base_url %s?)", ctx.Err(), s.Base())
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.edits[token]
	delete(s.edits, token)
	return m, nil
}
