package deploy

import (
	"context"
	"fmt"
	"sort"

	"github.com/bwmarrin/discordgo"

	"github.com/arrakis-bot/arrakis/drift"
)

// live is a guild as the executor needs it: the drift view plus the bot's own roles, for
// preflight (permissions and hierarchy).
type live struct {
	Guild       drift.Guild
	BotRoleIDs  []string // every role the bot member has
	BotTopRole  *drift.Role
	BotPerms    int64 // the bot's guild-level permissions
	roleByID    map[string]*drift.Role
	channelByID map[string]*drift.Channel
}

// FetchGuild reads the live roles, channels and the bot's own role of a guild: two reads
// for the guild, one for the bot's member (and one for the bot's user, once per Service).
func (s *Service) FetchGuild(ctx context.Context, guildID string) (drift.Guild, error) {
	l, err := s.fetch(ctx, guildID)
	if err != nil {
		return drift.Guild{}, err
	}
	return l.Guild, nil
}

func (s *Service) fetch(ctx context.Context, guildID string) (*live, error) {
	botID, err := s.botUser(ctx)
	if err != nil {
		return nil, err
	}
	var (
		roles    []*discordgo.Role
		channels []*discordgo.Channel
		member   *discordgo.Member
	)
	err = s.read(ctx, guildID, "read roles", func() (err error) {
		roles, err = s.dg.GuildRoles(guildID, s.requestOptions(ctx)...)
		return err
	})
	if err == nil {
		err = s.read(ctx, guildID, "read channels", func() (err error) {
			channels, err = s.dg.GuildChannels(guildID, s.requestOptions(ctx)...)
			return err
		})
	}
	if err == nil {
		err = s.read(ctx, guildID, "read the bot's member", func() (err error) {
			member, err = s.dg.GuildMember(guildID, botID, s.requestOptions(ctx)...)
			return err
		})
	}
	if err != nil {
		return nil, err
	}
	return newLive(guildID, botID, roles, channels, member), nil
}

// read runs one read with the rate-limit retry and a few attempts on 5xx (reads are safe
// to repeat), and words a lost guild as CodeNoAccess.
func (s *Service) read(ctx context.Context, guildID, what string, call func() error) error {
	var err error
	for attempt := 1; attempt <= s.cfg.Retry.Attempts5xx; attempt++ {
		err = s.withRateLimitRetry(ctx, call)
		if err == nil || !isServerError(err) || attempt == s.cfg.Retry.Attempts5xx {
			break
		}
		if serr := sleep(ctx, s.backoff(attempt)); serr != nil {
			return serr
		}
	}
	if err == nil {
		return nil
	}
	if isNoAccess(err) {
		return &Error{Code: CodeNoAccess, Err: fmt.Errorf("%s of guild %s: %w", what, guildID, err),
			Message: fmt.Sprintf("%s cannot see this server any more. Invite it again (with Manage Roles and Manage Channels) and try again.", s.cfg.BotName)}
	}
	var rl *rateLimitedError
	if asRateLimited(err, &rl) {
		return &Error{Code: CodeRateLimited, Err: fmt.Errorf("%s of guild %s: %w", what, guildID, err),
			Message: fmt.Sprintf("Discord is rate limiting %s right now (retry after %s). Try again in a minute.", s.cfg.BotName, rl.RetryAfter.Round(1e9))}
	}
	return fmt.Errorf("%s of guild %s: %w", what, guildID, err)
}

// botUser returns the bot's user id: from the gateway state when there is one, else from
// GET /users/@me, once.
func (s *Service) botUser(ctx context.Context) (string, error) {
	s.mu.Lock()
	id := s.botUserID
	s.mu.Unlock()
	if id != "" {
		return id, nil
	}
	if st := s.dg.State; st != nil && st.User != nil && st.User.ID != "" {
		id = st.User.ID
	} else {
		var u *discordgo.User
		err := s.withRateLimitRetry(ctx, func() (err error) {
			u, err = s.dg.User("@me", s.requestOptions(ctx)...)
			return err
		})
		if err != nil {
			return "", fmt.Errorf("read the bot's own user: %w", err)
		}
		id = u.ID
	}
	s.mu.Lock()
	s.botUserID = id
	s.mu.Unlock()
	return id, nil
}

func newLive(guildID, botID string, roles []*discordgo.Role, channels []*discordgo.Channel, member *discordgo.Member) *live {
	l := &live{
		Guild:       drift.Guild{ID: guildID, BotUserID: botID},
		roleByID:    map[string]*drift.Role{},
		channelByID: map[string]*drift.Channel{},
	}
	for _, r := range roles {
		if r == nil {
			continue
		}
		l.Guild.Roles = append(l.Guild.Roles, drift.Role{
			ID: r.ID, Name: r.Name, Color: r.Color, Hoist: r.Hoist, Mentionable: r.Mentionable,
			Permissions: r.Permissions, Position: r.Position, Managed: r.Managed,
		})
	}
	// Roles in Discord's order (position, then id) so that drift and reports are stable.
	sort.SliceStable(l.Guild.Roles, func(i, j int) bool { return roleBelow(l.Guild.Roles[i], l.Guild.Roles[j]) })
	for _, c := range channels {
		if c == nil {
			continue
		}
		ch := drift.Channel{ID: c.ID, Name: c.Name, Type: drift.ChannelType(c.Type), ParentID: c.ParentID, Topic: c.Topic, Position: c.Position}
		for _, o := range c.PermissionOverwrites {
			if o == nil {
				continue
			}
			ch.Overwrites = append(ch.Overwrites, drift.Overwrite{ID: o.ID, Type: drift.OverwriteType(o.Type), Allow: o.Allow, Deny: o.Deny})
		}
		l.Guild.Channels = append(l.Guild.Channels, ch)
	}
	for i := range l.Guild.Roles {
		l.roleByID[l.Guild.Roles[i].ID] = &l.Guild.Roles[i]
	}
	for i := range l.Guild.Channels {
		l.channelByID[l.Guild.Channels[i].ID] = &l.Guild.Channels[i]
	}
	if member != nil {
		l.BotRoleIDs = append(l.BotRoleIDs, member.Roles...)
	}
	// The bot's guild permissions: @everyone's plus every role it has.
	if every, ok := l.roleByID[guildID]; ok {
		l.BotPerms |= every.Permissions
	}
	for _, id := range l.BotRoleIDs {
		r, ok := l.roleByID[id]
		if !ok {
			continue
		}
		l.BotPerms |= r.Permissions
		if l.BotTopRole == nil || roleBelow(*l.BotTopRole, *r) {
			l.BotTopRole = r
			l.Guild.BotTopRoleID = r.ID
		}
		// The bot's own role: the highest managed role it has.
		if r.Managed {
			if cur, ok := l.roleByID[l.Guild.BotRoleID]; !ok || roleBelow(*cur, *r) {
				l.Guild.BotRoleID = r.ID
			}
		}
	}
	return l
}

// roleBelow orders roles as Discord shows them: by position, and for equal positions the
// older role (smaller id) above the newer one.
func roleBelow(a, b drift.Role) bool {
	if a.Position != b.Position {
		return a.Position < b.Position
	}
	return snowflakeLess(b.ID, a.ID)
}

func snowflakeLess(a, b string) bool {
	if len(a) != len(b) {
		return len(a) < len(b)
	}
	return a < b
}

// hasPerm reports whether the bot has every bit of want (ADMINISTRATOR implies all).
func (l *live) hasPerm(want int64) bool {
	if l.BotPerms&discordgo.PermissionAdministrator != 0 {
		return true
	}
	return l.BotPerms&want == want
}

// above reports whether the bot's top role is above role id.
func (l *live) above(id string) bool {
	r, ok := l.roleByID[id]
	if !ok {
		return true // a role that does not exist is not in the way
	}
	return l.BotTopRole != nil && roleBelow(*r, *l.BotTopRole)
}
