package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"
)

func init() { manifestCmd.AddCommand(newManifestPullCmd()) }

func newManifestPullCmd() *cobra.Command {
	var guild, output string
	cmd := &cobra.Command{
		Use:   "pull --guild ID [-o FILE]",
		Short: "Print a server's desired manifest (its newest version) as YAML",
		Long: `Print the server's desired manifest — the newest version in its history — as YAML, to
edit and deploy again with arrakis plan -f and arrakis apply -f. It reads only the storage
(data_dir or the S3 bucket), so it needs no Discord token.

Exit status: 0 printed, 1 nothing set up yet or the storage could not be read, 2 bad flags.`,
		Example: "  arrakis manifest pull --guild 1180000000000000001 > community.yaml",
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
			snap, err := svc.Desired(ctx, guild)
			if err != nil {
				return cliError(err)
			}
			y, err := snap.Manifest.EncodeYAML()
			if err != nil {
				return err
			}
			header := fmt.Sprintf("# Desired manifest of server %s: version %d, made %s by %s (%s).\n",
				guild, snap.Meta.Version, snap.Meta.CreatedAt.UTC().Format("2006-01-02 15:04 MST"), snap.Meta.CreatedBy, snap.Meta.Reason)
			body := append([]byte(header), y...)
			if output == "" || output == "-" {
				_, err = cmd.OutOrStdout().Write(body)
				return err
			}
			if err := os.WriteFile(output, body, 0o644); err != nil {
				return fmt.Errorf("write %s: %w", output, err)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&guild, "guild", "", "id of the Discord server")
	cmd.Flags().StringVarP(&output, "output", "o", "", `write the manifest to FILE instead of standard output`)
	return cmd
}
