package deploy

import (
	"encoding/json"
	"sort"
	"testing"
)

// TestReorderSendsOnlyWhatChanges: tier roles go as one block in tier order directly
// below the bot's role; when an admin swaps two of them, the reorder sends exactly those
// two positions — no other role, and never one above the bot — and every other role keeps
// its relative order.
func TestReorderSendsOnlyWhatChanges(t *testing.T) {
	e := newEnv(t)
	ctx := ctxT(t)
	gid := e.guild.ID
	m := loadManifest(t, "community.yaml", gid)
	res, err := e.svc.Deploy(ctx, Request{GuildID: gid, Manifest: m, By: "tester"})
	if err != nil {
		t.Fatal(err)
	}
	t1, t2 := res.Resources.Roles["t1"], res.Resources.Roles["t2"]
	order := func() []string {
		var ids []string
		for _, r := range e.fd.Roles(gid) {
			ids = append(ids, r.ID)
		}
		return ids
	}
	before := order()
	// The tier roles sit directly below the bot's role, in tier order.
	bot := -1
	for i, id := range before {
		if id == e.guild.BotRoleID {
			bot = i
		}
	}
	for i, tr := range m.Tiers {
		if want := before[bot-len(m.Tiers)+i]; res.Resources.Roles[tr.ID] != want {
			t.Fatalf("tier %s is not at its place below the bot: order %v", tr.ID, before)
		}
	}
	e.fd.MoveRole(gid, t1, e.fd.Role(gid, t2).Position) // t1 above t2
	e.fd.ResetCounts()
	if _, err := e.svc.Reconcile(ctx, gid, "tester", ""); err != nil {
		t.Fatal(err)
	}
	var sent []string
	for _, rq := range e.fd.Requests() {
		if rq.Method != "PATCH" || rq.Path != "/guilds/"+gid+"/roles" {
			continue
		}
		var body []position
		if err := json.Unmarshal(rq.Body, &body); err != nil {
			t.Fatal(err)
		}
		for _, p := range body {
			sent = append(sent, p.ID)
		}
	}
	sort.Strings(sent)
	want := []string{t1, t2}
	sort.Strings(want)
	if len(sent) != 2 || sent[0] != want[0] || sent[1] != want[1] {
		t.Errorf("the reorder sent %v, want exactly the two swapped tier roles %v", sent, want)
	}
	if got := order(); len(got) != len(before) {
		t.Fatalf("roles %v, were %v", got, before)
	} else {
		for i := range got {
			if got[i] != before[i] {
				t.Errorf("order after reconcile %v, want %v again", got, before)
				break
			}
		}
	}
}
