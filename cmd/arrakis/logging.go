package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/aws/smithy-go/logging"
	goredis "github.com/redis/go-redis/v9"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/arrakis-bot/arrakis/internal/config"
)

// newLogger builds the operator's log at the configured level and format: console lines on
// a terminal, JSON lines otherwise (or as log.format says), with ISO-8601 times either way.
// The libraries' own loggers (go-redis, the AWS SDK) are routed into it at debug level, so
// a dead Redis or S3 is reported once, in Arrakis's words, not in theirs.
func newLogger(level, format string) (*zap.Logger, error) {
	lvl, err := zapcore.ParseLevel(level)
	if err != nil {
		return nil, fmt.Errorf("log.level %q: use debug, info, warn or error", level)
	}
	if format == "" {
		format = config.LogJSON
		if isTerminal(os.Stderr) {
			format = config.LogConsole
		}
	}
	var zc zap.Config
	switch format {
	case config.LogJSON:
		zc = zap.NewProductionConfig()
		zc.EncoderConfig.EncodeTime = zapcore.ISO8601TimeEncoder
	case config.LogConsole:
		zc = zap.NewDevelopmentConfig()
		zc.Development = false
		zc.EncoderConfig.EncodeTime = zapcore.ISO8601TimeEncoder
	default:
		return nil, fmt.Errorf("log.format %q: use console or json", format)
	}
	zc.Level = zap.NewAtomicLevelAt(lvl)
	zc.DisableStacktrace = lvl > zapcore.DebugLevel
	log, err := zc.Build()
	if err != nil {
		return nil, err
	}
	goredis.SetLogger(redisLogger{log.Named("redis")})
	libLog = log
	return log, nil
}

// libLog receives the libraries' log lines at debug level (none until serve builds its log).
var libLog = zap.NewNop()

// quietLibraries keeps go-redis's own log lines off a command's terminal; the command
// words the failure itself. serve's newLogger routes them into the log instead.
func quietLibraries() { goredis.SetLogger(redisLogger{zap.NewNop()}) }

// redisLogger is go-redis's logger interface over zap, at debug level.
type redisLogger struct{ log *zap.Logger }

func (l redisLogger) Printf(_ context.Context, format string, v ...any) {
	l.log.Debug(strings.TrimSpace(fmt.Sprintf(format, v...)))
}

// sdkLogger is the AWS SDK's logger interface over zap, at debug level.
type sdkLogger struct{ log *zap.Logger }

func (l sdkLogger) Logf(_ logging.Classification, format string, v ...any) {
	l.log.Debug(strings.TrimSpace(fmt.Sprintf(format, v...)))
}
