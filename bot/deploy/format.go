package deploy

import (
	"fmt"
	"strings"

	"github.com/arrakis-bot/arrakis/drift"
	"github.com/arrakis-bot/arrakis/wizard"
)

// FormatReport words a drift report for people, one difference a line, most severe first
// in the report's own deterministic order. Tier roles in access rules are named by id.
func FormatReport(r drift.Report) string { return FormatReportFor(r, nil) }

// FormatReportFor is FormatReport with the desired manifest, which names tier roles in
// access rules by their tier: drift.DescribeItem's words, as /drift uses them.
func FormatReportFor(r drift.Report, m *wizard.Manifest) string {
	if r.Empty() {
		return "no drift: the server matches the manifest."
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d difference%s:", len(r.Items), plural(len(r.Items)))
	for _, it := range r.Items {
		b.WriteString("\n- [")
		b.WriteString(string(it.Severity))
		b.WriteString("] ")
		b.WriteString(drift.DescribeItem(it, m))
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

// FormatCollisions words name collisions for the terminal: names, and what to write in
// the manifest file to adopt the existing one instead. "" when there are none.
func FormatCollisions(cs []drift.Collision) string {
	if len(cs) == 0 {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d name collision%s (nothing is adopted by name; decide before applying):", len(cs), plural(len(cs)))
	for _, c := range cs {
		b.WriteString("\n- ")
		b.WriteString(drift.DescribeCollision(c))
		switch {
		case !c.Adoptable:
			b.WriteString(". Apply creates another one next to it; rename it in the manifest to avoid the clash.")
		case c.Kind == drift.CollisionRole:
			fmt.Fprintf(&b, ". To use it for tier %s, set `adopt: \"%s\"` under that tier's role; otherwise apply creates another one.", c.Key, c.LiveID)
		default:
			fmt.Fprintf(&b, ". To manage it as channel %s, set `adopt: \"%s\"` on that channel; otherwise apply creates another one.", c.Key, c.LiveID)
		}
	}
	return b.String()
}
