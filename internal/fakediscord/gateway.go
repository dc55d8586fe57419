package fakediscord

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// A minimal gateway, enough for discordgo's Session.Open: HELLO → IDENTIFY →
// READY + one GUILD_CREATE per guild of the shard, heartbeat → ACK, RESUME
// answered with INVALID_SESSION (discordgo then identifies again), and
// dispatches (INTERACTION_CREATE, guild/role/channel events) with a
// per-connection sequence number. Payloads are sent as uncompressed text
// frames, which discordgo accepts even though it asks for zlib.

// heartbeatInterval is what HELLO announces (Discord's usual value).
const heartbeatInterval = 41250

type gateway struct {
	mu      sync.Mutex
	conns   map[*gwConn]bool
	changed chan struct{} // closed and replaced whenever a session becomes ready or leaves
	shards  [][2]int
	closed  bool
}

type gwConn struct {
	ws        *websocket.Conn
	send      chan []byte
	seq       int64
	sessionID string
	shard     [2]int
	ready     bool
	done      chan struct{}
	closeOnce sync.Once
}

func (g *gateway) init() {
	g.conns = map[*gwConn]bool{}
	g.changed = make(chan struct{})
}

func (g *gateway) notifyLocked() {
	close(g.changed)
	g.changed = make(chan struct{})
}

var upgrader = websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}

func (s *Server) serveGateway(w http.ResponseWriter, r *http.Request) {
	if q := r.URL.Query(); q.Get("v") != "" && q.Get("v") != "9" && q.Get("v") != "10" {
		http.Error(w, "unsupported gateway version", http.StatusBadRequest)
		return
	}
	ws, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return // the upgrader already answered
	}
	c := &gwConn{ws: ws, send: make(chan []byte, 1024), done: make(chan struct{})}
	s.gw.mu.Lock()
	if s.gw.closed {
		s.gw.mu.Unlock()
		_ = ws.Close()
		return
	}
	s.gw.conns[c] = true
	s.gw.mu.Unlock()
	go c.writeLoop()
	c.enqueue(mustJSON(obj{"op": 10, "d": obj{"heartbeat_interval": heartbeatInterval}, "s": nil, "t": nil}))
	s.readLoop(c)
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("fakediscord: marshal gateway payload: %v", err))
	}
	return b
}

func (c *gwConn) enqueue(b []byte) {
	select {
	case c.send <- b:
	case <-c.done:
	}
}

func (c *gwConn) writeLoop() {
	for {
		select {
		case b := <-c.send:
			_ = c.ws.SetWriteDeadline(time.Now().Add(5 * time.Second))
			if err := c.ws.WriteMessage(websocket.TextMessage, b); err != nil {
				c.close(websocket.CloseAbnormalClosure, "")
				return
			}
		case <-c.done:
			return
		}
	}
}

func (c *gwConn) close(code int, text string) {
	c.closeOnce.Do(func() {
		close(c.done)
		if code != websocket.CloseAbnormalClosure {
			_ = c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, text), time.Now().Add(time.Second))
		}
		_ = c.ws.Close()
	})
}

func (s *Server) dropConn(c *gwConn) {
	s.gw.mu.Lock()
	if s.gw.conns[c] {
		delete(s.gw.conns, c)
		s.gw.notifyLocked()
	}
	s.gw.mu.Unlock()
}

func (s *Server) readLoop(c *gwConn) {
	defer s.dropConn(c)
	defer c.close(websocket.CloseNormalClosure, "")
	for {
		_, msg, err := c.ws.ReadMessage()
		if err != nil {
			return
		}
		var p struct {
			Op int             `json:"op"`
			D  json.RawMessage `json:"d"`
		}
		if err := json.Unmarshal(msg, &p); err != nil {
			c.close(4002, "Decode error")
			return
		}
		switch p.Op {
		case 1: // heartbeat
			c.enqueue(mustJSON(obj{"op": 11, "d": nil, "s": nil, "t": nil}))
		case 2: // identify
			if !s.identify(c, p.D) {
				return
			}
		case 6: // resume: sessions are not kept, so ask for a fresh identify
			c.enqueue(mustJSON(obj{"op": 9, "d": false, "s": nil, "t": nil}))
		case 3, 4, 8: // presence, voice state, request members: accepted, ignored
		default:
			c.close(4001, "Unknown opcode")
			return
		}
	}
}

func (s *Server) identify(c *gwConn, d json.RawMessage) bool {
	var id struct {
		Token string  `json:"token"`
		Shard *[2]int `json:"shard"`
	}
	if err := json.Unmarshal(d, &id); err != nil {
		c.close(4002, "Decode error")
		return false
	}
	if strings.TrimPrefix(id.Token, "Bot ") != s.botToken {
		c.close(4004, "Authentication failed.")
		return false
	}
	shard := [2]int{0, 1}
	if id.Shard != nil {
		shard = *id.Shard
	}
	if shard[1] < 1 || shard[0] < 0 || shard[0] >= shard[1] {
		c.close(4010, "Invalid shard.")
		return false
	}
	s.mu.Lock()
	var unavailable []obj
	var creates [][]byte
	for _, gid := range s.guildOrder {
		g := s.guilds[gid]
		if g.BotRemoved || !onShard(gid, shard) {
			continue
		}
		unavailable = append(unavailable, obj{"id": gid, "unavailable": true})
		creates = append(creates, mustJSON(s.guildCreateJSON(g)))
	}
	if unavailable == nil {
		unavailable = []obj{}
	}
	me := s.userJSON(s.botUserID)
	s.mu.Unlock()

	s.gw.mu.Lock()
	defer s.gw.mu.Unlock()
	if c.ready {
		c.closeLocked(4005, "Already authenticated.")
		return false
	}
	c.sessionID = randomToken(16)
	c.shard = shard
	ready := obj{
		"v": 9, "user": me, "guilds": unavailable, "session_id": c.sessionID,
		"resume_gateway_url": s.GatewayURL(), "shard": shard,
		"application": obj{"id": s.appID, "flags": 0}, "private_channels": []obj{}, "relationships": []obj{},
	}
	c.dispatchLocked("READY", mustJSON(ready))
	for _, b := range creates {
		c.dispatchLocked("GUILD_CREATE", b)
	}
	c.ready = true
	s.gw.shards = append(s.gw.shards, shard)
	s.gw.notifyLocked()
	return true
}

func (c *gwConn) closeLocked(code int, text string) { go c.close(code, text) }

// dispatchLocked sends an op 0 event with this connection's next sequence
// number; callers hold gateway.mu so sequence order matches send order.
func (c *gwConn) dispatchLocked(event string, payload []byte) {
	c.seq++
	b := []byte(`{"op":0,"t":"` + event + `","s":` + strconv.FormatInt(c.seq, 10) + `,"d":`)
	b = append(b, payload...)
	b = append(b, '}')
	select {
	case c.send <- b:
	default: // a client that stopped reading loses events rather than blocking the fake
	}
}

// onShard is Discord's routing rule: (guild_id >> 22) % num_shards == shard_id.
func onShard(guildID string, shard [2]int) bool {
	id, err := strconv.ParseUint(guildID, 10, 64)
	if err != nil || shard[1] <= 1 {
		return true
	}
	return int((id>>22)%uint64(shard[1])) == shard[0]
}

// broadcast sends an event to every ready session (for a guild event, only
// to the shard that owns the guild). Safe to call with s.mu held.
func (g *gateway) broadcast(event string, payload any) {
	b := mustJSON(payload)
	gid := guildOf(payload)
	g.mu.Lock()
	defer g.mu.Unlock()
	for c := range g.conns {
		if c.ready && (gid == "" || onShard(gid, c.shard)) {
			c.dispatchLocked(event, b)
		}
	}
}

func guildOf(payload any) string {
	if o, ok := payload.(obj); ok {
		if id, ok := o["guild_id"].(string); ok {
			return id
		}
		if id, ok := o["id"].(string); ok && len(o) == 1 {
			return id // GUILD_DELETE {id}
		}
	}
	return ""
}

// guildAdded tells ready sessions about a guild seeded after they connected.
func (g *gateway) guildAdded(s *Server, gid string) {
	b := mustJSON(s.guildCreateJSON(s.guilds[gid]))
	g.mu.Lock()
	defer g.mu.Unlock()
	for c := range g.conns {
		if c.ready && onShard(gid, c.shard) {
			c.dispatchLocked("GUILD_CREATE", b)
		}
	}
}

func (g *gateway) closeAll() {
	g.mu.Lock()
	g.closed = true
	conns := make([]*gwConn, 0, len(g.conns))
	for c := range g.conns {
		conns = append(conns, c)
	}
	g.mu.Unlock()
	for _, c := range conns {
		c.close(websocket.CloseGoingAway, "fake shutting down")
	}
}

// guildCreateJSON is the GUILD_CREATE payload; callers hold s.mu.
func (s *Server) guildCreateJSON(g *guild) obj {
	o := s.guildJSON(g)
	members := []obj{}
	for _, m := range g.Members {
		members = append(members, s.memberJSON(m))
	}
	channels := []obj{}
	for _, c := range s.guildChannels(g.ID) {
		channels = append(channels, s.channelJSON(c))
	}
	o["joined_at"] = g.CreatedAt.Format(time.RFC3339Nano)
	o["large"] = false
	o["unavailable"] = false
	o["member_count"] = len(g.Members)
	o["members"] = members
	o["channels"] = channels
	o["threads"] = []obj{}
	o["presences"] = []obj{}
	o["voice_states"] = []obj{}
	o["stage_instances"] = []obj{}
	o["guild_scheduled_events"] = []obj{}
	o["soundboard_sounds"] = []obj{}
	return o
}

// WaitConnected waits until at least n gateway sessions have identified and
// received READY, or ctx ends.
func (s *Server) WaitConnected(ctx context.Context, n int) error {
	for {
		s.gw.mu.Lock()
		ready := 0
		for c := range s.gw.conns {
			if c.ready {
				ready++
			}
		}
		ch := s.gw.changed
		s.gw.mu.Unlock()
		if ready >= n {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return fmt.Errorf("fakediscord: %d of %d gateway sessions connected: %w", ready, n, ctx.Err())
		}
	}
}

// Shards returns the [shard_id, num_shards] of every IDENTIFY accepted so far.
func (s *Server) Shards() [][2]int {
	s.gw.mu.Lock()
	defer s.gw.mu.Unlock()
	return append([][2]int(nil), s.gw.shards...)
}

// DisconnectAll closes every gateway connection (code 4000, as on a Discord
// restart); discordgo reconnects when ShouldReconnectOnError is set.
func (s *Server) DisconnectAll() {
	s.gw.mu.Lock()
	conns := make([]*gwConn, 0, len(s.gw.conns))
	for c := range s.gw.conns {
		conns = append(conns, c)
	}
	s.gw.mu.Unlock()
	for _, c := range conns {
		c.close(4000, "Unknown error")
	}
}
