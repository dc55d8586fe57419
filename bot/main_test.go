package bot

import (
	"os"
	"testing"

	"github.com/arrakis-bot/arrakis/internal/fakediscord"
)

// TestMain prints "OpenAPI check: N requests": every request the bot made to the fake
// Discord in this package's tests was checked against Discord's OpenAPI spec.
func TestMain(m *testing.M) { os.Exit(fakediscord.Main(m)) }
