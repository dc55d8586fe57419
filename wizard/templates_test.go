package wizard

import (
	"strings"
	"testing"
)

func TestExpandChannels(t *testing.T) {
	tiers := fixtureData().Tiers

	none, ps := ExpandChannels(TemplateNone, []Channel{{Key: "x"}}, tiers)
	if len(ps) != 0 || none == nil || len(none) != 0 {
		t.Errorf("none = %v, %v; want an empty list", none, ps)
	}

	add, ps := ExpandChannels(TemplateAdditiveOnly, nil, tiers)
	wantProblem(t, ps, "", "")
	if len(add) != 1+len(tiers) || add[0].Type != ChannelCategory || add[0].MinTier != "t1" {
		t.Fatalf("additive_only = %+v", add)
	}
	for i, tr := range tiers {
		ch := add[i+1]
		if ch.Key != "tier-"+tr.ID+"-chat" || ch.Type != ChannelText || ch.Parent != add[0].Key || ch.MinTier != tr.ID || ch.Name != strings.ToLower(tr.Name) {
			t.Errorf("additive_only channel %d = %+v", i+1, ch)
		}
	}

	par, ps := ExpandChannels(TemplateParallelMirror, nil, tiers)
	wantProblem(t, ps, "", "")
	if len(par) != 3*len(tiers) {
		t.Fatalf("parallel_mirror made %d channels", len(par))
	}
	for i, tr := range tiers {
		cat, text, voice := par[3*i], par[3*i+1], par[3*i+2]
		if cat.Key != "tier-"+tr.ID || cat.Type != ChannelCategory || cat.MinTier != tr.ID || cat.Name != tr.Name {
			t.Errorf("category = %+v", cat)
		}
		if text.Type != ChannelText || text.Parent != cat.Key || text.MinTier != tr.ID || text.Key != TierChatKey(tr.ID) {
			t.Errorf("text = %+v", text)
		}
		if voice.Type != ChannelVoice || voice.Parent != cat.Key || voice.MinTier != tr.ID || voice.Key != TierVoiceKey(tr.ID) {
			t.Errorf("voice = %+v", voice)
		}
	}

	custom := []Channel{{Key: "c1", Name: "lobby", Type: ChannelText}}
	got, ps := ExpandChannels(TemplateCustom, custom, tiers)
	wantProblem(t, ps, "", "")
	if len(got) != 1 || got[0] != custom[0] {
		t.Errorf("custom = %+v", got)
	}
	got[0].Name = "changed"
	if custom[0].Name != "lobby" {
		t.Error("ExpandChannels(custom) aliases the caller's slice")
	}
	_, ps = ExpandChannels(TemplateCustom, []Channel{{Key: "c1", Name: "Bad Name", Type: ChannelText}}, tiers)
	wantProblem(t, ps, "channels[0].name", "lowercase")

	_, ps = ExpandChannels("", nil, tiers)
	wantProblem(t, ps, "channelTemplate", "choose a channel template")
	_, ps = ExpandChannels("mirror", nil, tiers)
	wantProblem(t, ps, "channelTemplate", `unknown template "mirror"`)
}

// TestTemplateKeysStable: renaming, reordering or adding tiers keeps the keys of the
// remaining tiers' channels, so the ResourceMap still points at the same channels.
func TestTemplateKeysStable(t *testing.T) {
	for _, tmpl := range []string{TemplateAdditiveOnly, TemplateParallelMirror} {
		tiers := fixtureData().Tiers
		before, _ := ExpandChannels(tmpl, nil, tiers)
		edited := cloneTiers(tiers)
		edited[0].Name = "Renamed Holders"
		edited[1], edited[2] = edited[2], edited[1]
		edited = append(edited, Tier{ID: NewTierID(edited), Name: "Whale"})
		after, ps := ExpandChannels(tmpl, nil, edited)
		wantProblem(t, ps, "", "")
		keys := map[string]Channel{}
		for _, ch := range after {
			keys[ch.Key] = ch
		}
		for _, ch := range before {
			if _, ok := keys[ch.Key]; !ok {
				t.Errorf("%s: key %q lost after editing tiers", tmpl, ch.Key)
			}
		}
		if keys[TierChatKey("t1")].Name != "renamed-holders" {
			t.Errorf("%s: renamed tier's channel = %+v", tmpl, keys[TierChatKey("t1")])
		}
	}
}

func TestTemplatesWithAwkwardTierNames(t *testing.T) {
	tiers := []Tier{
		{ID: "t1", Name: "💎💎"},                     // slug would be empty
		{ID: "t2", Name: strings.Repeat("W", 100)}, // voice name would be 106 characters
		{ID: "t3", Name: ""},                       // not named yet
	}
	for _, tmpl := range []string{TemplateAdditiveOnly, TemplateParallelMirror} {
		chs, ps := ExpandChannels(tmpl, nil, tiers)
		wantProblem(t, ps, "", "")
		if len(chs) == 0 {
			t.Fatalf("%s made nothing", tmpl)
		}
	}
	chs, _ := ExpandChannels(TemplateParallelMirror, nil, tiers)
	if chs[1].Name != "tier-1" || chs[6].Name != "Tier 3" {
		t.Errorf("fallback names: %q, %q", chs[1].Name, chs[6].Name)
	}
	// Ten tiers, the most allowed, stay within Discord's limits.
	ten := make([]Tier, 10)
	for i := range ten {
		ten[i] = Tier{ID: NewTierID(ten[:i]), Name: "Tier " + itoa(i+1)}
	}
	for _, tmpl := range Templates[:3] {
		if _, ps := ExpandChannels(tmpl, nil, ten); len(ps) != 0 {
			t.Errorf("%s with 10 tiers: %v", tmpl, ps)
		}
	}
}
