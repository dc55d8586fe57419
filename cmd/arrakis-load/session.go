package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// A session is one guild's wizard, driven like an admin would: /setup, the community name
// in the INIT modal, Next to CHAIN_SELECT, and then a loop of clicks that each write the
// session — choose chains (a select with values), Next to ASSET_CONFIG, Back — using the
// custom_ids of the last answer (they carry the session version, so a click built from an
// older answer would be refused as out of date).

// chainChoices alternate so that every select click changes what is stored.
var chainChoices = [][]string{{"ethereum", "base"}, {"polygon"}, {"arbitrum", "optimism", "berachain"}}

type session struct {
	a        actor
	msg      message         // the wizard message as the last answer drew it
	wiz      wizardMessage   // what Discord keeps of that message from /setup on
	body     json.RawMessage // msg as Discord sends it with a click, built once per answer
	selected bool            // chains were chosen since arriving at CHAIN_SELECT
	n        int
}

func newSession(appID string, i int) *session {
	g := newSnowflake()
	return &session{a: actor{AppID: appID, GuildID: g, ChannelID: g, UserID: strconv.Itoa(100000 + i)}}
}

// setup runs /setup and the INIT step, leaving the session on CHAIN_SELECT. It is not
// measured: /setup is answered by a deferred edit through Discord REST (the stub).
func (s *session) setup(ctx context.Context, ps *poster, st *stub, wait time.Duration) error {
	p, token := s.a.command("setup")
	r, err := ps.post(ctx, p)
	if err != nil {
		return fmt.Errorf("/setup: %w", err)
	}
	if r.Type != respDeferred {
		return fmt.Errorf("/setup: answer type %d, want %d (deferred): %s", r.Type, respDeferred, clip(r.message().text(), 160))
	}
	s.wiz = wizardMessage{ID: newSnowflake(), CommandID: p["id"].(string), Created: time.Now(), Flags: r.message().Flags}
	wctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	m, err := st.wait(wctx, token)
	if err != nil {
		return fmt.Errorf("/setup: %w", err)
	}
	if err := s.draw(m); err != nil {
		return fmt.Errorf("/setup: %w", err)
	}
	open, ok := s.msg.control("open:name")
	if !ok {
		return fmt.Errorf("/setup: no name button on the wizard: %s", clip(s.msg.text(), 200))
	}
	r, err = ps.post(ctx, s.a.click(open, nil, s.body))
	if err != nil {
		return fmt.Errorf("open the name modal: %w", err)
	}
	if r.Type != respModal || r.Data == nil {
		return fmt.Errorf("open the name modal: answer type %d: %s", r.Type, clip(r.message().text(), 160))
	}
	r, err = ps.post(ctx, s.a.submit(r.Data.CustomID, map[string]string{"name": "Load test " + s.a.GuildID[len(s.a.GuildID)-4:]}, s.body))
	if err := s.adopt(r, err); err != nil {
		return fmt.Errorf("submit the name: %w", err)
	}
	next, ok := s.msg.control("next")
	if !ok {
		return fmt.Errorf("after the name: no Next: %s", clip(s.msg.text(), 200))
	}
	if err := s.adopt(ps.post(ctx, s.a.click(next, nil, s.body))); err != nil {
		return fmt.Errorf("next to chains: %w", err)
	}
	if st := s.step(); st != 2 {
		return fmt.Errorf("after the name: at step %d, want 2 (chains): %s", st, clip(s.msg.text(), 200))
	}
	return nil
}

// adopt takes an answer as the new wizard message; an answer that is not one is an error.
func (s *session) adopt(r *response, err error) error {
	if err != nil {
		return err
	}
	switch r.Type {
	case respUpdate:
		if err := s.draw(r.message()); err != nil {
			return err
		}
		if p := s.msg.problem(); p != "" {
			return fmt.Errorf("%s", p)
		}
		return nil
	case respMessage:
		return fmt.Errorf("refused: %s", clip(r.message().text(), 160))
	}
	return fmt.Errorf("unexpected answer type %d", r.Type)
}

// draw takes m as the wizard message and builds the message body the next click sends.
// An answer's flags count too: an update cannot make the message ephemeral, but it says so.
func (s *session) draw(m message) error {
	s.msg = m
	s.wiz.Flags |= m.Flags
	b, err := s.wiz.body(s.a, m)
	if err != nil {
		return fmt.Errorf("encode the wizard message: %w", err)
	}
	s.body = b
	return nil
}

// step is the wizard step the message shows (read from its controls), or 0.
func (s *session) step() int {
	for _, r := range s.msg.Components {
		for _, c := range r.Components {
			if id, ok := parseCustomID(c.CustomID); ok {
				return id.Step
			}
		}
	}
	return 0
}

// nextClick chooses the next click from where the wizard is.
func (s *session) nextClick() (action string, values []string) {
	switch st := s.step(); {
	case st == 2 && !s.selected:
		return "sel:chains", chainChoices[s.n%len(chainChoices)]
	case st == 2, st < 2:
		return "next", nil
	default:
		return "back", nil
	}
}

// click sends the next click and takes its answer. sent is when the request left.
func (s *session) click(ctx context.Context, ps *poster) error {
	action, values := s.nextClick()
	cid, ok := s.msg.control(action)
	if !ok {
		return fmt.Errorf("no %q control on the message: %s", action, clip(s.msg.text(), 160))
	}
	s.n++
	before := s.step()
	err := s.adopt(ps.post(ctx, s.a.click(cid, values, s.body)))
	switch {
	case err != nil:
	case strings.HasPrefix(action, "sel:"):
		s.selected = true
	case s.step() == 2 && before != 2:
		s.selected = false
	}
	return err
}
