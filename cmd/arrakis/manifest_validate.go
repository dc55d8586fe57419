package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/spf13/cobra"

	"github.com/arrakis-bot/arrakis/wizard"
)

// maxManifestBytes bounds what validate reads: real manifests are a few kilobytes.
const maxManifestBytes = 4 << 20

// manifestCmd groups the commands that work on manifest files; others may add to it.
var manifestCmd = &cobra.Command{
	Use:   "manifest",
	Short: "Work with community manifest files (YAML or JSON)",
	Long: `Work with community manifest files (YAML or JSON): validate one, pull a server's, or
export a server Arrakis does not manage yet, as it is.

Exit status: each subcommand lists its own; without one, the usage and 2.`,
	Args: cobra.NoArgs,
	RunE: func(cmd *cobra.Command, _ []string) error {
		cmd.SetOut(cmd.ErrOrStderr())
		_ = cmd.Usage()
		return &exitError{code: exitUsage}
	},
}

func init() {
	manifestCmd.AddCommand(newManifestValidateCmd())
	rootCmd.AddCommand(manifestCmd)
}

func newManifestValidateCmd() *cobra.Command {
	var file string
	var deployable bool
	cmd := &cobra.Command{
		Use:   "validate -f FILE [--deployable]",
		Short: "Check a manifest and say whether it can be deployed and is complete",
		Long: `Check a manifest file (YAML, or JSON) the way the bot would: print every problem with
its place in the manifest, then whether it is deployable (plan and apply can use it) and
complete (the /setup wizard would accept it). "-" reads standard input.

--deployable makes "deployable" the verdict: a manifest with a layout (tiers' roles and
channels) but no chains, assets or rules yet — what arrakis manifest export writes — passes.

Exit status: 0 complete (with --deployable: deployable), 1 invalid or incomplete (an unknown
field is named), 2 unreadable.`,
		Example: "  arrakis manifest validate -f examples/community.yaml",
		Args:    cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				if file != "" && file != args[0] {
					return usageError(fmt.Errorf("give the manifest once, either as -f FILE or as an argument"))
				}
				file = args[0]
			}
			if file == "" {
				return usageError(errors.New("manifest validate needs the manifest to check: -f FILE"))
			}
			return validateManifest(cmd.OutOrStdout(), cmd.InOrStdin(), file, deployable)
		},
	}
	cmd.Flags().StringVarP(&file, "file", "f", "", `manifest file to check ("-" for standard input)`)
	cmd.Flags().BoolVar(&deployable, "deployable", false, "succeed when the manifest is deployable (plan and apply can use it), complete or not")
	return cmd
}

func validateManifest(out io.Writer, stdin io.Reader, file string, deployableOnly bool) error {
	data, err := readManifest(stdin, file)
	if err != nil {
		return &exitError{code: exitUsage, err: err}
	}
	m, err := wizard.DecodeYAML(data)
	if err != nil {
		return fmt.Errorf("%s is not a valid manifest: %w", file, err)
	}
	v := m.Validate()
	for _, p := range v.Problems {
		fmt.Fprintf(out, "%s\n", problemLine(p))
	}
	n := len(v.Problems)
	switch {
	case v.Complete:
		fmt.Fprintf(out, "%s: deployable and complete.\n", file)
		return nil
	case v.Deployable && deployableOnly:
		fmt.Fprintf(out, "%s: deployable (plan and apply can use it); not complete yet: the /setup wizard needs %s fixed.\n", file, plural(n, "problem"))
		return nil
	case v.Deployable:
		fmt.Fprintf(out, "%s: deployable, but not complete: the /setup wizard needs %s fixed.\n", file, plural(n, "problem"))
		return &exitError{code: exitFailed, err: fmt.Errorf("%s is not complete: %s listed above", file, plural(n, "problem"))}
	default:
		fmt.Fprintf(out, "%s: not deployable and not complete: fix the %s above.\n", file, plural(n, "problem"))
		return &exitError{code: exitFailed, err: fmt.Errorf("%s is not deployable: %s listed above", file, plural(n, "problem"))}
	}
}

func readManifest(stdin io.Reader, file string) ([]byte, error) {
	var r io.Reader = stdin
	if file != "-" {
		f, err := os.Open(file)
		if err != nil {
			var pe *fs.PathError
			if errors.As(err, &pe) {
				err = pe.Err // the path is already in our message
			}
			return nil, fmt.Errorf("cannot read %s: %w", file, err)
		}
		defer f.Close()
		r = f
	}
	data, err := io.ReadAll(io.LimitReader(r, maxManifestBytes+1))
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %w", file, err)
	}
	if len(data) > maxManifestBytes {
		return nil, fmt.Errorf("cannot read %s: it is larger than %d MiB, which no manifest needs", file, maxManifestBytes>>20)
	}
	return data, nil
}

// problemLine is "path: Field: message", the path first so it can be searched for.
func problemLine(p wizard.Problem) string {
	path := p.Path
	if path == "" {
		path = "(manifest)"
	}
	return path + ": " + p.String()
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
