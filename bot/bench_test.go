package bot

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/arrakis-bot/arrakis/store/memory"
	"github.com/arrakis-bot/arrakis/wizard"
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

// BenchmarkConfirmDeployClick is one Confirm deploy click, measured apart from the
// session-writing clicks arrakis-load drives (chains select, Next, Back): Confirm reviews the
// live guild again, compares the plan's hash with the one it carries, and runs the deploy
// (here one role update, the guild having drifted) — through the signed HTTP endpoint, on
// real Redis, with the fake Discord in this process. cpu-µs/op is this process's CPU per
// click (getrusage; the fake Discord's side of the REST calls included), rest-calls/op the
// Discord REST requests the click made. Reaching the review (/setup, six Next, Deploy…) is
// outside the timer.
//
//	scripts/test ./bot/ -run '^$' -bench ConfirmDeployClick -benchtime 30x
func BenchmarkConfirmDeployClick(b *testing.B) {
	e := newE2E(b, newHTTPTransport)
	res := mustDeploy(b, e, deployedManifest(b, e))
	benchConfirm(b, e, "confirm", "Deployed", func(n int) {
		color := 0x100000 + n // a drift for Confirm to deploy
		e.FD.UpdateRole(e.Seed.ID, res.Roles["tier-2"], func(r *discordgo.Role) { r.Color = color })
		e.Command("setup")
		for range 6 {
			e.Click("next")
		}
		e.mustState(wizard.StateReview)
		mustContain(b, "review", e.Click("deploy").Text(), "Update role **Gold**")
	}, func() {
		e.Click("finish") // ends the session; the next /setup edits the deployed setup
	})
}

// BenchmarkConfirmReconcileClick is /drift's Confirm reconcile, measured apart like Confirm
// deploy: it compares the live guild again, checks the report's hash and puts one drifted
// role colour right. /drift and Reconcile… are outside the timer.
//
//	scripts/test ./bot/ -run '^$' -bench ConfirmReconcileClick -benchtime 30x
func BenchmarkConfirmReconcileClick(b *testing.B) {
	e := newE2E(b, newHTTPTransport)
	res := mustDeploy(b, e, deployedManifest(b, e))
	benchConfirm(b, e, "rec_ok", "✅ Reconciled", func(n int) {
		color := 0x100000 + n
		e.FD.UpdateRole(e.Seed.ID, res.Roles["tier-2"], func(r *discordgo.Role) { r.Color = color })
		e.Command("drift")
		mustContain(b, "reconcile", e.Click("rec").Text(), "**Reconcile**")
	}, nil)
}

// BenchmarkConfirmPruneClick is /drift's Confirm prune, measured apart: it compares the live
// guild again, checks the listed deletions' hash and deletes the one role a smaller setup
// left behind. Deploying the full and then the smaller setup, /drift and Prune… are outside
// the timer.
//
//	scripts/test ./bot/ -run '^$' -bench ConfirmPruneClick -benchtime 30x
func BenchmarkConfirmPruneClick(b *testing.B) {
	e := newE2E(b, newHTTPTransport)
	full := deployedManifest(b, e)
	d := wizard.SessionDataFromManifest(full, "")
	d.Tiers = d.Tiers[:1]
	smaller, ps := wizard.BuildManifest(e.Seed.ID, d)
	if len(ps) > 0 {
		b.Fatal(ps)
	}
	benchConfirm(b, e, "prune_ok", "✅ Pruned", func(int) {
		mustDeploy(b, e, full)
		mustDeploy(b, e, smaller)
		e.Command("drift")
		mustContain(b, "prune", e.Click("prune").Text(), "deletes exactly these", "Delete role **Gold**")
	}, nil)
}

// benchConfirm times only the confirming click: prepare (untimed) reaches the confirmation,
// the click must answer with want, then after (untimed, may be nil) tidies up. It reports
// this process's CPU per click (getrusage: the fake Discord's side of the REST calls
// included) and the Discord REST requests the click made.
func benchConfirm(b *testing.B, e *E2E, confirm, want string, prepare func(n int), after func()) {
	var cpu time.Duration
	rest := 0
	b.ReportAllocs()
	b.StopTimer()
	for n := 0; n < b.N; n++ {
		prepare(n)
		e.FD.ResetCounts()
		c0 := processCPU()
		b.StartTimer()
		r := e.Click(confirm)
		b.StopTimer()
		cpu += processCPU() - c0
		mustContain(b, confirm, r.Text(), want)
		rest += len(e.FD.Requests())
		if after != nil {
			after()
		}
	}
	b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "cpu-µs/op")
	b.ReportMetric(float64(rest)/float64(b.N), "rest-calls/op")
}

// processCPU is this process's user+system CPU.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
