package wizard

// Contract addresses are EVM addresses: "0x" and 40 hex digits. EIP-55 encodes a checksum
// in the case of the letters, so a mixed-case address with one mistyped character is caught;
// an all-lowercase or all-uppercase address carries no checksum and is accepted as is.

import (
	"encoding/hex"
	"strings"

	"golang.org/x/crypto/sha3"
)

// IsAddress reports whether s is "0x" followed by exactly 40 hex digits.
func IsAddress(s string) bool {
	if len(s) != 42 || s[0] != '0' || s[1] != 'x' {
		return false
	}
	for i := 2; i < 42; i++ {
		if !isHexDigit(s[i]) {
			return false
		}
	}
	return true
}

// ChecksumAddress returns addr in EIP-55 mixed case, or "" when addr is not an address.
// The letters of the hex address are upper-cased where the matching nibble of
// Keccak-256(lowercase hex address) is 8 or more.
func ChecksumAddress(addr string) string {
	if !IsAddress(addr) {
		return ""
	}
	lower := strings.ToLower(addr[2:])
	h := sha3.NewLegacyKeccak256()
	h.Write([]byte(lower))
	sum := h.Sum(nil)
	out := []byte("0x" + lower)
	for i := 0; i < 40; i++ {
		c := lower[i]
		if c < 'a' {
			continue
		}
		nibble := sum[i/2]
		if i%2 == 0 {
			nibble >>= 4
		}
		if nibble&0x0f >= 8 {
			out[2+i] = c - 'a' + 'A'
		}
	}
	return string(out)
}

// addressProblem returns what is wrong with a contract address, or "" when it is fine.
func addressProblem(s string) string {
	switch {
	case s == "":
		return "enter the token's contract address: 0x followed by 40 hex digits"
	case strings.TrimSpace(s) != s:
		return "remove the spaces around the address"
	case !IsAddress(s):
		if len(s) > 2 && s[0] == '0' && s[1] == 'X' {
			return "start the address with a lowercase 0x, followed by 40 hex digits"
		}
		return "expected 0x followed by 40 hex digits" + addressHint(s)
	}
	body := s[2:]
	if body == strings.Repeat("0", 40) {
		return "the zero address is not a token contract; enter the token's contract address"
	}
	if body != strings.ToLower(body) && body != strings.ToUpper(body) && ChecksumAddress(s) != s {
		return "the EIP-55 checksum (the upper/lower case of the letters) does not match; " +
			"copy the address again from the block explorer, or enter it all in lowercase"
	}
	return ""
}

// addressHint explains the commonest near-misses.
func addressHint(s string) string {
	body := strings.TrimPrefix(s, "0x")
	if _, err := hex.DecodeString(body + strings.Repeat("0", len(body)%2)); err == nil && body != s {
		return " (this one has " + itoa(len(body)) + " digits)"
	}
	if !strings.HasPrefix(s, "0x") {
		return " (it must start with 0x)"
	}
	return " (it contains a character that is not 0–9 or a–f)"
}

func isHexDigit(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}
