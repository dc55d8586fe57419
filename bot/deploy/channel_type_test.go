package deploy

import (
	"encoding/json"
	"errors"
	"maps"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/arrakis-bot/arrakis/store"
	"github.com/arrakis-bot/arrakis/wizard"
)

// retype makes the deployed channel key a channel of another type, as Discord sees it
// after an admin converted it: the fake cannot change a channel's type in place
// (UpdateChannel ignores it), so the channel is recreated with the new type and the
// deployment record is pointed at it. It returns the new channel's id.
func retype(t *testing.T, e *env, key string, typ discordgo.ChannelType) string {
	t.Helper()
	ctx := ctxT(t)
	snap, err := e.shadow.LatestDeployed(ctx, e.guild.ID)
	if err != nil {
		t.Fatalf("latest deployed: %v", err)
	}
	old := e.fd.Channel(snap.Deployment.Resources.Channels[key])
	if old == nil {
		t.Fatalf("no deployed channel %s", key)
	}
	id := e.fd.CreateChannel(e.guild.ID, discordgo.Channel{Type: typ, Name: old.Name, Topic: old.Topic,
		ParentID: old.ParentID, Position: old.Position, PermissionOverwrites: old.PermissionOverwrites})
	e.fd.DeleteChannel(old.ID)
	meta, err := e.shadow.Save(ctx, snap.Manifest, store.SnapshotMeta{CommunityID: e.guild.ID, CreatedBy: "test", Reason: store.ReasonManual})
	if err != nil {
		t.Fatalf("save: %v", err)
	}
	res := wizard.ResourceMap{Roles: maps.Clone(snap.Deployment.Resources.Roles), Channels: maps.Clone(snap.Deployment.Resources.Channels)}
	res.Channels[key] = id
	if err := e.shadow.RecordDeployment(ctx, e.guild.ID, meta.ID, store.Deployment{
		SnapshotID: meta.ID, DeployedAt: time.Now(), DeployedBy: "test", Result: "completed", Resources: res,
	}); err != nil {
		t.Fatalf("record: %v", err)
	}
	return id
}

// An announcement channel where the manifest has a text channel is turned back into a
// text channel in place: the PATCH carries the type.
func TestAnnouncementChannelIsTurnedBackIntoText(t *testing.T) {
	e := newEnv(t)
	ctx := ctxT(t)
	m := loadManifest(t, "community.yaml", e.guild.ID)
	deployed(t, e, m)
	id := retype(t, e, "tier-t1-chat", discordgo.ChannelTypeGuildNews)

	view, err := e.svc.Drift(ctx, e.guild.ID)
	if err != nil {
		t.Fatalf("drift: %v", err)
	}
	if got := itemsOf(view); got != "channel_mismatch/warning/tier-t1-chat/type: text≠announcement" {
		t.Fatalf("drift = %q, want the one type change", got)
	}
	rev, err := e.svc.Review(ctx, e.guild.ID, m)
	if err != nil || !rev.OK() {
		t.Fatalf("review = %v, %v; a text ↔ announcement change is allowed", rev.Problems, err)
	}
	e.fd.ResetCounts()
	if _, err := e.svc.Deploy(ctx, Request{GuildID: e.guild.ID, Manifest: m, By: "tester"}); err != nil {
		t.Fatalf("deploy: %v", err)
	}
	var patches []map[string]any
	for _, r := range e.fd.Requests() {
		if r.Method == http.MethodPatch && r.Path == "/channels/"+id {
			var body map[string]any
			if err := json.Unmarshal(r.Body, &body); err != nil {
				t.Fatalf("PATCH body %s: %v", r.Body, err)
			}
			patches = append(patches, body)
		}
	}
	if len(patches) != 1 || patches[0]["type"] != float64(discordgo.ChannelTypeGuildText) {
		t.Fatalf("PATCH /channels/%s bodies = %v, want one with \"type\": 0", id, patches)
	}
	// The fake answers the PATCH without changing the type (reported), so the guild's
	// state after the deploy is not checked here.
}

// A voice channel where the manifest has a text channel cannot be converted: preflight
// refuses with a sentence that says what to do, and nothing is written.
func TestPreflightRefusesAnImpossibleTypeChange(t *testing.T) {
	e := newEnv(t)
	ctx := ctxT(t)
	m := loadManifest(t, "community.yaml", e.guild.ID)
	deployed(t, e, m)
	id := retype(t, e, "tier-t1-chat", discordgo.ChannelTypeGuildVoice)
	name := e.fd.Channel(id).Name
	want := "Discord cannot turn the voice channel “" + name + "” into a text channel; delete “" + name +
		"” in Discord, or give the manifest's channel \"tier-t1-chat\" a new key, and run /setup again."

	rev, err := e.svc.Review(ctx, e.guild.ID, m)
	if err != nil {
		t.Fatalf("review: %v", err)
	}
	if rev.OK() || !strings.Contains(strings.Join(rev.Problems, "\n"), want) {
		t.Fatalf("review problems = %q, want %q", rev.Problems, want)
	}
	e.fd.ResetCounts()
	_, err = e.svc.Deploy(ctx, Request{GuildID: e.guild.ID, Manifest: m, By: "tester"})
	var de *Error
	if !errors.As(err, &de) || de.Code != CodePreflight || !strings.Contains(de.Message, want) {
		t.Fatalf("deploy err = %v, want preflight with %q", err, want)
	}
	if n := e.fd.WriteCount(); n != 0 {
		t.Fatalf("a refused type change let %d writes through", n)
	}
}

func TestConvertible(t *testing.T) {
	text, news, voice, cat := discordgo.ChannelTypeGuildText, discordgo.ChannelTypeGuildNews, discordgo.ChannelTypeGuildVoice, discordgo.ChannelTypeGuildCategory
	for _, tc := range []struct {
		from, to discordgo.ChannelType
		want     bool
	}{
		{news, text, true}, {text, news, true}, {text, text, true},
		{voice, text, false}, {text, voice, false}, {cat, text, false}, {news, voice, false}, {voice, cat, false},
	} {
		if got := convertible(tc.from, tc.to); got != tc.want {
			t.Errorf("convertible(%s → %s) = %v, want %v", channelKind(tc.from), channelKind(tc.to), got, tc.want)
		}
	}
}

// itemsOf renders a drift view's items as type/severity/key/field: expected≠actual.
func itemsOf(v *DriftView) string {
	var out []string
	for _, it := range v.Report.Items {
		out = append(out, string(it.Type)+"/"+string(it.Severity)+"/"+it.Key+"/"+it.Field+": "+it.Expected+"≠"+it.Actual)
	}
	return strings.Join(out, "\n")
}
