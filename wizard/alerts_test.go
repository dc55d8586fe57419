package wizard

import (
	"reflect"
	"strings"
	"testing"
)

// The alert channel is part of the guild's manifest: chosen in the wizard, kept by edit
// mode, validated as a channel id, and absent from manifests that have none (so their
// canonical JSON and its SHA-256 do not change).
func TestAlertChannelInManifest(t *testing.T) {
	d := fixtureData()
	m, ps := BuildManifest("42", d)
	wantProblem(t, ps, "", "")
	if m.Alerts != nil || m.AlertChannel() != "" {
		t.Fatalf("no alert channel chosen, manifest has %+v", m.Alerts)
	}
	body, _ := m.CanonicalJSON()
	if strings.Contains(string(body), "alerts") {
		t.Errorf("a manifest without alerts encodes them: %s", body)
	}

	d.AlertChannel = "1180000000000000777"
	m, ps = BuildManifest("42", d)
	wantProblem(t, ps, "", "")
	if m.AlertChannel() != "1180000000000000777" {
		t.Fatalf("alert channel = %q", m.AlertChannel())
	}
	back := SessionDataFromManifest(m, "v00000001")
	if back.AlertChannel != d.AlertChannel {
		t.Errorf("edit mode lost the alert channel: %q", back.AlertChannel)
	}
	y, err := m.EncodeYAML()
	if err != nil || !strings.Contains(string(y), "alerts:\n  channel: \"1180000000000000777\"") {
		t.Fatalf("YAML (%v):\n%s", err, y)
	}
	again, err := DecodeYAML(y)
	if err != nil || !reflect.DeepEqual(again, m) {
		t.Fatalf("YAML round trip: %v\n got %+v\nwant %+v", err, again, m)
	}
	c := m.Clone()
	c.Alerts.Channel = "1"
	if m.AlertChannel() != "1180000000000000777" {
		t.Error("Clone shares Alerts with the original")
	}

	d.AlertChannel = "#alerts"
	_, ps = BuildManifest("42", d)
	wantProblem(t, ps, "alerts.channel", "expected a Discord channel id")
	m.Alerts.Channel = "alerts"
	if v := m.Validate(); v.Deployable {
		t.Error("a manifest with a bad alert channel is deployable")
	}
	if _, err := DecodeYAML([]byte(strings.Replace(string(y), "  channel:", "  chanel:", 1))); err == nil ||
		!strings.Contains(err.Error(), `alerts: unknown field "chanel"`) {
		t.Errorf("misspelt alerts key: %v", err)
	}
}
