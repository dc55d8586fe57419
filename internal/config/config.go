// Package config is the operator's configuration of Arrakis: one YAML file (config.yaml at the
// repository root documents every key with its default) and environment variables that
// override it. A key's environment variable is ARRAKIS_ + its path in upper case with dots as
// underscores: discord.rest_base_url ↔ ARRAKIS_DISCORD_REST_BASE_URL.
//
// The defaults run the bot on embedded storage (sessions in memory, shadow state in the data
// directory), so a token and an application id are all a first run needs.
package config

import "time"

// Config is the whole configuration. Field tags are the snake_case keys of the file.
type Config struct {
	Discord Discord `yaml:"discord"`
	HTTP    HTTP    `yaml:"http"`
	Redis   Redis   `yaml:"redis"`
	S3      S3      `yaml:"s3"`
	// DataDir holds embedded state: shadow snapshots when no S3 bucket is set.
	DataDir string  `yaml:"data_dir"`
	Session Session `yaml:"session"`
	Drift   Drift   `yaml:"drift"`
	Log     Log     `yaml:"log"`
	Web     Web     `yaml:"web"`
}

// Discord says which application the bot is and how it reaches Discord.
type Discord struct {
	Token         string `yaml:"token"`          // bot token; secret, never printed
	ApplicationID string `yaml:"application_id"` // snowflake of the application
	PublicKey     string `yaml:"public_key"`     // hex Ed25519 key; HTTP mode verifies signatures with it
	Mode          string `yaml:"mode"`           // ModeGateway or ModeHTTP
	RESTBaseURL   string `yaml:"rest_base_url"`  // e.g. https://discord.com/api/v9, or a fake in tests
	GatewayURL    string `yaml:"gateway_url"`    // empty = the URL Discord announces
	ShardID       int    `yaml:"shard_id"`       // gateway mode: this instance's shard
	ShardCount    int    `yaml:"shard_count"`    // gateway mode: total shards
	// ClickBudget bounds the synchronous work of one interaction, every Redis call
	// included, so the answer keeps at least 1 s of Discord's 3 s deadline.
	ClickBudget time.Duration `yaml:"click_budget"`
	// ServerErrorBudget is how long Discord may answer a deploy's writes with 5xx (retried
	// with capped exponential backoff) before the deploy stops, resumably.
	ServerErrorBudget time.Duration `yaml:"server_error_budget"`
}

// HTTP is the listener for the interactions endpoint (HTTP mode) and health/metrics.
type HTTP struct {
	Listen string `yaml:"listen"`
}

// Redis holds shared sessions and coordination; an empty URL keeps them in memory.
type Redis struct {
	URL          string        `yaml:"url"` // redis://, rediss://, unix://; redis://h1:p1?addr=h2:p2 for a cluster
	DialTimeout  time.Duration `yaml:"dial_timeout"`
	ReadTimeout  time.Duration `yaml:"read_timeout"`
	WriteTimeout time.Duration `yaml:"write_timeout"`
	// ClusterReloadInterval is how often a Cluster client reloads its topology; it also
	// reloads after a connection error or timeout.
	ClusterReloadInterval time.Duration `yaml:"cluster_reload_interval"`
}

// S3 holds versioned shadow state; an empty bucket keeps it in the data directory.
type S3 struct {
	Bucket    string `yaml:"bucket"`
	Endpoint  string `yaml:"endpoint"` // empty = AWS
	Region    string `yaml:"region"`
	PathStyle bool   `yaml:"path_style"` // most S3-compatible servers need true
	Checksum  string `yaml:"checksum"`   // ChecksumWhenRequired or ChecksumWhenSupported
	// Empty credentials use the AWS default chain (AWS_ACCESS_KEY_ID…, shared files, roles).
	AccessKey string `yaml:"access_key"`
	SecretKey string `yaml:"secret_key"` // secret, never printed
}

// Session is the /setup wizard's session.
type Session struct {
	TTL time.Duration `yaml:"ttl"` // idle time after which a wizard session ends
}

// Drift is the scheduled drift check.
type Drift struct {
	Interval time.Duration `yaml:"interval"` // 0 = off
}

// Log is the operator's log.
type Log struct {
	Level  string `yaml:"level"`  // debug, info, warn, error
	Format string `yaml:"format"` // LogConsole or LogJSON; empty = console on a terminal, else JSON
}

// Web is the read-only web view (served under /web/ on http.listen).
type Web struct {
	// BaseURL is the public URL that reaches http.listen (e.g. https://arrakis.example.com);
	// empty = no "Open in browser" button is offered.
	BaseURL string `yaml:"base_url"`
	// TrustedProxies are comma-separated CIDRs whose X-Forwarded-For is believed.
	TrustedProxies string `yaml:"trusted_proxies"`
}

// Values of log.format.
const (
	LogConsole = "console" // aligned, human-readable lines
	LogJSON    = "json"    // one JSON object a line, ISO-8601 times
)

// Values of discord.mode.
const (
	ModeGateway = "gateway"
	ModeHTTP    = "http"
)

// Values of s3.checksum.
const (
	// ChecksumWhenRequired sends checksums only where S3 requires them: what S3-compatible
	// servers accept (many reject the AWS SDK's default CRC trailers).
	ChecksumWhenRequired = "when_required"
	// ChecksumWhenSupported is the AWS SDK default: a checksum on every request that takes one.
	ChecksumWhenSupported = "when_supported"
)

// Default is the configuration before any file or environment variable: embedded storage,
// gateway mode, Discord's public API.
func Default() *Config {
	return &Config{
		Discord: Discord{
			Mode:              ModeGateway,
			RESTBaseURL:       "https://discord.com/api/v9",
			ShardCount:        1,
			ClickBudget:       2 * time.Second,
			ServerErrorBudget: time.Minute,
		},
		HTTP: HTTP{Listen: ":8080"},
		Redis: Redis{
			DialTimeout:  2 * time.Second,
			ReadTimeout:  2 * time.Second,
			WriteTimeout: 2 * time.Second,
			// A promoted replica serves clicks within about this long.
			ClusterReloadInterval: time.Second,
		},
		S3: S3{
			Region:   "us-east-1",
			Checksum: ChecksumWhenRequired,
		},
		DataDir: "./data",
		Session: Session{TTL: 15 * time.Minute},
		Log:     Log{Level: "info"},
	}
}
