package wizard

// Parsers for what admins type into modals. Each trims the surrounding spaces a text input
// tends to collect, accepts the obvious notations, and returns either a normalised value
// to store or an error whose text is a sentence the bot can show as is.

import (
	"errors"
	"math/big"
	"strconv"
	"strings"
)

// maxUint256 is 2^256 − 1, the largest token id or raw token amount an EVM contract holds.
var maxUint256 = new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 256), big.NewInt(1))

// MaxDecimals is the most decimals an erc20 asset may declare.
const MaxDecimals = 36

// ParseAmount parses a token amount written in whole-token units ("1.5", "1000") for an
// asset with the given decimals. It returns the amount normalised (no leading zeros, no
// trailing fractional zeros: "0010.50" → "10.5"). The amount must be greater than zero,
// have at most `decimals` fractional digits, and fit in 256 bits once scaled.
func ParseAmount(s string, decimals int) (string, error) {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, ".") { // ".5" is how many people write half a token
		s = "0" + s
	}
	s = strings.TrimSuffix(s, ".")
	norm, msg := amountProblem(s, decimals)
	if msg != "" {
		return "", errors.New(msg)
	}
	return norm, nil
}

// amountProblem checks an amount exactly as given (no trimming) and returns its normal
// form, or a message saying what is wrong.
func amountProblem(s string, decimals int) (string, string) {
	if s == "" {
		return "", "enter an amount, for example 100 or 0.5"
	}
	intPart, frac, hasDot := strings.Cut(s, ".")
	if intPart == "" || !allDigits(intPart) || hasDot && (frac == "" || !allDigits(frac)) {
		switch {
		case strings.ContainsAny(s, "+-"):
			return "", "enter the amount without a sign, for example 100 or 0.5"
		case strings.Contains(s, ","):
			return "", "write the amount without thousands separators and with a dot for decimals, for example 1000.5"
		case strings.ContainsAny(s, "eE"):
			return "", "write the amount in full digits, not in e-notation"
		}
		return "", "expected a decimal number such as 100 or 0.5 (digits, at most one dot)"
	}
	if len(s) > 200 {
		return "", "the amount is too long; enter at most 200 characters"
	}
	if decimals < 0 {
		decimals = 0
	}
	frac = strings.TrimRight(frac, "0")
	if len(frac) > decimals {
		if decimals == 0 {
			return "", "this token has no decimals; enter a whole number"
		}
		return "", "this token has " + itoa(decimals) + " decimals; use at most " + itoa(decimals) + " digits after the dot"
	}
	intPart = strings.TrimLeft(intPart, "0")
	if intPart == "" {
		intPart = "0"
	}
	raw, _ := new(big.Int).SetString(intPart+frac+strings.Repeat("0", decimals-len(frac)), 10)
	switch {
	case raw.Sign() == 0:
		return "", "enter an amount greater than zero"
	case raw.Cmp(maxUint256) > 0:
		return "", "the amount is larger than any token balance can be; check the number"
	}
	if frac != "" {
		return intPart + "." + frac, ""
	}
	return intPart, ""
}

// ParseTokenID parses an ERC-1155 token id: a decimal number below 2^256. Surrounding
// spaces are trimmed and leading zeros dropped; signs, hex and separators are refused.
func ParseTokenID(s string) (string, error) {
	s = strings.TrimSpace(s)
	if allDigits(s) && s != "" {
		t := strings.TrimLeft(s, "0")
		if t == "" {
			t = "0"
		}
		s = t
	}
	if msg := tokenIDProblem(s); msg != "" {
		return "", errors.New(msg)
	}
	return s, nil
}

// tokenIDProblem checks a token id exactly as stored: canonical decimal below 2^256.
func tokenIDProblem(s string) string {
	switch {
	case s == "":
		return "enter the token id (a whole number in decimal, as shown on the block explorer)"
	case strings.HasPrefix(s, "0x") || strings.HasPrefix(s, "0X"):
		return "enter the token id in decimal, not hex"
	case !allDigits(s):
		return "expected a whole number in decimal digits only (no sign, spaces or separators)"
	case len(s) > 1 && s[0] == '0':
		return "write the token id without leading zeros"
	case len(s) > 78:
		return "the token id must be below 2^256; this one is too large"
	}
	n, _ := new(big.Int).SetString(s, 10)
	if n.Cmp(maxUint256) > 0 {
		return "the token id must be below 2^256; this one is too large"
	}
	return ""
}

// ParseIntField parses a whole number from a modal text input and checks min ≤ n ≤ max.
// label names the field in the error ("Days: enter a whole number from 1 to 3650").
func ParseIntField(label, s string, min, max int64) (int64, error) {
	s = strings.TrimSpace(s)
	between := "a whole number from " + itoa64(min) + " to " + itoa64(max)
	if s == "" {
		return 0, errors.New(label + ": enter " + between)
	}
	if !allDigits(s) { // "+6" and "-0" parse, but a count is written with digits alone
		return 0, errors.New(label + ": expected " + between + " (digits only, no sign)")
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		if errors.Is(err, strconv.ErrRange) {
			return 0, errors.New(label + ": the number is too large; enter " + between)
		}
		return 0, errors.New(label + ": expected " + between + " (digits only)")
	}
	if n < min || n > max {
		return 0, errors.New(label + ": enter " + between + " (not " + itoa64(n) + ")")
	}
	return n, nil
}

// Limits of rule values.
const (
	MinHoldDays = 1
	MaxHoldDays = 3650
	MaxCount    = 1_000_000_000
	MaxScore    = 1_000_000_000_000
)

// ParseDays parses the days of a min_hold_duration rule (1–3650).
func ParseDays(s string) (int, error) {
	n, err := ParseIntField("Days", s, MinHoldDays, MaxHoldDays)
	return int(n), err
}

// ParseCount parses the count of an nft_ownership rule (at least 1).
func ParseCount(s string) (int64, error) { return ParseIntField("Number of NFTs", s, 1, MaxCount) }

// ParseScore parses the score of a score_threshold rule (0 or more; 0 is a real threshold).
func ParseScore(s string) (int64, error) { return ParseIntField("Score", s, 0, MaxScore) }

// ParseDecimals parses an asset's decimals (0–36).
func ParseDecimals(s string) (int, error) {
	n, err := ParseIntField("Decimals", s, 0, MaxDecimals)
	return int(n), err
}

// ParseColor parses a role colour: "#FF00AA", "#F0A", "ff00aa", "0xff00aa" or a decimal
// number (16711850). Six bare hex digits are read as hex, as colour pickers write them.
// An empty input is 0, which Discord shows as "no colour".
func ParseColor(s string) (int, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	hexPart, isHex := "", false
	switch {
	case strings.HasPrefix(s, "#"):
		hexPart, isHex = s[1:], true
	case strings.HasPrefix(s, "0x") || strings.HasPrefix(s, "0X"):
		hexPart, isHex = s[2:], true
	case len(s) == 6 && allHex(s):
		hexPart, isHex = s, true
	}
	if isHex {
		if len(hexPart) == 3 && allHex(hexPart) {
			hexPart = string([]byte{hexPart[0], hexPart[0], hexPart[1], hexPart[1], hexPart[2], hexPart[2]})
		}
		if len(hexPart) == 0 || len(hexPart) > 6 || !allHex(hexPart) {
			return 0, errors.New("expected a colour like #FF00AA (6 hex digits)")
		}
		n, _ := strconv.ParseUint(hexPart, 16, 32)
		return int(n), nil
	}
	if !allDigits(s) {
		return 0, errors.New("expected a colour like #FF00AA, or a number from 0 to 16777215")
	}
	n, err := strconv.ParseUint(s, 10, 32)
	if err != nil || n > 0xFFFFFF {
		return 0, errors.New("the colour number must be from 0 to 16777215 (#FFFFFF)")
	}
	return int(n), nil
}

// FormatColor writes a colour as "#RRGGBB", the form ParseColor reads back.
func FormatColor(c int) string {
	const digits = "0123456789ABCDEF"
	if c < 0 || c > 0xFFFFFF {
		return "#??????"
	}
	b := []byte("#000000")
	for i := 6; i >= 1; i-- {
		b[i] = digits[c&0xF]
		c >>= 4
	}
	return string(b)
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func allHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isHexDigit(s[i]) {
			return false
		}
	}
	return true
}
