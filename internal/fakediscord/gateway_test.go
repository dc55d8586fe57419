package fakediscord

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"
)

func TestGatewayOpenAndInteraction(t *testing.T) {
	fd, g, s := setup(t)
	got := make(chan *discordgo.InteractionCreate, 1)
	s.AddHandler(func(s *discordgo.Session, i *discordgo.InteractionCreate) {
		if err := s.InteractionRespond(i.Interaction, &discordgo.InteractionResponse{
			Type: discordgo.InteractionResponseChannelMessageWithSource,
			Data: &discordgo.InteractionResponseData{Content: "Hello from the handler", Flags: discordgo.MessageFlagsEphemeral},
		}); err != nil {
			t.Errorf("respond: %v", err)
		}
		got <- i
	})
	ready := make(chan *discordgo.Ready, 1)
	s.AddHandler(func(_ *discordgo.Session, r *discordgo.Ready) { ready <- r })
	if err := s.Open(); err != nil {
		t.Fatalf("Open: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := fd.WaitConnected(ctx, 1); err != nil {
		t.Fatal(err)
	}
	select {
	case r := <-ready:
		if r.User.ID != fd.BotUserID() || len(r.Guilds) != 1 || r.SessionID == "" {
			t.Errorf("READY %+v", r)
		}
	case <-ctx.Done():
		t.Fatal("no READY")
	}
	// GUILD_CREATE fills discordgo's state.
	deadline := time.Now().Add(5 * time.Second)
	for {
		ok := false
		if sg, err := s.State.Guild(g.ID); err == nil {
			s.State.RLock() // discordgo's state is written by its event goroutine
			ok = len(sg.Roles) == 4 && len(sg.Channels) == 7
			s.State.RUnlock()
		}
		if ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("GUILD_CREATE did not reach discordgo's state")
		}
		time.Sleep(10 * time.Millisecond)
	}
	sent := fd.DispatchInteraction(slashCommand(g, "setup"))
	select {
	case i := <-got:
		if i.ID != sent.ID || i.ApplicationCommandData().Name != "setup" || i.Member.User.ID != g.OwnerID {
			t.Errorf("received %+v", i.Interaction)
		}
	case <-ctx.Done():
		t.Fatal("INTERACTION_CREATE not received")
	}
	deadline = time.Now().Add(5 * time.Second)
	for fd.Original(sent.Token) == nil && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if o := fd.Original(sent.Token); o == nil || o.Content != "Hello from the handler" {
		t.Errorf("original %+v", o)
	}
	if sh := fd.Shards(); len(sh) != 1 || sh[0] != [2]int{0, 1} {
		t.Errorf("shards %v", sh)
	}
}

func TestGatewayShardsAndBadToken(t *testing.T) {
	fd := New(t)
	var gids []string
	for i := 0; i < 6; i++ {
		gids = append(gids, fd.AddGuild(GuildOptions{Bare: true}))
	}
	s0, s1 := fd.NewSession(t), fd.NewSession(t)
	s0.ShardID, s0.ShardCount = 0, 2
	s1.ShardID, s1.ShardCount = 1, 2
	counts := [2]chan int{make(chan int, 1), make(chan int, 1)}
	for i, s := range []*discordgo.Session{s0, s1} {
		i := i
		s.AddHandler(func(_ *discordgo.Session, r *discordgo.Ready) { counts[i] <- len(r.Guilds) })
		if err := s.Open(); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := fd.WaitConnected(ctx, 2); err != nil {
		t.Fatal(err)
	}
	total := 0
	for i := range counts {
		select {
		case n := <-counts[i]:
			total += n
		case <-ctx.Done():
			t.Fatal("no READY")
		}
	}
	if total != len(gids) {
		t.Errorf("shards saw %d guilds in all, want each of %d exactly once", total, len(gids))
	}

	bad := fd.NewSession(t)
	bad.Token = "Bot nope"
	bad.Identify.Token = "Bot nope"
	_ = bad.Open() // READY never comes; discordgo notices the close afterwards
	ctx2, cancel2 := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel2()
	if err := fd.WaitConnected(ctx2, 3); err == nil {
		t.Error("a session with a wrong token was accepted")
	}
}

func TestGatewayGuildEvents(t *testing.T) {
	fd, g, s := setup(t)
	roleCreated := make(chan string, 1)
	guildDeleted := make(chan string, 1)
	s.AddHandler(func(_ *discordgo.Session, e *discordgo.GuildRoleCreate) { roleCreated <- e.Role.Name })
	s.AddHandler(func(_ *discordgo.Session, e *discordgo.GuildDelete) { guildDeleted <- e.ID })
	if err := s.Open(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := fd.WaitConnected(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GuildRoleCreate(g.ID, &discordgo.RoleParams{Name: "Whale"}); err != nil {
		t.Fatal(err)
	}
	select {
	case name := <-roleCreated:
		if name != "Whale" {
			t.Errorf("GUILD_ROLE_CREATE for %q", name)
		}
	case <-ctx.Done():
		t.Fatal("no GUILD_ROLE_CREATE")
	}
	fd.RemoveBot(g.ID)
	select {
	case id := <-guildDeleted:
		if id != g.ID {
			t.Errorf("GUILD_DELETE for %s", id)
		}
	case <-ctx.Done():
		t.Fatal("no GUILD_DELETE after RemoveBot")
	}
}

// TestGatewayRawProtocol speaks the protocol by hand: HELLO, heartbeat → ACK,
// IDENTIFY with a wrong token → close 4004.
func TestGatewayRawProtocol(t *testing.T) {
	fd := New(t)
	ws, _, err := websocket.DefaultDialer.Dial(fd.GatewayURL()+"/?v=9&encoding=json", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	_ = ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	var p struct {
		Op int             `json:"op"`
		D  json.RawMessage `json:"d"`
	}
	if err := ws.ReadJSON(&p); err != nil || p.Op != 10 || !strings.Contains(string(p.D), `"heartbeat_interval":41250`) {
		t.Fatalf("first frame op %d d %s err %v, want HELLO", p.Op, p.D, err)
	}
	if err := ws.WriteJSON(map[string]any{"op": 1, "d": nil}); err != nil {
		t.Fatal(err)
	}
	if err := ws.ReadJSON(&p); err != nil || p.Op != 11 {
		t.Fatalf("after heartbeat: op %d err %v, want 11", p.Op, err)
	}
	if err := ws.WriteJSON(map[string]any{"op": 2, "d": map[string]any{"token": "Bot wrong", "intents": 1, "properties": map[string]string{}}}); err != nil {
		t.Fatal(err)
	}
	_, _, err = ws.ReadMessage()
	var ce *websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != 4004 {
		t.Errorf("after a bad IDENTIFY: %v, want close 4004", err)
	}
}
