package deploy

import (
	"context"
	"net/http"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/arrakis-bot/arrakis/bot/restbase"
	"github.com/arrakis-bot/arrakis/internal/fakediscord"
	"github.com/arrakis-bot/arrakis/store"
	"github.com/arrakis-bot/arrakis/store/dir"
	"github.com/arrakis-bot/arrakis/store/memory"
	"github.com/arrakis-bot/arrakis/wizard"
)

// env is one fake guild with a Service deploying into it.
type env struct {
	t      testing.TB
	fd     *fakediscord.Server
	guild  fakediscord.SeededGuild
	shadow store.Shadow
	coord  store.Coordination
	svc    *Service
}

type envOption func(*envConfig)

type envConfig struct {
	guild  fakediscord.GuildOptions
	shadow store.Shadow
	coord  store.Coordination
	fd     *fakediscord.Server
	config func(*Config)
}

func withGuild(o fakediscord.GuildOptions) envOption { return func(c *envConfig) { c.guild = o } }
func withConfig(f func(*Config)) envOption           { return func(c *envConfig) { c.config = f } }
func withStores(sh store.Shadow, co store.Coordination) envOption {
	return func(c *envConfig) { c.shadow, c.coord = sh, co }
}

func newEnv(t testing.TB, opts ...envOption) *env {
	t.Helper()
	var c envConfig
	for _, o := range opts {
		o(&c)
	}
	e := &env{t: t, fd: c.fd}
	if e.fd == nil {
		e.fd = fakediscord.New(t)
	}
	e.guild = e.fd.Seed(c.guild)
	e.shadow, e.coord = c.shadow, c.coord
	if e.shadow == nil {
		sh, err := dir.NewShadow(t.TempDir())
		if err != nil {
			t.Fatalf("dir shadow: %v", err)
		}
		e.shadow = sh
	}
	if e.coord == nil {
		e.coord = memory.NewCoordination(time.Now)
	}
	e.svc = e.newService(c.config)
	return e
}

// newService returns another Service (another "instance") on the same fake and stores.
func (e *env) newService(configure func(*Config)) *Service {
	e.t.Helper()
	cfg := Config{
		Session: newSession(e.t, e.fd), Shadow: e.shadow, Coordination: e.coord,
		Retry: RetryPolicy{Budget: 2 * time.Second, Attempts5xx: 4, BaseBackoff: 5 * time.Millisecond},
	}
	if configure != nil {
		configure(&cfg)
	}
	return New(cfg)
}

func newSession(t testing.TB, fd *fakediscord.Server) *discordgo.Session {
	t.Helper()
	dg, err := discordgo.New("Bot " + fd.BotToken())
	if err != nil {
		t.Fatalf("discordgo.New: %v", err)
	}
	rt, err := restbase.New(fd.RESTBase(), http.DefaultTransport)
	if err != nil {
		t.Fatalf("restbase.New: %v", err)
	}
	dg.Client = &http.Client{Transport: rt, Timeout: 10 * time.Second}
	return dg
}

// loadManifest reads an example manifest and points it at guildID.
func loadManifest(t testing.TB, name, guildID string) *wizard.Manifest {
	t.Helper()
	data, err := os.ReadFile("../../examples/" + name)
	if err != nil {
		t.Fatalf("read example: %v", err)
	}
	m, err := wizard.DecodeYAML(data)
	if err != nil {
		t.Fatalf("decode %s: %v", name, err)
	}
	m.Community.GuildID = guildID
	return m
}

func ctxT(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// layout is a guild's structure with ids replaced by names, so two guilds deployed
// separately can be compared.
func layout(fd *fakediscord.Server, guildID string) string {
	roles := fd.Roles(guildID)
	roleName := map[string]string{}
	for _, r := range roles {
		roleName[r.ID] = r.Name
	}
	sort.Slice(roles, func(i, j int) bool { return roles[i].Position < roles[j].Position })
	var lines []string
	for _, r := range roles {
		lines = append(lines, "role "+r.Name+" "+itoa(r.Color)+" "+btoa(r.Hoist)+" "+btoa(r.Mentionable)+" perms="+itoa(int(r.Permissions)))
	}
	chans := fd.Channels(guildID)
	chanName := map[string]string{}
	for _, c := range chans {
		chanName[c.ID] = c.Name
	}
	// Channels in Discord's order within each parent: position, then id (creation order).
	sort.Slice(chans, func(i, j int) bool {
		a, b := chans[i], chans[j]
		if pa, pb := chanName[a.ParentID], chanName[b.ParentID]; pa != pb {
			return pa < pb
		}
		if a.Position != b.Position {
			return a.Position < b.Position
		}
		return len(a.ID) < len(b.ID) || len(a.ID) == len(b.ID) && a.ID < b.ID
	})
	var cl []string
	for _, c := range chans {
		var ows []string
		for _, o := range c.PermissionOverwrites {
			subject := roleName[o.ID]
			if subject == "" {
				subject = "member"
			}
			ows = append(ows, subject+":"+itoa(int(o.Allow))+"/"+itoa(int(o.Deny)))
		}
		sort.Strings(ows)
		cl = append(cl, "channel "+chanName[c.ParentID]+"/"+c.Name+" type="+itoa(int(c.Type))+" topic="+c.Topic+" ["+strings.Join(ows, ",")+"]")
	}
	return strings.Join(append(lines, cl...), "\n")
}

func itoa(n int) string { return strconv.Itoa(n) }

func btoa(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// countNames reports names that occur more than once among the guild's roles and
// channels (a duplicate made by a deploy).
func duplicates(fd *fakediscord.Server, guildID string) []string {
	seen := map[string]int{}
	for _, r := range fd.Roles(guildID) {
		seen["role "+r.Name]++
	}
	for _, c := range fd.Channels(guildID) {
		seen["channel "+c.ParentID+"/"+c.Name+"/"+itoa(int(c.Type))]++
	}
	var dups []string
	for k, n := range seen {
		if n > 1 {
			dups = append(dups, k)
		}
	}
	sort.Strings(dups)
	return dups
}
