package bot

import (
	"errors"
	"fmt"

	"github.com/bwmarrin/discordgo"

	"github.com/arrakis-bot/arrakis/bot/deploy"
)

// classifyDiscordErr marks Discord's "Missing Access" (50001) and "Unknown Guild" (10004),
// and bot/deploy's CodeNoAccess, as errNoAccess: the bot was removed from the guild or
// can no longer see it, which ends its sessions there.
func classifyDiscordErr(err error) error {
	if err == nil {
		return nil
	}
	if deploy.ErrorCode(err) == deploy.CodeNoAccess {
		return fmt.Errorf("%w: %w", errNoAccess, err)
	}
	var rest *discordgo.RESTError
	if errors.As(err, &rest) && rest.Message != nil {
		switch rest.Message.Code {
		case discordgo.ErrCodeMissingAccess, discordgo.ErrCodeUnknownGuild:
			return fmt.Errorf("%w: %w", errNoAccess, err)
		}
	}
	return err
}

func isNoAccess(err error) bool { return errors.Is(err, errNoAccess) }
