package ipmask

import "testing"

func TestAll(t *testing.T) {
	for in, want := range map[string]string{
		"http: panic serving 203.0.113.77:5555: boom":                            "http: panic serving 203.0.113.x:5555: boom",
		"http: TLS handshake error from [2001:db8:85a3::8a2e:370:7334]:443: EOF": "http: TLS handshake error from [2001:db8:85a3:x]:443: EOF",
		"from 2001:db8:85a3::8a2e:370:7334 and 198.51.100.23":                    "from 2001:db8:85a3:x and 198.51.100.x",
		"at 12:34:56, version 1.26.0, ratio 0.5":                                 "at 12:34:56, version 1.26.0, ratio 0.5",
		"no address here":                                                        "no address here",
	} {
		if got := All(in); got != want {
			t.Errorf("All(%q)\n = %q\nwant %q", in, got, want)
		}
	}
}

func TestString(t *testing.T) {
	for in, want := range map[string]string{
		"127.0.0.2": "127.0.0.x", "::ffff:192.0.2.9": "192.0.2.x", "2001:db8:85a3::1": "2001:db8:85a3:x", "nonsense": "invalid",
	} {
		if got := String(in); got != want {
			t.Errorf("String(%q) = %q, want %q", in, got, want)
		}
	}
}
