// Command arrakis runs the Arrakis Discord bot (serve) and the operator's tools around it:
// manifest checks, plans, deploys, drift reports. Each subcommand lives in its own file and
// registers itself with rootCmd from an init function.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/arrakis-bot/arrakis/internal/config"
)

// Exit codes: 0 success, 1 the command failed or found problems, 2 it could not run as asked
// (bad flags, unreadable input).
const (
	exitOK      = 0
	exitFailed  = 1
	exitUsage   = 2
	envConfig   = "ARRAKIS_CONFIG"
	shortAbout  = "Self-hosted Discord bot that sets up a token-gated community and keeps it as configured"
	rootExample = `  ARRAKIS_DISCORD_TOKEN=… ARRAKIS_DISCORD_APPLICATION_ID=… arrakis serve
  arrakis manifest validate -f examples/community.yaml`
)

// configPath is the --config flag; empty means $ARRAKIS_CONFIG, then no file.
var configPath string

var rootCmd = &cobra.Command{
	Use:   "arrakis",
	Short: shortAbout,
	Long: shortAbout + `.

Configuration comes from the defaults, a YAML file (--config or ARRAKIS_CONFIG; config.yaml
lists every key) and ARRAKIS_* environment variables, in that order.

Exit status: 0 on success, 1 when the command fails or finds problems, 2 when it cannot run
as asked (bad flags, unreadable input).`,
	Example:       rootExample,
	SilenceUsage:  true, // a failing command prints its error, not the flag list
	SilenceErrors: true, // run prints the error once, in its own words
	Args:          cobra.NoArgs,
	// Bare arrakis names no command: print the usage to stderr and exit 2, as for any other
	// command line that cannot run as asked.
	RunE: func(cmd *cobra.Command, _ []string) error {
		cmd.SetOut(cmd.ErrOrStderr())
		_ = cmd.Usage()
		return &exitError{code: exitUsage}
	},
}

func init() {
	rootCmd.PersistentFlags().StringVar(&configPath, "config", "",
		"YAML configuration file (default $"+envConfig+"; none when both are empty)")
	rootCmd.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return usageError(fmt.Errorf("%w (see '%s --help')", err, c.CommandPath()))
	})
}

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

// run executes the command line and returns the process exit code; errors go to stderr as
// "arrakis: <sentence>".
func run(args []string, stdout, stderr io.Writer) int {
	rootCmd.SetArgs(args)
	rootCmd.SetOut(stdout)
	rootCmd.SetErr(stderr)
	loadedConfig = nil
	quietLibraries()
	cmd, err := rootCmd.ExecuteC()
	if err == nil {
		return exitOK
	}
	err = explain(err, loadedConfig, guildFlag(cmd))
	var ee *exitError
	if errors.As(err, &ee) && ee.err == nil {
		return ee.code // the command already said everything
	}
	fmt.Fprintln(stderr, "arrakis: "+sentence(err.Error()))
	switch {
	case errors.As(err, &ee):
		return ee.code
	case strings.HasPrefix(err.Error(), "unknown command"):
		return exitUsage
	}
	return exitFailed
}

// loadConfig reads the configuration for a subcommand: --config, else $ARRAKIS_CONFIG, then
// the ARRAKIS_* environment.
func loadConfig() (*config.Config, error) {
	path := configPath
	if path == "" {
		path = os.Getenv(envConfig)
	}
	cfg, err := config.Load(path, os.Environ())
	loadedConfig = cfg
	return cfg, err
}

// loadedConfig is the configuration the running command loaded (nil before, or when it
// did not load): run words Discord and storage failures with its settings.
var loadedConfig *config.Config

// guildFlag is the --guild of the command that ran, if it has one.
func guildFlag(cmd *cobra.Command) string {
	if cmd == nil {
		return ""
	}
	if f := cmd.Flags().Lookup("guild"); f != nil {
		return f.Value.String()
	}
	return ""
}

// exitError carries an exit code other than 1; a nil err means nothing more to print.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit status %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// usageError marks err as "could not run as asked" (exit 2).
func usageError(err error) error { return &exitError{code: exitUsage, err: err} }

// sentence ends a message with a full stop unless it already ends a sentence.
func sentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" || strings.HasSuffix(s, ".") || strings.HasSuffix(s, "?") || strings.HasSuffix(s, "!") || strings.HasSuffix(s, ")") {
		return s
	}
	return s + "."
}
