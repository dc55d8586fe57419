package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
)

func init() { rootCmd.AddCommand(newDiffCmd()) }

func newDiffCmd() *cobra.Command {
	var guild string
	cmd := &cobra.Command{
		Use:   "diff --guild ID VERSION_A VERSION_B",
		Short: "Show how two versions of a server's manifest differ",
		Long: `Print the lines of the YAML manifest that differ between two versions of the server's
history ("-" lines are only in A, "+" lines only in B). Versions are numbers as
arrakis history lists them (3, or v3). It reads only the storage, so it needs no Discord
token.

Exit status: 0 the versions are the same, 1 they differ (or the storage could not be
read), 2 bad flags or a version that does not exist.`,
		Example: "  arrakis diff --guild 1180000000000000001 1 2",
		Args:    cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkGuild(guild); err != nil {
				return err
			}
			va, err := parseVersion(args[0])
			if err != nil {
				return err
			}
			vb, err := parseVersion(args[1])
			if err != nil {
				return err
			}
			ctx, cancel := commandContext(cmd)
			defer cancel()
			svc, closeAll, err := openHistory(ctx)
			if err != nil {
				return err
			}
			defer closeAll()
			var texts [2][]string
			for i, v := range []int{va, vb} {
				snap, err := svc.Snapshot(ctx, guild, v)
				if err != nil {
					return usageError(cliError(err))
				}
				y, err := snap.Manifest.EncodeYAML()
				if err != nil {
					return err
				}
				texts[i] = strings.Split(strings.TrimSuffix(string(y), "\n"), "\n")
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "--- v%d\n+++ v%d\n", va, vb)
			if !writeLineDiff(out, texts[0], texts[1]) {
				fmt.Fprintln(out, "(no differences)")
				return nil
			}
			return &exitError{code: exitFailed}
		},
	}
	cmd.Flags().StringVar(&guild, "guild", "", "id of the Discord server")
	return cmd
}

// writeLineDiff prints a and b line by line from their longest common subsequence:
// common lines with "  ", removed with "- ", added with "+ ". Manifests are small (a few
// hundred lines), so the quadratic table is fine. It reports whether anything differed.
func writeLineDiff(w io.Writer, a, b []string) bool {
	n, m := len(a), len(b)
	lcs := make([][]int, n+1)
	for i := range lcs {
		lcs[i] = make([]int, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	changed := false
	i, j := 0, 0
	for i < n || j < m {
		switch {
		case i < n && j < m && a[i] == b[j]:
			fmt.Fprintln(w, "  "+a[i])
			i++
			j++
		case i < n && (j == m || lcs[i+1][j] >= lcs[i][j+1]):
			// Removals before additions, as diff(1) prints a changed line.
			fmt.Fprintln(w, "- "+a[i])
			i++
			changed = true
		default:
			fmt.Fprintln(w, "+ "+b[j])
			j++
			changed = true
		}
	}
	return changed
}
