package wizard

// Paths of problems. Per-item validators (one asset, one rule, one channel) report paths
// relative to the item ("contract"), because the bot calls them on a single modal submit;
// list validators place them in the manifest ("assets[2].contract") with WithPrefix.

import "strconv"

// WithPrefix returns ps with prefix prepended to every Path ("assets[2]" + "contract" →
// "assets[2].contract"); an empty Path becomes the prefix itself.
func (ps Problems) WithPrefix(prefix string) Problems {
	if prefix == "" || len(ps) == 0 {
		return ps
	}
	out := make(Problems, len(ps))
	for i, p := range ps {
		switch {
		case p.Path == "":
			p.Path = prefix
		case p.Path[0] == '[':
			p.Path = prefix + p.Path
		default:
			p.Path = prefix + "." + p.Path
		}
		out[i] = p
	}
	return out
}

// ForPath returns the problems whose Path is path or lies under it ("tiers[0]" matches
// "tiers[0].rules[1].amount"), so the bot can show each problem next to its item.
func (ps Problems) ForPath(path string) Problems {
	var out Problems
	for _, p := range ps {
		if p.Path == path || len(p.Path) > len(path) && p.Path[:len(path)] == path &&
			(p.Path[len(path)] == '.' || p.Path[len(path)] == '[') {
			out = append(out, p)
		}
	}
	return out
}

// problem builds one Problem.
func problem(path, field, msg string) Problem {
	return Problem{Path: path, Field: field, Message: msg}
}

// indexPath is "name[i]".
// It runs on every validation of a click's input, so it concatenates (one allocation)
// rather than going through fmt.
func indexPath(name string, i int) string { return name + "[" + strconv.Itoa(i) + "]" }
