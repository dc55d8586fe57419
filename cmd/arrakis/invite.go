package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/bwmarrin/discordgo"
	"github.com/spf13/cobra"
	"go.uber.org/zap"

	"github.com/arrakis-bot/arrakis/bot/deploy"
)

func init() { rootCmd.AddCommand(newInviteCmd()) }

func newInviteCmd() *cobra.Command {
	var guild string
	cmd := &cobra.Command{
		Use:   "invite [--guild ID]",
		Short: "Print the URL that adds the bot to a server, and what each permission is for",
		Long: `Print the OAuth2 URL that adds the bot to a server: scopes bot and applications.commands,
and the permissions a deploy needs (what plan and apply check before any write) plus Send
Messages and Embed Links for reports in the alert channel. Open it in a browser while signed in
as an admin of the server. It needs only discord.application_id (ARRAKIS_DISCORD_APPLICATION_ID),
not the token.

Exit status: 0 printed, 2 no application id or bad flags.`,
		Example: "  ARRAKIS_DISCORD_APPLICATION_ID=… arrakis invite",
		Args:    cobra.NoArgs,
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
			if cfg.Discord.ApplicationID == "" {
				return usageError(errors.New("config: discord.application_id is not set: set ARRAKIS_DISCORD_APPLICATION_ID to the Application ID from the Developer Portal (General Information)"))
			}
			out := cmd.OutOrStdout()
			fmt.Fprintln(out, deploy.InviteURL(cfg.Discord.ApplicationID, guild))
			fmt.Fprintf(out, "\nPermissions (%d):\n", deploy.InvitePermissionBits())
			for _, p := range deploy.InvitePermissions {
				fmt.Fprintf(out, "  %-16s %s\n", p.Name, p.Purpose)
			}
			fmt.Fprintln(out, "\nAfter inviting, drag the bot's role above every role it should manage (Server Settings → Roles).")
			return nil
		},
	}
	cmd.Flags().StringVar(&guild, "guild", "", "preselect this server in Discord's invite page")
	return cmd
}

// logInviteWhenAlone logs the invite URL when the bot is in no server yet, so a first
// serve says how to add it. Best effort: a failed look-up is only logged at debug.
func logInviteWhenAlone(ctx context.Context, dg *discordgo.Session, applicationID string, log *zap.Logger) {
	guilds, err := dg.UserGuilds(1, "", "", false, discordgo.WithContext(ctx))
	if err != nil {
		log.Debug("list the bot's servers", zap.Error(err))
		return
	}
	if len(guilds) == 0 {
		log.Info("the bot is in no server yet: open the invite URL to add it (arrakis invite explains each permission)",
			zap.String("invite", deploy.InviteURL(applicationID, "")))
	}
}

// isUnauthorized reports whether Discord rejected the token.
func isUnauthorized(err error) bool {
	var rest *discordgo.RESTError
	return errors.As(err, &rest) && rest.Response != nil && rest.Response.StatusCode == http.StatusUnauthorized
}

// registerAdvice words a failed command registration for serve's log: Discord answered
// and refused (the application id), or could not be reached.
func registerAdvice(err error) string {
	var rest *discordgo.RESTError
	if errors.As(err, &rest) && rest.Response != nil {
		return "Discord refused to register the slash commands: check discord.application_id (ARRAKIS_DISCORD_APPLICATION_ID) belongs to this bot's token, then run arrakis commands register"
	}
	return "could not register the slash commands; run arrakis commands register once Discord is reachable"
}
