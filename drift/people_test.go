package drift

import (
	"strings"
	"testing"

	"github.com/arrakis-bot/arrakis/wizard"
)

func TestDescribeItemSpeaksPlainly(t *testing.T) {
	m := &wizard.Manifest{Tiers: []wizard.Tier{{ID: "tier-1", Name: "Bronze"}}}
	cases := []struct {
		it   Item
		want string
	}{
		{Item{Type: ChannelMismatch, Name: "Holders", Field: "overwrite:@everyone", Expected: "none", Actual: "allow 0, deny 2048"},
			"Channel “Holders”: @everyone has an access rule Arrakis did not set: can't send messages"},
		{Item{Type: ChannelMismatch, Name: "chat", Field: "overwrite:tier-1", Expected: "allow 1024, deny 0", Actual: "none"},
			"Channel “chat”: access rule for tier Bronze's role is missing (should be: can see the channel)"},
		{Item{Type: ChannelMismatch, Name: "chat", Field: "overwrite:@everyone", Expected: "allow 0, deny 1024", Actual: "allow 1024, deny 0"},
			"Channel “chat”: access for @everyone changed from “can't see the channel” to “can see the channel”"},
		{Item{Type: ChannelMissing, Name: "holders-chat", Expected: "text holders-chat", Actual: "missing"}, "Channel “holders-chat”: missing"},
		{Item{Type: RoleMismatch, Name: "Gold", Field: "name", Expected: "Gold", Actual: "Gilt"}, "Role “Gold”: name changed from “Gold” to “Gilt”"},
		{Item{Type: RoleMismatch, Name: "Gold", Field: "permissions", Expected: "0", Actual: "268435458"},
			"Role “Gold”: permissions changed: now can manage roles, kick members"},
		{Item{Type: RoleMismatch, Name: "Gold", Field: "hoist", Expected: "false", Actual: "true"}, "Role “Gold”: now shown separately in the member list"},
		{Item{Type: RoleExtra, Name: "Old", Expected: "absent", Actual: "present"}, "Role “Old”: still in the server, but no longer in the setup"},
		{Item{Type: ConfigMismatch, Name: "undeployed changes to tiers", Field: "manifest", Expected: "abcdef012345", Actual: "0123456789ab"},
			"Setup: changed (undeployed changes to tiers) but not deployed yet"},
	}
	for _, c := range cases {
		got := DescribeItem(c.it, m)
		if got != c.want {
			t.Errorf("DescribeItem(%+v)\n got %q\nwant %q", c.it, got, c.want)
		}
		for _, bad := range []string{"expected", "found", "2048", "1024", "268435458", "abcdef"} {
			if strings.Contains(got, bad) {
				t.Errorf("DescribeItem(%+v) = %q contains %q", c.it, got, bad)
			}
		}
	}
}

func TestStaffPermissions(t *testing.T) {
	if got := StaffPermissions(1<<10 | 1<<11); got != nil {
		t.Errorf("plain member permissions counted as staff: %v", got)
	}
	got := strings.Join(StaffPermissions(1<<1|1<<13|1<<40|1<<10), ", ")
	if got != "kick members, manage messages, time out members" {
		t.Errorf("staff = %q", got)
	}
}
