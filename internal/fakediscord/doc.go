// Package fakediscord is a fake Discord for tests that discordgo v0.29.0 talks
// to for real: REST under /api/v9 on an httptest server and a minimal gateway
// websocket. It is test support only; never import it from production code.
//
// Usage:
//
//	func TestMain(m *testing.M) { os.Exit(fakediscord.Main(m)) }
//
//	func TestDeploy(t *testing.T) {
//		fd := fakediscord.New(t)                     // closed at t.Cleanup
//		g := fd.Seed(fakediscord.GuildOptions{ID: testenv.GuildID(t)})
//		s := fd.NewSession(t)                        // discordgo session wired to the fake
//		// … or configure the bot with fd.RESTBase(), fd.GatewayURL(),
//		//   fd.BotToken(), fd.ApplicationID().
//		fd.FailNext("POST", "/guilds/"+g.ID+"/roles", 1, 429, time.Second)
//		… run the code under test with s …
//		if fd.RoleByName(g.ID, "Whale") == nil { t.Fatal("role not created") }
//		if fd.WriteCount() != 0 { … }
//	}
//
// Server and identity: New(t, opts...) (WithApplicationID, WithBotToken,
// WithViolationHandler), RESTBase() "http://127.0.0.1:P/api/v9",
// GatewayURL() "ws://127.0.0.1:P/gateway", ApplicationID(), BotToken() (send
// "Bot "+token), BotUserID() (= application id), NewSession(t).
//
// Guild state: AddGuild(GuildOptions) id, Seed(GuildOptions) SeededGuild (all
// seeded ids), AddMember. Readers return deep copies as discordgo types:
// Guilds, Roles (bottom to top), Role, RoleByName, BotRoleID, Channels (by
// position), Channel, ChannelByName, Member, Commands(guildID or "").
// Mutators act as a human admin would, without permission checks:
// CreateRole, UpdateRole, MoveRole, DeleteRole, CreateChannel, UpdateChannel,
// (CreateRoleAt and CreateChannelAt give the id a chosen creation time),
// DeleteChannel, SetOverwrite, RemoveOverwrite, SetBotPermissions, RemoveBot
// (then 403 50001 "Missing Access" for that guild + GUILD_DELETE), BlockDMs.
//
// Request log and failures: Requests() []Request{Method, Path (no /api/v9),
// Query, Body, AuditLogReason (decoded), Status}, WriteCount() (non-GET
// requests to /guilds/… and /channels/… except messages), ResetCounts(),
// FailNext(method, pathPrefix, n, status, retryAfter) for 429 (Discord's body
// and Retry-After / X-RateLimit-* headers) and 5xx; FailNextCode(method,
// pathPrefix, n, status, code, message) for a refusal with Discord's error code.
//
// Interactions: NewInteraction(v) (register only: HTTP mode; returns the JSON
// to sign and post), DispatchInteraction(v) (register and send
// INTERACTION_CREATE over the gateway), AcknowledgeHTTP(id, body) (apply the
// bot's HTTP reply as the callback), Callbacks(id) []Callback (with Message()
// and Modal() decoders), Original(token), OriginalJSON(token),
// Followups(token), ExpireInteraction(token) (401 50027 afterwards).
// Messages: Messages(channelID), DMs(userID), Message(id).
//
// Gateway: WaitConnected(ctx, n), Shards(), DisconnectAll().
//
// REST routes (under /api/v9): GET /gateway, /gateway/bot, /users/@me,
// /users/{id}, /users/@me/guilds; POST /users/@me/channels; GET /guilds/{id};
// GET/POST/PATCH(positions) /guilds/{id}/roles; GET/PATCH/DELETE
// /guilds/{id}/roles/{rid}; GET/POST/PATCH(positions) /guilds/{id}/channels;
// GET /guilds/{id}/members/{uid}; GET/PATCH/DELETE /channels/{cid};
// PUT/DELETE /channels/{cid}/permissions/{oid}; POST /channels/{cid}/messages;
// GET/PUT/POST /applications/{app}[/guilds/{gid}]/commands and DELETE one;
// POST /interactions/{id}/{token}/callback; POST /webhooks/{app}/{token};
// GET/PATCH/DELETE /webhooks/{app}/{token}/messages/{@original|id}. Any
// other route is a violation (the test fails) answered with 404.
//
// Discord behaviour the fake reproduces (a bot must cope with it): the
// Authorization header is checked on bot routes (401); permission and role
// hierarchy checks answer 403 50013, a channel the bot cannot see 403 50001;
// the bot cannot grant bits it lacks; limits of 250 roles (@everyone
// included, 30005), 500 channels (30013) and 50 per category (50035); text
// channel names come back lowercased with spaces as dashes ("Holder Chat" →
// "holder-chat"); a new role lands at position 1; an interaction takes one
// initial response (a second gets 400 40060); @original exists only after
// the callback.
//
// Contract check: when ARRAKIS_TEST_OPENAPI_CHECKER names a running
// openapichecker (scripts/test starts one), every REST request is checked
// against Discord's OpenAPI spec and a mismatch fails the test; Main prints
// "OpenAPI check: N requests". Under CI=true a missing spec or checker fails
// the test; elsewhere the test log notes that the check did not run. Other
// contract violations (an unknown route, a raw non-ASCII X-Audit-Log-Reason)
// fail the test too. WithResponseCheck (or ARRAKIS_FAKEDISCORD_CHECK_RESPONSES=1)
// also checks the fake's own answers against the spec.
package fakediscord
