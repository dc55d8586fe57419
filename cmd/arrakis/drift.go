package main

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/arrakis-bot/arrakis/bot/deploy"
	"github.com/arrakis-bot/arrakis/drift"
	"github.com/arrakis-bot/arrakis/store"
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
				doc := map[string]any{"guildId": guild, "drift": !view.Report.Empty(), "items": itemsOrEmpty(view), "plan": view.Plan}
				if view.Alert != nil {
					doc["undeliveredAlert"] = view.Alert
				}
				if len(view.Collisions) > 0 {
					doc["collisions"] = view.Collisions
				}
				if err := enc.Encode(doc); err != nil {
					return &exitError{code: exitUsage, err: err}
				}
			} else {
				fmt.Fprintln(out, "Drift: "+deploy.FormatReportFor(view.Report, view.Desired.Manifest))
				printCollisions(out, view.Collisions)
				if view.Alert != nil {
					fmt.Fprint(out, keptAlertTerminal(view.Alert, view.Desired.Manifest.AlertChannel()))
				}
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

// keptAlertTerminal words an undelivered alert for the terminal: ids instead of
// mentions, and CLI advice.
func keptAlertTerminal(a *store.Alert, alertChannel string) string {
	why := "Discord did not accept it; it is retried at the next scheduled drift check."
	switch a.Problem {
	case deploy.AlertNoTarget:
		why = "The manifest has no alert channel and no admin has deployed from Discord, so there was nobody to send it to; set alerts.channel in the manifest and run arrakis apply."
	case deploy.AlertDMRefused:
		why = "User " + a.DMUser + " does not accept direct messages from the bot; set alerts.channel in the manifest and run arrakis apply."
	case deploy.AlertChannelRefused:
		why = "The bot may not post in channel " + alertChannel + "; give it View Channel, Send Messages and Embed Links there, or set another alerts.channel and run arrakis apply."
	}
	return fmt.Sprintf("\nUndelivered alert (%s, %s):\n  %s\n%s\n", a.Kind, a.CreatedAt.Format(time.RFC3339),
		strings.ReplaceAll(plainMentions(a.Text), "\n", "\n  "), why)
}

// plainMentions turns Discord mentions into ids a terminal can show.
var mentionRE = regexp.MustCompile(`<(#|@&|@)(\d+)>`)

func plainMentions(s string) string {
	return mentionRE.ReplaceAllStringFunc(s, func(m string) string {
		p := mentionRE.FindStringSubmatch(m)
		return map[string]string{"#": "channel ", "@&": "role ", "@": "user "}[p[1]] + p[2]
	})
}

// itemsOrEmpty is the report's items, [] rather than null when there are none.
func itemsOrEmpty(view *deploy.DriftView) []drift.Item {
	if view.Report.Items == nil {
		return []drift.Item{}
	}
	return view.Report.Items
}
