package bot

import (
	"fmt"
	"strings"

	"github.com/arrakis-bot/arrakis/drift"
)

// Shared words for admin text: plan summaries by kind ("Create 2 roles and 1 channel"),
// plurals, and the fields an update changes as people call them.

// opWords is each operation kind's verb and noun, for counting a plan by kind.
var opWords = map[drift.OpKind][2]string{
	drift.OpCreateRole: {"create", "role"}, drift.OpCreateChannel: {"create", "channel"},
	drift.OpUpdateRole: {"update", "role"}, drift.OpUpdateChannel: {"update", "channel"},
	drift.OpSetOverwrite: {"set access on", "channel"},
	drift.OpDeleteRole:   {"delete", "role"}, drift.OpDeleteChannel: {"delete", "channel"},
}

var opVerbOrder = []string{"create", "update", "set access on", "delete"}

// planSummary counts a plan's operations by kind: "Delete 2 roles and 1 channel",
// "Create 1 role, 2 channels and update 1 channel". "Nothing to change" for none.
func planSummary(ops []drift.Op) string {
	if len(ops) == 0 {
		return "Nothing to change"
	}
	type count struct {
		noun string
		n    int
	}
	byVerb := map[string][]count{}
	var order []string
	for _, op := range ops {
		switch op.Kind {
		case drift.OpReorderRoles:
			order = appendOnce(order, "roles")
			continue
		case drift.OpReorderChannel:
			order = appendOnce(order, "channels")
			continue
		}
		w, ok := opWords[op.Kind]
		if !ok {
			w = [2]string{"change", "item"}
		}
		noun := w[1]
		if op.Channel != nil && w[1] == "channel" {
			if n := channelNouns[op.Channel.Type]; n != "" {
				noun = n
			}
		}
		cs := byVerb[w[0]]
		found := false
		for i := range cs {
			if cs[i].noun == noun {
				cs[i].n++
				found = true
			}
		}
		if !found {
			cs = append(cs, count{noun, 1})
		}
		byVerb[w[0]] = cs
	}
	var parts []string
	for _, v := range append(opVerbOrder, "change") {
		cs := byVerb[v]
		if len(cs) == 0 {
			continue
		}
		nouns := make([]string, len(cs))
		for i, c := range cs {
			nouns[i] = plural(c.n, c.noun, pluralNoun(c.noun))
		}
		parts = append(parts, v+" "+joinAnd(nouns))
	}
	if len(order) > 0 {
		parts = append(parts, "put the "+joinAnd(order)+" in order")
	}
	return upperFirst(joinAnd(parts))
}

func appendOnce(xs []string, x string) []string {
	for _, y := range xs {
		if y == x {
			return xs
		}
	}
	return append(xs, x)
}

func pluralNoun(n string) string {
	switch n {
	case "category":
		return "categories"
	}
	return n + "s"
}

// plural writes "1 role" or "3 roles".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// joinAnd joins "a", "b", "c" as "a, b and c".
func joinAnd(parts []string) string {
	switch len(parts) {
	case 0:
		return ""
	case 1:
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// fieldWords names the fields an update changes as people call them (drift.FieldWords).
func fieldWords(fields []string) string { return drift.FieldWords(fields) }
