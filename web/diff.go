package web

import "strings"

// A side-by-side, line-by-line difference of two texts (two manifests as YAML), with
// unchanged stretches folded down to a few lines of context.

const (
	diffContext = 3       // unchanged lines kept around each change
	maxLCSCells = 4 << 20 // above this the changed middle is shown as one replaced block
)

// diffRow is one row of the side-by-side table. Kind is "same", "change", "del", "add" or
// "skip" (Skipped unchanged lines folded away). Line numbers are 1-based; 0 = no line.
type diffRow struct {
	Kind            string
	LeftNo, RightNo int
	Left, Right     string
	Skipped         int
}

type diffOp struct {
	kind byte // '=', '-', '+'
	a, b int  // line indexes in the old and new text
}

// sideBySide compares old and new line by line.
func sideBySide(oldText, newText string) (rows []diffRow, changed bool) {
	a, b := splitLines(oldText), splitLines(newText)
	ops := lineOps(a, b)
	var full []diffRow
	for i := 0; i < len(ops); {
		if ops[i].kind == '=' {
			full = append(full, diffRow{Kind: "same", LeftNo: ops[i].a + 1, RightNo: ops[i].b + 1, Left: a[ops[i].a], Right: b[ops[i].b]})
			i++
			continue
		}
		var dels, adds []diffOp
		for ; i < len(ops) && ops[i].kind != '='; i++ {
			if ops[i].kind == '-' {
				dels = append(dels, ops[i])
			} else {
				adds = append(adds, ops[i])
			}
		}
		changed = true
		for k := range max(len(dels), len(adds)) {
			r := diffRow{Kind: "change"}
			if k < len(dels) {
				r.LeftNo, r.Left = dels[k].a+1, a[dels[k].a]
			} else {
				r.Kind = "add"
			}
			if k < len(adds) {
				r.RightNo, r.Right = adds[k].b+1, b[adds[k].b]
			} else {
				r.Kind = "del"
			}
			full = append(full, r)
		}
	}
	return fold(full), changed
}

// fold keeps diffContext unchanged rows on each side of a change and replaces the rest of
// each unchanged stretch with one "skip" row.
func fold(full []diffRow) []diffRow {
	keep := make([]bool, len(full))
	for i, r := range full {
		if r.Kind == "same" {
			continue
		}
		for j := max(0, i-diffContext); j <= min(len(full)-1, i+diffContext); j++ {
			keep[j] = true
		}
	}
	var out []diffRow
	for i := 0; i < len(full); {
		if keep[i] {
			out = append(out, full[i])
			i++
			continue
		}
		j := i
		for j < len(full) && !keep[j] {
			j++
		}
		out = append(out, diffRow{Kind: "skip", Skipped: j - i})
		i = j
	}
	return out
}

func splitLines(s string) []string {
	s = strings.TrimSuffix(s, "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// lineOps is an edit script from a to b: the common prefix and suffix, and a longest
// common subsequence of the middle (or, when the middle is too large for that, the whole
// middle replaced).
func lineOps(a, b []string) []diffOp {
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	var ops []diffOp
	for i := range pre {
		ops = append(ops, diffOp{'=', i, i})
	}
	ma, mb := a[pre:len(a)-suf], b[pre:len(b)-suf]
	if len(ma)*len(mb) > maxLCSCells {
		for i := range ma {
			ops = append(ops, diffOp{'-', pre + i, 0})
		}
		for j := range mb {
			ops = append(ops, diffOp{'+', 0, pre + j})
		}
	} else {
		ops = append(ops, lcsOps(ma, mb, pre)...)
	}
	for k := range suf {
		ops = append(ops, diffOp{'=', len(a) - suf + k, len(b) - suf + k})
	}
	return ops
}

// lcsOps diffs a and b (offset into the whole texts by off) by dynamic programming.
func lcsOps(a, b []string, off int) []diffOp {
	n, m := len(a), len(b)
	// l[i][j] = LCS length of a[i:] and b[j:], in one slice.
	l := make([]int32, (n+1)*(m+1))
	at := func(i, j int) *int32 { return &l[i*(m+1)+j] }
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if a[i] == b[j] {
				*at(i, j) = *at(i+1, j+1) + 1
			} else {
				*at(i, j) = max(*at(i+1, j), *at(i, j+1))
			}
		}
	}
	var ops []diffOp
	i, j := 0, 0
	for i < n && j < m {
		switch {
		case a[i] == b[j]:
			ops = append(ops, diffOp{'=', off + i, off + j})
			i, j = i+1, j+1
		case *at(i+1, j) >= *at(i, j+1):
			ops = append(ops, diffOp{'-', off + i, 0})
			i++
		default:
			ops = append(ops, diffOp{'+', 0, off + j})
			j++
		}
	}
	for ; i < n; i++ {
		ops = append(ops, diffOp{'-', off + i, 0})
	}
	for ; j < m; j++ {
		ops = append(ops, diffOp{'+', 0, off + j})
	}
	return ops
}
