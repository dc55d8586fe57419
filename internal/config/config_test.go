package config

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

const validPublicKey = "e3f1a5c4b2d6e8f0a1b3c5d7e9f1a3b5c7d9e1f3a5b7c9d1e3f5a7b9c1d3e5f7"

// configYAML is the documented defaults file at the repository root.
const configYAML = "../../config.yaml"

func TestDefaultsAreValid(t *testing.T) {
	if err := Default().Validate(); err != nil {
		t.Fatalf("Default().Validate() = %v", err)
	}
	c, err := Load("", nil)
	if err != nil || !reflect.DeepEqual(c, Default()) {
		t.Fatalf("Load(\"\", nil) = %v, %v; want the defaults", c, err)
	}
}

// config.yaml must stay the defaults, so it can be read as their documentation.
func TestConfigYAMLIsTheDefaults(t *testing.T) {
	c, err := Load(configYAML, nil)
	if err != nil {
		t.Fatalf("Load(config.yaml): %v", err)
	}
	if !reflect.DeepEqual(c, Default()) {
		t.Errorf("config.yaml differs from Default():\n file:    %v\n default: %v", c, Default())
	}
}

// config.yaml must list every key, each with a comment that names its environment variable.
func TestConfigYAMLDocumentsEveryKey(t *testing.T) {
	data, err := os.ReadFile(configYAML)
	if err != nil {
		t.Fatal(err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	comments := map[string]string{} // key path → its comments
	var visit func(m *yaml.Node, prefix string)
	visit = func(m *yaml.Node, prefix string) {
		for i := 0; i+1 < len(m.Content); i += 2 {
			kn, vn := m.Content[i], m.Content[i+1]
			if vn.Kind == yaml.MappingNode {
				visit(vn, prefix+kn.Value+".")
				continue
			}
			comments[prefix+kn.Value] = kn.HeadComment + " " + kn.LineComment + " " + vn.LineComment
		}
	}
	visit(doc.Content[0], "")
	for _, k := range Keys() {
		c, ok := comments[k.Path]
		if !ok {
			t.Errorf("config.yaml lacks key %s", k.Path)
			continue
		}
		if !strings.Contains(c, k.Env) {
			t.Errorf("config.yaml: the comment of %s does not name %s", k.Path, k.Env)
		}
	}
	if len(comments) != len(Keys()) {
		t.Errorf("config.yaml has %d keys, Config has %d", len(comments), len(Keys()))
	}
}

func TestEnvNames(t *testing.T) {
	for _, k := range Keys() {
		want := "ARRAKIS_" + strings.ToUpper(strings.ReplaceAll(k.Path, ".", "_"))
		if k.Env != want {
			t.Errorf("key %s: env %s, want %s", k.Path, k.Env, want)
		}
	}
	for _, want := range []string{"ARRAKIS_DISCORD_TOKEN", "ARRAKIS_S3_PATH_STYLE", "ARRAKIS_SESSION_TTL", "ARRAKIS_DATA_DIR", "ARRAKIS_DISCORD_REST_BASE_URL"} {
		if keyByEnv[want] == nil {
			t.Errorf("no key for %s", want)
		}
	}
}

// Every key can be set from the environment: set them all to non-default values at once.
func TestEveryKeyHasAnEnvOverride(t *testing.T) {
	samples := map[string]struct {
		env  string
		want any
	}{
		"discord.token":                 {"tok", "tok"},
		"discord.application_id":        {"1234567890123456789", "1234567890123456789"},
		"discord.public_key":            {validPublicKey, validPublicKey},
		"discord.mode":                  {"http", "http"},
		"discord.rest_base_url":         {"http://127.0.0.1:9/api/v9", "http://127.0.0.1:9/api/v9"},
		"discord.gateway_url":           {"ws://127.0.0.1:9/gateway", "ws://127.0.0.1:9/gateway"},
		"discord.shard_id":              {"2", 2},
		"discord.shard_count":           {"4", 4},
		"http.listen":                   {"127.0.0.1:9000", "127.0.0.1:9000"},
		"redis.url":                     {"redis://127.0.0.1:6379/0", "redis://127.0.0.1:6379/0"},
		"redis.dial_timeout":            {"3s", 3 * time.Second},
		"redis.read_timeout":            {"4s", 4 * time.Second},
		"redis.write_timeout":           {"5s", 5 * time.Second},
		"redis.cluster_reload_interval": {"500ms", 500 * time.Millisecond},
		"discord.click_budget":          {"1500ms", 1500 * time.Millisecond},
		"discord.server_error_budget":   {"20s", 20 * time.Second},
		"s3.bucket":                     {"arrakis-shadow", "arrakis-shadow"},
		"s3.endpoint":                   {"http://127.0.0.1:7070", "http://127.0.0.1:7070"},
		"s3.region":                     {"eu-west-1", "eu-west-1"},
		"s3.path_style":                 {"true", true},
		"s3.checksum":                   {"when_supported", "when_supported"},
		"s3.access_key":                 {"ak", "ak"},
		"s3.secret_key":                 {"sk", "sk"},
		"data_dir":                      {"/var/lib/arrakis", "/var/lib/arrakis"},
		"session.ttl":                   {"30m", 30 * time.Minute},
		"drift.interval":                {"1h", time.Hour},
		"log.level":                     {"debug", "debug"},
		"web.base_url":                  {"https://arrakis.example.com", "https://arrakis.example.com"},
		"web.trusted_proxies":           {"10.0.0.0/8, 192.0.2.10", "10.0.0.0/8, 192.0.2.10"},
		"log.format":                    {"json", "json"},
	}
	var environ []string
	for _, k := range Keys() {
		s, ok := samples[k.Path]
		if !ok {
			t.Fatalf("no sample value for key %s: add one", k.Path)
		}
		environ = append(environ, k.Env+"="+s.env)
	}
	c, err := Load("", environ)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	def := Default()
	for _, k := range Keys() {
		got, want := k.get(c), samples[k.Path].want
		if got != want {
			t.Errorf("%s=%s: %s = %v, want %v", k.Env, samples[k.Path].env, k.Path, got, want)
		}
		if got == k.get(def) {
			t.Errorf("sample for %s equals the default: the override is not tested", k.Path)
		}
	}
}

func TestFileThenEnvironment(t *testing.T) {
	path := writeFile(t, `
discord:
  application_id: "111111111111111111"
  mode: gateway
redis:
  url: redis://10.0.0.5:6379/2
s3:
  bucket: shadow
  path_style: yes-is-a-string-in-yaml-1.2
`)
	_, err := Load(path, nil)
	if err == nil || !strings.Contains(err.Error(), `s3.path_style: "yes-is-a-string-in-yaml-1.2" is not a boolean`) {
		t.Fatalf("Load with a bad bool = %v", err)
	}

	path = writeFile(t, `
discord:
  application_id: "111111111111111111"
  token:            # empty: set by the environment
session:
  ttl: 1h
s3:
  bucket: shadow
  path_style: true
`)
	c, err := Load(path, []string{"ARRAKIS_SESSION_TTL=45m", "ARRAKIS_DISCORD_TOKEN=from-env", "HOME=/root", "ARRAKIS_CONFIG=" + path})
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if c.Discord.ApplicationID != "111111111111111111" || !c.S3.PathStyle || c.S3.Bucket != "shadow" {
		t.Errorf("file values not applied: %v", c)
	}
	if c.Session.TTL != 45*time.Minute || c.Discord.Token != "from-env" {
		t.Errorf("environment does not win over the file: ttl %s token set %v", c.Session.TTL, c.Discord.Token != "")
	}
	if c.Log.Level != "info" || c.DataDir != "./data" {
		t.Errorf("keys absent from the file lost their defaults: %v", c)
	}
}

func TestEmptyFilesAreTheDefaults(t *testing.T) {
	for _, content := range []string{"", "# only a comment\n", "discord:\n", "---\n"} {
		c, err := Load(writeFile(t, content), nil)
		if err != nil || !reflect.DeepEqual(c, Default()) {
			t.Errorf("Load(%q) = %v, %v; want the defaults", content, c, err)
		}
	}
}

func TestLoadErrorsNameTheKey(t *testing.T) {
	cases := []struct {
		name string
		file string // "" = no file
		env  []string
		want []string // substrings of the error
	}{
		{"env duration without unit", "", []string{"ARRAKIS_SESSION_TTL=15"},
			[]string{`config: ARRAKIS_SESSION_TTL (session.ttl): "15" is not a duration (try "15m")`}},
		{"file duration without unit", "session:\n  ttl: 15\n", nil,
			[]string{`:2: session.ttl: "15" is not a duration (try "15m")`}},
		{"bad duration", "", []string{"ARRAKIS_REDIS_DIAL_TIMEOUT=soon"}, []string{`redis.dial_timeout): "soon" is not a duration`}},
		{"bad bool", "", []string{"ARRAKIS_S3_PATH_STYLE=maybe"}, []string{`ARRAKIS_S3_PATH_STYLE (s3.path_style): "maybe" is not a boolean (use true or false)`}},
		{"bad int", "discord:\n  shard_count: two\n", nil, []string{`discord.shard_count: "two" is not a whole number`}},
		{"bad mode", "", []string{"ARRAKIS_DISCORD_MODE=websocket"}, []string{`config: discord.mode: "websocket" is not a mode (use gateway or http)`}},
		{"rest url without scheme", "", []string{"ARRAKIS_DISCORD_REST_BASE_URL=discord.com/api/v9"}, []string{"config: discord.rest_base_url: must start with http:// or https://"}},
		{"rest url without host", "", []string{"ARRAKIS_DISCORD_REST_BASE_URL=http:///api"}, []string{"discord.rest_base_url: has no host"}},
		{"gateway url scheme", "", []string{"ARRAKIS_DISCORD_GATEWAY_URL=https://gateway.discord.gg"}, []string{"discord.gateway_url: must start with ws:// or wss://"}},
		{"s3 endpoint", "", []string{"ARRAKIS_S3_ENDPOINT=minio:9000"}, []string{"s3.endpoint: must start with http://"}},
		{"unknown file key", "discord:\n  tokn: x\n", nil, []string{":2: discord.tokn: unknown key (did you mean discord.token?)"}},
		{"unknown top-level key", "colour: blue\n", nil, []string{":1: colour: unknown key"}},
		{"unknown env", "", []string{"ARRAKIS_DISCORD_TOKN=x"},
			[]string{"config: environment variable ARRAKIS_DISCORD_TOKN names no configuration key (did you mean ARRAKIS_DISCORD_TOKEN?)"}},
		{"unknown env far from any", "", []string{"ARRAKIS_ZZZ=1"}, []string{"ARRAKIS_ZZZ names no configuration key (config.yaml lists every key)"}},
		{"section as a value", "discord: yes\n", nil, []string{"discord: must be a mapping of keys (token, application_id"}},
		{"value as a mapping", "data_dir:\n  path: /x\n", nil, []string{"data_dir: must be a single value"}},
		{"duplicate key", "log:\n  level: info\n  level: debug\n", nil, []string{":3: log.level: set twice in the file"}},
		{"http mode without public key", "", []string{"ARRAKIS_DISCORD_MODE=http"}, []string{"config: discord.public_key: is required in http mode"}},
		{"http mode without listen", "", []string{"ARRAKIS_DISCORD_MODE=http", "ARRAKIS_DISCORD_PUBLIC_KEY=" + validPublicKey, "ARRAKIS_HTTP_LISTEN="}, []string{"http.listen: is required in http mode"}},
		{"public key not hex", "", []string{"ARRAKIS_DISCORD_PUBLIC_KEY=zz"}, []string{"discord.public_key: must be 64 hex characters"}},
		{"public key too short", "", []string{"ARRAKIS_DISCORD_PUBLIC_KEY=abcd"}, []string{"discord.public_key: must be 64 hex characters"}},
		{"application id", "", []string{"ARRAKIS_DISCORD_APPLICATION_ID=my-bot"}, []string{`discord.application_id: "my-bot" is not an application id`}},
		{"shard id out of range", "", []string{"ARRAKIS_DISCORD_SHARD_ID=2", "ARRAKIS_DISCORD_SHARD_COUNT=2"}, []string{"discord.shard_id: 2 must be between 0 and shard_count-1 (1)"}},
		{"no shards", "", []string{"ARRAKIS_DISCORD_SHARD_COUNT=0"}, []string{"discord.shard_count: 0 must be at least 1"}},
		{"listen address", "", []string{"ARRAKIS_HTTP_LISTEN=8080"}, []string{`http.listen: "8080" is not a listen address`}},
		{"redis scheme", "", []string{"ARRAKIS_REDIS_URL=http://cache:6379"}, []string{"redis.url: must start with redis:// or rediss:// or unix://"}},
		{"zero timeout", "", []string{"ARRAKIS_REDIS_READ_TIMEOUT=0s"}, []string{"redis.read_timeout: 0s must be more than zero"}},
		{"negative ttl", "session:\n  ttl: -5m\n", nil, []string{"session.ttl: -5m0s must be more than zero"}},
		{"bucket name", "", []string{"ARRAKIS_S3_BUCKET=My_Bucket"}, []string{`s3.bucket: "My_Bucket" is not a bucket name`}},
		{"region with bucket", "", []string{"ARRAKIS_S3_BUCKET=shadow", "ARRAKIS_S3_REGION="}, []string{"s3.region: is required when s3.bucket is set"}},
		{"checksum", "", []string{"ARRAKIS_S3_CHECKSUM=crc32"}, []string{`s3.checksum: "crc32" is not a checksum mode (use when_required or when_supported)`}},
		{"half credentials", "", []string{"ARRAKIS_S3_ACCESS_KEY=ak"}, []string{"s3.access_key: and s3.secret_key must be set together"}},
		{"empty data dir", "", []string{"ARRAKIS_DATA_DIR="}, []string{"data_dir: must not be empty"}},
		{"drift too often", "", []string{"ARRAKIS_DRIFT_INTERVAL=10s"}, []string{"drift.interval: 10s is too short: use 0 (off) or at least 1m0s"}},
		// The process-wide alert channel moved into each guild's manifest: an old setting is
		// told where it went, not "unknown key".
		{"alert channel moved (env)", "", []string{"ARRAKIS_DRIFT_ALERT_CHANNEL=987654321098765432"},
			[]string{"ARRAKIS_DRIFT_ALERT_CHANNEL (drift.alert_channel): this setting moved", "alerts.channel in the manifest"}},
		{"alert channel moved (file)", "drift:\n  alert_channel: \"987654321098765432\"\n", nil,
			[]string{":2: drift.alert_channel: this setting moved", "step 6"}},
		{"log level", "", []string{"ARRAKIS_LOG_LEVEL=verbose"}, []string{`log.level: "verbose" is not a level (use debug, info, warn or error)`}},
		{"log format", "", []string{"ARRAKIS_LOG_FORMAT=pretty"}, []string{`log.format: "pretty" is not a log format (use console or json`}},
		{"every problem reported", "colour: blue\n", []string{"ARRAKIS_SESSION_TTL=15", "ARRAKIS_NOPE=1"},
			[]string{"colour: unknown key", "session.ttl", "ARRAKIS_NOPE"}},
		{"every validation problem reported", "", []string{"ARRAKIS_LOG_LEVEL=loud", "ARRAKIS_DISCORD_MODE=ws"},
			[]string{"log.level", "discord.mode"}},
		{"invalid yaml", "discord: [unclosed\n", nil, []string{"is not valid YAML"}},
		{"top level list", "- a\n- b\n", nil, []string{"the file must be a mapping of keys"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := ""
			if c.file != "" {
				path = writeFile(t, c.file)
			}
			cfg, err := Load(path, c.env)
			if err == nil {
				t.Fatalf("Load succeeded with %v", cfg)
			}
			if cfg != nil {
				t.Errorf("Load returned a config with its error")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q\nlacks %q", err, w)
				}
			}
			if strings.Contains(c.name, "moved") && strings.Contains(err.Error(), "unknown key") {
				t.Errorf("a moved key is called unknown: %q", err)
			}
		})
	}
}

func TestMissingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nope.yaml")
	_, err := Load(path, nil)
	if err == nil || err.Error() != "config: file "+path+" does not exist" {
		t.Fatalf("Load(missing) = %v", err)
	}
}

func TestNonKeyVariablesAreIgnored(t *testing.T) {
	env := []string{"ARRAKIS_CONFIG=/etc/arrakis.yaml", "ARRAKIS_TEST_REDIS_ADDR=127.0.0.1:1",
		"ARRAKIS_LOAD_PRIVATE_KEY=k", "ARRAKIS_FAKEDISCORD_CHECK_RESPONSES=1",
		"PATH=/bin", "arrakis_discord_token=lowercase-is-not-ours", "ARRAKIS_LOG_LEVEL=warn", "MALFORMED"}
	c, err := Load("", env)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if c.Log.Level != "warn" || c.Discord.Token != "" {
		t.Errorf("got level %q token set %v; want warn and no token", c.Log.Level, c.Discord.Token != "")
	}
}

func TestSecretsAreNeverPrinted(t *testing.T) {
	c, err := Load("", []string{
		"ARRAKIS_DISCORD_TOKEN=tok-SECRET", "ARRAKIS_S3_SECRET_KEY=sk-SECRET", "ARRAKIS_S3_ACCESS_KEY=AKIAVISIBLE",
		"ARRAKIS_REDIS_URL=redis://:pw-SECRET@cache:6379/0", "ARRAKIS_DISCORD_APPLICATION_ID=42",
	})
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	r := c.Redacted()
	if r["discord.token"] != "REDACTED" || r["s3.secret_key"] != "REDACTED" {
		t.Errorf("Redacted() token %v secret %v, want REDACTED", r["discord.token"], r["s3.secret_key"])
	}
	if r["discord.application_id"] != "42" || r["s3.access_key"] != "AKIAVISIBLE" || r["session.ttl"] != 15*time.Minute {
		t.Errorf("Redacted() hides non-secret values: %v", r)
	}
	if len(r) != len(Keys()) {
		t.Errorf("Redacted() has %d keys, want %d", len(r), len(Keys()))
	}
	for _, s := range []string{fmt.Sprint(r), c.String(), fmt.Sprintf("%v|%+v|%#v|%s", c, c, c, c)} {
		if strings.Contains(s, "SECRET") {
			t.Errorf("printed config shows a secret: %s", s)
		}
		if !strings.Contains(s, "cache:6379") {
			t.Errorf("printed config lost the Redis host: %s", s)
		}
	}
	empty := Default().Redacted()
	if empty["discord.token"] != "" {
		t.Errorf("an unset token prints as %v, want empty (so operators see it is missing)", empty["discord.token"])
	}
}

func TestURLErrorsDoNotEchoPasswords(t *testing.T) {
	_, err := Load("", []string{"ARRAKIS_REDIS_URL=http://:pw-SECRET@cache:6379"})
	if err == nil || strings.Contains(err.Error(), "SECRET") {
		t.Fatalf("Load = %v; want an error without the password", err)
	}
}

func TestRequireToken(t *testing.T) {
	c := Default()
	if err := c.RequireToken(); err == nil || !strings.Contains(err.Error(), "ARRAKIS_DISCORD_TOKEN") {
		t.Errorf("RequireToken() without token = %v", err)
	}
	c.Discord.Token = "t"
	if err := c.RequireToken(); err == nil || !strings.Contains(err.Error(), "ARRAKIS_DISCORD_APPLICATION_ID") {
		t.Errorf("RequireToken() without application id = %v", err)
	}
	c.Discord.ApplicationID = "1"
	if err := c.RequireToken(); err != nil {
		t.Errorf("RequireToken() = %v", err)
	}
}

func writeFile(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}
