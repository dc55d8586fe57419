package redis

import "testing"

func TestKeys(t *testing.T) {
	const g = "123456789012345678"
	for _, tc := range []struct{ got, want string }{
		{sessionKey(g), "arrakis:wizard:{" + g + "}:session"},
		// Every key of a guild carries the guild's hash tag, so Cluster keeps them in one slot.
		{leaseKey("deploy:" + g), "arrakis:lease:{" + g + "}:deploy:" + g},
		{leaseKey("maintenance"), "arrakis:lease:{maintenance}:maintenance"},
		{onceKey("drift:" + g + ":abc"), "arrakis:once:{" + g + "}:drift:" + g + ":abc"},
		{progressKey(g), "arrakis:deploy:{" + g + "}:progress"},
	} {
		if tc.got != tc.want {
			t.Errorf("key %q, want %q", tc.got, tc.want)
		}
	}
	if guildOfSessionKey(sessionKey(g)) != g || guildOfSessionKey("arrakis:wizard:{x}:session") != "" {
		t.Errorf("guildOfSessionKey does not invert sessionKey")
	}
	if k, guild, ok := sessionKeyOfID(g + ".abcdef"); !ok || guild != g || k != sessionKey(g) {
		t.Errorf("sessionKeyOfID = %q, %q, %v", k, guild, ok)
	}
	if _, _, ok := sessionKeyOfID("nope"); ok {
		t.Errorf("sessionKeyOfID(nope) parsed")
	}
}
