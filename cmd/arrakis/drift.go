package main

import (
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/arrakis-bot/arrakis/bot/deploy"
	"github.com/arrakis-bot/arrakis/drift"
)

func init() { rootCmd.AddCommand(newDriftCmd()) }

func newDriftCmd() *cobra.Command {
	var guild string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "drift --guild ID [--json]",
		Short: "Compare a server with its manifest and with what was last deployed",
		Long: `Compare three things: the server's desired manifest (its newest version), the last
deployed version, and the live server. Every difference is printed with its type and
severity (error: a managed role or channel is missing; warning: it changes who can see or
do what; info: cosmetic). Fix drift with /drift in Discord or arrakis apply.

Exit status: 0 no drift, 1 drift found, 2 the check could not run.`,
		Example: "  arrakis drift --guild 1180000000000000001 --json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkGuild(guild); err != nil {
				return err
			}
			ctx, cancel := commandContext(cmd)
			defer cancel()
			svc, closeAll, err := openService(ctx)
			if err != nil {
				return &exitError{code: exitUsage, err: err}
			}
			defer closeAll()
			view, err := svc.Drift(ctx, guild)
			if err != nil {
				return &exitError{code: exitUsage, err: cliError(err)}
			}
			out := cmd.OutOrStdout()
			if asJSON {
				enc := json.NewEncoder(out)
				enc.SetIndent("", "  ")
				body := map[string]any{"guildId": guild, "drift": !view.Report.Empty(), "items": itemsOrEmpty(view), "plan": view.Plan}
				if len(view.Collisions) > 0 {
					body["collisions"] = view.Collisions
				}
				if err := enc.Encode(body); err != nil {
					return &exitError{code: exitUsage, err: err}
				}
			} else {
				fmt.Fprintln(out, "Drift: "+deploy.FormatReport(view.Report))
				printCollisions(out, view.Collisions)
			}
			if !view.Report.Empty() {
				return &exitError{code: exitFailed}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&guild, "guild", "", "id of the Discord server")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the report as JSON")
	return cmd
}

// itemsOrEmpty is the report's items, [] rather than null when there are none.
func itemsOrEmpty(view *deploy.DriftView) []drift.Item {
	if view.Report.Items == nil {
		return []drift.Item{}
	}
	return view.Report.Items
}
