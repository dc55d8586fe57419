package testenv

import (
	"os"
	"testing"
)

// Names of the browser variables: scripts/test installs Debian's chromium when it is missing
// and exports its path; ARRAKIS_TEST_ARTIFACTS, when set, is where browser tests write
// their screenshots.
const (
	EnvChromium  = "ARRAKIS_TEST_CHROMIUM"
	EnvArtifacts = "ARRAKIS_TEST_ARTIFACTS"
)

// Chromium is the path of the chromium binary, or fails the test saying how to get it.
func Chromium(t testing.TB) string {
	t.Helper()
	path := Getenv(t, EnvChromium)
	if st, err := os.Stat(path); err != nil || st.IsDir() || st.Mode()&0o111 == 0 {
		t.Fatalf("%s=%s is not an executable chromium: %s", EnvChromium, path, Hint)
	}
	return path
}

// Artifacts is the directory for test artifacts such as screenshots ("" when not asked for).
// It is created when missing.
func Artifacts(t testing.TB) string {
	t.Helper()
	dir := os.Getenv(EnvArtifacts)
	if dir == "" {
		return ""
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatalf("%s=%s: %v", EnvArtifacts, dir, err)
	}
	return dir
}
