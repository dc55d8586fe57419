package fakediscord

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/bwmarrin/discordgo"
)

// enforce_nonce: a repeated nonce in the same channel within a few minutes returns the
// first message and posts nothing; without enforce_nonce, or with another nonce, a
// message is posted. LoseNextAnswers carries the request out and answers 500.
func TestEnforceNonce(t *testing.T) {
	fd, g, s := setup(t)
	post := func(body map[string]any) (*discordgo.Message, error) {
		raw, err := s.RequestWithBucketID("POST", discordgo.EndpointChannelMessages(g.GeneralID), body, "msg")
		if err != nil {
			return nil, err
		}
		var m discordgo.Message
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatal(err)
		}
		return &m, nil
	}
	first, err := post(map[string]any{"content": "one", "nonce": "abc", "enforce_nonce": true})
	if err != nil {
		t.Fatal(err)
	}
	again, err := post(map[string]any{"content": "one", "nonce": "abc", "enforce_nonce": true})
	if err != nil || again.ID != first.ID {
		t.Fatalf("repeated nonce: %v, id %s, want %s", err, again.ID, first.ID)
	}
	if n := len(fd.Messages(g.GeneralID)); n != 1 {
		t.Fatalf("%d messages after a repeated enforced nonce, want 1", n)
	}
	if _, err := post(map[string]any{"content": "one", "nonce": "abc"}); err != nil {
		t.Fatal(err)
	}
	if _, err := post(map[string]any{"content": "two", "nonce": "def", "enforce_nonce": true}); err != nil {
		t.Fatal(err)
	}
	if n := len(fd.Messages(g.GeneralID)); n != 3 {
		t.Fatalf("%d messages, want 3 (no enforce, and a new nonce, both post)", n)
	}
	if _, err := post(map[string]any{"content": "x", "enforce_nonce": true}); err == nil {
		t.Fatal("enforce_nonce without a nonce accepted")
	}

	fd.LoseNextAnswers("POST", "/channels/"+g.GeneralID+"/messages", 1, http.StatusInternalServerError)
	if _, err := post(map[string]any{"content": "lost", "nonce": "ghi", "enforce_nonce": true}); err == nil {
		t.Fatal("a lost answer came back as success")
	}
	msgs := fd.Messages(g.GeneralID)
	if n := len(msgs); n != 4 || msgs[3].Content != "lost" {
		t.Fatalf("the request whose answer was lost was not carried out: %d messages", n)
	}
	retry, err := post(map[string]any{"content": "lost", "nonce": "ghi", "enforce_nonce": true})
	if err != nil || retry.ID != msgs[3].ID || len(fd.Messages(g.GeneralID)) != 4 {
		t.Fatalf("retry after a lost answer: %v, id %s, want %s once", err, retry.ID, msgs[3].ID)
	}
}
