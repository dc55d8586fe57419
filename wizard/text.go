package wizard

// Text rules shared by the validators. Lengths are counted in characters (runes), the way
// Discord counts them. Control characters and bidirectional overrides are refused in every
// name because they break rendering and make look-alike names possible.

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// runeLen is the length of s in characters.
func runeLen(s string) int { return utf8.RuneCountInString(s) }

// badTextRune reports a rune no name may contain: control characters (newlines, tabs, NUL)
// and the bidirectional overrides that can make a name read differently from what it is.
func badTextRune(r rune) bool {
	switch {
	case r == utf8.RuneError:
		return true
	case unicode.IsControl(r):
		return true
	case r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069:
		return true
	}
	return false
}

// hasBadText reports whether s is not valid UTF-8 or contains a refused rune.
func hasBadText(s string) bool {
	if !utf8.ValidString(s) {
		return true
	}
	return strings.IndexFunc(s, badTextRune) >= 0
}

// invisibleRune reports a code point that shows nothing: format characters (Unicode Cf,
// zero-width spaces and joiners among them), the other default-ignorable code points
// (Hangul fillers, the combining grapheme joiner, …), variation selectors and the blank
// braille pattern. A name made only of these would look empty, or pose as another.
func invisibleRune(r rune) bool {
	return unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Other_Default_Ignorable_Code_Point, r) ||
		unicode.Is(unicode.Variation_Selector, r) || r == 0x2800
}

// visibleText is s without its invisible code points, trimmed.
func visibleText(s string) string {
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		if invisibleRune(r) {
			return -1
		}
		return r
	}, s))
}

// NameKey is how names are compared with each other and with reserved names: invisible
// code points removed, NFKC-normalised (so full-width and other compatibility forms meet
// their plain form) and lower-cased.
func NameKey(s string) string {
	return strings.ToLower(visibleText(norm.NFKC.String(visibleText(s))))
}

// checkName validates a trimmed display name of 1–max characters. It returns the trimmed
// name and a message, empty when the name is fine.
func checkName(s string, min, max int) (string, string) {
	clean := strings.TrimSpace(s)
	switch {
	case hasBadText(clean):
		return clean, "remove line breaks, tabs and other control characters"
	case clean == "" && min > 0:
		return clean, "enter a name"
	case visibleText(clean) == "" && min > 0:
		return clean, "enter a name with visible characters (zero-width and other invisible characters do not count)"
	case runeLen(clean) < min:
		return clean, "use at least " + itoa(min) + " characters"
	case runeLen(clean) > max:
		return clean, "use at most " + itoa(max) + " characters (this one has " + itoa(runeLen(clean)) + ")"
	}
	return clean, ""
}

// markdownSpecial are the characters Discord markdown gives a meaning to: emphasis, code,
// spoilers, quotes, headings, lists, masked links, mentions, timestamps and emoji.
const markdownSpecial = "\\*_~`|>#-[]()<@:"

// EscapeMarkdown makes s display literally in a Discord message: every markdown character
// is backslash-escaped and line breaks become spaces. Use it for any admin-typed text the
// bot shows (community, tier, role and channel names).
func EscapeMarkdown(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 8)
	for _, r := range s {
		switch {
		case r == '\n' || r == '\r':
			b.WriteByte(' ')
		case strings.ContainsRune(markdownSpecial, r):
			b.WriteByte('\\')
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// isIdent reports whether s is 1–max characters of ASCII letters, digits, '-' and '_':
// the shape of asset ids, tier ids and channel keys, which appear in paths and custom ids.
func isIdent(s string, max int) bool {
	if s == "" || len(s) > max {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// isSnowflakeID reports whether s looks like a Discord id.
func isSnowflakeID(s string) bool { return isSnowflake(s) }

func itoa(n int) string { return itoa64(int64(n)) }

func itoa64(n int64) string {
	if n == 0 {
		return "0"
	}
	neg := n < 0
	var buf [24]byte
	i := len(buf)
	for n != 0 {
		d := n % 10
		if d < 0 {
			d = -d
		}
		i--
		buf[i] = byte('0' + d)
		n /= 10
	}
	if neg {
		i--
		buf[i] = '-'
	}
	return string(buf[i:])
}

func trimSpace(s string) string { return strings.TrimSpace(s) }

// farBeyond reports whether a list of n items is so far past its limit that checking each
// item would only bury the one problem that matters (and, for a YAML file that expands
// aliases into thousands of items, cost time for nothing): such a list gets one problem.
func farBeyond(n, limit int) bool { return n > 4*limit }
