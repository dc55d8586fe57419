package bot

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/bwmarrin/discordgo"
)

// With ARRAKIS_PREVIEW_DIR set, the at-a-glance tests also write every screen they look
// at as a discord-preview input (/work/shared/tools/discord-preview), so the screens can be
// rendered and judged by eye. Without it they write nothing.

var previewSeq atomic.Int64

func previewDump(t *testing.T, caption string, m *discordgo.Message) {
	dir := os.Getenv("ARRAKIS_PREVIEW_DIR")
	if dir == "" || m == nil {
		return
	}
	// discordgo leaves a message's components out of its JSON: add them back.
	raw, err := json.Marshal(m)
	var msg map[string]any
	if err == nil {
		err = json.Unmarshal(raw, &msg)
	}
	if err != nil {
		t.Errorf("preview %s: %v", caption, err)
		return
	}
	msg["components"] = m.Components
	b, err := json.Marshal(map[string]any{"caption": caption, "message": msg})
	if err != nil {
		t.Errorf("preview %s: %v", caption, err)
		return
	}
	name := filepath.Join(dir, fmt.Sprintf("%03d-%s.json", previewSeq.Add(1), t.Name()))
	if err := os.WriteFile(name, b, 0o644); err != nil {
		t.Errorf("preview %s: %v", caption, err)
	}
}
