package fakediscord

import (
	"crypto/rand"
	"encoding/hex"
	"strconv"
	"sync/atomic"
	"time"
)

// discordEpoch is the first millisecond of 2015, Discord's snowflake epoch.
const discordEpoch = 1420070400000

// idCounter is shared by every Server in the process so ids never collide
// between fakes running in parallel tests.
var idCounter atomic.Uint64

// newID returns a snowflake-shaped id: milliseconds since the Discord epoch in
// the high bits and a process-wide counter in the low 22 bits, so ids sort by
// creation like real ones.
func newID() string { return newIDAt(time.Now()) }

// newIDAt returns a snowflake whose timestamp is t, as Discord's id for a resource made
// at t would be (Discord's own "created at" is read from the id).
func newIDAt(t time.Time) string {
	ms := uint64(t.UnixMilli() - discordEpoch)
	n := idCounter.Add(1)
	return strconv.FormatUint(ms<<22|(n&0x3FFFFF), 10)
}

// randomToken returns n random bytes hex-encoded (interaction and bot tokens).
func randomToken(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func nowUTC() time.Time { return time.Now().UTC() }
