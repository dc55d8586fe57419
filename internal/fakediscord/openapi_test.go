package fakediscord

import (
	"fmt"
	"net/http"
	"os"
	"runtime"
	"strings"
	"sync"
	"testing"
)

func TestNormalisePermissions(t *testing.T) {
	cases := []struct{ in, want string }{
		{`{"name":"x","permissions":"1024"}`, `{"name":"x","permissions":1024}`},
		{`{"permission_overwrites":[{"id":"5","type":0,"allow":"1024","deny":"0"}]}`, `{"permission_overwrites":[{"allow":1024,"deny":0,"id":"5","type":0}]}`},
		{`[{"name":"setup","default_member_permissions":"32"}]`, `[{"default_member_permissions":32,"name":"setup"}]`},
		// Only digit strings of exactly those fields change: ids, names, nulls stay.
		{`{"id":"123","name":"1024","permissions":null}`, `{"id":"123","name":"1024","permissions":null}`},
		{`{"permissions":"abc"}`, `{"permissions":"abc"}`},
		{`{"allow":2048}`, `{"allow":2048}`},
		{`not json`, `not json`},
		{`{"big":12345678901234567890,"deny":"8"}`, `{"big":12345678901234567890,"deny":8}`},
	}
	for _, c := range cases {
		if got := string(normalisePermissions([]byte(c.in))); got != c.want {
			t.Errorf("normalisePermissions(%s) = %s, want %s", c.in, got, c.want)
		}
	}
}

// TestContractMismatchFailsTest sends a body the spec rejects (a role name as
// a number) through the fake and expects a violation naming the field.
func TestContractMismatchFailsTest(t *testing.T) {
	if os.Getenv(envChecker) == "" {
		t.Fatalf("this test needs the OpenAPI checker (%s): run scripts/test", envChecker)
	}
	var mu sync.Mutex
	var got []string
	fd := New(t, WithViolationHandler(func(m string) { mu.Lock(); got = append(got, m); mu.Unlock() }))
	g := fd.AddGuild(GuildOptions{})
	post := func(path, body string) {
		req, _ := http.NewRequest("POST", fd.RESTBase()+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bot "+fd.BotToken())
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	post("/guilds/"+g+"/roles", `{"name":"Whale","permissions":"1024"}`)
	mu.Lock()
	if len(got) != 0 {
		t.Errorf("a valid request (permissions as a string) was flagged: %q", got)
	}
	mu.Unlock()
	post("/guilds/"+g+"/roles", `{"name":5}`)
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 1 || !strings.Contains(got[0], "POST /api/v9/guilds/"+g+"/roles") || !strings.Contains(got[0], "$.name") {
		t.Errorf("violations %q, want one naming the route and $.name", got)
	}
}

// recordingTB stands in for testing.TB to observe newCheckerClient's verdicts.
type recordingTB struct {
	testing.TB
	fatal, log string
}

func (r *recordingTB) Helper() {}
func (r *recordingTB) Fatalf(f string, a ...any) {
	r.fatal = fmt.Sprintf(f, a...)
	runtime.Goexit()
}
func (r *recordingTB) Logf(f string, a ...any) { r.log = fmt.Sprintf(f, a...) }

func TestCheckerEnvironment(t *testing.T) {
	cases := []struct {
		name, ci, spec, checker string
		fatal, log              string // substrings; "" = must be empty
	}{
		{"CI without spec", "true", "", "", "DISCORD_OPENAPI_SPEC", ""},
		{"CI without checker", "true", "/x/openapi.json", "", "ARRAKIS_TEST_OPENAPI_CHECKER", ""},
		{"local without checker", "", "", "", "", "NOT run"},
		{"checker unreachable", "", "", "http://127.0.0.1:1", "not reachable", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv("CI", c.ci)
			t.Setenv(envSpec, c.spec)
			t.Setenv(envChecker, c.checker)
			rec := &recordingTB{TB: t}
			done := make(chan *checkerClient)
			go func() {
				var cl *checkerClient
				defer func() { done <- cl }()
				cl = newCheckerClient(rec)
			}()
			cl := <-done
			if (c.fatal == "") != (rec.fatal == "") || !strings.Contains(rec.fatal, c.fatal) {
				t.Errorf("fatal %q, want one containing %q", rec.fatal, c.fatal)
			}
			if c.fatal != "" && !strings.Contains(rec.fatal, "run scripts/test") {
				t.Errorf("fatal %q does not say to run scripts/test", rec.fatal)
			}
			if c.log != "" && (!strings.Contains(rec.log, c.log) || cl != nil) {
				t.Errorf("log %q client %v, want a %q note and no client", rec.log, cl, c.log)
			}
		})
	}
}
