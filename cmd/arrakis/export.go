package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/arrakis-bot/arrakis/drift"
)

func init() { manifestCmd.AddCommand(newManifestExportCmd()) }

func newManifestExportCmd() *cobra.Command {
	var guild, output, name string
	var tierRoles, channels, categories []string
	cmd := &cobra.Command{
		Use:   "export --guild ID --tier-role ROLE_ID... [--channel ID...] [--category ID...] [-o FILE]",
		Short: "Describe a server as it is, as a manifest that adopts its roles and channels",
		Long: `Read a server Arrakis has not deployed to yet and print a manifest of it as it is (YAML,
on standard output or -o FILE); what was left out, and why, goes to standard error.

The roles given with --tier-role (repeat it, lowest tier first) become the tiers. Every
category and channel is managed, or only those given with --channel and --category (a
category brings every channel in it). Each is adopted by its id: deploying the manifest as
it stands changes nothing in the server. A channel's minimum tier is read from its
permissions: @everyone denied View Channel and the tier roles from some tier up allowed it.

Left out and listed: announcement, forum and stage channels, active threads, private
channels Arrakis's role cannot see, and channels whose access is not "a minimum tier and
every tier above it".

The manifest has no chains, assets or rules yet: check it with
arrakis manifest validate --deployable -f FILE, and arrakis plan -f FILE --guild ID should
show no changes.

Exit status: 0 written, 1 the server could not be read or a choice cannot work (each
problem is named), 2 bad flags.`,
		Example: `  arrakis manifest export --guild 1180000000000000001 --tier-role 1180000000000000101 --tier-role 1180000000000000102 > community.yaml
  arrakis manifest export --guild 1180000000000000001 --tier-role 1180000000000000101 --category 1180000000000000201 -o community.yaml`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkGuild(guild); err != nil {
				return err
			}
			if len(tierRoles) == 0 {
				return usageError(errors.New("say which roles become tiers with --tier-role ROLE_ID, once per tier, lowest first (Server Settings → Roles → right-click a role → Copy Role ID)"))
			}
			for _, id := range append(append(append([]string(nil), tierRoles...), channels...), categories...) {
				if id == "" || len(id) > 20 || strings.Trim(id, "0123456789") != "" {
					return usageError(fmt.Errorf("%q is not a Discord id (a number like 1180000000000000001)", id))
				}
			}
			ctx, cancel := commandContext(cmd)
			defer cancel()
			svc, closeAll, err := openService(ctx)
			if err != nil {
				return err
			}
			defer closeAll()
			view, err := svc.Export(ctx, guild)
			if err != nil {
				return cliError(err)
			}
			if view.Deployed {
				return &exitError{code: exitFailed, err: fmt.Errorf("Arrakis already manages server %s; get its manifest with arrakis manifest pull --guild %s instead", guild, guild)}
			}
			if name == "" {
				name = view.Name
			}
			ex, err := drift.ExportManifest(view.Guild, drift.ExportOptions{
				Name: name, TierRoles: tierRoles, Channels: channels, Categories: categories, BotRoleIDs: view.BotRoleIDs, Threads: view.Threads,
			})
			var ee *drift.ExportError
			if errors.As(err, &ee) {
				return &exitError{code: exitFailed, err: fmt.Errorf("nothing was exported:\n  - %s", strings.Join(ee.Problems, "\n  - "))}
			}
			if err != nil {
				return err
			}
			y, err := ex.Manifest.EncodeYAML()
			if err != nil {
				return err
			}
			header := fmt.Sprintf("# Server %s (%s) as it was on %s, exported by arrakis manifest export.\n"+
				"# Every tier role, category and channel is adopted by id: deploying this as it stands changes nothing.\n"+
				"# Chains, assets and rules are still to add before /setup can deploy it.\n",
				orQuoted(view.Name), guild, time.Now().UTC().Format("2006-01-02 15:04 MST"))
			body := append([]byte(header), y...)
			if output == "" || output == "-" {
				_, err = cmd.OutOrStdout().Write(body)
			} else if err = os.WriteFile(output, body, 0o644); err != nil {
				err = fmt.Errorf("write %s: %w", output, err)
			}
			if err != nil {
				return err
			}
			printExportReport(cmd.ErrOrStderr(), ex, view.Guild, output, guild)
			return nil
		},
	}
	cmd.Flags().StringVar(&guild, "guild", "", "id of the Discord server")
	cmd.Flags().StringArrayVar(&tierRoles, "tier-role", nil, "id of a role that becomes a tier; repeat it, lowest tier first")
	cmd.Flags().StringArrayVar(&channels, "channel", nil, "id of a channel to manage; repeat it (default: every category and channel)")
	cmd.Flags().StringArrayVar(&categories, "category", nil, "id of a category to manage with every channel in it; repeat it")
	cmd.Flags().StringVar(&name, "name", "", "community name (default: the server's name)")
	cmd.Flags().StringVarP(&output, "output", "o", "", "write the manifest to FILE instead of standard output")
	return cmd
}

func orQuoted(name string) string {
	if name == "" {
		return "(no name)"
	}
	return "“" + name + "”"
}

// printExportReport says, for the terminal, what the manifest manages and what it left
// out with what to do about each.
func printExportReport(w io.Writer, ex *drift.Exported, g drift.Guild, output, guild string) {
	m := ex.Manifest
	var tiers []string
	for _, t := range m.Tiers {
		tiers = append(tiers, "“"+t.Name+"”")
	}
	gated := 0
	for _, c := range m.Channels {
		if c.MinTier != "" {
			gated++
		}
	}
	fmt.Fprintf(w, "Exported %s (%s, lowest first) and %s (%d gated at a tier), each adopted by id.\n",
		plural(len(m.Tiers), "tier"), strings.Join(tiers, ", "), fmt.Sprintf("%d categories and channels", len(m.Channels)), gated)
	if len(ex.Skipped) > 0 {
		fmt.Fprintf(w, "\nLeft out (%d), so Arrakis will not manage them:\n", len(ex.Skipped))
		for _, s := range ex.Skipped {
			fmt.Fprintln(w, "  - "+describeSkip(s, g))
		}
	}
	file := output
	if file == "" || file == "-" {
		file = "FILE"
	}
	fmt.Fprintf(w, "\nNext: arrakis manifest validate --deployable -f %s, then arrakis plan -f %s --guild %s (it should show no changes).\n", file, file, guild)
}

func describeSkip(s drift.Skipped, g drift.Guild) string {
	label := drift.TypeName(s.Type) + " “" + s.Name + "”"
	switch s.Reason {
	case drift.SkipType:
		if s.Type >= 10 && s.Type <= 12 {
			return label + ": threads belong to their channel; a manifest holds text and voice channels and categories only"
		}
		return label + ": a manifest holds text and voice channels and categories only"
	case drift.SkipHidden:
		bot := "Arrakis"
		for _, r := range g.Roles {
			if r.ID == g.BotRoleID {
				bot = r.Name
			}
		}
		return label + ": private, and the role “" + bot + "” cannot see or manage it; to manage it, allow that role View Channel and Manage Channels on it (Edit Channel → Permissions), then export again"
	case drift.SkipAccess:
		return label + ": " + s.Detail + "; a manifest gates a channel at a minimum tier and every tier above it, so manage it yourself or change its permissions and export again"
	case drift.SkipName:
		return label + ": " + s.Detail
	}
	return label
}
