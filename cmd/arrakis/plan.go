package main

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/arrakis-bot/arrakis/bot/deploy"
	"github.com/arrakis-bot/arrakis/drift"
)

func init() { rootCmd.AddCommand(newPlanCmd()) }

func newPlanCmd() *cobra.Command {
	var file, guild, out string
	var asJSON, prune bool
	cmd := &cobra.Command{
		Use:   "plan -f FILE --guild ID [--prune] [-o PLANFILE]",
		Short: "Show what deploying a manifest would change in a server, without changing it",
		Long: `Read the server's live roles and channels and print the changes a deploy of the
manifest would make, in order, followed by anything that would stop the deploy (missing
permissions, the bot's role too low, Discord's limits). Nothing is written.

The plan also says which channels change who can see them (a gated channel that would
become open to everyone is always named), and what leaves the manifest: roles and
channels that stop being managed, and which of them apply --prune would delete.
--prune adds those deletes to the plan.

-o PLANFILE saves the plan: the manifest, the server, a fingerprint of the server's roles
and channels now, and the operations with their hash. "arrakis apply --plan PLANFILE"
then runs exactly those operations, and refuses if the server or the manifest changed.

Exit status: 0 the plan can run (or there is nothing to do), 1 preflight found problems or
the command failed, 2 bad flags or an unreadable manifest.`,
		Example: `  ARRAKIS_DISCORD_TOKEN=… arrakis plan -f examples/community.yaml --guild 1180000000000000001
  arrakis plan -f community.yaml --guild 1180000000000000001 --prune -o tonight.plan`,
		Args: cobra.NoArgs,
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
			w := cmd.OutOrStdout()
			if asJSON {
				enc := json.NewEncoder(w)
				enc.SetIndent("", "  ")
				if err := enc.Encode(struct {
					Plan       []drift.Op           `json:"plan"`
					Prune      []drift.Op           `json:"prune,omitempty"`
					Access     []drift.AccessChange `json:"accessChanges,omitempty"`
					Removals   []drift.Removal      `json:"removals,omitempty"`
					Problems   []string             `json:"problems"`
					PlanHash   string               `json:"planHash"`
					Collisions []drift.Collision    `json:"collisions,omitempty"`
				}{rev.Plan, pruneIf(rev, prune), accessChanges(rev), removals(rev), rev.Problems, drift.PlanHash(planOps(rev, prune)), rev.Collisions}); err != nil {
					return err
				}
			} else {
				printPlan(w, rev, prune)
				printCollisions(w, rev.Collisions)
				for _, n := range rev.Notes {
					fmt.Fprintln(w, "\nNote: "+n)
				}
				printProblems(w, rev.Problems)
			}
			if out != "" {
				p, err := newSavedPlan(guild, m, rev, prune)
				if err == nil {
					err = writeSavedPlan(out, p)
				}
				if err != nil {
					return err
				}
				if !asJSON {
					fmt.Fprintf(w, "\nSaved the plan to %s; arrakis apply --plan %s runs exactly these operations.\n", out, out)
				}
			}
			if !rev.OK() {
				return &exitError{code: exitFailed, err: fmt.Errorf("the plan cannot run until %s fixed", pick(len(rev.Problems), "the problem above is", fmt.Sprintf("the %d problems above are", len(rev.Problems))))}
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&file, "file", "f", "", `manifest file ("-" for standard input)`)
	cmd.Flags().StringVar(&guild, "guild", "", "id of the Discord server")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the plan and problems as JSON")
	cmd.Flags().BoolVar(&prune, "prune", false, "also plan the deletes of roles and channels Arrakis made that the manifest no longer wants")
	cmd.Flags().StringVarP(&out, "out", "o", "", "save the plan to this file for arrakis apply --plan")
	return cmd
}

// printCollisions lists the plan's name collisions, if any, after the plan.
func printCollisions(out io.Writer, cs []drift.Collision) {
	if text := deploy.FormatCollisions(cs); text != "" {
		fmt.Fprintln(out, "\n"+text)
	}
}

func pruneIf(rev *deploy.Review, prune bool) []drift.Op {
	if prune {
		return rev.PrunePlan
	}
	return nil
}

// accessChanges and removals compare the deployed manifest (none before a first deploy)
// with the one planned.
func accessChanges(rev *deploy.Review) []drift.AccessChange {
	if rev.Shadow == nil {
		return nil
	}
	return drift.AccessChanges(rev.Shadow.Manifest, rev.Manifest)
}

func removals(rev *deploy.Review) []drift.Removal {
	if rev.Shadow == nil {
		return nil
	}
	return drift.Removals(rev.Shadow.Manifest, rev.Manifest)
}

// printPlan prints the plan, the access changes, what leaves the manifest and, with
// prune, the deletes — everything a confirmation of it approves.
func printPlan(w io.Writer, rev *deploy.Review, prune bool) {
	fmt.Fprintln(w, deploy.FormatPlan(rev.Plan))
	if acc := accessChanges(rev); len(acc) > 0 {
		fmt.Fprintln(w, "\nAccess changes (who can see these channels):")
		for _, a := range acc {
			line := "  - " + drift.DescribeAccess(a)
			if a.Public() {
				line += "  ← anyone in the server will see it"
			}
			fmt.Fprintln(w, line)
		}
	}
	deletes := map[string]bool{}
	for _, op := range rev.PrunePlan {
		deletes[op.Key] = true
	}
	var lines []string
	listed := map[string]bool{}
	for _, r := range removals(rev) {
		what := "stops being managed; it stays in the server"
		if deletes[r.Key] {
			what = "stays in the server; apply --prune deletes it"
		}
		listed[r.Key] = true
		lines = append(lines, fmt.Sprintf("%s “%s”: %s", r.Kind, r.Name, what))
	}
	for _, op := range rev.PrunePlan { // left over from an earlier setup
		if !listed[op.Key] {
			lines = append(lines, fmt.Sprintf("%s “%s”: made by Arrakis for an earlier setup; apply --prune deletes it", removedKind(op), op.Name))
		}
	}
	if len(lines) > 0 {
		fmt.Fprintln(w, "\nNo longer in the manifest:")
		for _, l := range lines {
			fmt.Fprintln(w, "  - "+l)
		}
	}
	if prune {
		if len(rev.PrunePlan) == 0 {
			fmt.Fprintln(w, "\n--prune: nothing to delete.")
		} else {
			fmt.Fprintf(w, "\n--prune also deletes %d:\n", len(rev.PrunePlan))
			for _, op := range rev.PrunePlan {
				fmt.Fprintln(w, "- "+deploy.FormatOp(op))
			}
		}
	}
}

func removedKind(op drift.Op) string {
	if op.Kind == drift.OpDeleteRole {
		return "role"
	}
	return "channel"
}

func printProblems(out io.Writer, problems []string) {
	if len(problems) == 0 {
		return
	}
	fmt.Fprintln(out, "\nThe deploy cannot run:")
	for _, p := range problems {
		fmt.Fprintln(out, "  - "+p)
	}
}
