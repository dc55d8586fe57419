package bot

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/arrakis-bot/arrakis/store/memory"
)

// BenchmarkHandleSelectClick is the handler's own cost for one select-menu click on the
// wizard (validate session, persist the choice by CAS, render the step), on memory stores.
func BenchmarkHandleSelectClick(b *testing.B) {
	ctx := context.Background()
	sessions := memory.NewSessions(memory.Options{})
	bt := New(Deps{Sessions: sessions, Coordination: memory.NewCoordination(nil)})
	s, _, err := sessions.Create(ctx, "123456789012345678", "42", "owner")
	if err != nil {
		b.Fatal(err)
	}
	s.Data.CommunityName = "Honey Jar"
	if s, err = sessions.Update(ctx, s); err != nil {
		b.Fatal(err)
	}
	member := &discordgo.Member{User: &discordgo.User{ID: "42"}, Permissions: discordgo.PermissionManageGuild}
	if s, err = sessions.Transition(ctx, s.ID, s.Version, "CHAIN_SELECT"); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		i := &discordgo.Interaction{ID: "1", GuildID: s.GuildID, Type: discordgo.InteractionMessageComponent, Member: member,
			Data: discordgo.MessageComponentInteractionData{CustomID: idFor(s, actSelect, "chains"),
				ComponentType: discordgo.SelectMenuComponent, Values: []string{"ethereum", "base"}}}
		r := bt.Handle(ctx, i)
		if r.Response.Type != discordgo.InteractionResponseUpdateMessage {
			b.Fatalf("response %d", r.Response.Type)
		}
		s.Version++
	}
}

// BenchmarkVerifySignature is the endpoint's Ed25519 check of one interaction.
func BenchmarkVerifySignature(b *testing.B) {
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	h := &InteractionsHandler{PublicKey: pub}
	body := make([]byte, 2048)
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	hd := http.Header{}
	hd.Set("X-Signature-Timestamp", ts)
	hd.Set("X-Signature-Ed25519", hex.EncodeToString(ed25519.Sign(priv, append([]byte(ts), body...))))
	now := time.Now()
	for b.Loop() {
		if !h.verify(hd, body, now) {
			b.Fatal("signature refused")
		}
	}
}
