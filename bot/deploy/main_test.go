package deploy

import (
	"os"
	"testing"

	"github.com/arrakis-bot/arrakis/internal/fakediscord"
)

// TestMain reports how many requests the OpenAPI contract check saw.
func TestMain(m *testing.M) { os.Exit(fakediscord.Main(m)) }
