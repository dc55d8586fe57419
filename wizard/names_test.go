package wizard

import "testing"

// Names that are empty once invisible code points are removed are refused, and reserved
// names are compared after NFKC and that removal.
func TestInvisibleAndReservedNames(t *testing.T) {
	for _, name := range []string{"\u200b", "\u200b\u200c\u200d\u2060", "\ufeff", "\u3164", "\u115f\u1160", "\u034f", "\u2800", " \u200b "} {
		if ps := ValidateRoleSpec(RoleSpec{Name: name}); len(ps.ForPath("name")) == 0 {
			t.Errorf("role name %q accepted", name)
		}
		if _, msg := checkName(name, 1, 100); msg == "" {
			t.Errorf("name %q accepted", name)
		}
	}
	for _, name := range []string{"@\u200beveryone", "@every\u2060one", "＠everyone", "@HERE\u200d", "ｅｖｅｒｙｏｎｅ"} {
		ps := ValidateRoleSpec(RoleSpec{Name: name})
		if len(ps.ForPath("name")) == 0 {
			t.Errorf("reserved name %q accepted", name)
		}
	}
	if ps := ValidateRoleSpec(RoleSpec{Name: "Gold"}); len(ps) != 0 {
		t.Errorf("plain name refused: %v", ps)
	}
	if msg := channelNameProblem("chat\u200b", ChannelText); msg == "" {
		t.Errorf("text channel name with a zero-width space accepted")
	}
	dup := ValidateRoleMappings([]Tier{{ID: "tier-1", Name: "a", Role: RoleSpec{Name: "Gold"}}, {ID: "tier-2", Name: "b", Role: RoleSpec{Name: "Gold\u200b"}}})
	if len(dup) == 0 {
		t.Errorf("role names equal but for a zero-width space accepted")
	}
}

// A sign is refused where a plain count is expected.
func TestSignedCountsRefused(t *testing.T) {
	for _, in := range []string{"+6", "-0", "+0", "-1", " +1 "} {
		if _, err := ParseCount(in); err == nil {
			t.Errorf("ParseCount(%q) accepted", in)
		}
		if _, err := ParseDays(in); err == nil {
			t.Errorf("ParseDays(%q) accepted", in)
		}
		if _, err := ParseScore(in); err == nil {
			t.Errorf("ParseScore(%q) accepted", in)
		}
		if _, err := ParseAmount(in, 6); err == nil {
			t.Errorf("ParseAmount(%q) accepted", in)
		}
		if _, err := ParseDecimals(in); err == nil {
			t.Errorf("ParseDecimals(%q) accepted", in)
		}
	}
	if n, err := ParseScore("0"); err != nil || n != 0 {
		t.Errorf("ParseScore(0) = %d, %v", n, err)
	}
}
