package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/arrakis-bot/arrakis/bot/deploy"
	"github.com/arrakis-bot/arrakis/drift"
	"github.com/arrakis-bot/arrakis/store"
	"github.com/arrakis-bot/arrakis/wizard"
)

func init() { rootCmd.AddCommand(newApplyCmd()) }

func newApplyCmd() *cobra.Command {
	var file, guild, planFile string
	var version int
	var yes, prune bool
	cmd := &cobra.Command{
		Use:   "apply (-f FILE | --version N | --plan PLANFILE) --guild ID [--yes] [--prune]",
		Short: "Deploy a manifest (or an earlier version, or a saved plan) to a server",
		Long: `Deploy a manifest to a server: print the plan, ask for confirmation on a terminal
(--yes skips the question and is required when standard input is not a terminal), then
make exactly the printed changes, save the manifest as a new version and record the
deployment. If the server changed between the plan being printed and the deploy, nothing
is changed and apply says so: run it again to see the new plan.

--version N deploys version N of the server's history again, as a new version (a rollback).
--prune also deletes the roles and channels Arrakis made that the manifest no longer wants:
the deletions are printed with the plan (also with --yes) and are part of what is confirmed.
--plan PLANFILE runs a plan saved by "arrakis plan -o PLANFILE", exactly as it was printed
then, without asking again; it refuses when the server's roles or channels, or the manifest
(-f, when given), changed since the plan was made.

A deploy that stops part-way (rate limits, Discord errors, Ctrl-C or SIGTERM, which stop it
after the change in flight) says what was done and what was not; running the same command
again continues where it stopped.

Exit status: 0 deployed (or nothing to do), 1 the deploy failed or was refused, 2 bad flags,
an unreadable manifest, or no confirmation, 130 stopped by Ctrl-C or SIGTERM.`,
		Example: `  arrakis apply -f examples/community.yaml --guild 1180000000000000001
  arrakis apply -f examples/community.yaml --guild 1180000000000000001 --prune
  arrakis apply --plan tonight.plan --guild 1180000000000000001
  arrakis apply --version 3 --guild 1180000000000000001 --yes`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkGuild(guild); err != nil {
				return err
			}
			if planFile != "" {
				if version != 0 || prune {
					return usageError(errors.New("--plan runs a saved plan as it is; --version and --prune belong to arrakis plan (plan --prune -o FILE)"))
				}
				return applySavedPlan(cmd, planFile, file, guild)
			}
			if (file == "") == (version == 0) {
				return usageError(errors.New("say what to deploy: -f FILE, --version N for an earlier version, or --plan PLANFILE"))
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
			printPlan(out, rev, prune)
			printCollisions(out, rev.Collisions)
			if !rev.OK() {
				printProblems(out, rev.Problems)
				return fmt.Errorf("nothing was changed: fix %s and run apply again", pick(len(rev.Problems), "the problem above", fmt.Sprintf("the %d problems above", len(rev.Problems))))
			}
			deletes := 0
			if prune {
				deletes = len(rev.PrunePlan)
			}
			if n := len(rev.Plan) + deletes; n > 0 && !yes {
				if !isTerminal(cmd.InOrStdin()) {
					return usageError(errors.New("nothing was changed: apply asks for confirmation, and standard input is not a terminal; review the plan above and run again with --yes"))
				}
				if !confirm(cmd.InOrStdin(), out, confirmQuestion(len(rev.Plan), deletes, guild)) {
					return &exitError{code: exitUsage, err: errors.New("nothing was changed: not confirmed")}
				}
			}
			return runApply(ctx, out, cmd.ErrOrStderr(), svc, guild, m, version, prune, rev)
		},
	}
	cmd.Flags().StringVarP(&file, "file", "f", "", `manifest file ("-" for standard input); with --plan, checked against the plan's`)
	cmd.Flags().IntVar(&version, "version", 0, "deploy version N of the server's history again (a rollback)")
	cmd.Flags().StringVar(&guild, "guild", "", "id of the Discord server")
	cmd.Flags().StringVar(&planFile, "plan", "", "run a plan saved by arrakis plan -o, exactly")
	cmd.Flags().BoolVarP(&yes, "yes", "y", false, "do not ask for confirmation (the plan and any deletions are still printed)")
	cmd.Flags().BoolVar(&prune, "prune", false, "also delete roles and channels Arrakis made that the manifest no longer wants (printed and confirmed with the plan)")
	return cmd
}

func orNone(id string) string {
	if id == "" {
		return "none"
	}
	return id
}

func confirmQuestion(changes, deletes int, guild string) string {
	switch {
	case deletes == 0:
		return fmt.Sprintf("Make these %d changes to server %s?", changes, guild)
	case changes == 0:
		return fmt.Sprintf("Delete these %d roles and channels from server %s?", deletes, guild)
	}
	return fmt.Sprintf("Make these %d changes and delete these %d roles and channels in server %s?", changes, deletes, guild)
}

// runApply runs what was printed and confirmed: the plan (with the deletes when pruning),
// bound to its hash so that a server changed in between makes the deploy refuse.
func runApply(ctx context.Context, out, errOut io.Writer, svc *deploy.Service, guild string, m *wizard.Manifest, version int, prune bool, rev *deploy.Review) error {
	by := cliUser()
	// Ctrl-C or SIGTERM from here on stops after the write in flight (exit 130).
	dctx, intr, release := onInterrupt(ctx, errOut)
	defer release()
	var res *deploy.Result
	var err error
	if version > 0 {
		res, err = svc.Rollback(dctx, guild, version, by)
	} else {
		res, err = svc.Deploy(dctx, deploy.Request{GuildID: guild, Manifest: m, By: by, Reason: store.ReasonManual,
			Prune: prune, PlanHash: drift.PlanHash(planOps(rev, prune))})
	}
	if err != nil {
		return deployFailure(err, intr)
	}
	fmt.Fprintln(out, terminalReport(res, guild))
	if prune && version > 0 && len(rev.PrunePlan) > 0 {
		pres, err := svc.Prune(dctx, guild, by, rev.PruneHash)
		if err != nil {
			return deployFailure(err, intr)
		}
		fmt.Fprintln(out, terminalReport(pres, guild))
	}
	return nil
}

// applySavedPlan runs a plan saved by `plan -o`, refusing it when the manifest or the
// server changed since.
func applySavedPlan(cmd *cobra.Command, planFile, file, guild string) error {
	p, err := readSavedPlan(cmd.InOrStdin(), planFile)
	if err != nil {
		return usageError(err)
	}
	if p.GuildID != guild {
		return usageError(fmt.Errorf("%s is a plan for server %s, not for --guild %s", planFile, p.GuildID, guild))
	}
	if file != "" {
		m, err := loadManifestFile(cmd.InOrStdin(), cmd.ErrOrStderr(), file, guild)
		if err != nil {
			return err
		}
		if sha, err := m.SHA256(); err != nil || sha != p.ManifestSHA256 {
			return &exitError{code: exitFailed, err: fmt.Errorf("nothing was changed: %s changed since the plan was made, so the plan is not for it; run arrakis plan -f %s --guild %s -o %s again", file, file, guild, planFile)}
		}
	}
	ctx, cancel := commandContext(cmd)
	defer cancel()
	svc, closeAll, err := openService(ctx)
	if err != nil {
		return err
	}
	defer closeAll()
	rev, err := svc.Review(ctx, guild, p.Manifest)
	if err != nil {
		return cliError(err)
	}
	again := fmt.Sprintf("look at what changed (arrakis drift --guild %s) and make a new plan with arrakis plan -o", guild)
	if now := deployedID(rev); now != p.Deployed {
		return &exitError{code: exitFailed, err: fmt.Errorf("nothing was changed: the setup deployed to server %s changed since the plan was made (%s then, %s now); %s", guild, orNone(p.Deployed), orNone(now), again)}
	}
	if rev.Fingerprint != p.GuildFingerprint {
		return &exitError{code: exitFailed, err: fmt.Errorf("nothing was changed: server %s changed since the plan was made (its roles or channels are not the ones the plan was computed against); %s", guild, again)}
	}
	if drift.PlanHash(planOps(rev, p.Prune)) != p.PlanHash {
		return &exitError{code: exitFailed, err: fmt.Errorf("nothing was changed: the plan would now be different, because the setup deployed to server %s changed since the plan was made; %s", guild, again)}
	}
	out := cmd.OutOrStdout()
	printPlan(out, rev, p.Prune)
	if !rev.OK() {
		printProblems(out, rev.Problems)
		return fmt.Errorf("nothing was changed: fix %s and run apply again", pick(len(rev.Problems), "the problem above", fmt.Sprintf("the %d problems above", len(rev.Problems))))
	}
	// Ctrl-C or SIGTERM from here on stops after the write in flight (exit 130).
	dctx, intr, release := onInterrupt(ctx, cmd.ErrOrStderr())
	defer release()
	res, err := svc.Deploy(dctx, deploy.Request{GuildID: guild, Manifest: p.Manifest, By: cliUser(), Reason: store.ReasonManual,
		Prune: p.Prune, PlanHash: p.PlanHash})
	if err != nil {
		return deployFailure(err, intr)
	}
	fmt.Fprintln(out, terminalReport(res, guild))
	return nil
}
