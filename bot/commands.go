package bot

import (
	"fmt"

	"github.com/bwmarrin/discordgo"
)

// The slash commands. Both are guild-only (contexts [0], dm_permission false) and hidden
// from members without Manage Server (default_member_permissions "32"); the handler checks
// the member's rights again on every interaction anyway.

const (
	cmdSetup = "setup"
	cmdDrift = "drift"
)

// Commands returns the command definitions registered by bulk overwrite.
func Commands() []*discordgo.ApplicationCommand {
	perm := int64(discordgo.PermissionManageGuild)
	noDM := false
	guildOnly := []discordgo.InteractionContextType{discordgo.InteractionContextGuild}
	mk := func(name, desc string) *discordgo.ApplicationCommand {
		return &discordgo.ApplicationCommand{
			Type: discordgo.ChatApplicationCommand, Name: name, Description: desc,
			DefaultMemberPermissions: &perm, DMPermission: &noDM, Contexts: &guildOnly,
			Options: []*discordgo.ApplicationCommandOption{},
		}
	}
	return []*discordgo.ApplicationCommand{
		mk(cmdSetup, "Set up or change your token-gated community (roles, channels, tiers)"),
		mk(cmdDrift, "Check whether your server still matches the deployed community setup"),
	}
}

// CommandRegistrar is the part of a discordgo session that registers commands.
type CommandRegistrar interface {
	ApplicationCommandBulkOverwrite(appID, guildID string, cmds []*discordgo.ApplicationCommand, options ...discordgo.RequestOption) ([]*discordgo.ApplicationCommand, error)
}

// RegisterCommands overwrites the application's commands (globally, or in one guild when
// guildID is set) with Commands(). Overwriting is idempotent: running it again changes nothing.
func RegisterCommands(r CommandRegistrar, appID, guildID string, options ...discordgo.RequestOption) ([]*discordgo.ApplicationCommand, error) {
	got, err := r.ApplicationCommandBulkOverwrite(appID, guildID, Commands(), options...)
	if err != nil {
		where := "globally"
		if guildID != "" {
			where = "in guild " + guildID
		}
		return nil, fmt.Errorf("register commands %s: %w", where, err)
	}
	return got, nil
}
