package main

import (
	"strings"
	"testing"

	"github.com/arrakis-bot/arrakis/internal/fakediscord"
)

func TestCommandsRegister(t *testing.T) {
	fd := fakediscord.New(t)
	g := fd.Seed(fakediscord.GuildOptions{})
	t.Setenv("ARRAKIS_DISCORD_TOKEN", fd.BotToken())
	t.Setenv("ARRAKIS_DISCORD_APPLICATION_ID", fd.ApplicationID())
	t.Setenv("ARRAKIS_DISCORD_REST_BASE_URL", fd.RESTBase())
	for range 2 {
		code, out, errOut := arrakis(t, "", "commands", "register", "--guild", g.ID)
		if code != exitOK || !strings.Contains(out, "/setup registered in server "+g.ID) {
			t.Fatalf("exit %d\nstdout %s\nstderr %s", code, out, errOut)
		}
	}
	if n := len(fd.Commands(g.ID)); n != 2 {
		t.Fatalf("%d commands in the guild after two registrations, want 2", n)
	}
	code, _, errOut := arrakis(t, "", "commands", "register", "--guild", "not-an-id")
	if code != exitUsage {
		t.Fatalf("bad --guild: exit %d (%s), want %d", code, errOut, exitUsage)
	}
}
