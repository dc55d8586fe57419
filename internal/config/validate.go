package config

import (
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"
)

// minDriftInterval keeps the scheduled drift check from hammering Discord's API.
const minDriftInterval = time.Minute

// Validate checks values that parse but cannot work together or at all. Each problem names
// its key; all are returned joined.
func (c *Config) Validate() error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("config: %s: %s", key, fmt.Sprintf(format, args...)))
	}

	d := c.Discord
	switch d.Mode {
	case ModeGateway, ModeHTTP:
	default:
		bad("discord.mode", "%q is not a mode (use %s or %s)", d.Mode, ModeGateway, ModeHTTP)
	}
	if d.ApplicationID != "" && !isSnowflake(d.ApplicationID) {
		bad("discord.application_id", "%q is not an application id (the digits under General Information in the Developer Portal)", d.ApplicationID)
	}
	switch {
	case d.PublicKey != "":
		if b, err := hex.DecodeString(d.PublicKey); err != nil || len(b) != 32 {
			bad("discord.public_key", "must be 64 hex characters (Public Key under General Information in the Developer Portal)")
		}
	case d.Mode == ModeHTTP:
		bad("discord.public_key", "is required in http mode to verify interaction signatures (set ARRAKIS_DISCORD_PUBLIC_KEY)")
	}
	if err := checkURL(d.RESTBaseURL, "http", "https"); err != nil {
		bad("discord.rest_base_url", "%v", err)
	}
	if d.GatewayURL != "" {
		if err := checkURL(d.GatewayURL, "ws", "wss"); err != nil {
			bad("discord.gateway_url", "%v", err)
		}
	}
	if d.ShardCount < 1 {
		bad("discord.shard_count", "%d must be at least 1", d.ShardCount)
	} else if d.ShardID < 0 || d.ShardID >= d.ShardCount {
		bad("discord.shard_id", "%d must be between 0 and shard_count-1 (%d)", d.ShardID, d.ShardCount-1)
	}

	switch {
	case c.HTTP.Listen != "":
		if _, port, err := net.SplitHostPort(c.HTTP.Listen); err != nil || port == "" {
			bad("http.listen", "%q is not a listen address (for example \":8080\" or \"127.0.0.1:8080\")", c.HTTP.Listen)
		}
	case d.Mode == ModeHTTP:
		bad("http.listen", "is required in http mode: Discord posts interactions to it")
	}

	if c.Redis.URL != "" {
		if err := checkURL(c.Redis.URL, "redis", "rediss", "unix"); err != nil {
			bad("redis.url", "%v", err)
		}
	}
	for _, p := range []struct {
		key string
		v   time.Duration
	}{
		{"redis.dial_timeout", c.Redis.DialTimeout}, {"redis.read_timeout", c.Redis.ReadTimeout},
		{"redis.write_timeout", c.Redis.WriteTimeout}, {"session.ttl", c.Session.TTL},
		{"redis.cluster_reload_interval", c.Redis.ClusterReloadInterval}, {"discord.click_budget", d.ClickBudget},
		{"discord.server_error_budget", d.ServerErrorBudget},
	} {
		if p.v <= 0 {
			bad(p.key, "%s must be more than zero", p.v)
		}
	}

	if d.ClickBudget > 2*time.Second {
		bad("discord.click_budget", "%s leaves the answer less than 1s of Discord's 3s deadline; use 2s or less", d.ClickBudget)
	}

	if c.S3.Bucket != "" && !isBucketName(c.S3.Bucket) {
		bad("s3.bucket", "%q is not a bucket name (3-63 lowercase letters, digits, dots and hyphens)", c.S3.Bucket)
	}
	if c.S3.Endpoint != "" {
		if err := checkURL(c.S3.Endpoint, "http", "https"); err != nil {
			bad("s3.endpoint", "%v", err)
		}
	}
	if c.S3.Bucket != "" && c.S3.Region == "" {
		bad("s3.region", "is required when s3.bucket is set (us-east-1 suits most S3-compatible servers)")
	}
	switch c.S3.Checksum {
	case ChecksumWhenRequired, ChecksumWhenSupported:
	default:
		bad("s3.checksum", "%q is not a checksum mode (use %s or %s)", c.S3.Checksum, ChecksumWhenRequired, ChecksumWhenSupported)
	}
	if (c.S3.AccessKey == "") != (c.S3.SecretKey == "") {
		bad("s3.access_key", "and s3.secret_key must be set together (or both left empty for the AWS default credentials)")
	}

	if strings.TrimSpace(c.DataDir) == "" {
		bad("data_dir", "must not be empty: embedded state lives there")
	}
	if c.Drift.Interval < 0 || (c.Drift.Interval > 0 && c.Drift.Interval < minDriftInterval) {
		bad("drift.interval", "%s is too short: use 0 (off) or at least %s", c.Drift.Interval, minDriftInterval)
	}
	if c.Web.BaseURL != "" {
		if err := checkWebBaseURL(c.Web.BaseURL); err != nil {
			bad("web.base_url", "%v", err)
		}
	}
	if _, err := c.Web.Proxies(); err != nil {
		bad("web.trusted_proxies", "%v", err)
	}
	switch c.Log.Level {
	case "debug", "info", "warn", "error":
	default:
		bad("log.level", "%q is not a level (use debug, info, warn or error)", c.Log.Level)
	}
	switch c.Log.Format {
	case "", LogConsole, LogJSON:
	default:
		bad("log.format", "%q is not a log format (use %s or %s, or leave it empty: %s on a terminal, else %s)", c.Log.Format, LogConsole, LogJSON, LogConsole, LogJSON)
	}
	return errors.Join(errs...)
}

// RequireToken is for the commands that talk to Discord: Load leaves the token optional.
func (c *Config) RequireToken() error {
	if c.Discord.Token == "" {
		return errors.New("config: discord.token is not set: set ARRAKIS_DISCORD_TOKEN to the bot token from the Developer Portal (Bot → Reset Token)")
	}
	if c.Discord.ApplicationID == "" {
		return errors.New("config: discord.application_id is not set: set ARRAKIS_DISCORD_APPLICATION_ID to the Application ID from the Developer Portal (General Information)")
	}
	return nil
}

// checkURL accepts an absolute URL with one of the schemes (and a host, except for unix).
// The value is not repeated in the error: a URL may carry a password.
func checkURL(s string, schemes ...string) error {
	u, err := url.Parse(s)
	if err != nil {
		return errors.New("is not a URL")
	}
	ok := false
	for _, sc := range schemes {
		ok = ok || u.Scheme == sc
	}
	if !ok {
		return fmt.Errorf("must start with %s://", strings.Join(schemes, ":// or "))
	}
	if u.Scheme != "unix" && u.Host == "" {
		return fmt.Errorf("has no host (for example %s://example.com)", schemes[0])
	}
	return nil
}

func isSnowflake(s string) bool {
	if len(s) < 1 || len(s) > 20 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

func isBucketName(s string) bool {
	if len(s) < 3 || len(s) > 63 {
		return false
	}
	for i, r := range s {
		alnum := (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9')
		if !alnum && ((r != '.' && r != '-') || i == 0 || i == len(s)-1) {
			return false
		}
	}
	return true
}
