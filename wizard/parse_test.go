package wizard

import (
	"strings"
	"testing"
)

func TestParseAmount(t *testing.T) {
	tests := []struct {
		in       string
		decimals int
		want     string
		errPart  string
	}{
		{in: "100", decimals: 18, want: "100"},
		{in: " 0010.50 ", decimals: 6, want: "10.5"},
		{in: "1.000000", decimals: 0, want: "1"},
		{in: ".5", decimals: 2, want: "0.5"},
		{in: "5.", decimals: 2, want: "5"},
		{in: "0.000001", decimals: 6, want: "0.000001"},
		{in: "0.0000001", decimals: 6, errPart: "at most 6 digits"},
		{in: "1.5", decimals: 0, errPart: "whole number"},
		{in: "0", decimals: 6, errPart: "greater than zero"},
		{in: "", decimals: 6, errPart: "enter an amount"},
		{in: "-1", decimals: 6, errPart: "without a sign"},
		{in: "+1", decimals: 6, errPart: "without a sign"},
		{in: "1e18", decimals: 6, errPart: "e-notation"},
		{in: "1,5", decimals: 6, errPart: "separators"},
		{in: "1.2.3", decimals: 6, errPart: "decimal number"},
		{in: "abc", decimals: 6, errPart: "decimal number"},
		{in: "١٢", decimals: 6, errPart: "decimal number"}, // Arabic-Indic digits are not ASCII digits
		{in: maxUint256.String(), decimals: 0, want: maxUint256.String()},
		{in: maxUint256.String() + "0", decimals: 0, errPart: "larger than any"},
		{in: "1" + strings.Repeat("0", 77), decimals: 1, errPart: "larger than any"},
		{in: strings.Repeat("1", 201), decimals: 0, errPart: "too long"},
	}
	for _, tt := range tests {
		got, err := ParseAmount(tt.in, tt.decimals)
		if tt.errPart != "" {
			if err == nil || !strings.Contains(err.Error(), tt.errPart) {
				t.Errorf("ParseAmount(%q, %d) = %q, %v; want error with %q", tt.in, tt.decimals, got, err, tt.errPart)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseAmount(%q, %d) = %q, %v; want %q", tt.in, tt.decimals, got, err, tt.want)
		}
	}
}

func TestParseTokenID(t *testing.T) {
	for in, want := range map[string]string{"1": "1", " 42 ": "42", "0": "0", "000": "0", "007": "7", maxUint256.String(): maxUint256.String()} {
		if got, err := ParseTokenID(in); err != nil || got != want {
			t.Errorf("ParseTokenID(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for in, part := range map[string]string{"": "enter the token id", "0x1f": "not hex", "-1": "no sign", "1 2": "digits only", "1.0": "digits only",
		"115792089237316195423570985008687907853269984665640564039457584007913129639936": "below 2^256", strings.Repeat("9", 100): "below 2^256"} {
		if got, err := ParseTokenID(in); err == nil || !strings.Contains(err.Error(), part) {
			t.Errorf("ParseTokenID(%q) = %q, %v; want error with %q", in, got, err, part)
		}
	}
}

func TestParseIntFields(t *testing.T) {
	if n, err := ParseDays(" 30 "); err != nil || n != 30 {
		t.Errorf("ParseDays(30) = %d, %v", n, err)
	}
	for in, part := range map[string]string{"0": "from 1 to 3650 (not 0)", "3651": "from 1 to 3650", "": "enter a whole number", "1.5": "digits only", "ten": "digits only", "99999999999999999999": "too large"} {
		if _, err := ParseDays(in); err == nil || !strings.Contains(err.Error(), part) || !strings.HasPrefix(err.Error(), "Days: ") {
			t.Errorf("ParseDays(%q) err = %v, want %q", in, err, part)
		}
	}
	if n, err := ParseScore("0"); err != nil || n != 0 {
		t.Errorf("ParseScore(0) = %d, %v: 0 is a legal score", n, err)
	}
	if _, err := ParseScore("-1"); err == nil {
		t.Error("ParseScore(-1) accepted")
	}
	if n, err := ParseCount("3"); err != nil || n != 3 {
		t.Errorf("ParseCount(3) = %d, %v", n, err)
	}
	if _, err := ParseCount("0"); err == nil {
		t.Error("ParseCount(0) accepted")
	}
	if n, err := ParseDecimals("18"); err != nil || n != 18 {
		t.Errorf("ParseDecimals(18) = %d, %v", n, err)
	}
	if _, err := ParseDecimals("37"); err == nil {
		t.Error("ParseDecimals(37) accepted")
	}
}

func TestParseColor(t *testing.T) {
	for in, want := range map[string]int{
		"#FF00AA": 0xFF00AA, "ff00aa": 0xFF00AA, "0xff00aa": 0xFF00AA, "0XFF00AA": 0xFF00AA, "16711850": 0xFF00AA,
		"#f0a": 0xFF00AA, "": 0, " #000000 ": 0, "#FFFFFF": 0xFFFFFF, "16777215": 0xFFFFFF, "0": 0, "123456": 0x123456,
	} {
		if got, err := ParseColor(in); err != nil || got != want {
			t.Errorf("ParseColor(%q) = %#x, %v; want %#x", in, got, err, want)
		}
	}
	for _, in := range []string{"#FF00AAB", "#GG0000", "red", "16777216", "-1", "#", "0x", "1.5", "99999999999999999999"} {
		if got, err := ParseColor(in); err == nil {
			t.Errorf("ParseColor(%q) = %#x, want an error", in, got)
		}
	}
	for _, c := range []int{0, 1, 0xFF00AA, 0xFFFFFF} {
		s := FormatColor(c)
		if back, err := ParseColor(s); err != nil || back != c || len(s) != 7 {
			t.Errorf("FormatColor(%#x) = %q, reads back as %#x, %v", c, s, back, err)
		}
	}
	if FormatColor(0xFF00AA) != "#FF00AA" {
		t.Errorf("FormatColor = %s", FormatColor(0xFF00AA))
	}
}
