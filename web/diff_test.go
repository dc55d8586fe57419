package web

import (
	"strings"
	"testing"
)

func TestSideBySide(t *testing.T) {
	var old, new []string
	for i := range 20 {
		old = append(old, "line "+string(rune('a'+i)))
	}
	new = append(new, old...)
	new[10] = "line K (renamed)"             // a change
	new = append(new[:15], new[16:]...)      // a deletion (old line p)
	new = append(new, "line new at the end") // an addition
	rows, changed := sideBySide(strings.Join(old, "\n")+"\n", strings.Join(new, "\n")+"\n")
	if !changed {
		t.Fatal("no change found")
	}
	var kinds []string
	for _, r := range rows {
		kinds = append(kinds, r.Kind)
	}
	got := strings.Join(kinds, " ")
	want := "skip same same same change same same same same del same same same same add"
	if got != want {
		t.Fatalf("rows %s\nwant %s", got, want)
	}
	if rows[0].Skipped != 7 || rows[4].Left != "line k" || rows[4].Right != "line K (renamed)" || rows[4].LeftNo != 11 || rows[4].RightNo != 11 {
		t.Fatalf("rows %+v", rows[:5])
	}
	if d := rows[9]; d.Left != "line p" || d.LeftNo != 16 || d.RightNo != 0 {
		t.Fatalf("deleted row %+v", d)
	}
	if _, changed := sideBySide("a\nb\n", "a\nb\n"); changed {
		t.Fatal("equal texts reported as changed")
	}
}
