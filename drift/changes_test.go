package drift

import (
	"testing"

	"github.com/arrakis-bot/arrakis/wizard"
)

func TestAccessChangesAndRemovals(t *testing.T) {
	deployed := &wizard.Manifest{
		Tiers: []wizard.Tier{{ID: "t1", Name: "Bronze", Role: wizard.RoleSpec{Name: "Bronze"}}, {ID: "t2", Name: "Gold", Role: wizard.RoleSpec{Name: "Gold"}}},
		Channels: []wizard.Channel{
			{Key: "vip", Name: "vip", Type: wizard.ChannelText, MinTier: "t2"},
			{Key: "lounge", Name: "lounge", Type: wizard.ChannelText, MinTier: "t1"},
			{Key: "gone", Name: "gone", Type: wizard.ChannelVoice},
			{Key: "same", Name: "same", Type: wizard.ChannelText, MinTier: "t1"},
		},
	}
	desired := &wizard.Manifest{
		Tiers: deployed.Tiers[:1],
		Channels: []wizard.Channel{
			{Key: "vip", Name: "vip", Type: wizard.ChannelText},
			{Key: "lounge", Name: "lounge", Type: wizard.ChannelText},
			{Key: "same", Name: "same", Type: wizard.ChannelText, MinTier: "t1"},
			{Key: "new", Name: "new", Type: wizard.ChannelText},
		},
	}
	got := AccessChanges(deployed, desired)
	if len(got) != 2 || !got[0].Public() || !got[0].FromRemoved || got[1].FromRemoved || !got[1].Public() {
		t.Fatalf("access changes = %+v", got)
	}
	if s := DescribeAccess(got[0]); s != "#vip: gated at tier “Gold” (removed from the manifest) → open to everyone" {
		t.Errorf("described as %q", s)
	}
	rm := Removals(deployed, desired)
	if len(rm) != 2 || rm[0] != (Removal{Kind: "role", Key: "t2", Name: "Gold"}) || rm[1] != (Removal{Kind: "voice", Key: "gone", Name: "gone"}) {
		t.Fatalf("removals = %+v", rm)
	}
	if AccessChanges(nil, desired) != nil || Removals(nil, desired) != nil {
		t.Errorf("a first deploy has access changes or removals")
	}
}
