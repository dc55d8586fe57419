package deploy

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"github.com/arrakis-bot/arrakis/wizard"
)

// manifestSHA is the SHA-256 the shadow store records for m.
// TODO(deploy): use m.SHA256() once wizard's canonical encoding lands (the stores use the
// same stand-in until then, so the two always agree).
func manifestSHA(m *wizard.Manifest) (string, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(m); err != nil {
		return "", fmt.Errorf("encode manifest: %w", err)
	}
	sum := sha256.Sum256(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
	return hex.EncodeToString(sum[:]), nil
}
