package main

// What the CLI prints about a deploy, in terminal words: names rather than Discord
// mentions, command lines rather than slash commands, and correct plurals.

import (
	"errors"
	"fmt"
	"strings"

	"github.com/arrakis-bot/arrakis/bot/deploy"
	"github.com/arrakis-bot/arrakis/drift"
	"github.com/arrakis-bot/arrakis/wizard"
)

// terminalReport says what a completed deploy (or prune) did to server guild.
func terminalReport(res *deploy.Result, guild string) string {
	if len(res.Done) == 0 {
		return fmt.Sprintf("Nothing to do: server %s already matches version %d of the setup.", guild, res.Version)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Deployed version %d of the setup to server %s: %s.", res.Version, guild, count(len(res.Done), "change", "changes"))
	line := func(label string, names []string) {
		if len(names) > 0 {
			fmt.Fprintf(&b, "\n%s: %s", label, strings.Join(names, ", "))
		}
	}
	line("Roles made", opNames(res.Done, drift.OpCreateRole))
	line("Channels made", opNames(res.Done, drift.OpCreateChannel))
	line("Updated", opNames(res.Done, drift.OpUpdateRole, drift.OpUpdateChannel, drift.OpSetOverwrite))
	line("Reordered", reorders(res.Done))
	line("Deleted", opNames(res.Done, drift.OpDeleteRole, drift.OpDeleteChannel))
	return b.String()
}

// opNames are the distinct names of the ops of the given kinds, in plan order.
func opNames(ops []drift.Op, kinds ...drift.OpKind) []string {
	var names []string
	seen := map[string]bool{}
	for _, op := range ops {
		for _, k := range kinds {
			// A role and a category may share a name; an update may come in several ops.
			id := string(op.Kind) + "\x00" + op.Key + "\x00" + op.Name
			if op.Kind == k && !seen[id] {
				seen[id] = true
				names = append(names, quoteName(op))
			}
		}
	}
	return names
}

// reorders names what each reorder op put in order.
func reorders(ops []drift.Op) []string {
	var out []string
	for _, op := range ops {
		switch {
		case op.Kind == drift.OpReorderRoles:
			out = append(out, "tier roles")
		case op.Kind == drift.OpReorderChannel && op.ParentName == "":
			out = append(out, "top-level channels")
		case op.Kind == drift.OpReorderChannel:
			out = append(out, "channels in “"+op.ParentName+"”")
		}
	}
	return out
}

// quoteName writes a text channel as #name and anything else in quotes, as Discord's own
// client shows them.
func quoteName(op drift.Op) string {
	if op.Channel != nil && op.Channel.Type == wizard.ChannelText {
		return "#" + op.Name
	}
	return "“" + op.Name + "”"
}

// stoppedSummary says what a deploy that stopped part-way did and did not do, and how to
// continue it.
func stoppedSummary(res *deploy.Result) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Done: %s", count(len(res.Done), "change", "changes"))
	if len(res.Done) > 0 {
		b.WriteString(" (" + describeAll(res.Done) + ")")
	}
	fmt.Fprintf(&b, "; not done: %s", count(len(res.Remaining), "change", "changes"))
	if len(res.Remaining) > 0 {
		b.WriteString(" (" + describeAll(res.Remaining) + ")")
	}
	b.WriteString(". Run the same command again to continue where it stopped.")
	return b.String()
}

func describeAll(ops []drift.Op) string {
	parts := make([]string, len(ops))
	for i, op := range ops {
		parts[i] = drift.Describe(op)
	}
	return strings.Join(parts, "; ")
}

// pick is one when n is 1, else many.
func pick(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// count is "1 change" or "3 changes".
func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// deployFailure is what apply returns when a deploy, rollback or prune failed: after an
// interrupt, exit 130 with what was done and what was not; otherwise the CLI's wording of
// the error.
func deployFailure(err error, intr *interrupts) error {
	var de *deploy.Error
	if intr.interrupted() {
		msg := "Stopped on request before the deploy finished; nothing was changed. Run the same command again to start it."
		if errors.As(err, &de) && de.Result != nil {
			msg = "Stopped on request after the change in flight. " + stoppedSummary(de.Result)
		}
		return &exitError{code: exitInterrupted, err: &plainError{msg: msg, err: err}}
	}
	return cliError(err)
}
