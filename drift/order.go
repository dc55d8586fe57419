package drift

import "sort"

// idLess orders Discord snowflakes numerically (shorter is smaller) without parsing, so
// that ties in position break the same way every time.
func idLess(a, b string) bool {
	if len(a) != len(b) {
		return len(a) < len(b)
	}
	return a < b
}

// sortRolesBottomUp sorts role indices as Discord shows them, lowest first: by position,
// then by id.
func sortRolesBottomUp(roles []Role, idx []int) {
	sort.SliceStable(idx, func(i, j int) bool {
		a, b := roles[idx[i]], roles[idx[j]]
		if a.Position != b.Position {
			return a.Position < b.Position
		}
		return idLess(a.ID, b.ID)
	})
}

// sortChannels sorts channel indices by position, then id (first shown first).
func sortChannels(chs []Channel, idx []int) {
	sort.SliceStable(idx, func(i, j int) bool {
		a, b := chs[idx[i]], chs[idx[j]]
		if a.Position != b.Position {
			return a.Position < b.Position
		}
		return idLess(a.ID, b.ID)
	})
}

// sorted reports whether seq is strictly increasing.
func sorted(seq []int) bool {
	for i := 1; i < len(seq); i++ {
		if seq[i] <= seq[i-1] {
			return false
		}
	}
	return true
}
