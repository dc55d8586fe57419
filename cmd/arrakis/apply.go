package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/arrakis-bot/arrakis/bot/deploy"
	"github.com/arrakis-bot/arrakis/store"
	"github.com/arrakis-bot/arrakis/wizard"
)

func init() { rootCmd.AddCommand(newApplyCmd()) }

func newApplyCmd() *cobra.Command {
	var file, guild string
	var version int
	var yes, prune bool
	cmd := &cobra.Command{
		Use:   "apply (-f FILE | --version N) --guild ID [--yes] [--prune]",
		Short: "Deploy a manifest (or an earlier version) to a server",
		Long: `Deploy a manifest to a server: print the plan, ask for confirmation on a terminal
(--yes skips the question and is required when standard input is not a terminal), then
make the changes, save the manifest as a new version and record the deployment.

--version N deploys version N of the server's history again, as a new version (a rollback).
--prune also deletes the roles and channels Arrakis made that the manifest no longer wants;
it always needs --yes.

A deploy that stops part-way (rate limits, Discord errors) says what was done and what was
not; running the same command again continues where it stopped.

Exit status: 0 deployed (or nothing to do), 1 the deploy failed or was refused, 2 bad flags,
an unreadable manifest, or no confirmation.`,
		Example: `  arrakis apply -f examples/community.yaml --guild 1180000000000000001
  arrakis apply --version 3 --guild 1180000000000000001 --yes`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkGuild(guild); err != nil {
				return err
			}
			if (file == "") == (version == 0) {
				return usageError(errors.New("say what to deploy: -f FILE, or --version N for an earlier version"))
			}
			if prune && !yes {
				return usageError(errors.New("--prune deletes roles and channels; it needs --yes as well"))
			}
			ctx, cancel := commandContext(cmd)
			defer cancel()
			var m *wizard.Manifest
			if file != "" {
				var err error
				if m, err = loadManifestFile(cmd.InOrStdin(), cmd.ErrOrStderr(), file, guild); err != nil {
					return err
				}
			}
			svc, closeAll, err := openService(ctx)
			if err != nil {
				return err
			}
			defer closeAll()
			if version > 0 {
				snap, err := svc.Snapshot(ctx, guild, version)
				if err != nil {
					return cliError(err)
				}
				m = snap.Manifest
			}
			out := cmd.OutOrStdout()
			rev, err := svc.Review(ctx, guild, m)
			if err != nil {
				return cliError(err)
			}
			fmt.Fprintln(out, deploy.FormatPlan(rev.Plan))
			printCollisions(out, rev.Collisions)
			if !rev.OK() {
				printProblems(out, rev.Problems)
				return fmt.Errorf("nothing was changed: fix the %d problem(s) above and run apply again", len(rev.Problems))
			}
			if len(rev.Plan) > 0 && !yes {
				if !isTerminal(cmd.InOrStdin()) {
					return usageError(errors.New("nothing was changed: apply asks for confirmation, and standard input is not a terminal; review the plan above and run again with --yes"))
				}
				if !confirm(cmd.InOrStdin(), out, fmt.Sprintf("Make these %d changes to server %s?", len(rev.Plan), guild)) {
					return &exitError{code: exitUsage, err: errors.New("nothing was changed: not confirmed")}
				}
			}
			by := cliUser()
			var res *deploy.Result
			if version > 0 {
				res, err = svc.Rollback(ctx, guild, version, by)
			} else {
				res, err = svc.Deploy(ctx, deploy.Request{GuildID: guild, Manifest: m, By: by, Reason: store.ReasonManual})
			}
			if err != nil {
				return cliError(err)
			}
			fmt.Fprintln(out, res.Report)
			if prune {
				pres, err := svc.Prune(ctx, guild, by)
				if err != nil {
					return cliError(err)
				}
				fmt.Fprintln(out, pres.Report)
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&file, "file", "f", "", `manifest file ("-" for standard input)`)
	cmd.Flags().IntVar(&version, "version", 0, "deploy version N of the server's history again (a rollback)")
	cmd.Flags().StringVar(&guild, "guild", "", "id of the Discord server")
	cmd.Flags().BoolVarP(&yes, "yes", "y", false, "do not ask for confirmation")
	cmd.Flags().BoolVar(&prune, "prune", false, "also delete roles and channels Arrakis made that the manifest no longer wants (needs --yes)")
	return cmd
}
