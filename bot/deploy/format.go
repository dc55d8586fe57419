package deploy

import (
	"fmt"
	"strings"

	"github.com/arrakis-bot/arrakis/drift"
)

// FormatReport words a drift report for people, one difference a line, most severe first
// in the report's own deterministic order.
func FormatReport(r drift.Report) string {
	if r.Empty() {
		return "no drift: the server matches the manifest."
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d difference%s:", len(r.Items), plural(len(r.Items)))
	for _, it := range r.Items {
		b.WriteString("\n- [")
		b.WriteString(string(it.Severity))
		b.WriteString("] ")
		b.WriteString(describeItem(it))
		if it.Expected != "" || it.Actual != "" {
			fmt.Fprintf(&b, ": expected %s, found %s", orNone(it.Expected), orNone(it.Actual))
		}
	}
	return b.String()
}

// FormatPlan words a plan for people, one operation a line.
func FormatPlan(ops []drift.Op) string {
	if len(ops) == 0 {
		return "No changes: the server already matches the manifest."
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d change%s:", len(ops), plural(len(ops)))
	for _, op := range ops {
		b.WriteString("\n- ")
		b.WriteString(FormatOp(op))
	}
	return b.String()
}

// FormatOp words one operation for people, as a line of FormatPlan: drift.Describe names
// the parent of a channel and of a reorder, and lists the fields of an update itself.
func FormatOp(op drift.Op) string { return drift.Describe(op) }

func orNone(s string) string {
	if s == "" {
		return "nothing"
	}
	return s
}
