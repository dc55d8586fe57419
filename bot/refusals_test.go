package bot

import (
	"context"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	goredis "github.com/redis/go-redis/v9"
	"go.uber.org/zap/zaptest"

	"github.com/arrakis-bot/arrakis/internal/testenv"
	"github.com/arrakis-bot/arrakis/store"
	"github.com/arrakis-bot/arrakis/store/memory"
	"github.com/arrakis-bot/arrakis/store/redis"
	"github.com/arrakis-bot/arrakis/wizard"
)

// A second admin sees who owns the session, cannot use the owner's buttons, and can take
// it over; the old owner's buttons then stop working.
func TestOtherAdminIsRefusedAndCanTakeOver(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) { otherAdminTakesOver(t, newE2E(t, tr.mk)) })
	}
}

func otherAdminTakesOver(t *testing.T, e *E2E) {
	e.Command("setup")
	e.Click("open:name")
	e.Submit(map[string]string{"name": "Honey Jar"})
	ownerMsg, ownerNext := e.WizardID, e.Find("next").customID

	other := Member{ID: "990000000000000001", Name: "second", Permissions: discordgo.PermissionManageGuild}
	e.FD.AddMember(e.Seed.ID, other.ID, other.Name, e.Seed.AdminRoleID)
	e.As = other
	r := e.Press(ownerNext, discordgo.ButtonComponent)
	mustContain(t, "foreign click", r.Message.Content, fmt.Sprintf(msgNotOwnerFmt, e.Owner.ID))
	e.mustState(wizard.StateInit)

	r = e.Command("setup")
	mustContain(t, "ownership notice", r.Message.Content, "<@"+e.Owner.ID+"> is running /setup", "<t:", "step 1 of 8")
	if e.Find("takeover") == nil || e.Find("cancel") == nil {
		t.Fatalf("ownership notice lacks Take over / Cancel: %v", e.customIDs())
	}
	r = e.Click("takeover")
	mustContain(t, "take-over confirmation", r.Message.Content, "Take over <@"+e.Owner.ID+">'s setup?", "community **Honey Jar**", "stops working")
	r = e.Click("takeover_ok")
	eq(t, "after take over", r.Title(), "Step 1 of 8 — Community name")
	mustContain(t, "after take over", r.Text(), "Community name: **Honey Jar**", "You took over")
	s := e.mustState(wizard.StateInit)
	eq(t, "owner", s.OwnerID, other.ID)

	e.As, e.WizardID = e.Owner, ownerMsg
	r = e.Press(ownerNext, discordgo.ButtonComponent)
	mustContain(t, "old owner's click", r.Message.Content, fmt.Sprintf(msgNotOwnerFmt, other.ID))
	e.mustState(wizard.StateInit)
}

// Cancel from the ownership notice ends the other admin's session, after a confirmation
// that names them and says their answers are lost.
func TestOtherAdminCancels(t *testing.T) {
	e := newE2E(t, newHTTPTransport)
	e.Command("setup")
	e.As = Member{ID: "990000000000000002", Name: "second", Permissions: discordgo.PermissionAdministrator}
	e.FD.AddMember(e.Seed.ID, e.As.ID, e.As.Name, e.Seed.AdminRoleID)
	e.Command("setup")
	r := e.Click("cancel")
	mustContain(t, "cancel confirmation", r.Message.Content, "Cancel <@"+e.Owner.ID+">'s setup?", "deleted")
	if e.Session() == nil {
		t.Fatalf("the session ended before the confirmation")
	}
	r = e.Click("cancel_ok")
	mustContain(t, "cancel", r.Message.Content, "cancelled")
	if s := e.Session(); s != nil {
		t.Fatalf("session still there after cancel: %+v", s)
	}
}

// Members without Manage Server, and DMs, are refused before anything happens.
func TestNonAdminAndDMAreRefused(t *testing.T) {
	e := newE2E(t, newHTTPTransport)
	e.As = Member{ID: "990000000000000003", Name: "member", Permissions: discordgo.PermissionSendMessages}
	e.FD.AddMember(e.Seed.ID, e.As.ID, e.As.Name)
	r := e.Command("setup")
	eq(t, "non-admin", r.Message.Content, msgNotAdmin)
	if s := e.Session(); s != nil {
		t.Fatalf("non-admin created a session")
	}

	e.As = e.Owner
	e.Command("setup")
	next := e.Find("open:name").customID
	e.As = Member{ID: "990000000000000003", Name: "member", Permissions: 0}
	r = e.Press(next, discordgo.ButtonComponent)
	eq(t, "non-admin click", r.Message.Content, msgNotAdmin)

	reply := e.Bot.Handle(context.Background(), &discordgo.Interaction{
		ID: "1", Type: discordgo.InteractionApplicationCommand, User: &discordgo.User{ID: "5"},
		Data: discordgo.ApplicationCommandInteractionData{Name: "setup"},
	})
	eq(t, "DM", reply.Response.Data.Content, msgDM)
}

// An expired session (and a click for a session that is not the guild's) is told to run
// /setup again; nothing is created or changed.
func TestExpiredSessionIsToldToStartAgain(t *testing.T) {
	var mu sync.Mutex
	now := time.Now()
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	sessions := memory.NewSessions(memory.Options{TTL: 15 * time.Minute, Now: clock})
	e := newE2E(t, newHTTPTransport, func(o *e2eOptions) { o.sessions = sessions })
	e.Command("setup")
	open := e.Find("open:name").customID
	mu.Lock()
	now = now.Add(16 * time.Minute)
	mu.Unlock()
	r := e.Press(open, discordgo.ButtonComponent)
	eq(t, "expired", r.Message.Content, msgExpired)
	if s := e.Session(); s != nil {
		t.Fatalf("expired click brought a session back: %+v", s)
	}

	e.Command("setup")
	foreign := strings.Replace(e.Find("open:name").customID, e.Session().ID, wizard.NewSessionID(e.Seed.ID), 1)
	r = e.Press(foreign, discordgo.ButtonComponent)
	eq(t, "foreign session", r.Message.Content, msgExpired)
	r = e.Press("something-else", discordgo.ButtonComponent)
	eq(t, "unknown control", r.Message.Content, msgUnknown)

	other, _, err := e.Sessions.Create(context.Background(), "123456789012345678", e.Owner.ID, "owner")
	if err != nil {
		t.Fatal(err)
	}
	r = e.Press(idFor(other, actNext), discordgo.ButtonComponent)
	eq(t, "other guild's session", r.Message.Content, msgWrongGuild)
}

// A session value that does not read — damaged, or saved by another version of Arrakis —
// is told in a sentence that says what happened and when /setup works again, on a click and
// on /setup itself; nothing is changed.
func TestUnreadableSessionIsWorded(t *testing.T) {
	e := newE2E(t, newHTTPTransport)
	e.Command("setup")
	next := e.Find("next").customID
	key := redis.SessionKey(e.Seed.ID)
	value := "S9\nsaved by a later version\n"
	c := testenv.Redis(t)
	if err := c.Set(context.Background(), key, value, time.Minute).Err(); err != nil {
		t.Fatalf("SET %s: %v", key, err)
	}
	want := fmt.Sprintf(msgUnreadableFmt, "15 min")
	r := e.Press(next, discordgo.ButtonComponent)
	eq(t, "click on an unreadable session", r.Message.Content, want)
	r = e.Command("setup")
	mustContain(t, "/setup over an unreadable session", r.Text(), want)
	if got := c.Get(context.Background(), key).Val(); got != value {
		t.Fatalf("the unreadable value was changed to %q", got)
	}
}

// Redis down: a clear sentence, nothing changed.
func TestSessionStoreDownIsWorded(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	rc := goredis.NewClient(&goredis.Options{Addr: addr, DialTimeout: 200 * time.Millisecond, MaxRetries: -1})
	t.Cleanup(func() { rc.Close() })
	e := newE2E(t, newHTTPTransport, func(o *e2eOptions) { o.sessions = redis.NewSessions(rc, redis.Options{}) })
	r := e.Command("setup")
	eq(t, "store down", r.Message.Content, msgUnavailable)
}

// A panic inside the handler becomes an internal-error sentence with an id.
func TestPanicBecomesInternalError(t *testing.T) {
	b := New(Deps{Sessions: panicSessions{}, Log: zaptest.NewLogger(t)})
	i := &discordgo.Interaction{
		ID: "1", GuildID: "1", Type: discordgo.InteractionMessageComponent,
		Member: &discordgo.Member{User: &discordgo.User{ID: "2"}, Permissions: discordgo.PermissionManageGuild},
		Data:   discordgo.MessageComponentInteractionData{CustomID: "arr:1.abcdefghijklmnop:1v1:next", ComponentType: discordgo.ButtonComponent},
	}
	r := b.Handle(context.Background(), i)
	mustContain(t, "panic", r.Response.Data.Content, "internal error ", "Nothing was changed")
	eq(t, "ephemeral", r.Response.Data.Flags, discordgo.MessageFlagsEphemeral)
}

type panicSessions struct{ store.Sessions }

func (panicSessions) Validate(context.Context, string, string, string, string) (*wizard.Session, error) {
	panic("boom")
}

// When the bot has lost the guild, the wizard ends its session there and says what is
// missing; the shadow history is not touched.
func TestBotRemovedEndsSession(t *testing.T) {
	e := newE2E(t, newHTTPTransport)
	walk := wizardWalk()
	runWalk(t, e, walk[:len(walk)-1])
	e.FD.RemoveBot(e.Seed.ID)
	r := e.Click("next")
	eq(t, "removed", r.Message.Content, msgNoAccess)
	if s := e.Session(); s != nil {
		t.Fatalf("session survived the bot's removal: state %s", s.State)
	}
}
