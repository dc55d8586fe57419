package deploy

import (
	"bytes"
	"fmt"

	"github.com/arrakis-bot/arrakis/wizard"
)

// sameManifest reports whether two manifests have the same canonical JSON (and so the
// same SHA-256). Comparing the encodings, rather than m's hash with the one a store
// recorded, keeps the answer right whatever the store hashes.
func sameManifest(a, b *wizard.Manifest) (bool, error) {
	if a == nil || b == nil {
		return a == b, nil
	}
	ja, err := a.CanonicalJSON()
	if err != nil {
		return false, fmt.Errorf("encode manifest: %w", err)
	}
	jb, err := b.CanonicalJSON()
	if err != nil {
		return false, fmt.Errorf("encode manifest: %w", err)
	}
	return bytes.Equal(ja, jb), nil
}
