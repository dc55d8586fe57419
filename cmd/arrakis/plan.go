package main

import (
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/arrakis-bot/arrakis/bot/deploy"
	"github.com/arrakis-bot/arrakis/drift"
)

func init() { rootCmd.AddCommand(newPlanCmd()) }

func newPlanCmd() *cobra.Command {
	var file, guild string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "plan -f FILE --guild ID",
		Short: "Show what deploying a manifest would change in a server, without changing it",
		Long: `Read the server's live roles and channels and print the changes a deploy of the
manifest would make, in order, followed by anything that would stop the deploy (missing
permissions, the bot's role too low, Discord's limits). Nothing is written.

Exit status: 0 the plan can run (or there is nothing to do), 1 preflight found problems or
the command failed, 2 bad flags or an unreadable manifest.`,
		Example: "  ARRAKIS_DISCORD_TOKEN=… arrakis plan -f examples/community.yaml --guild 1180000000000000001",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkGuild(guild); err != nil {
				return err
			}
			m, err := loadManifestFile(cmd.InOrStdin(), cmd.ErrOrStderr(), file, guild)
			if err != nil {
				return err
			}
			ctx, cancel := commandContext(cmd)
			defer cancel()
			svc, closeAll, err := openService(ctx)
			if err != nil {
				return err
			}
			defer closeAll()
			rev, err := svc.Review(ctx, guild, m)
			if err != nil {
				return cliError(err)
			}
			out := cmd.OutOrStdout()
			if asJSON {
				enc := json.NewEncoder(out)
				enc.SetIndent("", "  ")
				if err := enc.Encode(struct {
					Plan       any      `json:"plan"`
					Problems   []string `json:"problems"`
					Collisions any      `json:"collisions,omitempty"`
				}{rev.Plan, rev.Problems, rev.Collisions}); err != nil {
					return err
				}
			} else {
				fmt.Fprintln(out, deploy.FormatPlan(rev.Plan))
				printCollisions(out, rev.Collisions)
				for _, n := range rev.Notes {
					fmt.Fprintln(out, "\nNote: "+n)
				}
				printProblems(out, rev.Problems)
			}
			if !rev.OK() {
				return &exitError{code: exitFailed, err: fmt.Errorf("the plan cannot run until the %d problem(s) above are fixed", len(rev.Problems))}
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&file, "file", "f", "", `manifest file ("-" for standard input)`)
	cmd.Flags().StringVar(&guild, "guild", "", "id of the Discord server")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the plan and problems as JSON")
	return cmd
}

// printCollisions lists the plan's name collisions, if any, after the plan.
func printCollisions(out interface{ Write([]byte) (int, error) }, cs []drift.Collision) {
	if text := deploy.FormatCollisions(cs); text != "" {
		fmt.Fprintln(out, "\n"+text)
	}
}

func printProblems(out interface{ Write([]byte) (int, error) }, problems []string) {
	if len(problems) == 0 {
		return
	}
	fmt.Fprintln(out, "\nThe deploy cannot run:")
	for _, p := range problems {
		fmt.Fprintln(out, "  - "+p)
	}
}
