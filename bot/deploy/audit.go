package deploy

import (
	"net/url"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"
)

// maxAuditReason is Discord's limit on X-Audit-Log-Reason, in bytes after encoding.
const maxAuditReason = 512

// auditReason encodes a reason for X-Audit-Log-Reason: URL-encoded UTF-8 (discordgo
// sends the header as given), cut on a character boundary so the encoded form fits in
// 512 bytes.
func auditReason(reason string) string {
	if len(reason) > maxAuditReason { // the encoded form is never shorter
		reason = reason[:maxAuditReason]
		for !utf8.ValidString(reason) {
			reason = reason[:len(reason)-1]
		}
	}
	enc := url.PathEscape(reason)
	for len(enc) > maxAuditReason && reason != "" {
		_, size := utf8.DecodeLastRuneInString(reason)
		reason = reason[:len(reason)-size]
		enc = url.PathEscape(reason)
	}
	return enc
}

func withAuditReason(reason string) discordgo.RequestOption {
	return discordgo.WithAuditLogReason(auditReason(reason))
}

func utf8Valid(s string) bool { return utf8.ValidString(s) }
