package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/arrakis-bot/arrakis/wizard"
)

func TestManifestValidateExitCodes(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// JSON is YAML: the canonical JSON of the complete example must validate the same.
	data, err := os.ReadFile("../../examples/community.yaml")
	if err != nil {
		t.Fatalf("the complete example is missing: %v", err)
	}
	m, err := wizard.DecodeYAML(data)
	if err != nil {
		t.Fatalf("decode examples/community.yaml: %v", err)
	}
	js, err := m.CanonicalJSON()
	if err != nil {
		t.Fatal(err)
	}
	jsonFile := write("community.json", string(js))
	noTiers := write("no-tiers.yaml", "apiVersion: arrakis/v1\ncommunity:\n  name: Empty\nchains: []\nassets: []\ntiers: []\nchannelTemplate: none\nchannels: []\n")

	cases := []struct {
		name       string
		args       []string
		stdin      string
		code       int
		stdout     []string
		stderr     []string
		stderrNone bool
	}{
		{name: "complete", args: []string{"-f", "../../examples/community.yaml"}, code: 0,
			stdout: []string{"examples/community.yaml: deployable and complete."}, stderrNone: true},
		{name: "complete as argument", args: []string{"../../examples/community.yaml"}, code: 0,
			stdout: []string{"deployable and complete."}, stderrNone: true},
		{name: "json", args: []string{"-f", jsonFile}, code: 0, stdout: []string{"deployable and complete."}, stderrNone: true},
		{name: "stdin", args: []string{"-f", "-"}, stdin: string(data), code: 0, stdout: []string{"-: deployable and complete."}},
		{name: "deployable but incomplete", args: []string{"-f", "../../testdata/manifests/incomplete.yaml"}, code: 1,
			stdout: []string{"chains: Chains: ", "tiers[0].rules: ", "deployable, but not complete"},
			stderr: []string{"arrakis: ../../testdata/manifests/incomplete.yaml is not complete: 4 problems listed above."}},
		{name: "not deployable", args: []string{"-f", noTiers}, code: 1,
			stdout: []string{"tiers", "not deployable"}, stderr: []string{"is not deployable"}},
		{name: "unknown field", args: []string{"-f", "../../testdata/manifests/invalid-unknown-field.yaml"}, code: 1,
			stderr: []string{"is not a valid manifest: tiers[0].role: unknown field \"colour\""}},
		{name: "not yaml", args: []string{"-f", write("garbage.yaml", "tiers: [unclosed\n")}, code: 1,
			stderr: []string{"is not a valid manifest"}},
		{name: "missing file", args: []string{"-f", filepath.Join(dir, "nope.yaml")}, code: 2,
			stderr: []string{"arrakis: cannot read " + filepath.Join(dir, "nope.yaml") + ": no such file or directory."}},
		{name: "directory", args: []string{"-f", dir}, code: 2, stderr: []string{"cannot read " + dir}},
		{name: "no file given", args: nil, code: 2, stderr: []string{"needs the manifest to check: -f FILE"}},
		{name: "two files", args: []string{"-f", jsonFile, noTiers}, code: 2, stderr: []string{"give the manifest once"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := arrakis(t, c.stdin, append([]string{"manifest", "validate"}, c.args...)...)
			if code != c.code {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, c.code, out, errOut)
			}
			for _, w := range c.stdout {
				if !strings.Contains(out, w) {
					t.Errorf("stdout lacks %q:\n%s", w, out)
				}
			}
			for _, w := range c.stderr {
				if !strings.Contains(errOut, w) {
					t.Errorf("stderr lacks %q:\n%s", w, errOut)
				}
			}
			if c.stderrNone && errOut != "" {
				t.Errorf("stderr = %q, want nothing", errOut)
			}
			if strings.Count(strings.TrimSpace(errOut), "\n") > 0 {
				t.Errorf("stderr has more than one line: %q", errOut)
			}
		})
	}
}
