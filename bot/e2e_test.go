package bot

// The end-to-end test driver: a Discord user clicking through the wizard. It builds the
// interactions Discord would send (a slash command, a click on a component of the wizard
// message, a modal submit), delivers them over one of two transports — the signed HTTP
// interactions endpoint or the fake gateway through discordgo's own websocket session —
// and reads what the user would now see from the fake Discord's message state.
//
// Reuse it for any walk through the bot (TestDeployEndToEnd does):
//
//	e := newE2E(t, httpTransport)         // or gatewayTransport
//	r := e.Command("setup")               // the wizard appears
//	r = e.Click("open:name")              // a button by action[:arg]; r.Modal is the modal
//	r = e.Submit(map[string]string{"name": "Honey Jar"})
//	r = e.Click("sel:chains", "ethereum") // a select with its values
//
// Every response and every edited message is checked against Discord's limits
// (CheckResponse), and every REST call the bot makes is checked by the fake against the
// OpenAPI spec.

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"

	"github.com/arrakis-bot/arrakis/bot/deploy"
	"github.com/arrakis-bot/arrakis/bot/metrics"
	"github.com/arrakis-bot/arrakis/bot/restbase"
	"github.com/arrakis-bot/arrakis/internal/fakediscord"
	"github.com/arrakis-bot/arrakis/internal/testenv"
	"github.com/arrakis-bot/arrakis/store"
	"github.com/arrakis-bot/arrakis/store/dir"
	"github.com/arrakis-bot/arrakis/store/redis"
	"github.com/arrakis-bot/arrakis/wizard"
)

// Result is what one interaction produced.
type Result struct {
	Interaction *discordgo.Interaction
	Callback    fakediscord.Callback // the initial response as Discord received it
	// Message is the message the response created or updated, after every deferred edit:
	// the wizard message for clicks, a new message for commands and refusals.
	Message *discordgo.Message
	Modal   *fakediscord.Modal // set when the response opened a modal
	Status  int                // HTTP status of the endpoint (HTTP transport only)
}

// Text is the message's content, embed titles, descriptions and fields, for assertions.
func (r Result) Text() string {
	if r.Message == nil {
		return ""
	}
	var b strings.Builder
	b.WriteString(r.Message.Content)
	for _, e := range r.Message.Embeds {
		b.WriteString("\n" + e.Title + "\n" + e.Description)
		for _, f := range e.Fields {
			b.WriteString("\n" + f.Name + ": " + f.Value)
		}
		if e.Footer != nil {
			b.WriteString("\n" + e.Footer.Text)
		}
	}
	return b.String()
}

// Title is the first embed's title ("Step 3 of 8 — Assets"), or "".
func (r Result) Title() string {
	if r.Message == nil || len(r.Message.Embeds) == 0 {
		return ""
	}
	return r.Message.Embeds[0].Title
}

// transport delivers an interaction (raw JSON as Discord would send it) to the bot.
type transport interface {
	deliver(e *E2E, payload map[string]any) Result
}

// Member is a guild member as interactions carry it.
type Member struct {
	ID, Name    string
	Permissions int64
}

// E2E is one fake guild, the bot wired to real Redis and the fake Discord, and a user.
type E2E struct {
	t        testing.TB
	FD       *fakediscord.Server
	Seed     fakediscord.SeededGuild
	Bot      *Bot
	Sessions store.Sessions
	Coord    store.Coordination
	Shadow   store.Shadow
	Deploy   *deploy.Service
	DG       *discordgo.Session
	As       Member // who sends the next interactions
	Owner    Member // the guild owner, an admin
	// WizardID is the wizard message the user is looking at; Click finds components on it.
	WizardID string
	Last     Result
	modal    *fakediscord.Modal
	tr       transport
}

// e2eOptions vary the wiring.
type e2eOptions struct {
	sessions store.Sessions     // default: Redis (testenv.Redis)
	coord    store.Coordination // default: Redis (testenv.Redis)
	shadow   store.Shadow       // default: a fresh directory
	metrics  *metrics.Metrics
	log      *zap.Logger // default: zaptest's, into the test log
}

// newE2E wires the bot to the fake Discord, real Redis and a directory shadow, and
// connects the transport.
func newE2E(t testing.TB, mk func(*E2E) transport, opts ...func(*e2eOptions)) *E2E {
	t.Helper()
	var o e2eOptions
	for _, f := range opts {
		f(&o)
	}
	fd := fakediscord.New(t)
	seed := fd.Seed(fakediscord.GuildOptions{ID: testenv.GuildID(t)})
	e := &E2E{t: t, FD: fd, Seed: seed}
	e.Owner = Member{ID: seed.OwnerID, Name: "owner", Permissions: discordgo.PermissionAdministrator}
	e.As = e.Owner
	e.wireStores(o)
	if o.log == nil {
		// Warnings and errors only: one info line per interaction would bury a failure in
		// scripts/test's -v output. TestLogsCarryIDsButNoSecrets reads the info lines itself.
		o.log = zaptest.NewLogger(t, zaptest.Level(zap.WarnLevel))
	}
	e.DG = newDiscordSession(t, fd)
	e.Deploy = deploy.New(deploy.Config{Session: e.DG, Shadow: e.Shadow, Coordination: e.Coord, Logger: o.log})
	e.Bot = New(Deps{
		Sessions: e.Sessions, Coordination: e.Coord, Shadow: e.Shadow, Guilds: e.Deploy, Deploy: e.Deploy,
		Followups: SessionFollowups{S: e.DG}, Log: o.log, Metrics: o.metrics,
	})
	t.Cleanup(e.Bot.Wait)
	e.tr = mk(e)
	return e
}

func (e *E2E) wireStores(o e2eOptions) {
	e.Sessions, e.Coord, e.Shadow = o.sessions, o.coord, o.shadow
	if e.Sessions == nil || e.Coord == nil {
		rc := testenv.Redis(e.t)
		if e.Sessions == nil {
			e.Sessions = redis.NewSessions(rc, redis.Options{})
		}
		if e.Coord == nil {
			e.Coord = redis.NewCoordination(rc)
		}
	}
	if e.Shadow == nil {
		sh, err := dir.NewShadow(e.t.TempDir())
		if err != nil {
			e.t.Fatalf("dir shadow: %v", err)
		}
		e.Shadow = sh
	}
}

// newDiscordSession is a discordgo session whose REST calls go to the fake.
func newDiscordSession(t testing.TB, fd *fakediscord.Server) *discordgo.Session {
	dg, err := discordgo.New("Bot " + fd.BotToken())
	if err != nil {
		t.Fatalf("discordgo: %v", err)
	}
	rt, err := restbase.New(fd.RESTBase(), http.DefaultTransport)
	if err != nil {
		t.Fatalf("restbase: %v", err)
	}
	dg.Client = &http.Client{Transport: rt, Timeout: 10 * time.Second}
	dg.ShouldRetryOnRateLimit = false
	return dg
}

// memberJSON is the interaction's member object.
func (m Member) json() map[string]any {
	return map[string]any{
		"user":        map[string]any{"id": m.ID, "username": m.Name, "discriminator": "0", "global_name": m.Name},
		"roles":       []string{},
		"permissions": strconv.FormatInt(m.Permissions, 10),
		"joined_at":   "2024-01-01T00:00:00Z",
		"deaf":        false, "mute": false, "flags": 0,
	}
}

func (e *E2E) base(typ discordgo.InteractionType) map[string]any {
	return map[string]any{
		"type": int(typ), "guild_id": e.Seed.ID, "channel_id": e.Seed.GeneralID,
		"member": e.As.json(), "locale": "en-US", "context": 0,
	}
}

// Command runs a slash command. A wizard message it shows becomes the one Click uses.
func (e *E2E) Command(name string) Result {
	e.t.Helper()
	p := e.base(discordgo.InteractionApplicationCommand)
	p["data"] = map[string]any{"id": "1", "name": name, "type": 1}
	r := e.send(p)
	if r.Message != nil && (len(r.Message.Embeds) > 0 || len(r.Message.Components) > 0) {
		e.WizardID, e.Last = r.Message.ID, r
	}
	return r
}

// Click presses the component of the wizard message whose custom_id has the action
// ("next", "open:asset", "sel:chains"), with values for a select menu.
func (e *E2E) Click(action string, values ...string) Result {
	e.t.Helper()
	c := e.Find(action)
	if c == nil {
		e.t.Fatalf("no component %q on the wizard message; it shows:\n%s\ncomponents: %v", action, e.Last.Text(), e.customIDs())
	}
	return e.Press(c.customID, c.kind, values...)
}

// Press sends a component interaction with an exact custom_id (for stale or forged ones).
func (e *E2E) Press(customID string, kind discordgo.ComponentType, values ...string) Result {
	e.t.Helper()
	p := e.base(discordgo.InteractionMessageComponent)
	p["message"] = map[string]any{"id": e.WizardID}
	d := map[string]any{"custom_id": customID, "component_type": int(kind)}
	if kind != discordgo.ButtonComponent {
		if values == nil {
			values = []string{}
		}
		d["values"] = values
	}
	if kind == discordgo.RoleSelectMenuComponent {
		d["resolved"] = e.resolvedRoles(values)
	}
	if kind == discordgo.ChannelSelectMenuComponent {
		// Every value claimed to be a text channel of this guild, as a forged interaction
		// could: the bot must check the live guild, never this.
		chans := map[string]any{}
		for _, id := range values {
			chans[id] = map[string]any{"id": id, "type": 0, "name": "claimed", "permissions": "0"}
		}
		d["resolved"] = map[string]any{"channels": chans}
	}
	p["data"] = d
	return e.send(p)
}

// Submit fills the last opened modal's inputs (by custom_id) and submits it.
func (e *E2E) Submit(values map[string]string) Result {
	e.t.Helper()
	p := e.modalSubmit(values)
	e.modal = nil
	return e.send(p)
}

// modalSubmit is the payload of a submit of the last opened modal.
func (e *E2E) modalSubmit(values map[string]string) map[string]any {
	e.t.Helper()
	if e.modal == nil {
		e.t.Fatalf("no modal is open")
	}
	var rows []any
	for _, c := range e.modal.Components {
		row, _ := asRow(c)
		for _, in := range row.Components {
			ti := in.(*discordgo.TextInput)
			rows = append(rows, map[string]any{"type": 1, "components": []any{
				map[string]any{"type": 4, "custom_id": ti.CustomID, "value": values[ti.CustomID]},
			}})
		}
	}
	p := e.base(discordgo.InteractionModalSubmit)
	p["message"] = map[string]any{"id": e.WizardID}
	p["data"] = map[string]any{"custom_id": e.modal.CustomID, "components": rows}
	return p
}

// ModalValues are the pre-filled values of the last opened modal, by input custom_id.
func (e *E2E) ModalValues() map[string]string {
	out := map[string]string{}
	if e.modal == nil {
		return out
	}
	for _, c := range e.modal.Components {
		row, _ := asRow(c)
		for _, in := range row.Components {
			ti := in.(*discordgo.TextInput)
			out[ti.CustomID] = ti.Value
		}
	}
	return out
}

func (e *E2E) send(p map[string]any) Result {
	e.t.Helper()
	r := e.tr.deliver(e, p)
	e.Bot.Wait()
	e.finish(&r)
	return r
}

// finish reads the callback and the message it touched, and checks both against Discord's limits.
func (e *E2E) finish(r *Result) {
	e.t.Helper()
	cbs := e.FD.Callbacks(r.Interaction.ID)
	if len(cbs) == 0 {
		if r.Status == 0 || r.Status == http.StatusOK {
			e.t.Fatalf("interaction %s got no response", r.Interaction.ID)
		}
		return
	}
	if len(cbs) > 1 {
		e.t.Errorf("interaction %s got %d initial responses, want 1", r.Interaction.ID, len(cbs))
	}
	r.Callback = cbs[0]
	if r.Callback.Status >= 300 {
		e.t.Fatalf("fake Discord refused the response (%d): %s", r.Callback.Status, r.Callback.Raw)
	}
	checkCallbackLimits(e.t, r.Callback)
	if r.Callback.Type == discordgo.InteractionResponseModal {
		m, err := r.Callback.Modal()
		if err != nil {
			e.t.Fatalf("modal: %v", err)
		}
		r.Modal, e.modal = m, m
		return
	}
	r.Message = e.FD.Original(r.Interaction.Token)
	if r.Message != nil {
		checkMessageLimits(e.t, r.Message)
		if r.Message.ID == e.WizardID {
			e.Last = *r
		}
	}
}

// component is a component found on the wizard message.
type component struct {
	customID string
	kind     discordgo.ComponentType
	label    string
	disabled bool
}

// Find returns the component whose custom_id has the action (and arg) given; /drift
// controls are found by their action.
func (e *E2E) Find(action string) *component {
	for _, c := range e.components() {
		if d, err := parseDriftID(c.customID); err == nil && d.Action == action {
			return &c
		}
		id, err := parseCustomID(c.customID)
		if err != nil {
			continue
		}
		if id.Action == action || id.Action+":"+id.Arg == action {
			return &c
		}
	}
	return nil
}

// FindLabel returns the button with the label.
func (e *E2E) FindLabel(label string) *component {
	for _, c := range e.components() {
		if c.label == label {
			return &c
		}
	}
	return nil
}

func (e *E2E) components() []component {
	var out []component
	if e.Last.Message == nil {
		return nil
	}
	for _, rc := range e.Last.Message.Components {
		row, _ := asRow(rc)
		for _, c := range row.Components {
			switch v := c.(type) {
			case *discordgo.Button:
				out = append(out, component{v.CustomID, discordgo.ButtonComponent, v.Label, v.Disabled})
			case *discordgo.SelectMenu:
				out = append(out, component{v.CustomID, v.Type(), v.Placeholder, v.Disabled})
			}
		}
	}
	return out
}

func (e *E2E) customIDs() []string {
	var ids []string
	for _, c := range e.components() {
		ids = append(ids, c.customID)
	}
	return ids
}

// resolvedRoles is the "resolved" data Discord attaches to a role select's values.
func (e *E2E) resolvedRoles(ids []string) map[string]any {
	roles := map[string]any{}
	for _, id := range ids {
		if r := e.FD.Role(e.Seed.ID, id); r != nil {
			b, _ := json.Marshal(r)
			var m map[string]any
			_ = json.Unmarshal(b, &m)
			roles[id] = m
		}
	}
	return map[string]any{"roles": roles}
}

// Session reads the guild's session straight from the store (nil when there is none).
func (e *E2E) Session() *wizard.Session {
	e.t.Helper()
	s, err := e.Sessions.GetByGuild(context.Background(), e.Seed.ID)
	if store.IsCode(err, store.CodeNotFound) || store.IsCode(err, store.CodeExpired) {
		return nil
	}
	if err != nil {
		e.t.Fatalf("read session: %v", err)
	}
	return s
}

// Follow makes the message a result showed the one Click works on (a control that opens
// a new message, like Roll back…).
func (e *E2E) Follow(r Result) Result {
	e.t.Helper()
	if r.Message == nil {
		e.t.Fatalf("Follow: the response showed no message")
	}
	e.WizardID, e.Last = r.Message.ID, r
	return r
}
