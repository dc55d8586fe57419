package fakediscord

import (
	"fmt"
	"time"

	"github.com/bwmarrin/discordgo"
)

// Fixture servers shared by the tests that bring an existing server under management:
// a new server, an established community and one at Discord's limits. Everything in
// them is older than the test (ids carry a time a month back), as in a real server.

// Fixture names what a fixture server holds, for tests to refer to.
type Fixture struct {
	Name      string
	ID        string // the guild
	BotRoleID string
	OwnerID   string
	// TierRoles are the roles a test picks as tiers, lowest first (all below the bot).
	TierRoles []string
	// Roles and Channels map each name to its id (names are unique within a fixture).
	Roles    map[string]string
	Channels map[string]string
	// Gated lists the channels whose overwrites gate them at a tier, by tier index
	// (0 = lowest): what an export should derive.
	Gated map[string]int
	// Hidden are private channels the bot cannot see; Unsupported are announcement,
	// forum, stage channels (threads are not in the channel list at all); Inexpressible
	// are channels whose access is not "a minimum tier and up".
	Hidden, Unsupported, Inexpressible []string
	// Threads are the thread ids (children of text channels).
	Threads []string
}

// FixtureSeeders are the fixture servers by name, in a stable order.
var FixtureSeeders = []struct {
	Name string
	Seed func(*Server) Fixture
}{
	{"new", (*Server).SeedNewServer},
	{"established", (*Server).SeedEstablished},
	{"limits", (*Server).SeedAtLimits},
}

// fixtureBuilder adds roles and channels to a guild under construction; callers hold s.mu.
type fixtureBuilder struct {
	s   *Server
	g   *guild
	f   *Fixture
	at  time.Time
	pos int // next role position
}

func (s *Server) newFixture(name string) *fixtureBuilder {
	at := time.Now().Add(-30 * 24 * time.Hour)
	g := &guild{ID: newIDAt(at), Name: name, OwnerID: newIDAt(at), Roles: map[string]*role{}, Members: map[string]*member{}, CreatedAt: at.UTC().Truncate(time.Second)}
	g.Roles[g.ID] = &role{ID: g.ID, Name: "@everyone", Permissions: everyonePermissions}
	s.users[g.OwnerID] = &user{ID: g.OwnerID, Username: "owner"}
	g.Members[g.OwnerID] = &member{UserID: g.OwnerID, Roles: []string{}, JoinedAt: g.CreatedAt}
	s.guilds[g.ID] = g
	s.guildOrder = append(s.guildOrder, g.ID)
	f := &Fixture{Name: name, ID: g.ID, OwnerID: g.OwnerID, Roles: map[string]string{"@everyone": g.ID}, Channels: map[string]string{}, Gated: map[string]int{}}
	return &fixtureBuilder{s: s, g: g, f: f, at: at, pos: 1}
}

// role adds a role above the ones added so far.
func (b *fixtureBuilder) role(name string, perms int64, color int, hoist bool) *role {
	r := &role{ID: newIDAt(b.at), Name: name, Permissions: perms, Color: color, Hoist: hoist, Position: b.pos}
	b.pos++
	b.g.Roles[r.ID] = r
	b.f.Roles[name] = r.ID
	return r
}

// managedRole adds an integration's role (a bot's own role, or the booster role).
func (b *fixtureBuilder) managedRole(name string, perms int64, botID string) *role {
	r := b.role(name, perms, 0, false)
	r.Managed, r.BotID = true, botID
	return r
}

// bot adds the Arrakis bot's own role at the current height and makes it a member.
func (b *fixtureBuilder) bot(perms int64) {
	r := b.managedRole("Arrakis", perms, b.s.botUserID)
	b.f.BotRoleID = r.ID
	b.g.Members[b.s.botUserID] = &member{UserID: b.s.botUserID, Roles: []string{r.ID}, JoinedAt: b.g.CreatedAt}
}

func (b *fixtureBuilder) member(name string, roleIDs ...string) string {
	id := newIDAt(b.at)
	b.s.users[id] = &user{ID: id, Username: name}
	b.g.Members[id] = &member{UserID: id, Roles: roleIDs, JoinedAt: b.g.CreatedAt}
	return id
}

func (b *fixtureBuilder) channel(name string, typ discordgo.ChannelType, parent string, pos int, ows ...overwrite) string {
	c := &channel{ID: newIDAt(b.at), GuildID: b.g.ID, Type: typ, Name: name, ParentID: parent, Position: pos, Overwrites: ows}
	switch typ {
	case discordgo.ChannelTypeGuildVoice, discordgo.ChannelTypeGuildStageVoice:
		c.Bitrate = 64000
	case discordgo.ChannelTypeGuildText:
		c.Topic = "About " + name
	}
	b.s.channels[c.ID] = c
	if _, dup := b.f.Channels[name]; dup {
		b.s.t.Fatalf("fakediscord: fixture %s: channel name %q used twice", b.f.Name, name)
	}
	b.f.Channels[name] = c.ID
	return c.ID
}

func (b *fixtureBuilder) done() Fixture {
	b.s.gw.guildAdded(b.s, b.g.ID)
	return *b.f
}

func roleOW(id string, allow, deny int64) overwrite {
	return overwrite{ID: id, Type: discordgo.PermissionOverwriteTypeRole, Allow: allow, Deny: deny}
}

func memberOW(id string, allow, deny int64) overwrite {
	return overwrite{ID: id, Type: discordgo.PermissionOverwriteTypeMember, Allow: allow, Deny: deny}
}

const view = discordgo.PermissionViewChannel

// SeedNewServer is a server made last month from Discord's default template: the two
// default categories with #general and a General voice channel, the bot, and the two
// roles the admin made for holders.
func (s *Server) SeedNewServer() Fixture {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.newFixture("Fresh Start")
	holder := b.role("Holder", 0, 0x2ecc71, true)
	whale := b.role("Whale", 0, 0x3498db, true)
	b.bot(DefaultBotPermissions)
	b.f.TierRoles = []string{holder.ID, whale.ID}
	text := b.channel("Text Channels", discordgo.ChannelTypeGuildCategory, "", 0)
	voice := b.channel("Voice Channels", discordgo.ChannelTypeGuildCategory, "", 1)
	b.channel("general", discordgo.ChannelTypeGuildText, text, 0)
	b.channel("General", discordgo.ChannelTypeGuildVoice, voice, 0)
	return b.done()
}

// SeedEstablished is an established community: about 40 roles (integration and bot roles,
// booster, staff, tiers, cosmetic roles), about 80 channels in 10 categories, private
// channels with role and member overwrites, channels only staff see (the bot included or
// not), threads, and announcement, forum and stage channels.
func (s *Server) SeedEstablished() Fixture {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.newFixture("Dune Traders")
	f := b.f
	// Cosmetic and self-assigned roles at the bottom.
	for _, n := range []string{"he/him", "she/her", "they/them", "EU", "NA", "APAC", "LATAM", "Red", "Orange", "Yellow",
		"Green", "Blue", "Purple", "Events Ping", "Giveaways Ping", "News Ping", "Artist", "Developer", "Trader", "Lurker"} {
		b.role(n, 0, 0, false)
	}
	b.managedRole("Server Booster", 0, "")
	holder := b.role("Holder", 0, 0xc2a878, true)
	whale := b.role("Whale", 0, 0x1f8b4c, true)
	og := b.role("OG", 0, 0xe67e22, true)
	verified := b.role("Verified", 0, 0, false)
	b.role("Muted", 0, 0, false)
	b.role("Event Host", 0, 0x9b59b6, false)
	b.bot(DefaultBotPermissions)
	for _, n := range []string{"MEE6", "Carl-bot", "Dyno", "Collab.Land", "Statbot"} {
		b.managedRole(n, discordgo.PermissionManageRoles|discordgo.PermissionManageMessages|view, newIDAt(b.at))
	}
	helper := b.role("Helper", discordgo.PermissionManageMessages, 0x95a5a6, true)
	mod := b.role("Moderator", discordgo.PermissionKickMembers|discordgo.PermissionBanMembers|discordgo.PermissionManageMessages|discordgo.PermissionModerateMembers, 0x3498db, true)
	b.role("Community Manager", discordgo.PermissionManageChannels|discordgo.PermissionManageMessages, 0x1abc9c, true)
	admin := b.role("Admin", discordgo.PermissionAdministrator, 0xe74c3c, true)
	b.g.Members[f.OwnerID].Roles = []string{admin.ID}
	modUser := b.member("mod-alice", mod.ID)
	vip := b.member("guest-speaker")
	b.member("holder-bob", holder.ID, verified.ID)
	f.TierRoles = []string{holder.ID, whale.ID, og.ID}

	every := f.ID
	hide := roleOW(every, 0, view)
	botView := roleOW(f.BotRoleID, view, 0)
	tiersFrom := func(k int) []overwrite {
		var ows []overwrite
		for _, id := range f.TierRoles[k:] {
			ows = append(ows, roleOW(id, view, 0))
		}
		return ows
	}
	gated := func(k int, extra ...overwrite) []overwrite {
		ows := append([]overwrite{hide, botView}, tiersFrom(k)...)
		return append(ows, extra...)
	}
	cat := func(name string, pos int, ows ...overwrite) string {
		return b.channel(name, discordgo.ChannelTypeGuildCategory, "", pos, ows...)
	}
	text := func(name, parent string, pos int, ows ...overwrite) string {
		return b.channel(name, discordgo.ChannelTypeGuildText, parent, pos, ows...)
	}
	voice := func(name, parent string, pos int, ows ...overwrite) string {
		return b.channel(name, discordgo.ChannelTypeGuildVoice, parent, pos, ows...)
	}
	gate := func(name string, k int) { f.Gated[name] = k }

	// 1. Information: read-only public channels, an announcement channel.
	info := cat("Information", 0)
	text("welcome", info, 0, roleOW(every, 0, discordgo.PermissionSendMessages))
	text("rules", info, 1, roleOW(every, 0, discordgo.PermissionSendMessages))
	text("roles", info, 2)
	text("faq", info, 3)
	f.Unsupported = append(f.Unsupported, b.channel("announcements", discordgo.ChannelTypeGuildNews, info, 4))
	f.Unsupported = append(f.Unsupported, b.channel("updates", discordgo.ChannelTypeGuildNews, info, 5))
	// 2. Community: public chat, a forum, threads.
	comm := cat("Community", 1)
	general := text("general", comm, 0)
	for i, n := range []string{"introductions", "memes", "art", "off-topic", "trading", "price-talk", "ideas", "bot-commands"} {
		text(n, comm, i+1)
	}
	f.Unsupported = append(f.Unsupported, b.channel("help-forum", discordgo.ChannelTypeGuildForum, comm, 10))
	f.Unsupported = append(f.Unsupported, b.channel("showcase", discordgo.ChannelTypeGuildForum, comm, 11))
	for _, n := range []string{"welcome-thread", "weekly-chat"} {
		c := &channel{ID: newIDAt(b.at), GuildID: f.ID, Type: discordgo.ChannelTypeGuildPublicThread, Name: n, ParentID: general}
		s.channels[c.ID] = c
		f.Threads = append(f.Threads, c.ID)
	}
	// 3. Holders: gated at the lowest tier; a moderator role and a guest (member) may see it too.
	holders := cat("Holders", 2, gated(0, roleOW(mod.ID, view, 0))...)
	gate("Holders", 0)
	for i, n := range []string{"holders-chat", "holders-alpha", "holders-trades", "holders-support", "holders-feedback"} {
		text(n, holders, i, gated(0, roleOW(mod.ID, view, 0), memberOW(vip, view, 0))...)
		gate(n, 0)
	}
	voice("Holders Lounge", holders, 5, gated(0)...)
	gate("Holders Lounge", 0)
	// 4. Whales: gated at the second tier, with a helper role.
	whales := cat("Whales", 3, gated(1, roleOW(helper.ID, view, 0))...)
	gate("Whales", 1)
	for i, n := range []string{"whale-chat", "whale-alpha", "whale-calls", "whale-otc"} {
		text(n, whales, i, gated(1, roleOW(helper.ID, view, 0))...)
		gate(n, 1)
	}
	voice("Whale Voice", whales, 4, gated(1)...)
	gate("Whale Voice", 1)
	// 5. OG Lounge: the top tier only; one channel whose access is not a tier and up.
	ogCat := cat("OG Lounge", 4, gated(2)...)
	gate("OG Lounge", 2)
	for i, n := range []string{"og-chat", "og-history", "og-governance"} {
		text(n, ogCat, i, gated(2, memberOW(modUser, view, 0))...)
		gate(n, 2)
	}
	odd := text("holders-and-og", ogCat, 3, hide, botView, roleOW(holder.ID, view, 0), roleOW(og.ID, view, 0))
	f.Inexpressible = append(f.Inexpressible, odd)
	// 6. Voice: public voice and a stage.
	vc := cat("Voice", 5)
	for i, n := range []string{"Lobby", "Gaming", "Music", "Chill", "AFK"} {
		voice(n, vc, i)
	}
	f.Unsupported = append(f.Unsupported, b.channel("Town Hall", discordgo.ChannelTypeGuildStageVoice, vc, 5))
	// 7. Events.
	ev := cat("Events", 6)
	for i, n := range []string{"events", "giveaways", "contests", "event-chat", "event-ideas", "calendar"} {
		text(n, ev, i)
	}
	voice("Event Stage Voice", ev, 6)
	// 8. Staff: private to staff; the bot sees only some.
	staff := cat("Staff", 7, hide, roleOW(mod.ID, view, 0), roleOW(helper.ID, view, 0), botView)
	f.Inexpressible = append(f.Inexpressible, staff)
	for i, n := range []string{"mod-chat", "mod-log", "reports"} {
		f.Hidden = append(f.Hidden, text(n, staff, i, hide, roleOW(mod.ID, view, 0), roleOW(helper.ID, view, 0)))
	}
	f.Inexpressible = append(f.Inexpressible, text("staff-announcements", staff, 3, hide, roleOW(mod.ID, view, 0), botView))
	f.Hidden = append(f.Hidden, text("admin-only", staff, 4, hide, roleOW(admin.ID, view, 0), roleOW(f.BotRoleID, 0, view)))
	// 9. Archive: old public channels.
	arch := cat("Archive", 8, roleOW(every, 0, discordgo.PermissionSendMessages))
	for i := 0; i < 20; i++ {
		text(fmt.Sprintf("archive-%02d", i+1), arch, i, roleOW(every, 0, discordgo.PermissionSendMessages))
	}
	// 10. Support.
	sup := cat("Support", 9)
	for i, n := range []string{"support", "bug-reports", "suggestions", "tickets-log", "wallet-help", "verify"} {
		text(n, sup, i)
	}
	voice("Support Voice", sup, 6)
	return b.done()
}

// SeedAtLimits is a server at Discord's limits: 250 roles (with @everyone) and 500
// channels (10 categories of 49 channels), the top three tier roles below the bot, and
// channels gated at each.
func (s *Server) SeedAtLimits() Fixture {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.newFixture("Full House")
	f := b.f
	for i := 0; i < 243; i++ {
		b.role(fmt.Sprintf("role-%03d", i+1), 0, 0, false)
	}
	var tiers []string
	for _, n := range []string{"Bronze", "Silver", "Gold"} {
		tiers = append(tiers, b.role(n, 0, 0, true).ID)
	}
	f.TierRoles = tiers
	b.bot(DefaultBotPermissions)
	mod := b.role("Moderator", discordgo.PermissionKickMembers, 0, true)
	admin := b.role("Admin", discordgo.PermissionAdministrator, 0, true)
	b.g.Members[f.OwnerID].Roles = []string{admin.ID}
	if n := len(b.g.Roles); n != 250 {
		s.t.Fatalf("fakediscord: limits fixture has %d roles, want 250", n)
	}
	every := f.ID
	for c := 0; c < 10; c++ {
		cat := b.channel(fmt.Sprintf("Category %02d", c+1), discordgo.ChannelTypeGuildCategory, "", c)
		for i := 0; i < 49; i++ {
			name := fmt.Sprintf("c%02d-channel-%02d", c+1, i+1)
			var ows []overwrite
			if k := c % 4; k < 3 && i < 5 { // five gated channels per category, tiers in turn
				ows = []overwrite{roleOW(every, 0, view), roleOW(f.BotRoleID, view, 0), roleOW(mod.ID, view, 0)}
				for _, id := range tiers[k:] {
					ows = append(ows, roleOW(id, view, 0))
				}
				f.Gated[name] = k
			}
			typ := discordgo.ChannelTypeGuildText
			if i == 48 {
				typ = discordgo.ChannelTypeGuildVoice
				name = fmt.Sprintf("Voice %02d", c+1)
			}
			b.channel(name, typ, cat, i, ows...)
		}
	}
	return b.done()
}
