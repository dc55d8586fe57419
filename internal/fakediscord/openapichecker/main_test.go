package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// tinySpec is a two-route slice of Discord's spec shape (servers with the
// /api/v10 base path, a bot-token security scheme, integer bitsets), small
// enough to load in a -race test binary in milliseconds.
const tinySpec = `{
  "openapi": "3.1.0",
  "info": {"title": "tiny", "version": "10"},
  "servers": [{"url": "https://discord.com/api/v10"}],
  "components": {
    "securitySchemes": {"BotToken": {"type": "apiKey", "name": "Authorization", "in": "header"}},
    "schemas": {"SnowflakeType": {"type": "string", "pattern": "^(0|[1-9][0-9]*)$"}}
  },
  "paths": {
    "/guilds/{guild_id}/roles": {
      "parameters": [{"name": "guild_id", "in": "path", "required": true, "schema": {"$ref": "#/components/schemas/SnowflakeType"}}],
      "post": {
        "security": [{"BotToken": []}],
        "requestBody": {"required": true, "content": {"application/json": {"schema": {
          "type": "object",
          "properties": {"name": {"type": ["string", "null"], "maxLength": 100}, "permissions": {"type": ["integer", "null"]}}
        }}}},
        "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {
          "type": "object", "required": ["id", "permissions"],
          "properties": {"id": {"type": "string"}, "permissions": {"type": "string"}}
        }}}}}
      }
    },
    "/webhooks/{webhook_id}/{webhook_token}/messages/@original": {
      "patch": {
        "security": [{}, {"BotToken": []}],
        "parameters": [
          {"name": "webhook_id", "in": "path", "required": true, "schema": {"$ref": "#/components/schemas/SnowflakeType"}},
          {"name": "webhook_token", "in": "path", "required": true, "schema": {"type": "string"}}
        ],
        "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "properties": {"content": {"type": ["string", "null"]}}}}}},
        "responses": {"200": {"description": "ok"}}
      }
    }
  }
}`

func tinyChecker(t *testing.T) *checker {
	t.Helper()
	path := filepath.Join(t.TempDir(), "openapi.json")
	if err := os.WriteFile(path, []byte(tinySpec), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := load(path)
	if err != nil {
		t.Fatalf("load tiny spec: %v", err)
	}
	return c
}

var bot = map[string][]string{"Authorization": {"Bot x"}, "Content-Type": {"application/json"}}

func TestCheck(t *testing.T) {
	c := tinyChecker(t)
	cases := []struct {
		name    string
		req     CheckRequest
		ok      bool
		mention string
	}{
		{"valid with base path", CheckRequest{Method: "POST", Path: "/api/v10/guilds/1/roles", Headers: bot, Body: `{"name":"Whale","permissions":1024}`}, true, ""},
		{"valid without base path", CheckRequest{Method: "POST", Path: "/guilds/1/roles", Headers: bot, Body: `{"name":"Whale"}`}, true, ""},
		{"webhook without token", CheckRequest{Method: "PATCH", Path: "/api/v10/webhooks/1/tok/messages/@original", Headers: map[string][]string{"Content-Type": {"application/json"}}, Body: `{"content":"x"}`}, true, ""},
		{"name as a number", CheckRequest{Method: "POST", Path: "/api/v10/guilds/1/roles", Headers: bot, Body: `{"name":5}`}, false, "$.name"},
		{"permissions as a string", CheckRequest{Method: "POST", Path: "/api/v10/guilds/1/roles", Headers: bot, Body: `{"permissions":"1024"}`}, false, "$.permissions"},
		{"unknown route", CheckRequest{Method: "POST", Path: "/api/v10/guilds/1/rolez", Headers: bot, Body: `{}`}, false, "not found"},
		{"wrong method", CheckRequest{Method: "DELETE", Path: "/api/v10/guilds/1/roles", Headers: bot}, false, "DELETE"},
		{"bad snowflake", CheckRequest{Method: "POST", Path: "/api/v10/guilds/abc/roles", Headers: bot, Body: `{}`}, false, "guild_id"},
		{"missing bot token", CheckRequest{Method: "POST", Path: "/api/v10/guilds/1/roles", Headers: map[string][]string{"Content-Type": {"application/json"}}, Body: `{}`}, false, "Authorization"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, err := c.check(tc.req)
			if err != nil {
				t.Fatal(err)
			}
			if res.OK != tc.ok {
				t.Fatalf("ok = %v, want %v; errors %q", res.OK, tc.ok, res.Errors)
			}
			if !tc.ok && !strings.Contains(strings.Join(res.Errors, " "), tc.mention) {
				t.Errorf("errors %q do not mention %q", res.Errors, tc.mention)
			}
		})
	}
	if _, err := c.check(CheckRequest{Path: "/x"}); err == nil {
		t.Error("a check without method was accepted")
	}
}

func TestCheckResponse(t *testing.T) {
	c := tinyChecker(t)
	req := CheckRequest{Method: "POST", Path: "/api/v10/guilds/1/roles", Headers: bot, Body: `{"name":"Whale"}`}
	js := map[string][]string{"Content-Type": {"application/json"}}
	good, err := c.checkResponse(CheckResponseRequest{CheckRequest: req, Response: ResponseToCheck{Status: 200, Headers: js, Body: `{"id":"5","permissions":"0"}`}})
	if err != nil || !good.OK {
		t.Errorf("valid response rejected: %+v %v", good, err)
	}
	bad, err := c.checkResponse(CheckResponseRequest{CheckRequest: req, Response: ResponseToCheck{Status: 200, Headers: js, Body: `{"id":"5","permissions":0}`}})
	if err != nil || bad.OK || !strings.Contains(strings.Join(bad.Errors, " "), "permissions") {
		t.Errorf("permissions as a number in a response: %+v %v", bad, err)
	}
	if _, err := c.checkResponse(CheckResponseRequest{CheckRequest: req}); err == nil {
		t.Error("a response check without a status was accepted")
	}
}

func TestHTTPAPI(t *testing.T) {
	srv := httptest.NewServer(tinyChecker(t).routes())
	defer srv.Close()
	post := func(body string) (*http.Response, CheckResponse) {
		resp, err := http.Post(srv.URL+"/check", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var res CheckResponse
		_ = json.NewDecoder(resp.Body).Decode(&res)
		return resp, res
	}
	b, _ := json.Marshal(CheckRequest{Method: "POST", Path: "/api/v10/guilds/1/roles", Headers: bot, Body: `{"name":7}`})
	resp, res := post(string(b))
	if resp.StatusCode != 200 || res.OK || len(res.Errors) == 0 {
		t.Errorf("status %d result %+v", resp.StatusCode, res)
	}
	if resp, _ := post("not json"); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("malformed check request: status %d", resp.StatusCode)
	}
	h, err := http.Get(srv.URL + "/healthz")
	if err != nil || h.StatusCode != 200 {
		t.Errorf("healthz %v %v", h, err)
	}
}

func TestWriteAtomic(t *testing.T) {
	p := filepath.Join(t.TempDir(), "checker.addr")
	if err := writeAtomic(p, "127.0.0.1:1234"); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(p)
	if err != nil || !bytes.Equal(b, []byte("127.0.0.1:1234")) {
		t.Errorf("ready file %q %v", b, err)
	}
}

// TestRealSpec asks the checker process that scripts/test started (the real
// spec cannot be loaded inside a -race binary in reasonable time).
func TestRealSpec(t *testing.T) {
	url := os.Getenv("ARRAKIS_TEST_OPENAPI_CHECKER")
	if url == "" {
		t.Fatal("TestRealSpec needs the checker process (ARRAKIS_TEST_OPENAPI_CHECKER): run scripts/test")
	}
	check := func(r CheckRequest) CheckResponse {
		b, _ := json.Marshal(r)
		resp, err := http.Post(url+"/check", "application/json", bytes.NewReader(b))
		if err != nil {
			t.Fatalf("checker at %s: %v: run scripts/test", url, err)
		}
		defer resp.Body.Close()
		var res CheckResponse
		if err := json.NewDecoder(resp.Body).Decode(&res); err != nil {
			t.Fatal(err)
		}
		return res
	}
	if res := check(CheckRequest{Method: "POST", Path: "/api/v10/guilds/1/roles", Headers: bot, Body: `{"name":"Whale","permissions":1024,"hoist":true}`}); !res.OK {
		t.Errorf("valid role create rejected: %q", res.Errors)
	}
	if res := check(CheckRequest{Method: "POST", Path: "/api/v10/guilds/1/roles", Headers: bot, Body: `{"name":5}`}); res.OK || !strings.Contains(strings.Join(res.Errors, " "), "$.name") {
		t.Errorf("role name as a number: %+v", res)
	}
	if res := check(CheckRequest{Method: "GET", Path: "/api/v10/guilds/1/no-such-thing", Headers: bot}); res.OK || !strings.Contains(strings.Join(res.Errors, " "), "not found") {
		t.Errorf("unknown route: %+v", res)
	}
	if res := check(CheckRequest{Method: "PUT", Path: "/api/v10/channels/1/permissions/2", Headers: bot, Body: `{"type":0,"allow":"1024"}`}); res.OK {
		t.Error("the spec should type allow as an integer (the fake normalises it before asking)")
	}
}

// BenchmarkCheckRealSpec loads Discord's spec (DISCORD_OPENAPI_SPEC; seconds)
// once and measures one request check. Not a -race binary: run with
// go test -bench . -run '^$' ./internal/fakediscord/openapichecker
func BenchmarkCheckRealSpec(b *testing.B) {
	spec := os.Getenv("DISCORD_OPENAPI_SPEC")
	if spec == "" {
		b.Fatal("BenchmarkCheckRealSpec needs DISCORD_OPENAPI_SPEC (path of Discord's openapi.json)")
	}
	c, err := load(spec)
	if err != nil {
		b.Fatal(err)
	}
	req := CheckRequest{Method: "POST", Path: "/api/v10/guilds/1/channels", Headers: bot,
		Body: `{"name":"holders","type":0,"parent_id":"2","permission_overwrites":[{"id":"1","type":0,"allow":1024,"deny":0}]}`}
	if res, _ := c.check(req); !res.OK {
		b.Fatalf("benchmark request rejected: %q", res.Errors)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := c.check(req); err != nil {
			b.Fatal(err)
		}
	}
}
