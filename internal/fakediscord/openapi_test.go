package fakediscord

import (
	"net/http"
	"os"
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
