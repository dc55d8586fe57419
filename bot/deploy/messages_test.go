package deploy

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/arrakis-bot/arrakis/internal/fakediscord"
	"github.com/arrakis-bot/arrakis/store"
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
	svc := e.newService(nil)
	m := loadManifest(t, "community.yaml", e.guild.ID)
	m.Alerts = &wizard.Alerts{Channel: e.guild.GeneralID}
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
	if dms := e2.fd.DMs(e2.guild.OwnerID); len(dms) != 1 || !strings.Contains(dms[0].Content, "Deployed version 1 of the setup to the server **") {
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

// failingRecord is a Shadow whose next RecordDeployment fails, as when S3 is unreachable
// at the very end of a deploy.
type failingRecord struct {
	store.Shadow
	fail atomic.Bool
}

func (f *failingRecord) RecordDeployment(ctx context.Context, cid, id string, d store.Deployment) error {
	if f.fail.CompareAndSwap(true, false) {
		return &store.Error{Code: store.CodeUnavailable, Op: "record deployment"}
	}
	return f.Shadow.RecordDeployment(ctx, cid, id, d)
}

func TestDeploymentRecordFailureIsResumable(t *testing.T) {
	e := newEnv(t)
	ctx := ctxT(t)
	sh := &failingRecord{Shadow: e.shadow}
	sh.fail.Store(true)
	svc := e.newService(func(c *Config) { c.Shadow = sh })
	m := loadManifest(t, "community.yaml", e.guild.ID)
	_, err := svc.Deploy(ctx, Request{GuildID: e.guild.ID, Manifest: m, By: "tester"})
	var de *Error
	if !errors.As(err, &de) || !de.Resumable() || !strings.Contains(de.Message, "could not be saved") {
		t.Fatalf("err = %v, want a resumable storage failure", err)
	}
	if _, err := e.shadow.LatestDeployed(ctx, e.guild.ID); !store.IsCode(err, store.CodeNotFound) {
		t.Fatalf("a deployment was recorded: %v", err)
	}
	e.fd.ResetCounts()
	res, err := svc.Deploy(ctx, Request{GuildID: e.guild.ID, Manifest: m, By: "tester"})
	if err != nil || res.SnapshotID != "v00000001" || e.fd.WriteCount() != 0 {
		t.Fatalf("retry = %+v, %v (%d writes); want v00000001 recorded with no write", res, err, e.fd.WriteCount())
	}
	if snap, err := e.shadow.LatestDeployed(ctx, e.guild.ID); err != nil || len(snap.Deployment.Resources.Channels) != len(m.Channels) {
		t.Fatalf("deployment record after the retry: %+v, %v", snap, err)
	}
}
