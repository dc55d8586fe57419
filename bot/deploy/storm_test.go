package deploy

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/arrakis-bot/arrakis/wizard"
)

// checkDeployed asserts the guild holds the manifest exactly once and that nothing drifts.
func (e *env) checkDeployed(m *wizard.Manifest) {
	e.t.Helper()
	if dups := duplicates(e.fd, e.guild.ID); len(dups) > 0 {
		e.t.Fatalf("duplicates: %v", dups)
	}
	for _, tier := range m.Tiers {
		if e.fd.RoleByName(e.guild.ID, tier.Role.Name) == nil {
			e.t.Errorf("role %s missing", tier.Role.Name)
		}
	}
	for _, c := range m.Channels {
		if e.fd.ChannelByName(e.guild.ID, c.Name) == nil {
			e.t.Errorf("channel %s missing", c.Name)
		}
	}
	view, err := e.svc.Drift(ctxT(e.t), e.guild.ID)
	if err != nil {
		e.t.Fatalf("drift: %v", err)
	}
	if !view.Report.Empty() {
		e.t.Errorf("drift after deploy: %s", FormatReport(view.Report))
	}
}

func TestDeployRidesOutRateLimitsAndServerErrors(t *testing.T) {
	e := newEnv(t)
	ctx := ctxT(t)
	m := loadManifest(t, "community.yaml", e.guild.ID)
	g := "/guilds/" + e.guild.ID
	// A storm part-way: the first role create, several channel creates and a reorder are
	// answered 429 (within the budget), and two writes get a 500.
	e.fd.FailNext("POST", g+"/roles", 3, http.StatusTooManyRequests, 30*time.Millisecond)
	e.fd.FailNext("PATCH", g+"/roles", 1, http.StatusTooManyRequests, 20*time.Millisecond)
	e.fd.FailNext("POST", g+"/channels", 4, http.StatusTooManyRequests, 10*time.Millisecond)
	e.fd.FailNext("POST", g+"/channels", 2, http.StatusInternalServerError, 0)
	res, err := e.svc.Deploy(ctx, Request{GuildID: e.guild.ID, Manifest: m, By: "tester"})
	if err != nil {
		t.Fatalf("deploy through the storm: %v", err)
	}
	if res.Status != wizard.DeployCompleted {
		t.Fatalf("status %s", res.Status)
	}
	e.checkDeployed(m)
	n429, n500 := 0, 0
	for _, r := range e.fd.Requests() {
		switch r.Status {
		case http.StatusTooManyRequests:
			n429++
		case http.StatusInternalServerError:
			n500++
		}
	}
	if n429 != 8 || n500 != 2 {
		t.Errorf("fake answered %d 429s and %d 500s, want 8 and 2 (every failure consumed)", n429, n500)
	}
}

func TestDeployStopsResumablyWhenRateLimitExceedsBudget(t *testing.T) {
	e := newEnv(t)
	ctx := ctxT(t)
	m := loadManifest(t, "community.yaml", e.guild.ID)
	// Discord asks for a minute; the budget is 2 s: the deploy must stop, not sleep.
	e.fd.FailNext("POST", "/guilds/"+e.guild.ID+"/channels", 1, http.StatusTooManyRequests, time.Minute)
	start := time.Now()
	_, err := e.svc.Deploy(ctx, Request{GuildID: e.guild.ID, Manifest: m, By: "tester"})
	if took := time.Since(start); took > 30*time.Second {
		t.Fatalf("deploy waited %s for a 60 s retry_after with a 2 s budget", took)
	}
	var de *Error
	if !errors.As(err, &de) || de.Code != CodeRateLimited || !de.Resumable() {
		t.Fatalf("err = %v, want a resumable rate_limited *Error", err)
	}
	if de.Result == nil || len(de.Result.CreatedRoles) != 3 || len(de.Result.Remaining) == 0 || len(de.Result.CreatedChannels) != 0 {
		t.Fatalf("result should list the 3 roles done and the channels not done: %+v", de.Result)
	}
	if !strings.Contains(de.Message, "rate limiting") || !strings.Contains(de.Message, "again") {
		t.Errorf("message %q does not say what happened and what to do", de.Message)
	}
	p, perr := e.svc.Progress(ctx, e.guild.ID)
	if perr != nil || p.Status != wizard.DeployFailed || len(p.Resources.Roles) != 3 {
		t.Fatalf("progress = %+v, %v; want failed with the 3 roles recorded", p, perr)
	}
	// The same discordgo session goes on at once (no bucket left asleep) and resumes.
	start = time.Now()
	res, err := e.svc.Deploy(ctx, Request{GuildID: e.guild.ID, Manifest: m, By: "tester"})
	if err != nil {
		t.Fatalf("resume: %v", err)
	}
	if took := time.Since(start); took > 30*time.Second {
		t.Fatalf("resume slept %s: discordgo kept the 429's bucket state", took)
	}
	if len(res.CreatedRoles) != 0 || res.SnapshotID != "v00000001" {
		t.Errorf("resume created roles %v in %s; want none, in v00000001", res.CreatedRoles, res.SnapshotID)
	}
	e.checkDeployed(m)
}

func TestDeployStopsResumablyAfterRepeatedServerErrors(t *testing.T) {
	e := newEnv(t)
	ctx := ctxT(t)
	m := loadManifest(t, "community.yaml", e.guild.ID)
	e.fd.FailNext("POST", "/guilds/"+e.guild.ID+"/channels", 4, http.StatusBadGateway, 0)
	_, err := e.svc.Deploy(ctx, Request{GuildID: e.guild.ID, Manifest: m, By: "tester"})
	var de *Error
	if !errors.As(err, &de) || de.Code != CodeDiscord || !de.Resumable() {
		t.Fatalf("err = %v, want a resumable discord *Error", err)
	}
	if !strings.Contains(de.Message, "Done:") || !strings.Contains(de.Message, "not done") {
		t.Errorf("message %q does not say what was and was not done", de.Message)
	}
	if _, err := e.svc.Deploy(ctx, Request{GuildID: e.guild.ID, Manifest: m, By: "tester"}); err != nil {
		t.Fatalf("retry: %v", err)
	}
	e.checkDeployed(m)
}

// lossyTransport applies a request but answers 500, as a gateway timeout after Discord
// did the work would: the write happened and the executor does not know it.
type lossyTransport struct {
	next   http.RoundTripper
	match  func(*http.Request) bool
	remain atomic.Int32
}

func (l *lossyTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := l.next.RoundTrip(req)
	if err != nil || !l.match(req) || l.remain.Add(-1) < 0 {
		return resp, err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return &http.Response{StatusCode: 500, Status: "500 Internal Server Error", Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader(`{"message":"500: Internal Server Error","code":0}`)), Request: req}, nil
}

func TestDeployServerErrorAfterApplyMakesNoDuplicate(t *testing.T) {
	ctx := ctxT(t)
	for _, path := range []string{"/roles", "/channels"} {
		e := newEnv(t)
		m := loadManifest(t, "community.yaml", e.guild.ID)
		svc := e.newService(func(c *Config) {
			lt := &lossyTransport{next: c.Session.Client.Transport, match: func(r *http.Request) bool {
				return r.Method == "POST" && strings.HasSuffix(r.URL.Path, "/guilds/"+e.guild.ID+path)
			}}
			lt.remain.Store(1)
			c.Session.Client.Transport = lt
		})
		if _, err := svc.Deploy(ctx, Request{GuildID: e.guild.ID, Manifest: m, By: "tester"}); err != nil {
			t.Fatalf("deploy with a lost %s response: %v", path, err)
		}
		e.checkDeployed(m)
	}
}

// TestDeployReplansWhenSomeoneDeletesATarget: an admin deletes a role while a reconcile
// is about to update it; Discord answers Unknown Role, and the deploy reads the guild
// again and recreates the role instead of failing.
func TestDeployReplansWhenSomeoneDeletesATarget(t *testing.T) {
	e := newEnv(t)
	ctx := ctxT(t)
	m := loadManifest(t, "community.yaml", e.guild.ID)
	res, err := e.svc.Deploy(ctx, Request{GuildID: e.guild.ID, Manifest: m, By: "tester"})
	if err != nil {
		t.Fatal(err)
	}
	for _, tier := range []string{"t1", "t2"} {
		e.fd.UpdateRole(e.guild.ID, res.Resources.Roles[tier], func(r *discordgo.Role) { r.Color = 0x010101 })
	}
	svc := e.newService(func(c *Config) {
		c.afterWrite = func(k int, recorded bool) error {
			if k == 1 && recorded {
				e.fd.DeleteRole(e.guild.ID, res.Resources.Roles["t2"])
			}
			return nil
		}
	})
	rec, err := svc.Reconcile(ctx, e.guild.ID, "tester", "")
	if err != nil {
		t.Fatalf("reconcile with a role deleted under it: %v", err)
	}
	if len(rec.CreatedRoles) != 1 {
		t.Errorf("created roles %v, want the deleted one recreated", rec.CreatedRoles)
	}
	n404 := 0
	for _, r := range e.fd.Requests() {
		if r.Status == http.StatusNotFound {
			n404++
		}
	}
	if n404 != 1 {
		t.Errorf("Discord answered %d requests with 404, want the one update of the deleted role", n404)
	}
	e.checkDeployed(m)
}
