package deploy

import (
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/arrakis-bot/arrakis/internal/fakediscord"
	"github.com/arrakis-bot/arrakis/wizard"
)

func TestRefusedDeployLeavesFailedProgress(t *testing.T) {
	e := newEnv(t, withGuild(fakediscord.GuildOptions{BotPermissions: discordgo.PermissionViewChannel}))
	ctx := ctxT(t)
	m := loadManifest(t, "community.yaml", e.guild.ID)
	if _, err := e.svc.Deploy(ctx, Request{GuildID: e.guild.ID, Manifest: m, By: "tester"}); ErrorCode(err) != CodePreflight {
		t.Fatalf("err = %v, want preflight", err)
	}
	p, err := e.svc.Progress(ctx, e.guild.ID)
	if err != nil || p.Status != wizard.DeployFailed || !strings.Contains(p.Error, "Manage Roles") {
		t.Fatalf("progress = %+v, %v; want failed naming Manage Roles", p, err)
	}
}

func TestAuditReasonEncodedAndBounded(t *testing.T) {
	long := strings.Repeat("é", 400) // 800 bytes raw, 2400 encoded
	got := auditReason(long)
	if len(got) > maxAuditReason || strings.ContainsAny(got, "é ") {
		t.Fatalf("reason %d bytes, raw characters left: %q", len(got), got[:20])
	}
	if auditReason("Arrakis deploy v1: create role Gold") != "Arrakis%20deploy%20v1:%20create%20role%20Gold" {
		t.Fatalf("encoded = %q", auditReason("Arrakis deploy v1: create role Gold"))
	}
}

func TestDeployReportGoesToAlertChannelWithoutPings(t *testing.T) {
	e := newEnv(t)
	ctx := ctxT(t)
	svc := e.newService(func(c *Config) { c.AlertChannel = e.guild.GeneralID })
	m := loadManifest(t, "community.yaml", e.guild.ID)
	res, err := svc.Deploy(ctx, Request{GuildID: e.guild.ID, Manifest: m, By: e.guild.OwnerID})
	if err != nil {
		t.Fatal(err)
	}
	msgs := e.fd.Messages(e.guild.GeneralID)
	if len(msgs) != 1 || msgs[0].Content != res.Report {
		t.Fatalf("alert channel got %d messages, want the report", len(msgs))
	}
	// Without an alert channel the report goes to the admin's DMs.
	e2 := newEnv(t)
	m2 := loadManifest(t, "community.yaml", e2.guild.ID)
	if _, err := e2.svc.Deploy(ctx, Request{GuildID: e2.guild.ID, Manifest: m2, By: e2.guild.OwnerID}); err != nil {
		t.Fatal(err)
	}
	if dms := e2.fd.DMs(e2.guild.OwnerID); len(dms) != 1 || !strings.Contains(dms[0].Content, "Deployed v00000001") {
		t.Fatalf("DMs = %v, want the report", dms)
	}
}

func TestDeployRefusesAnotherServersManifest(t *testing.T) {
	e := newEnv(t)
	m := loadManifest(t, "community.yaml", "1180000000000000001")
	_, err := e.svc.Deploy(ctxT(t), Request{GuildID: e.guild.ID, Manifest: m, By: "tester"})
	if ErrorCode(err) != CodeInvalid || !strings.Contains(UserMessage(err), "not this one") || e.fd.WriteCount() != 0 {
		t.Fatalf("err = %v (%d writes), want invalid naming the other server", err, e.fd.WriteCount())
	}
}
