// Package testenv hands tests the real servers that scripts/test starts: a single redis-server,
// a three-master Redis Cluster and an S3-compatible server (versitygw). scripts/test exports
// their addresses as ARRAKIS_TEST_* variables; a test that needs one and finds it unset or
// unreachable fails (never skips) with a message that says to run scripts/test.
//
// Packages run in parallel against the same servers, so tests never flush them: they use a
// fresh GuildID for their keys and a fresh bucket from S3.
package testenv

import (
	"os"
	"strings"
	"testing"
)

// Names of the variables scripts/test exports.
const (
	EnvRedisAddr         = "ARRAKIS_TEST_REDIS_ADDR"
	EnvRedisClusterAddrs = "ARRAKIS_TEST_REDIS_CLUSTER_ADDRS"
	EnvS3Endpoint        = "ARRAKIS_TEST_S3_ENDPOINT"
	EnvS3AccessKey       = "ARRAKIS_TEST_S3_ACCESS_KEY"
	EnvS3SecretKey       = "ARRAKIS_TEST_S3_SECRET_KEY"
	EnvS3Region          = "ARRAKIS_TEST_S3_REGION"
	EnvOpenAPIChecker    = "ARRAKIS_TEST_OPENAPI_CHECKER"
	EnvOpenAPISpec       = "DISCORD_OPENAPI_SPEC"
)

// Hint ends every message about a missing or dead test server.
const Hint = "run scripts/test"

// Getenv returns the variable or fails the test saying how to get it set.
func Getenv(t testing.TB, name string) string {
	t.Helper()
	v := strings.TrimSpace(os.Getenv(name))
	if v == "" {
		t.Fatalf("%s is not set: %s", name, Hint)
	}
	return v
}
