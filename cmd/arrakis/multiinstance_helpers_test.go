package main

// Helpers of TestMultiInstance: the arrakis binary built once, `arrakis serve` child
// processes (each in its own process group, killed on every exit path), and a compact
// driver that clicks through the wizard over the signed HTTP interactions endpoint of
// whichever instance it is told to use, reading what the admin sees from the fake Discord.

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/arrakis-bot/arrakis/internal/fakediscord"
	"github.com/arrakis-bot/arrakis/internal/testenv"
)

// buildArrakis builds this package's binary once per test (no -race: the children are
// the system under test, not the test).
func buildArrakis(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "arrakis")
	// Default build settings, so the build cache of any earlier `go build` is reused.
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build arrakis: %v\n%s", err, out)
	}
	return bin
}

// child is one `arrakis serve` process.
type child struct {
	name string
	cmd  *exec.Cmd
	base string // http://127.0.0.1:PORT
	log  string // its stdout+stderr
	once sync.Once
	done chan struct{}
}

// childEnv is the environment of a child: this process's, without any ARRAKIS_ setting
// except the given ones (so a developer's own configuration cannot leak in).
func childEnv(settings map[string]string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "ARRAKIS_") {
			env = append(env, kv)
		}
	}
	for k, v := range settings {
		env = append(env, k+"="+v)
	}
	return env
}

func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// startChild starts `arrakis serve` with settings and waits for /readyz.
func startChild(t *testing.T, bin, name string, settings map[string]string) *child {
	t.Helper()
	addr := freePort(t)
	s := map[string]string{"ARRAKIS_HTTP_LISTEN": addr}
	for k, v := range settings {
		s[k] = v
	}
	logPath := filepath.Join(t.TempDir(), name+".log")
	lf, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "serve")
	cmd.Env = childEnv(s)
	cmd.Stdout, cmd.Stderr = lf, lf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		lf.Close()
		t.Fatalf("start %s: %v", name, err)
	}
	c := &child{name: name, cmd: cmd, base: "http://" + addr, log: logPath, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); lf.Close(); close(c.done) }()
	t.Cleanup(func() {
		c.kill()
		if t.Failed() {
			t.Logf("--- %s log (tail) ---\n%s", name, tail(logPath, 4000))
		}
	})
	c.waitReady(t, 60*time.Second)
	return c
}

// kill ends the child's whole process group at once (SIGKILL) and waits for it.
func (c *child) kill() {
	c.once.Do(func() {
		if c.cmd.Process != nil {
			_ = syscall.Kill(-c.cmd.Process.Pid, syscall.SIGKILL)
		}
	})
	select {
	case <-c.done:
	case <-time.After(10 * time.Second):
	}
}

func (c *child) waitReady(t *testing.T, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		select {
		case <-c.done:
			t.Fatalf("%s exited before it was ready:\n%s", c.name, tail(c.log, 4000))
		default:
		}
		resp, err := http.Get(c.base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s not ready within %s (last: %v):\n%s", c.name, within, err, tail(c.log, 4000))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func tail(path string, n int) string {
	b, _ := os.ReadFile(path)
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return string(b)
}

// --- the driver ---

// wiz is one admin clicking through one guild's wizard; each interaction goes to the
// instance the caller picks (round robin by default).
type wiz struct {
	t      *testing.T
	fd     *fakediscord.Server
	seed   fakediscord.SeededGuild
	priv   ed25519.PrivateKey
	client *http.Client
	live   []*child // instances clicks rotate over
	n      int
	vias   []string           // which instance got each interaction, in order
	last   *discordgo.Message // the wizard message as the admin sees it
	modal  *fakediscord.Modal
}

// answer is one interaction's outcome.
type answer struct {
	in      *discordgo.Interaction
	via     string
	status  int
	cbType  discordgo.InteractionResponseType
	msg     *discordgo.Message // the message the answer made or updated, after deferred edits
	postErr error
}

// firstEdit waits for the first edit of @original made with an interaction's token (a
// deferred answer) and returns the message it set.
func firstEdit(t *testing.T, fd *fakediscord.Server, token string) (*discordgo.Message, error) {
	t.Helper()
	var body []byte
	waitFor(t, 30*time.Second, "the deferred answer's edit", func() bool {
		for _, r := range fd.Requests() {
			if r.Method == http.MethodPatch && strings.Contains(r.Path, token) && strings.HasSuffix(r.Path, "/messages/@original") {
				body = r.Body
				return true
			}
		}
		return false
	})
	var m discordgo.Message
	if err := json.Unmarshal(body, &m); err != nil {
		return nil, fmt.Errorf("decode the edit %s: %w", body, err)
	}
	return &m, nil
}

func (a answer) text() string {
	if a.msg == nil {
		return ""
	}
	var b strings.Builder
	b.WriteString(a.msg.Content)
	for _, e := range a.msg.Embeds {
		b.WriteString("\n" + e.Title + "\n" + e.Description)
		for _, f := range e.Fields {
			b.WriteString("\n" + f.Name + ": " + f.Value)
		}
	}
	return b.String()
}

func (a answer) title() string {
	if a.msg == nil || len(a.msg.Embeds) == 0 {
		return ""
	}
	return a.msg.Embeds[0].Title
}

func (w *wiz) payload(typ discordgo.InteractionType) map[string]any {
	return map[string]any{
		"type": int(typ), "guild_id": w.seed.ID, "channel_id": w.seed.GeneralID, "locale": "en-US", "context": 0,
		"member": map[string]any{
			"user":        map[string]any{"id": w.seed.OwnerID, "username": "owner", "discriminator": "0", "global_name": "owner"},
			"roles":       []string{},
			"permissions": strconv.FormatInt(discordgo.PermissionAdministrator, 10),
			"joined_at":   "2024-01-01T00:00:00Z", "deaf": false, "mute": false, "flags": 0,
		},
	}
}

// prepare registers the interaction with the fake (id, token) and returns it signed-ready.
func (w *wiz) prepare(p map[string]any) (*discordgo.Interaction, []byte) {
	w.t.Helper()
	return w.fd.NewInteraction(p)
}

// post signs raw and posts it to c's endpoint.
func (w *wiz) post(c *child, raw []byte) (int, []byte, error) {
	stamp := strconv.FormatInt(time.Now().Unix(), 10)
	req, err := http.NewRequest(http.MethodPost, c.base+"/interactions", bytes.NewReader(raw))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Signature-Timestamp", stamp)
	req.Header.Set("X-Signature-Ed25519", hex.EncodeToString(ed25519.Sign(w.priv, append([]byte(stamp), raw...))))
	resp, err := w.client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, body, err
}

// next picks the instance for the next interaction: round robin over the live ones.
func (w *wiz) next() *child {
	c := w.live[w.n%len(w.live)]
	w.n++
	return c
}

// deliver posts a prepared interaction to c and reads the outcome as the admin sees it.
func (w *wiz) deliver(c *child, in *discordgo.Interaction, raw []byte) answer {
	w.t.Helper()
	a := answer{in: in, via: c.name}
	w.vias = append(w.vias, c.name)
	status, body, err := w.post(c, raw)
	a.status, a.postErr = status, err
	if err != nil || status != http.StatusOK {
		return a
	}
	if err := w.fd.AcknowledgeHTTP(in.ID, body); err != nil {
		w.t.Fatalf("%s: the fake refused the answer: %v\n%s", c.name, err, body)
	}
	cbs := w.fd.Callbacks(in.ID)
	if len(cbs) != 1 {
		w.t.Fatalf("%s: interaction %s got %d initial responses", c.name, in.ID, len(cbs))
	}
	a.cbType = cbs[0].Type
	switch a.cbType {
	case discordgo.InteractionResponseModal:
		m, err := cbs[0].Modal()
		if err != nil {
			w.t.Fatalf("decode modal: %v", err)
		}
		w.modal = m
		return a
	case discordgo.InteractionResponseDeferredChannelMessageWithSource:
		a.msg = w.waitOriginal(in.Token, func(m *discordgo.Message) bool { return len(m.Embeds) > 0 || m.Content != "" })
	default:
		// REVIEW answers at once with "Checking the plan…" and edits the message with the
		// plan when the live guild has been read.
		a.msg = w.waitOriginal(in.Token, func(m *discordgo.Message) bool {
			return len(m.Embeds) == 0 || !strings.Contains(m.Embeds[0].Description, "Checking the plan")
		})
	}
	if a.msg != nil && len(a.msg.Embeds) > 0 {
		w.last = a.msg
	}
	return a
}

// waitOriginal polls the interaction's @original until ok says it is complete.
func (w *wiz) waitOriginal(token string, ok func(*discordgo.Message) bool) *discordgo.Message {
	w.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		m := w.fd.Original(token)
		if m != nil && ok(m) {
			return m
		}
		if time.Now().After(deadline) {
			w.t.Fatalf("the answer's message was not complete within 20s: %+v", m)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// send delivers a payload to the next instance; a failed post is fatal.
func (w *wiz) send(p map[string]any) answer {
	w.t.Helper()
	c := w.next()
	in, raw := w.prepare(p)
	a := w.deliver(c, in, raw)
	if a.postErr != nil || a.status != http.StatusOK {
		w.t.Fatalf("%s answered %d (%v)", c.name, a.status, a.postErr)
	}
	return a
}

func (w *wiz) command(name string) answer {
	w.t.Helper()
	p := w.payload(discordgo.InteractionApplicationCommand)
	p["data"] = map[string]any{"id": "1", "name": name, "type": 1}
	return w.send(p)
}

// component finds the control of the wizard message whose custom_id has action
// ("next", "sel:chains", "open:asset").
func (w *wiz) component(action string) (string, discordgo.ComponentType) {
	w.t.Helper()
	var ids []string
	if w.last != nil {
		for _, rc := range w.last.Components {
			row, ok := rc.(*discordgo.ActionsRow)
			if !ok {
				continue
			}
			for _, c := range row.Components {
				var id string
				var kind discordgo.ComponentType
				switch v := c.(type) {
				case *discordgo.Button:
					id, kind = v.CustomID, discordgo.ButtonComponent
				case *discordgo.SelectMenu:
					id, kind = v.CustomID, v.Type()
				default:
					continue
				}
				ids = append(ids, id)
				parts := strings.SplitN(id, ":", 5)
				if len(parts) < 4 || parts[0] != "arr" {
					continue
				}
				if parts[3] == action || len(parts) == 5 && parts[3]+":"+parts[4] == action {
					return id, kind
				}
			}
		}
	}
	w.t.Fatalf("no %q on the wizard message; it has %v", action, ids)
	return "", 0
}

// clickPayload is a click on customID with values for a select.
func (w *wiz) clickPayload(customID string, kind discordgo.ComponentType, values ...string) map[string]any {
	p := w.payload(discordgo.InteractionMessageComponent)
	if w.last != nil {
		p["message"] = map[string]any{"id": w.last.ID}
	}
	d := map[string]any{"custom_id": customID, "component_type": int(kind)}
	if kind != discordgo.ButtonComponent {
		if values == nil {
			values = []string{}
		}
		d["values"] = values
	}
	p["data"] = d
	return p
}

func (w *wiz) click(action string, values ...string) answer {
	w.t.Helper()
	id, kind := w.component(action)
	return w.send(w.clickPayload(id, kind, values...))
}

// submit fills the open modal (inputs by custom_id) and submits it.
func (w *wiz) submit(values map[string]string) answer {
	w.t.Helper()
	if w.modal == nil {
		w.t.Fatal("submit: no modal is open")
	}
	var rows []any
	for _, rc := range w.modal.Components {
		row, _ := rc.(*discordgo.ActionsRow)
		if row == nil {
			continue
		}
		for _, c := range row.Components {
			ti, ok := c.(*discordgo.TextInput)
			if !ok {
				continue
			}
			rows = append(rows, map[string]any{"type": 1, "components": []any{
				map[string]any{"type": 4, "custom_id": ti.CustomID, "value": values[ti.CustomID]},
			}})
		}
	}
	p := w.payload(discordgo.InteractionModalSubmit)
	if w.last != nil {
		p["message"] = map[string]any{"id": w.last.ID}
	}
	p["data"] = map[string]any{"custom_id": w.modal.CustomID, "components": rows}
	w.modal = nil
	return w.send(p)
}

// modalStep opens a modal with a click and submits it.
func (w *wiz) modalStep(open string, values map[string]string) answer {
	w.t.Helper()
	if a := w.click(open); a.cbType != discordgo.InteractionResponseModal {
		w.t.Fatalf("%s did not open a modal (answer type %d): %s", open, a.cbType, a.text())
	}
	return w.submit(values)
}

// wizStep is one thing the admin does and the title the wizard must then show.
type wizStep struct {
	name  string
	do    func(w *wiz) answer
	title string
}

func clickStep(action string, values ...string) func(*wiz) answer {
	return func(w *wiz) answer { return w.click(action, values...) }
}

func modalStepOf(open string, values map[string]string) func(*wiz) answer {
	return func(w *wiz) answer { return w.modalStep(open, values) }
}

// play runs steps, checking that each answer shows the wizard at the expected step with
// no warning notice, and returns the instances that got each interaction.
func (w *wiz) play(steps []wizStep) []string {
	w.t.Helper()
	from := len(w.vias)
	for _, st := range steps {
		a := st.do(w)
		if a.title() != st.title {
			w.t.Fatalf("step %q (via %s): title %q, want %q; message:\n%s", st.name, a.via, a.title(), st.title, a.text())
		}
		if d := a.msg.Embeds[0].Description; strings.Contains(d, "⚠️") {
			w.t.Fatalf("step %q (via %s): the wizard shows a warning:\n%s", st.name, a.via, d)
		}
	}
	return append([]string(nil), w.vias[from:]...)
}

func countNamed[T any](xs []T, name func(T) string, want string) int {
	n := 0
	for _, x := range xs {
		if name(x) == want {
			n++
		}
	}
	return n
}

func waitFor(t *testing.T, within time.Duration, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s", what, within)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

var _ = fmt.Sprintf

// httpServeEnv is the environment of an HTTP-mode serve on the fake Discord, verifying
// interactions with pub, with the settings of each of more added in order (a later one
// wins).
func httpServeEnv(fd *fakediscord.Server, pub ed25519.PublicKey, more ...map[string]string) map[string]string {
	env := map[string]string{
		"ARRAKIS_DISCORD_TOKEN":          fd.BotToken(),
		"ARRAKIS_DISCORD_APPLICATION_ID": fd.ApplicationID(),
		"ARRAKIS_DISCORD_PUBLIC_KEY":     hex.EncodeToString(pub),
		"ARRAKIS_DISCORD_REST_BASE_URL":  fd.RESTBase(),
		"ARRAKIS_DISCORD_MODE":           "http",
	}
	for _, m := range more {
		maps.Copy(env, m)
	}
	return env
}

// s3Env keeps the history in the suite's S3 bucket, reached at endpoint (s3.Endpoint, or a
// gate in front of it).
func s3Env(s3 testenv.S3Settings, endpoint string) map[string]string {
	return map[string]string{
		"ARRAKIS_S3_BUCKET":     s3.Bucket,
		"ARRAKIS_S3_ENDPOINT":   endpoint,
		"ARRAKIS_S3_REGION":     s3.Region,
		"ARRAKIS_S3_ACCESS_KEY": s3.AccessKey,
		"ARRAKIS_S3_SECRET_KEY": s3.SecretKey,
		"ARRAKIS_S3_PATH_STYLE": "true",
		"ARRAKIS_S3_CHECKSUM":   "when_required",
	}
}

// retryToDeployed presses Retry deploy… (it must show what is left), confirms it, checks
// that the first answer is progress that no longer says stale (the stop's sentence), and
// waits for the retried deploy to complete.
func retryToDeployed(t *testing.T, w *wiz, fd *fakediscord.Server, stale string) {
	t.Helper()
	ask := w.clickDeferred("retry")
	if !strings.Contains(ask.text(), "Retry") {
		t.Fatalf("Retry… did not show what is left:\n%s", ask.text())
	}
	retry := w.clickDeferred("retry_ok")
	if txt := retry.text(); !strings.Contains(txt, "Deploying") || strings.Contains(txt, stale) {
		t.Fatalf("Retry's first answer is not progress, or still says %q:\n%s", stale, txt)
	}
	waitFor(t, 60*time.Second, "the retried deploy completes", func() bool {
		m := fd.Original(retry.in.Token)
		return m != nil && len(m.Embeds) > 0 && strings.Contains(m.Embeds[0].Description, "Deployed")
	})
}

// gatedS3 is the suite's S3 behind a loopback gate, open: closing the gate cuts serve off
// from its history without stopping the shared versitygw.
func gatedS3(t *testing.T) (testenv.S3Settings, *tcpGate) {
	t.Helper()
	s3 := testenv.S3(t)
	u, err := url.Parse(s3.Endpoint)
	if err != nil {
		t.Fatal(err)
	}
	gate := newTCPGate(t, u.Host)
	gate.setUp(true)
	return s3, gate
}
