package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/arrakis-bot/arrakis/bot"
)

// `arrakis commands register [--guild ID]` overwrites the application's slash commands
// (/setup, /drift) globally or in one guild. `serve` does the same on start; this is for
// operators who want the commands in place before the bot runs, or in a test guild at once
// (global commands can take a while to show up in clients).

func init() { rootCmd.AddCommand(newCommandsCmd()) }

func newCommandsCmd() *cobra.Command {
	c := &cobra.Command{Use: "commands", Short: "Manage the bot's slash commands",
		Long: `Manage the bot's slash commands (/setup and /drift).

Exit status: each subcommand lists its own; without one, the usage and 2.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cmd.SetOut(cmd.ErrOrStderr())
			_ = cmd.Usage()
			return &exitError{code: exitUsage}
		},
	}
	var guild string
	reg := &cobra.Command{
		Use:   "register",
		Short: "Register /setup and /drift (bulk overwrite: running it again changes nothing)",
		Long: `Register the bot's slash commands, /setup and /drift, globally or in one server (--guild,
where they appear at once). It overwrites the whole list, so running it again changes
nothing. serve does the same when it starts.

Exit status: 0 registered, 1 Discord refused (the token, the application id), 2 bad flags or
configuration.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if guild != "" {
				if err := checkGuild(guild); err != nil {
					return err
				}
			}
			cfg, err := loadConfig()
			if err != nil {
				return usageError(err)
			}
			if err := cfg.RequireToken(); err != nil {
				return usageError(err)
			}
			dg, err := openDiscord(cfg)
			if err != nil {
				return err
			}
			got, err := bot.RegisterCommands(dg, cfg.Discord.ApplicationID, guild)
			if err != nil {
				return err
			}
			where := "globally"
			if guild != "" {
				where = "in server " + guild
			}
			for _, c := range got {
				fmt.Fprintf(cmd.OutOrStdout(), "/%s registered %s\n", c.Name, where)
			}
			return nil
		},
	}
	reg.Flags().StringVar(&guild, "guild", "", "register in this server only (appears at once)")
	c.AddCommand(reg)
	return c
}
