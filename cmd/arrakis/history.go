package main

import (
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
)

func init() { rootCmd.AddCommand(newHistoryCmd()) }

func newHistoryCmd() *cobra.Command {
	var guild string
	cmd := &cobra.Command{
		Use:   "history --guild ID",
		Short: "List a server's manifest versions: who made each, when, why, and whether it was deployed",
		Long: `List every version of the server's manifest, newest first: its number, when and by whom
it was made, why (initial, update, rollback, reconcile, accept, manual) and when it was
deployed. The newest version is the desired manifest; the newest deployed one is what drift
compares the server with. Use a number with arrakis diff or arrakis apply --version.
It reads only the storage (data_dir or the S3 bucket), so it needs no Discord token.

Exit status: 0 listed (or no versions yet), 1 the storage could not be read, 2 bad flags.`,
		Example: "  arrakis history --guild 1180000000000000001",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkGuild(guild); err != nil {
				return err
			}
			ctx, cancel := commandContext(cmd)
			defer cancel()
			svc, closeAll, err := openHistory(ctx)
			if err != nil {
				return err
			}
			defer closeAll()
			entries, err := svc.History(ctx, guild)
			if err != nil {
				return cliError(err)
			}
			out := cmd.OutOrStdout()
			if len(entries) == 0 {
				fmt.Fprintf(out, "Server %s has no manifest versions yet: deploy one with arrakis apply -f FILE --guild %s.\n", guild, guild)
				return nil
			}
			tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "VERSION\tCREATED\tBY\tREASON\tDEPLOYED")
			for _, e := range entries {
				deployed := "no"
				if e.Deployed != nil {
					deployed = e.Deployed.DeployedAt.UTC().Format(time.RFC3339) + " by " + e.Deployed.DeployedBy
				}
				fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", e.Meta.Version, e.Meta.CreatedAt.UTC().Format(time.RFC3339),
					e.Meta.CreatedBy, e.Meta.Reason, deployed)
			}
			return tw.Flush()
		},
	}
	cmd.Flags().StringVar(&guild, "guild", "", "id of the Discord server")
	return cmd
}
