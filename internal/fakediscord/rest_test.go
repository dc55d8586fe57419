package fakediscord

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
)

func setup(t *testing.T) (*Server, SeededGuild, *discordgo.Session) {
	t.Helper()
	fd := New(t, WithResponseCheck())
	g := fd.Seed(GuildOptions{})
	return fd, g, fd.NewSession(t)
}

func ptr[T any](v T) *T { return &v }

// restErr asserts err is a *discordgo.RESTError with the status and JSON code.
func restErr(t *testing.T, err error, status, code int) {
	t.Helper()
	var re *discordgo.RESTError
	if !errors.As(err, &re) {
		t.Fatalf("error = %v (%T), want *discordgo.RESTError %d/%d", err, err, status, code)
	}
	if re.Response.StatusCode != status || re.Message == nil || re.Message.Code != code {
		t.Fatalf("error = %v, want HTTP %d code %d", err, status, code)
	}
}

func TestSeededGuildReadsBack(t *testing.T) {
	fd, g, s := setup(t)
	guild, err := s.Guild(g.ID)
	if err != nil {
		t.Fatal(err)
	}
	if guild.OwnerID != g.OwnerID || len(guild.Roles) != 4 {
		t.Fatalf("guild owner %s roles %d", guild.OwnerID, len(guild.Roles))
	}
	roles, err := s.GuildRoles(g.ID)
	if err != nil {
		t.Fatal(err)
	}
	names := ""
	for _, r := range roles {
		names += r.Name + "@" + itoa(r.Position) + " "
	}
	if names != "@everyone@0 Moderator@1 Arrakis@2 Admin@3 " {
		t.Errorf("roles bottom to top: %s", names)
	}
	if roles[0].ID != g.ID {
		t.Errorf("@everyone id %s, want guild id %s", roles[0].ID, g.ID)
	}
	bot := fd.Role(g.ID, g.BotRoleID)
	if !bot.Managed || bot.Permissions&discordgo.PermissionManageRoles == 0 {
		t.Errorf("bot role %+v", bot)
	}
	chans, err := s.GuildChannels(g.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(chans) != 7 {
		t.Errorf("%d channels, want 7", len(chans))
	}
	_, err = s.Channel(g.ModLogChannelID)
	restErr(t, err, 403, 50001) // hidden from the bot, as on Discord
	modlog := fd.Channel(g.ModLogChannelID)
	if modlog.ParentID != g.TextCategoryID || len(modlog.PermissionOverwrites) != 2 {
		t.Errorf("mod-log %+v", modlog)
	}
	m, err := s.GuildMember(g.ID, fd.BotUserID())
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Roles) != 1 || m.Roles[0] != g.BotRoleID || !m.User.Bot {
		t.Errorf("bot member %+v", m)
	}
	gs, err := s.UserGuilds(100, "", "", false)
	if err != nil || len(gs) != 1 || gs[0].ID != g.ID || gs[0].Permissions&discordgo.PermissionManageRoles == 0 {
		t.Errorf("UserGuilds = %+v, %v", gs, err)
	}
	if r, err := s.Request("GET", discordgo.EndpointGuildRole(g.ID, g.AdminRoleID), nil); err != nil || !strings.Contains(string(r), `"Admin"`) {
		t.Errorf("GET role: %s %v", r, err)
	}
	me, err := s.User("@me")
	if err != nil || me.ID != fd.BotUserID() {
		t.Errorf("@me = %v, %v", me, err)
	}
	if fd.WriteCount() != 0 {
		t.Errorf("reads counted as writes: %d", fd.WriteCount())
	}
}

func itoa(i int) string { return url.PathEscape(string(rune('0' + i))) }

func TestRoleLifecycle(t *testing.T) {
	fd, g, s := setup(t)
	reason := url.PathEscape("Arrakis deploy v1 — tiers")
	r, err := s.GuildRoleCreate(g.ID, &discordgo.RoleParams{
		Name: "Whale", Color: ptr(0xffaa00), Hoist: ptr(true),
		Permissions: ptr(int64(discordgo.PermissionViewChannel | discordgo.PermissionSendMessages)),
	}, discordgo.WithAuditLogReason(reason))
	if err != nil {
		t.Fatal(err)
	}
	if r.Name != "Whale" || r.Position != 1 || r.Color != 0xffaa00 || !r.Hoist {
		t.Errorf("created %+v", r)
	}
	if got := fd.Role(g.ID, r.ID); got == nil || got.Permissions != discordgo.PermissionViewChannel|discordgo.PermissionSendMessages {
		t.Errorf("stored %+v", got)
	}
	if got := fd.Role(g.ID, g.BotRoleID).Position; got != 3 {
		t.Errorf("bot role pushed to %d, want 3", got)
	}
	r2, err := s.GuildRoleEdit(g.ID, r.ID, &discordgo.RoleParams{Name: "Big Whale", Mentionable: ptr(true)})
	if err != nil {
		t.Fatal(err)
	}
	if r2.Name != "Big Whale" || !r2.Mentionable || !r2.Hoist || r2.Color != 0xffaa00 {
		t.Errorf("edit changed more or less than sent: %+v", r2)
	}
	// Move Whale above Moderator with the bulk position route.
	roles, err := s.GuildRoleReorder(g.ID, []*discordgo.Role{{ID: r.ID, Position: 2}})
	if err != nil {
		t.Fatal(err)
	}
	order := ""
	for _, x := range roles {
		order += x.Name + ","
	}
	if order != "@everyone,Moderator,Big Whale,Arrakis,Admin," {
		t.Errorf("after reorder: %s", order)
	}
	if err := s.GuildRoleDelete(g.ID, r.ID); err != nil {
		t.Fatal(err)
	}
	if fd.Role(g.ID, r.ID) != nil {
		t.Error("role still there after delete")
	}
	reqs := fd.Requests()
	if reqs[0].AuditLogReason != "Arrakis deploy v1 — tiers" || reqs[0].Method != "POST" || reqs[0].Path != "/guilds/"+g.ID+"/roles" || reqs[0].Status != 200 {
		t.Errorf("first request logged as %+v", reqs[0])
	}
	if fd.WriteCount() != 4 {
		t.Errorf("WriteCount %d, want 4", fd.WriteCount())
	}
	_, err = s.GuildRoleCreate(g.ID, &discordgo.RoleParams{Name: "x"}, discordgo.WithAuditLogReason(strings.Repeat("a", 513)))
	restErr(t, err, 400, 50035) // a reason longer than 512 characters
	fd.ResetCounts()
	if fd.WriteCount() != 0 || len(fd.Requests()) != 0 {
		t.Error("ResetCounts left counts")
	}
}

func TestRoleHierarchyAndPermissions(t *testing.T) {
	fd, g, s := setup(t)
	_, err := s.GuildRoleEdit(g.ID, g.AdminRoleID, &discordgo.RoleParams{Name: "x"})
	restErr(t, err, 403, 50013) // Admin sits above the bot's role
	_, err = s.GuildRoleCreate(g.ID, &discordgo.RoleParams{Name: "Boss", Permissions: ptr(int64(discordgo.PermissionAdministrator))})
	restErr(t, err, 403, 50013) // cannot grant what it does not have
	err = s.GuildRoleDelete(g.ID, g.BotRoleID)
	restErr(t, err, 403, 50013) // its own top role is not below itself
	err = s.GuildRoleDelete(g.ID, "123")
	restErr(t, err, 404, 10011)
	_, err = s.GuildRoleReorder(g.ID, []*discordgo.Role{{ID: g.ModeratorRoleID, Position: 3}})
	restErr(t, err, 403, 50013) // cannot lift a role to or above its own top role
	fd.SetBotPermissions(g.ID, discordgo.PermissionAdministrator)
	_, err = s.GuildRoleEdit(g.ID, g.AdminRoleID, &discordgo.RoleParams{Name: "x"})
	restErr(t, err, 403, 50013) // Administrator does not lift the hierarchy
	fd.SetBotPermissions(g.ID, discordgo.PermissionViewChannel)
	_, err = s.GuildRoleCreate(g.ID, &discordgo.RoleParams{Name: "Whale"})
	restErr(t, err, 403, 50013)
	_, err = s.GuildChannelCreate(g.ID, "x", discordgo.ChannelTypeGuildText)
	restErr(t, err, 403, 50013)
}

func TestRemoveBot(t *testing.T) {
	fd, g, s := setup(t)
	fd.RemoveBot(g.ID)
	_, err := s.GuildRoles(g.ID)
	restErr(t, err, 403, 50001)
	_, err = s.Channel(g.GeneralID)
	restErr(t, err, 403, 50001)
	_, err = s.Guild("1")
	restErr(t, err, 404, 10004)
}

func TestChannelLifecycle(t *testing.T) {
	fd, g, s := setup(t)
	role, err := s.GuildRoleCreate(g.ID, &discordgo.RoleParams{Name: "Holder"})
	if err != nil {
		t.Fatal(err)
	}
	cat, err := s.GuildChannelCreateComplex(g.ID, discordgo.GuildChannelCreateData{Name: "Holders", Type: discordgo.ChannelTypeGuildCategory})
	if err != nil {
		t.Fatal(err)
	}
	ch, err := s.GuildChannelCreateComplex(g.ID, discordgo.GuildChannelCreateData{
		Name: "Holder Chat", Type: discordgo.ChannelTypeGuildText, Topic: "for holders", ParentID: cat.ID,
		PermissionOverwrites: []*discordgo.PermissionOverwrite{
			{ID: g.ID, Type: discordgo.PermissionOverwriteTypeRole, Deny: discordgo.PermissionViewChannel},
			{ID: role.ID, Type: discordgo.PermissionOverwriteTypeRole, Allow: discordgo.PermissionViewChannel},
			{ID: fd.BotUserID(), Type: discordgo.PermissionOverwriteTypeMember, Allow: discordgo.PermissionViewChannel},
		},
	}, discordgo.WithAuditLogReason("deploy"))
	if err != nil {
		t.Fatal(err)
	}
	if ch.Name != "holder-chat" || ch.ParentID != cat.ID || ch.Topic != "for holders" || len(ch.PermissionOverwrites) != 3 {
		t.Errorf("created %+v", ch)
	}
	stored := fd.Channel(ch.ID)
	if stored.PermissionOverwrites[1].ID != role.ID || stored.PermissionOverwrites[1].Allow != discordgo.PermissionViewChannel {
		t.Errorf("stored overwrites %+v", stored.PermissionOverwrites)
	}
	ed, err := s.ChannelEdit(ch.ID, &discordgo.ChannelEdit{Topic: "new topic", Position: ptr(9)})
	if err != nil {
		t.Fatal(err)
	}
	if ed.Topic != "new topic" || ed.Position != 9 || ed.Name != "holder-chat" || len(ed.PermissionOverwrites) != 3 {
		t.Errorf("edited %+v", ed)
	}
	if err := s.ChannelPermissionSet(ch.ID, g.ModeratorRoleID, discordgo.PermissionOverwriteTypeRole, discordgo.PermissionViewChannel, 0); err != nil {
		t.Fatal(err)
	}
	if err := s.ChannelPermissionDelete(ch.ID, role.ID); err != nil {
		t.Fatal(err)
	}
	got := fd.Channel(ch.ID).PermissionOverwrites
	if len(got) != 3 || got[2].ID != g.ModeratorRoleID {
		t.Errorf("overwrites after set+delete: %+v", got)
	}
	// Deleting a role removes its overwrites too.
	fd.DeleteRole(g.ID, g.ModeratorRoleID)
	if n := len(fd.Channel(ch.ID).PermissionOverwrites); n != 2 {
		t.Errorf("%d overwrites after role delete, want 2", n)
	}
	if err := s.GuildChannelsReorder(g.ID, []*discordgo.Channel{{ID: ch.ID, Position: 0}, {ID: cat.ID, Position: 5}}); err != nil {
		t.Fatal(err)
	}
	if fd.Channel(ch.ID).Position != 0 || fd.Channel(cat.ID).Position != 5 {
		t.Error("reorder not applied")
	}
	// Moving with lock_permissions takes the new category's overwrites.
	if _, err := s.RequestWithBucketID("PATCH", discordgo.EndpointGuildChannels(g.ID),
		[]map[string]any{{"id": ch.ID, "parent_id": g.InfoCategoryID, "lock_permissions": true}}, ""); err != nil {
		t.Fatal(err)
	}
	if got := fd.Channel(ch.ID); got.ParentID != g.InfoCategoryID || len(got.PermissionOverwrites) != 0 {
		t.Errorf("after a locked move: parent %s overwrites %+v", got.ParentID, got.PermissionOverwrites)
	}
	if _, err := s.ChannelDelete(cat.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ChannelDelete(g.InfoCategoryID); err != nil {
		t.Fatal(err)
	}
	if fd.Channel(cat.ID) != nil || fd.Channel(ch.ID).ParentID != "" {
		t.Error("category delete should orphan its children")
	}
	_, err = s.ChannelDelete(cat.ID)
	restErr(t, err, 404, 10003)
	err = s.ChannelPermissionSet(ch.ID, g.ID, discordgo.PermissionOverwriteTypeRole, discordgo.PermissionAdministrator, 0)
	restErr(t, err, 403, 50013)
	_, err = s.GuildChannelCreateComplex(g.ID, discordgo.GuildChannelCreateData{Name: "x", Type: discordgo.ChannelTypeGuildText, ParentID: g.GeneralID})
	restErr(t, err, 400, 50035)
}

func TestLimits(t *testing.T) {
	fd, g, s := setup(t)
	for len(fd.Roles(g.ID)) < 249 {
		fd.CreateRole(g.ID, discordgo.Role{Name: "filler"})
	}
	if _, err := s.GuildRoleCreate(g.ID, &discordgo.RoleParams{Name: "250th"}); err != nil {
		t.Fatalf("250th role (counting @everyone): %v", err)
	}
	_, err := s.GuildRoleCreate(g.ID, &discordgo.RoleParams{Name: "251st"})
	restErr(t, err, 400, 30005)

	for i := 0; len(fd.Channels(g.ID)) < 500; i++ {
		parent := ""
		if i < 47 {
			parent = g.TextCategoryID // it holds general, mod-log and General already: 50 in all
		}
		fd.CreateChannel(g.ID, discordgo.Channel{Name: "c", Type: discordgo.ChannelTypeGuildText, ParentID: parent})
	}
	_, err = s.GuildChannelCreate(g.ID, "one-too-many", discordgo.ChannelTypeGuildText)
	restErr(t, err, 400, 30013)
	fd.DeleteChannel(g.GeneralID)
	fd.DeleteChannel(g.RulesChannelID)
	_, err = s.GuildChannelCreateComplex(g.ID, discordgo.GuildChannelCreateData{Name: "x", Type: discordgo.ChannelTypeGuildText, ParentID: g.TextCategoryID})
	if err != nil {
		t.Fatalf("50th channel in category: %v", err)
	}
	_, err = s.GuildChannelCreateComplex(g.ID, discordgo.GuildChannelCreateData{Name: "y", Type: discordgo.ChannelTypeGuildText, ParentID: g.TextCategoryID})
	restErr(t, err, 400, 50035)
}

func TestRateLimit(t *testing.T) {
	fd, g, s := setup(t)
	fd.FailNext("POST", "/guilds/"+g.ID+"/roles", 1, http.StatusTooManyRequests, 1500*time.Millisecond)
	_, err := s.GuildRoleCreate(g.ID, &discordgo.RoleParams{Name: "a"}, discordgo.WithRetryOnRatelimit(false))
	var rl *discordgo.RateLimitError
	if !errors.As(err, &rl) {
		t.Fatalf("err = %v (%T), want *discordgo.RateLimitError", err, err)
	}
	if rl.RetryAfter != 1500*time.Millisecond {
		t.Errorf("RetryAfter %v, want 1.5s", rl.RetryAfter)
	}
	if fd.RoleByName(g.ID, "a") != nil {
		t.Error("a 429 must not create the role")
	}
	reqs := fd.Requests()
	if reqs[0].Status != 429 {
		t.Errorf("logged status %d", reqs[0].Status)
	}

	// With discordgo's own retry, it sleeps retry_after and tries again.
	fd.FailNext("POST", "/guilds/"+g.ID+"/channels", 1, http.StatusTooManyRequests, 50*time.Millisecond)
	start := time.Now()
	if _, err := s.GuildChannelCreate(g.ID, "b", discordgo.ChannelTypeGuildText); err != nil {
		t.Fatalf("retried request: %v", err)
	}
	if time.Since(start) < 50*time.Millisecond {
		t.Error("discordgo did not wait retry_after")
	}
	if n := len(fd.Requests()); n != 3 {
		t.Errorf("%d requests, want 3 (429, 429-retry ok)", n)
	}
}

func TestRateLimitHeaders(t *testing.T) {
	fd, g, _ := setup(t)
	fd.FailNext("", "/guilds/", 1, 429, 2*time.Second)
	req, _ := http.NewRequest("GET", fd.RESTBase()+"/guilds/"+g.ID, nil)
	req.Header.Set("Authorization", "Bot "+fd.BotToken())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	for _, h := range []string{"Retry-After", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "X-RateLimit-Reset-After", "X-RateLimit-Bucket", "X-RateLimit-Scope"} {
		if resp.Header.Get(h) == "" {
			t.Errorf("429 lacks %s", h)
		}
	}
	if resp.Header.Get("Retry-After") != "2" || resp.Header.Get("X-RateLimit-Reset-After") != "2.000" {
		t.Errorf("Retry-After %q Reset-After %q", resp.Header.Get("Retry-After"), resp.Header.Get("X-RateLimit-Reset-After"))
	}
}

func TestServerErrors(t *testing.T) {
	fd, g, s := setup(t)
	// discordgo retries a 502 up to MaxRestRetries (3).
	fd.FailNext("GET", "/guilds/"+g.ID+"/roles", 2, http.StatusBadGateway, 0)
	if _, err := s.GuildRoles(g.ID); err != nil {
		t.Fatalf("502 twice then ok: %v", err)
	}
	fd.FailNext("GET", "/guilds/"+g.ID+"/roles", 4, http.StatusBadGateway, 0)
	if _, err := s.GuildRoles(g.ID); err == nil {
		t.Fatal("four 502s should exhaust discordgo's retries")
	}
	// 500 and 503 come back to the caller as a RESTError.
	fd.FailNext("GET", "/guilds/", 1, http.StatusInternalServerError, 0)
	_, err := s.GuildRoles(g.ID)
	restErr(t, err, 500, 0)
	fd.FailNext("", "/guilds/", 1, http.StatusServiceUnavailable, 0)
	_, err = s.GuildRoles(g.ID)
	restErr(t, err, 503, 0)
	if n := len(fd.Requests()); n != 3+4+1+1 {
		t.Errorf("%d requests logged, want 9", n)
	}
}

func TestUnauthorized(t *testing.T) {
	fd, g, _ := setup(t)
	bad, _ := discordgo.New("Bot wrong")
	s := fd.NewSession(t)
	bad.Client = s.Client
	_, err := bad.GuildRoles(g.ID)
	restErr(t, err, 401, 0)
}

func TestDMsAndMessages(t *testing.T) {
	fd, g, s := setup(t)
	dm, err := s.UserChannelCreate(g.OwnerID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ChannelMessageSend(dm.ID, "Deploy finished: 3 roles, 4 channels."); err != nil {
		t.Fatal(err)
	}
	if got := fd.DMs(g.OwnerID); len(got) != 1 || got[0].Content != "Deploy finished: 3 roles, 4 channels." {
		t.Errorf("DMs %+v", got)
	}
	if _, err := s.ChannelMessageSendEmbed(g.GeneralID, &discordgo.MessageEmbed{Title: "Drift"}); err != nil {
		t.Fatal(err)
	}
	if got := fd.Messages(g.GeneralID); len(got) != 1 || len(got[0].Embeds) != 1 || got[0].Embeds[0].Title != "Drift" {
		t.Errorf("channel messages %+v", got)
	}
	_, err = s.ChannelMessageSend(g.ModLogChannelID, "hidden")
	restErr(t, err, 403, 50001) // the bot cannot see mod-log
	fd.BlockDMs(g.OwnerID)
	_, err = s.ChannelMessageSend(dm.ID, "again")
	restErr(t, err, 403, 50007)
	if fd.WriteCount() != 0 {
		t.Errorf("messages counted as deploy writes: %d", fd.WriteCount())
	}
}

func TestCommands(t *testing.T) {
	fd, g, s := setup(t)
	perm := int64(discordgo.PermissionManageGuild)
	dm := false
	cmds := []*discordgo.ApplicationCommand{
		{Name: "setup", Description: "Set up the community", DefaultMemberPermissions: &perm, DMPermission: &dm},
		{Name: "drift", Description: "Compare the guild with the manifest", DefaultMemberPermissions: &perm, DMPermission: &dm},
	}
	out, err := s.ApplicationCommandBulkOverwrite(fd.ApplicationID(), "", cmds)
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 2 || out[0].ID == "" || out[0].ApplicationID != fd.ApplicationID() || *out[0].DefaultMemberPermissions != perm {
		t.Fatalf("overwrite returned %+v", out[0])
	}
	again, err := s.ApplicationCommandBulkOverwrite(fd.ApplicationID(), "", cmds)
	if err != nil {
		t.Fatal(err)
	}
	if again[0].ID != out[0].ID {
		t.Error("re-registering the same command changed its id")
	}
	if _, err := s.ApplicationCommandBulkOverwrite(fd.ApplicationID(), g.ID, cmds[:1]); err != nil {
		t.Fatal(err)
	}
	if len(fd.Commands("")) != 2 || len(fd.Commands(g.ID)) != 1 {
		t.Errorf("global %d guild %d", len(fd.Commands("")), len(fd.Commands(g.ID)))
	}
	list, err := s.ApplicationCommands(fd.ApplicationID(), g.ID)
	if err != nil || len(list) != 1 || list[0].GuildID != g.ID {
		t.Errorf("list %v %v", list, err)
	}
	if _, err := s.ApplicationCommandCreate(fd.ApplicationID(), "", &discordgo.ApplicationCommand{Name: "Bad Name", Description: "x"}); err == nil {
		t.Error("an invalid command name was accepted")
	}
	if fd.WriteCount() != 0 {
		t.Errorf("commands counted as deploy writes: %d", fd.WriteCount())
	}
}

func TestViolations(t *testing.T) {
	var got []string
	fd := New(t, WithViolationHandler(func(m string) { got = append(got, m) }))
	g := fd.AddGuild(GuildOptions{})
	s := fd.NewSession(t)
	if _, err := s.GuildRoleCreate(g, &discordgo.RoleParams{Name: "x"}, discordgo.WithAuditLogReason("déploiement")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Request("GET", discordgo.EndpointGuild(g)+"/no-such-route", nil); err == nil {
		t.Error("unknown route answered")
	}
	if len(got) < 2 {
		t.Fatalf("violations %q, want an audit-log-reason one and an unknown-route one", got)
	}
}
