package main

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/arrakis-bot/arrakis/internal/fakediscord"
)

// TestMain prints how many requests the fake Discord checked against the OpenAPI spec
// ("OpenAPI check: N requests"), as every package whose tests use the fake does.
func TestMain(m *testing.M) { os.Exit(fakediscord.Main(m)) }

// arrakis runs the command line in-process and returns the exit code and both outputs.
func arrakis(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	resetFlags(rootCmd)
	var out, errOut bytes.Buffer
	rootCmd.SetIn(strings.NewReader(stdin))
	code = run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

// resetFlags puts every flag back to its default: cobra keeps parsed values between
// Execute calls on the same command tree, and the tests run many command lines.
func resetFlags(c *cobra.Command) {
	reset := func(f *pflag.Flag) {
		if sv, ok := f.Value.(pflag.SliceValue); ok {
			_ = sv.Replace(nil)
		} else {
			_ = f.Value.Set(f.DefValue)
		}
		f.Changed = false
	}
	c.Flags().VisitAll(reset)
	c.PersistentFlags().VisitAll(reset)
	for _, sub := range c.Commands() {
		resetFlags(sub)
	}
}

func TestVersion(t *testing.T) {
	old := version
	t.Cleanup(func() { version = old })

	version = "v9.9.9-test" // what -ldflags "-X main.version=…" sets
	code, out, errOut := arrakis(t, "", "version")
	if code != 0 || !strings.HasPrefix(out, "arrakis v9.9.9-test (go") || errOut != "" {
		t.Errorf("version = %d, %q, %q; want 0 and the -ldflags version", code, out, errOut)
	}

	version = ""
	if v := versionString(); v == "" || strings.ContainsAny(v, " \n") {
		t.Errorf("versionString() from build info = %q, want one non-empty word", v)
	}
}

func TestUsageErrorsExit2(t *testing.T) {
	cases := [][]string{
		{"no-such-command"},
		{"version", "--no-such-flag"},
		{"manifest", "validate", "--no-such-flag"},
	}
	for _, args := range cases {
		code, _, errOut := arrakis(t, "", args...)
		if code != exitUsage || !strings.HasPrefix(errOut, "arrakis: ") {
			t.Errorf("arrakis %v = %d, stderr %q; want exit 2 and an 'arrakis: ' message", args, code, errOut)
		}
	}
}

func TestConfigFlagAndEnv(t *testing.T) {
	t.Setenv("ARRAKIS_CONFIG", "")
	t.Setenv("ARRAKIS_LOG_LEVEL", "warn")
	configPath = ""
	c, err := loadConfig()
	if err != nil || c.Log.Level != "warn" {
		t.Fatalf("loadConfig() = %v, %v; want the environment applied", c, err)
	}
	t.Setenv("ARRAKIS_CONFIG", "/nonexistent/arrakis.yaml")
	if _, err := loadConfig(); err == nil || !strings.Contains(err.Error(), "/nonexistent/arrakis.yaml does not exist") {
		t.Errorf("loadConfig() with ARRAKIS_CONFIG = %v; want the file's absence reported", err)
	}
	configPath = "../../config.yaml" // --config wins over ARRAKIS_CONFIG
	t.Cleanup(func() { configPath = "" })
	if _, err := loadConfig(); err != nil {
		t.Errorf("loadConfig() with --config config.yaml = %v", err)
	}
}

func TestSentence(t *testing.T) {
	for in, want := range map[string]string{
		"cannot read x":           "cannot read x.",
		"done.":                   "done.",
		"bad field (line 3)":      "bad field (line 3)",
		"  trailing space here  ": "trailing space here.",
	} {
		if got := sentence(in); got != want {
			t.Errorf("sentence(%q) = %q, want %q", in, got, want)
		}
	}
}
