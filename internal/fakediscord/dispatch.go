package fakediscord

import (
	"encoding/json"

	"github.com/bwmarrin/discordgo"
)

// Interactions enter the fake here: completed, registered (so callbacks,
// @original and follow-ups work), and for the gateway path dispatched.

// DispatchInteraction completes an interaction (id, token, application_id,
// version; member = the guild owner when neither member nor user is given;
// message = the stored message when message.id names one the bot made),
// registers it so its callback and webhooks work, and sends it as
// INTERACTION_CREATE to every ready session of the guild's shard. v is a
// *discordgo.Interaction, a discordgo.Interaction, or raw JSON ([]byte,
// json.RawMessage, string). It returns the interaction as sent.
func (s *Server) DispatchInteraction(v any) *discordgo.Interaction {
	s.t.Helper()
	in, raw := s.NewInteraction(v)
	var payload json.RawMessage = raw
	s.gw.mu.Lock()
	gid := in.GuildID
	sent := 0
	for c := range s.gw.conns {
		if c.ready && (gid == "" || onShard(gid, c.shard)) {
			c.dispatchLocked("INTERACTION_CREATE", payload)
			sent++
		}
	}
	s.gw.mu.Unlock()
	if sent == 0 {
		s.t.Errorf("fakediscord: DispatchInteraction: no gateway session is connected (call WaitConnected first)")
	}
	return in
}

// NewInteraction completes and registers an interaction like
// DispatchInteraction but sends nothing: for the HTTP interactions endpoint,
// post the returned JSON (signed) to the bot yourself, then hand the bot's
// HTTP answer to AcknowledgeHTTP.
func (s *Server) NewInteraction(v any) (*discordgo.Interaction, []byte) {
	s.t.Helper()
	var m map[string]any
	var b []byte
	switch x := v.(type) {
	case []byte:
		b = x
	case json.RawMessage:
		b = x
	case string:
		b = []byte(x)
	case discordgo.Interaction:
		b = mustJSON(&x)
	default:
		b = mustJSON(x)
	}
	if err := json.Unmarshal(b, &m); err != nil || m == nil {
		s.t.Fatalf("fakediscord: interaction is not a JSON object: %v", err)
	}
	s.mu.Lock()
	str := func(k string) string { x, _ := m[k].(string); return x }
	if str("id") == "" {
		m["id"] = newID()
	}
	if str("token") == "" {
		m["token"] = "fake-itoken." + randomToken(24)
	}
	m["application_id"] = s.appID
	m["version"] = 1
	typ, _ := m["type"].(float64)
	if typ < 2 || typ > 5 {
		s.mu.Unlock()
		s.t.Fatalf("fakediscord: interaction type %v is not one the gateway sends (2-5)", m["type"])
	}
	gid := str("guild_id")
	if g := s.guilds[gid]; g != nil {
		m["app_permissions"] = perm(s.basePermissions(g, s.botUserID))
		if m["member"] == nil && m["user"] == nil {
			mem := s.memberJSON(g.Members[g.OwnerID])
			mem["permissions"] = perm(allPermissions)
			m["member"] = mem
		} else if mem, ok := m["member"].(map[string]any); ok {
			if u, ok := mem["user"].(map[string]any); ok {
				if uid, _ := u["id"].(string); uid != "" && g.Members[uid] != nil {
					mem["permissions"] = perm(s.basePermissions(g, uid))
				}
			}
		}
		if _, ok := m["guild_locale"]; !ok {
			m["guild_locale"] = "en-US"
		}
	}
	if str("locale") == "" {
		m["locale"] = "en-US"
	}
	sourceMsg := ""
	if msg, ok := m["message"].(map[string]any); ok {
		if id, _ := msg["id"].(string); id != "" {
			sourceMsg = id
			if stored := s.messages[id]; stored != nil {
				m["message"] = s.messageJSON(stored)
			}
		}
	}
	if discordgo.InteractionType(typ) == discordgo.InteractionMessageComponent && sourceMsg == "" {
		s.mu.Unlock()
		s.t.Fatalf("fakediscord: a component interaction needs message.id (the message the component is on)")
	}
	s.registerInteraction(str("id"), str("token"), str("channel_id"), sourceMsg, discordgo.InteractionType(typ))
	s.mu.Unlock()
	out := mustJSON(m)
	var in discordgo.Interaction
	if err := json.Unmarshal(out, &in); err != nil {
		s.t.Fatalf("fakediscord: discordgo cannot decode the interaction: %v", err)
	}
	return &in, out
}
