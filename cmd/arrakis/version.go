package main

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// version is set at build time: go build -ldflags "-X main.version=v1.2.3" ./cmd/arrakis.
// Empty means: take it from the build information.
var version = ""

func init() {
	// --version and the version command print the same line.
	rootCmd.Version = versionString()
	rootCmd.SetVersionTemplate(versionLine())
	rootCmd.AddCommand(newVersionCmd())
}

// versionLine is what --version and the version command print.
func versionLine() string {
	return fmt.Sprintf("arrakis %s (%s %s/%s)\n", versionString(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
}

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version of this arrakis binary",
		Long: `Print the version of this binary: the one stamped at build time (go build -ldflags
"-X main.version=v1.2.3"), else the module version (go install …@v1.2.3), else "devel" and the
commit it was built from. --version prints the same line.

Exit status: 0.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := fmt.Fprint(cmd.OutOrStdout(), versionLine())
			return err
		},
	}
}

// versionString is the -ldflags version, else the module version (go install …@v1.2.3), else
// "devel" with the VCS revision when the build recorded one.
func versionString() string {
	if version != "" {
		return version
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "devel"
	}
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	var rev, dirty string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "-dirty"
			}
		}
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if rev == "" {
		return "devel"
	}
	return "devel+" + rev + dirty
}
