package bot

import (
	"context"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/bwmarrin/discordgo"

	"github.com/arrakis-bot/arrakis/bot/deploy"
	"github.com/arrakis-bot/arrakis/drift"
	"github.com/arrakis-bot/arrakis/internal/testenv"
	"github.com/arrakis-bot/arrakis/store"
	"github.com/arrakis-bot/arrakis/store/s3"
	"github.com/arrakis-bot/arrakis/wizard"
)

// TestDeployEndToEnd: the wizard walk, deployed from its Deploy step into the fake guild
// with shadow state in versitygw; then the guild is checked against the manifest, deployed
// again (no write), drifted by hand in four ways, and reconciled.
//
// The drift and the reconcile go through /drift, as an admin would use it.
func TestDeployEndToEnd(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	set := testenv.S3(t)
	sh, err := s3.NewShadow(ctx, s3.Options{Bucket: set.Bucket, Endpoint: set.Endpoint, Region: set.Region,
		AccessKey: set.AccessKey, SecretKey: set.SecretKey, PathStyle: true, ChecksumWhenRequired: true})
	if err != nil {
		t.Fatalf("s3 shadow: %v", err)
	}
	if err := sh.Check(ctx); err != nil {
		t.Fatalf("s3 shadow check: %v", err)
	}
	e := newE2E(t, newHTTPTransport, func(o *e2eOptions) { o.shadow = sh })
	gid := e.Seed.ID

	// Wizard → deploy.
	runWalk(t, e, wizardWalk())
	e.Click("deploy")
	r := e.Click("confirm")
	mustContain(t, "deploy", r.Text(), "Deployed")

	// Snapshot v1 with its deployment record and ResourceMap, in the bucket.
	snap, err := sh.LatestDeployed(ctx, gid)
	if err != nil {
		t.Fatalf("latest deployed: %v", err)
	}
	if snap.Meta.ID != "v00000001" || snap.Deployment == nil || snap.Deployment.Result != "completed" {
		t.Fatalf("shadow = %+v / %+v, want v00000001 deployed", snap.Meta, snap.Deployment)
	}
	cli := testenv.S3Client(t, set)
	for _, key := range []string{
		"shadow-state/" + gid + "/metadata/v00000001.json",
		"shadow-state/" + gid + "/deployments/v00000001.json",
		"shadow-state/" + gid + "/manifests/" + snap.Meta.ManifestSHA256 + ".json",
	} {
		if _, err := cli.HeadObject(ctx, &awss3.HeadObjectInput{Bucket: aws.String(set.Bucket), Key: aws.String(key)}); err != nil {
			t.Errorf("object %s: %v", key, err)
		}
	}
	m, res := snap.Manifest, snap.Deployment.Resources
	assertGuildMatches(t, e, m, res)

	// Deploying the same manifest again writes nothing and makes no version.
	e.FD.ResetCounts()
	again, err := e.Deploy.Deploy(ctx, deploy.Request{GuildID: gid, Manifest: m, By: e.Owner.ID})
	if err != nil {
		t.Fatalf("deploy again: %v", err)
	}
	if n := e.FD.WriteCount(); n != 0 || !again.Reused || again.SnapshotID != "v00000001" {
		t.Fatalf("deploy again: %d writes, reused %v, %s; want 0 writes and v00000001", n, again.Reused, again.SnapshotID)
	}

	// Drift it: rename a role, change a colour, delete a channel, add an @everyone overwrite.
	bronze, chat, category := res.Roles["tier-1"], res.Channels["chan-2"], res.Channels["chan-1"]
	e.FD.UpdateRole(gid, bronze, func(r *discordgo.Role) { r.Name, r.Color = "Bronze Renamed", 0x112233 })
	e.FD.DeleteChannel(chat)
	e.FD.SetOverwrite(category, discordgo.PermissionOverwrite{ID: gid, Type: discordgo.PermissionOverwriteTypeRole, Deny: discordgo.PermissionSendMessages})

	// /drift shows exactly those four, grouped by severity.
	r = e.Command("drift")
	mustContain(t, "/drift", r.Text(), "🔴 **Missing**", `Channel **holders\-chat**: missing`,
		"🟠 **Access changed**", `Channel **Holders**: access for \@everyone changed from “can't see the channel” to “can't send messages”`,
		"🔵 **Cosmetic**", "Role **Bronze Holder**: name changed from “Bronze Holder” to “Bronze Renamed”",
		`Role **Bronze Holder**: colour changed from \#CD7F32 to \#112233`, "4 differences")
	// The report behind it, with the types and severities of DESIGN §5.
	view, err := e.Deploy.Drift(ctx, gid)
	if err != nil {
		t.Fatalf("drift: %v", err)
	}
	got := itemKeys(view.Report)
	want := []string{
		"channel_mismatch/warning/chan-1/overwrite:@everyone",
		"channel_missing/error/chan-2/",
		"role_mismatch/info/tier-1/color",
		"role_mismatch/info/tier-1/name",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("drift report:\n%s\nwant exactly:\n%s\n(%s)", strings.Join(got, "\n"), strings.Join(want, "\n"), deploy.FormatReport(view.Report))
	}

	// Reconcile from /drift: confirmed, the server matches again, /drift reports nothing,
	// and a second deployment record exists.
	r = e.Click("rec")
	mustContain(t, "confirm reconcile", r.Text(), "**Reconcile**", "holders")
	r = e.Click("rec_ok")
	mustContain(t, "reconciled", r.Text(), "✅ Reconciled", "version 2", "No drift")
	r = e.Command("drift")
	mustContain(t, "/drift after reconcile", r.Text(), "No drift")
	if view, err = e.Deploy.Drift(ctx, gid); err != nil || !view.Report.Empty() {
		t.Fatalf("drift after reconcile: %v %s", err, deploy.FormatReport(view.Report))
	}
	snap2, err := sh.LatestDeployed(ctx, gid)
	if err != nil || snap2.Meta.ID != "v00000002" || snap2.Meta.Reason != store.ReasonReconcile || snap2.Deployment == nil {
		t.Fatalf("second deployment: %+v %v", snap2, err)
	}
	if first, err := sh.Get(ctx, gid, "v00000001"); err != nil || first.Deployment == nil {
		t.Fatalf("first deployment record gone: %v", err)
	}
	assertGuildMatches(t, e, snap2.Manifest, snap2.Deployment.Resources)
}

// itemKeys renders report items as type/severity/key/field, sorted.
func itemKeys(r drift.Report) []string {
	var out []string
	for _, it := range r.Items {
		out = append(out, string(it.Type)+"/"+string(it.Severity)+"/"+it.Key+"/"+it.Field)
	}
	sort.Strings(out)
	return out
}

// assertGuildMatches checks the fake's state against the manifest: every tier's role
// with its fields, the created ones in tier order below the bot's role (adopted roles are
// never moved); every channel with its type, parent, topic and exactly the overwrites its
// access calls for.
func assertGuildMatches(t *testing.T, e *E2E, m *wizard.Manifest, res wizard.ResourceMap) {
	t.Helper()
	gid := e.Seed.ID
	bot := e.FD.Role(gid, e.Seed.BotRoleID)
	prev := 0
	for _, tier := range m.Tiers {
		id := res.Roles[tier.ID]
		r := e.FD.Role(gid, id)
		if r == nil {
			t.Fatalf("tier %s: role %q (%s) not in the guild", tier.ID, tier.Role.Name, id)
		}
		if tier.Role.Adopt != "" {
			if id != tier.Role.Adopt {
				t.Errorf("tier %s adopts %s, resource map says %s", tier.ID, tier.Role.Adopt, id)
			}
		} else if r.Name != tier.Role.Name || r.Color != tier.Role.Color || r.Hoist != tier.Role.Hoist || r.Mentionable != tier.Role.Mentionable {
			t.Errorf("tier %s role = %q %x %v %v, want %q %x %v %v", tier.ID, r.Name, r.Color, r.Hoist, r.Mentionable,
				tier.Role.Name, tier.Role.Color, tier.Role.Hoist, tier.Role.Mentionable)
		}
		if tier.Role.Adopt != "" {
			continue // the admin's role stays where it is: Arrakis never moves it
		}
		if r.Position <= prev || r.Position >= bot.Position {
			t.Errorf("tier %s role at %d: want above the lower created tier (%d) and below the bot's role (%d)", tier.ID, r.Position, prev, bot.Position)
		}
		prev = r.Position
	}
	for _, c := range m.Channels {
		ch := e.FD.Channel(res.Channels[c.Key])
		if ch == nil {
			t.Fatalf("channel %s (%s) not in the guild", c.Key, c.Name)
		}
		wantType := map[wizard.ChannelType]discordgo.ChannelType{wizard.ChannelText: discordgo.ChannelTypeGuildText,
			wizard.ChannelVoice: discordgo.ChannelTypeGuildVoice, wizard.ChannelCategory: discordgo.ChannelTypeGuildCategory}[c.Type]
		if ch.Name != c.Name || ch.Type != wantType || ch.ParentID != res.Channels[c.Parent] || ch.Topic != c.Topic {
			t.Errorf("channel %s = %q type %d parent %q topic %q; want %q %d %q %q", c.Key, ch.Name, ch.Type, ch.ParentID, ch.Topic,
				c.Name, wantType, res.Channels[c.Parent], c.Topic)
		}
		var want, got []string
		for _, o := range m.ChannelOverwrites(c) {
			id := map[string]string{wizard.SubjectEveryone: gid, wizard.SubjectBot: e.Seed.BotRoleID}[o.Subject]
			if id == "" {
				id = res.Roles[o.Subject]
			}
			want = append(want, id+":"+itoa64(o.Allow)+"/"+itoa64(o.Deny))
		}
		for _, o := range ch.PermissionOverwrites {
			got = append(got, o.ID+":"+itoa64(o.Allow)+"/"+itoa64(o.Deny))
		}
		sort.Strings(want)
		sort.Strings(got)
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("channel %s overwrites = %v, want %v", c.Key, got, want)
		}
	}
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }
