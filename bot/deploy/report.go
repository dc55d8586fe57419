package deploy

import (
	"fmt"
	"strings"

	"github.com/arrakis-bot/arrakis/drift"
)

// report is the final report of a completed deploy, with mentions of what it made. It says
// "this server"; a DM names the server instead (see notify).
func (s *Service) report(result *Result, r *run) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Deployed version %d of the setup to %s", result.Version, thisServer)
	if len(result.Done)+result.Resumed == 0 {
		b.WriteString(": it already matched, nothing had to change.")
		return b.String()
	}
	if result.Resumed > 0 {
		// The totals are the whole deploy's: what the stopped run did and what this one did.
		total := len(result.Done) + result.Resumed
		fmt.Fprintf(&b, ", finishing a deploy that had stopped part-way (%d change%s in all)", total, plural(total))
	}
	b.WriteString(".")
	if len(result.CreatedRoles) > 0 {
		b.WriteString("\nRoles made: ")
		b.WriteString(mentions("<@&", result.CreatedRoles))
	}
	if len(result.CreatedChannels) > 0 {
		b.WriteString("\nChannels made: ")
		b.WriteString(mentions("<#", result.CreatedChannels))
	}
	if n := countKinds(result.Done, drift.OpUpdateRole, drift.OpUpdateChannel, drift.OpSetOverwrite); n > 0 {
		fmt.Fprintf(&b, "\nUpdated: %d role%s or channel%s.", n, plural(n), plural(n))
	}
	if countKinds(result.Done, drift.OpReorderRoles, drift.OpReorderChannel) > 0 {
		b.WriteString("\nPut roles and channels in order.")
	}
	if n := countKinds(result.Done, drift.OpDeleteRole, drift.OpDeleteChannel); n > 0 {
		fmt.Fprintf(&b, "\nDeleted: %d role%s or channel%s.", n, plural(n), plural(n))
	}
	return b.String()
}

// thisServer is how a report names the guild; a DM replaces it with the server's name.
const thisServer = "this server"

// summary says what a stopped deploy did and what it did not.
func summary(result *Result) string {
	done := len(result.Done) + result.Resumed
	return fmt.Sprintf("Done: %d change%s (%d role%s and %d channel%s made); not done: %d.",
		done, plural(done),
		len(result.CreatedRoles), plural(len(result.CreatedRoles)),
		len(result.CreatedChannels), plural(len(result.CreatedChannels)),
		len(result.Remaining))
}

func countKinds(ops []drift.Op, kinds ...drift.OpKind) int {
	n := 0
	for _, op := range ops {
		for _, k := range kinds {
			if op.Kind == k {
				n++
			}
		}
	}
	return n
}

func mentions(prefix string, ids []string) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = prefix + id + ">"
	}
	return strings.Join(parts, " ")
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func joinSentences(ss []string) string { return strings.Join(ss, " ") }
