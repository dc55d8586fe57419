package deploy

import (
	"context"

	"github.com/bwmarrin/discordgo"

	"github.com/arrakis-bot/arrakis/drift"
)

// ExportView is what describing a server as it is needs: the live guild, its name, every
// role the bot has (to know which channels it can see), and whether Arrakis has deployed
// to it before (then `manifest pull` and edit mode are the way, not an export).
type ExportView struct {
	Guild      drift.Guild
	Name       string
	BotRoleIDs []string
	Deployed   bool
	// Threads are the server's active threads (they are not in its channel list), to be
	// listed as left out.
	Threads []drift.Channel
}

// Export reads the server for drift.ExportManifest: the same reads as a review, plus the
// guild's name. Nothing is written.
func (s *Service) Export(ctx context.Context, guildID string) (*ExportView, error) {
	l, err := s.fetch(ctx, guildID)
	if err != nil {
		return nil, err
	}
	var g *discordgo.Guild
	if err := s.read(ctx, guildID, "read the server", func() (err error) {
		g, err = s.dg.Guild(guildID, s.requestOptions(ctx)...)
		return err
	}); err != nil {
		return nil, err
	}
	var threads *discordgo.ThreadsList
	if err := s.read(ctx, guildID, "read the active threads", func() (err error) {
		threads, err = s.dg.GuildThreadsActive(guildID, s.requestOptions(ctx)...)
		return err
	}); err != nil {
		return nil, err
	}
	v := &ExportView{Guild: l.Guild, BotRoleIDs: append([]string(nil), l.BotRoleIDs...)}
	if threads != nil {
		for _, t := range threads.Threads {
			if t != nil {
				v.Threads = append(v.Threads, drift.Channel{ID: t.ID, Name: t.Name, Type: drift.ChannelType(t.Type), ParentID: t.ParentID})
			}
		}
	}
	if g != nil {
		v.Name = g.Name
	}
	deployed, err := s.optional(s.cfg.Shadow.LatestDeployed(ctx, guildID))
	if err != nil {
		return nil, err
	}
	v.Deployed = deployed != nil
	return v, nil
}
