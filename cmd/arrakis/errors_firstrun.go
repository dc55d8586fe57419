package main

// The failures a first run meets, each worded as one sentence that names the setting to
// change and what to do: a rejected token, a bot that is not in the server, a missing
// permission, an unreachable Discord, Redis, S3 or data directory. The libraries' own
// wording (status dumps, request ids, retry counts) stays out of it; the log at debug
// level keeps the details.

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"syscall"

	"github.com/bwmarrin/discordgo"

	"github.com/arrakis-bot/arrakis/bot/deploy"
	"github.com/arrakis-bot/arrakis/internal/config"
)

// plainError is a sentence for the terminal that keeps the error it words in its chain.
type plainError struct {
	msg string
	err error
}

func (e *plainError) Error() string { return e.msg }
func (e *plainError) Unwrap() error { return e.err }

func plainf(cause error, format string, args ...any) error {
	return &plainError{msg: fmt.Sprintf(format, args...), err: cause}
}

// explain words err for the terminal when it is one of the first-run failures, keeping any
// "what was done, what was not" of a deploy that stopped part-way; other errors pass as
// they are. cfg may be nil (the configuration did not load); guild is the --guild flag.
func explain(err error, cfg *config.Config, guild string) error {
	if err == nil || cfg == nil {
		return err
	}
	msg := discordSentence(err, cfg, guild)
	if msg == "" {
		return err
	}
	var de *deploy.Error
	if errors.As(err, &de) && de.Result != nil {
		msg = strings.TrimSuffix(msg, ".") + ". " + stoppedSummary(de.Result)
	}
	var ee *exitError
	if errors.As(err, &ee) {
		return &exitError{code: ee.code, err: &plainError{msg: msg, err: err}}
	}
	return &plainError{msg: msg, err: err}
}

// discordSentence words a Discord failure in err's chain, or returns "".
func discordSentence(err error, cfg *config.Config, guild string) string {
	var rest *discordgo.RESTError
	if errors.As(err, &rest) && rest.Response != nil {
		status, code := rest.Response.StatusCode, 0
		if rest.Message != nil {
			code = rest.Message.Code
		}
		if g := guildOf(rest.Request); g != "" {
			guild = g
		}
		server := "that server"
		if guild != "" {
			server = "server " + guild
		}
		switch {
		case status == http.StatusUnauthorized:
			return "Discord rejected the bot token (HTTP 401): set discord.token (ARRAKIS_DISCORD_TOKEN) to the token under Developer Portal → your application → Bot → Reset Token."
		case code == discordgo.ErrCodeMissingAccess || code == discordgo.ErrCodeUnknownGuild:
			return fmt.Sprintf("The bot is not in %s (Discord error %d): invite it with %s and run the command again.",
				server, code, deploy.InviteURL(cfg.Discord.ApplicationID, guild))
		case code == discordgo.ErrCodeMissingPermissions:
			action, perm := writeNeeds(rest.Request)
			return fmt.Sprintf("Discord refused to %s in %s because the bot is missing the %s permission (error 50013): give the bot's role %s in Server Settings → Roles, keep it above the tier roles, and run the command again.",
				action, server, perm, perm)
		}
		return ""
	}
	var ue *url.Error
	if errors.As(err, &ue) && isDiscordURL(ue.URL) {
		return fmt.Sprintf("Discord does not answer at %s (%s): check discord.rest_base_url (ARRAKIS_DISCORD_REST_BASE_URL) and the network, then run the command again.",
			realURL(ue.URL, cfg.Discord.RESTBaseURL), netCause(ue.Err))
	}
	return ""
}

var guildPath = regexp.MustCompile(`/guilds/([0-9]+)`)

// guildOf is the guild id in a Discord request's path, if it has one.
func guildOf(req *http.Request) string {
	if req == nil || req.URL == nil {
		return ""
	}
	if m := guildPath.FindStringSubmatch(req.URL.Path); m != nil {
		return m[1]
	}
	return ""
}

// writeNeeds says what a refused request tried to do and the permission Discord wants for
// it, in the names Server Settings uses.
func writeNeeds(req *http.Request) (action, permission string) {
	if req == nil || req.URL == nil {
		return "make a change", "Manage Roles or Manage Channels"
	}
	p := req.URL.Path
	switch {
	case strings.Contains(p, "/permissions/"):
		return "set who may see a channel", "Manage Roles"
	case strings.Contains(p, "/roles"):
		switch req.Method {
		case http.MethodPost:
			return "create a role", "Manage Roles"
		case http.MethodDelete:
			return "delete a role", "Manage Roles"
		}
		return "change a role", "Manage Roles"
	case strings.Contains(p, "/channels"):
		switch req.Method {
		case http.MethodPost:
			return "create a channel", "Manage Channels"
		case http.MethodDelete:
			return "delete a channel", "Manage Channels"
		}
		return "change a channel", "Manage Channels"
	case strings.Contains(p, "/messages"):
		return "post a message", "Send Messages"
	}
	return "make a change", "Manage Roles or Manage Channels"
}

func isDiscordURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && strings.EqualFold(u.Host, "discord.com")
}

var apiVersion = regexp.MustCompile(`^/api/v[0-9]+`)

// realURL is where a request to discord.com really went: discordgo names Discord's own
// host, and discord.rest_base_url's RoundTripper sends it elsewhere.
func realURL(discordURL, base string) string {
	u, err := url.Parse(discordURL)
	b, berr := url.Parse(base)
	if err != nil || berr != nil || b.Host == "" {
		return discordURL
	}
	rest := apiVersion.ReplaceAllString(u.Path, "")
	prefix := strings.TrimSuffix(b.Path, "/")
	if prefix == "" {
		prefix = apiVersion.FindString(u.Path)
	}
	u.Scheme, u.Host, u.Path, u.RawPath = b.Scheme, b.Host, prefix+rest, ""
	return u.String()
}

// netCause words why a connection failed, without the library's framing.
func netCause(err error) string {
	var dns *net.DNSError
	switch {
	case err == nil:
		return "no answer"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.As(err, &dns):
		return "no such host " + dns.Name
	case errors.Is(err, syscall.ECONNRESET):
		return "connection reset"
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded) || isTimeout(err):
		return "no answer in time"
	case errors.Is(err, syscall.EHOSTUNREACH) || errors.Is(err, syscall.ENETUNREACH):
		return "host unreachable"
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Err != nil {
		return innermost(op.Err).Error()
	}
	return innermost(err).Error()
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// innermost follows a single chain of wrapped errors to its end.
func innermost(err error) error {
	for {
		next := errors.Unwrap(err)
		if next == nil {
			return err
		}
		err = next
	}
}

// redisFailure words a Redis that cannot be used.
func redisFailure(cfg *config.Config, err error) error {
	return plainf(err, "Redis at %s does not answer (%s): check redis.url (ARRAKIS_REDIS_URL) and that Redis is running, or leave redis.url empty to keep sessions in memory.",
		redisAddress(cfg.Redis.URL), netCause(err))
}

// redisAddress is the host:port of a Redis URL, without its password.
func redisAddress(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "redis.url"
	}
	if u.Host == "" {
		return u.Path // unix socket
	}
	return u.Host
}

// s3Failure words an S3 store that cannot be used: unreachable, no credentials, rejected
// credentials, a missing bucket.
func s3Failure(cfg *config.Config, err error) error {
	where := cfg.S3.Endpoint
	if where == "" {
		where = "AWS S3 (" + cfg.S3.Region + ")"
	}
	text := err.Error()
	switch {
	case strings.Contains(text, "get credentials") || strings.Contains(text, "get identity") || strings.Contains(text, "failed to retrieve credentials"):
		return plainf(err, "S3 bucket %s on %s needs credentials and none were found: set s3.access_key and s3.secret_key (ARRAKIS_S3_ACCESS_KEY, ARRAKIS_S3_SECRET_KEY), or the AWS variables (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY).",
			cfg.S3.Bucket, where)
	case strings.Contains(text, "rejected the credentials"):
		return plainf(err, "S3 on %s rejected the credentials for bucket %s: check s3.access_key and s3.secret_key (ARRAKIS_S3_ACCESS_KEY, ARRAKIS_S3_SECRET_KEY) and the bucket's policy.",
			where, cfg.S3.Bucket)
	case strings.Contains(text, "does not exist on"):
		return plainf(err, "S3 bucket %s does not exist on %s: create it, or fix s3.bucket (ARRAKIS_S3_BUCKET).", cfg.S3.Bucket, where)
	case strings.Contains(text, "ignored If-None-Match"):
		return plainf(err, "The S3 server at %s ignores conditional writes (If-None-Match), so two deploys could claim one version: use AWS S3 or a server that supports them (such as versitygw), via s3.endpoint (ARRAKIS_S3_ENDPOINT).", where)
	}
	return plainf(err, "S3 at %s does not answer for bucket %s (%s): check s3.endpoint (ARRAKIS_S3_ENDPOINT), s3.bucket and the network, or leave s3.bucket empty to keep the history in data_dir.",
		where, cfg.S3.Bucket, netCause(err))
}

// dataDirFailure words a data directory that cannot be used.
func dataDirFailure(cfg *config.Config, err error) error {
	cause := innermost(err).Error()
	var pe *fs.PathError
	if errors.As(err, &pe) {
		cause = pe.Path + ": " + innermost(pe.Err).Error()
	}
	return plainf(err, "data_dir (ARRAKIS_DATA_DIR) %q cannot be used (%s): set data_dir to a directory this user can create and write.", cfg.DataDir, cause)
}
