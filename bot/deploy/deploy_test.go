package deploy

import (
	"strings"
	"testing"

	"github.com/arrakis-bot/arrakis/drift"
	"github.com/arrakis-bot/arrakis/store"
	"github.com/arrakis-bot/arrakis/wizard"
)

func TestDeployCreatesLayoutAndRecordsIt(t *testing.T) {
	e := newEnv(t)
	ctx := ctxT(t)
	m := loadManifest(t, "community.yaml", e.guild.ID)

	res, err := e.svc.Deploy(ctx, Request{GuildID: e.guild.ID, Manifest: m, By: e.guild.OwnerID})
	if err != nil {
		t.Fatalf("deploy: %v", err)
	}
	if res.Status != wizard.DeployCompleted || res.SnapshotID != "v00000001" {
		t.Fatalf("result = %s %s, want completed v00000001", res.Status, res.SnapshotID)
	}
	if len(res.CreatedRoles) != 3 || len(res.CreatedChannels) != len(m.Channels) {
		t.Fatalf("created %d roles, %d channels; want 3, %d", len(res.CreatedRoles), len(res.CreatedChannels), len(m.Channels))
	}
	if !strings.Contains(res.Report, "<@&"+res.CreatedRoles[0]+">") || !strings.Contains(res.Report, "<#"+res.CreatedChannels[0]+">") {
		t.Errorf("report lacks mentions: %s", res.Report)
	}

	// Tier roles in tier order, all below the bot's role.
	bot := e.fd.Role(e.guild.ID, e.guild.BotRoleID)
	prev := 0
	for _, tier := range m.Tiers {
		r := e.fd.RoleByName(e.guild.ID, tier.Role.Name)
		if r == nil {
			t.Fatalf("role %s missing", tier.Role.Name)
		}
		if r.Position >= bot.Position {
			t.Errorf("role %s at %d is not below the bot's role at %d", r.Name, r.Position, bot.Position)
		}
		if r.Position <= prev {
			t.Errorf("role %s at %d is not above the lower tier (at %d)", r.Name, r.Position, prev)
		}
		prev = r.Position
		if r.Color != tier.Role.Color || r.Hoist != tier.Role.Hoist {
			t.Errorf("role %s: colour %x hoist %v, want %x %v", r.Name, r.Color, r.Hoist, tier.Role.Color, tier.Role.Hoist)
		}
	}
	// Every write carried an audit-log reason.
	for _, rq := range e.fd.Requests() {
		if rq.Method != "GET" && strings.HasPrefix(rq.Path, "/guilds/") && rq.AuditLogReason == "" {
			t.Errorf("%s %s without X-Audit-Log-Reason", rq.Method, rq.Path)
		}
	}

	// The snapshot has its deployment record and ResourceMap.
	snap, err := e.shadow.LatestDeployed(ctx, e.guild.ID)
	if err != nil {
		t.Fatalf("latest deployed: %v", err)
	}
	if snap.Meta.ID != "v00000001" || snap.Meta.Reason != store.ReasonInitial || len(snap.Deployment.Resources.Roles) != 3 || len(snap.Deployment.Resources.Channels) != len(m.Channels) {
		t.Fatalf("deployment = %+v meta %+v", snap.Deployment, snap.Meta)
	}

	// Nothing drifted; deploying again writes nothing and makes no version.
	view, err := e.svc.Drift(ctx, e.guild.ID)
	if err != nil {
		t.Fatalf("drift: %v", err)
	}
	if !view.Report.Empty() || len(view.Plan) != 0 {
		t.Fatalf("drift after deploy: %s / %s", FormatReport(view.Report), FormatPlan(view.Plan))
	}
	e.fd.ResetCounts()
	again, err := e.svc.Deploy(ctx, Request{GuildID: e.guild.ID, Manifest: m, By: e.guild.OwnerID})
	if err != nil {
		t.Fatalf("deploy again: %v", err)
	}
	if n := e.fd.WriteCount(); n != 0 || !again.Reused || again.SnapshotID != "v00000001" {
		t.Fatalf("redeploy: %d writes, reused %v, %s; want 0, true, v00000001", n, again.Reused, again.SnapshotID)
	}
	if list, _ := e.shadow.List(ctx, e.guild.ID); len(list) != 1 {
		t.Fatalf("%d snapshots after an unchanged redeploy, want 1", len(list))
	}
	p, err := e.svc.Progress(ctx, e.guild.ID)
	if err != nil || p.Status != wizard.DeployCompleted {
		t.Fatalf("progress = %+v, %v", p, err)
	}
	_ = drift.OpCreateRole
}
