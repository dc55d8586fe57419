package testenv

import (
	"math/rand/v2"
	"strconv"
	"testing"
	"time"
)

// discordEpoch is 2015-01-01T00:00:00Z in milliseconds, the origin of snowflake timestamps.
const discordEpoch = 1420070400000

// GuildID returns a random snowflake-shaped id (a recent timestamp in the top bits, random low
// bits), so tests sharing a Redis or a bucket never touch each other's keys.
func GuildID(t testing.TB) string {
	t.Helper()
	// Up to ~12 days back plus 22 random bits: about 52 random bits per id.
	ms := time.Now().UnixMilli() - discordEpoch - rand.Int64N(1<<30)
	return strconv.FormatUint(uint64(ms)<<22|rand.Uint64N(1<<22), 10)
}
