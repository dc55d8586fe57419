package drift

import (
	"strconv"

	"github.com/arrakis-bot/arrakis/wizard"
)

// Overwrites drift looks at are those on @everyone, the bot (its role, and its user)
// and the roles the bot manages (tier roles, and roles it made that the manifest no
// longer wants). An overwrite for any other role or member — a moderator role on a
// gated channel — belongs to the admin and is never drift, never touched.

// target is who an overwrite is for.
type target struct {
	id  string
	typ OverwriteType
}

// botTarget is the bot's role when known, else its user.
func botTarget(g *Guild) (target, bool) {
	if g.BotRoleID != "" {
		return target{g.BotRoleID, OverwriteRole}, true
	}
	if g.BotUserID != "" {
		return target{g.BotUserID, OverwriteMember}, true
	}
	return target{}, false
}

// ResolveSubject turns an overwrite subject (wizard.SubjectEveryone, wizard.SubjectBot or
// a tier id) into the Discord id and type it stands for in g, given the ResourceMap.
func ResolveSubject(g Guild, res wizard.ResourceMap, subject string) (id string, typ OverwriteType, ok bool) {
	t, ok := resolveSubject(&g, res.Roles, subject)
	return t.id, t.typ, ok
}

func resolveSubject(g *Guild, roles map[string]string, subject string) (target, bool) {
	switch subject {
	case wizard.SubjectEveryone:
		return target{g.ID, OverwriteRole}, g.ID != ""
	case wizard.SubjectBot:
		return botTarget(g)
	}
	id := roles[subject]
	return target{id, OverwriteRole}, id != ""
}

// MergeOverwrites is the overwrite list a channel ends up with after an update_channel or
// set_overwrite op: the live overwrites minus op.RemoveOverwrites, with each of
// op.Overwrites (subjects resolved through res) set, replacing any live one for the same
// id. Overwrites of subjects the op does not name are kept as they are, so a deploy never
// drops a moderator's overwrite. Subjects that cannot be resolved are left out.
func MergeOverwrites(g Guild, res wizard.ResourceMap, live []Overwrite, op Op) []Overwrite {
	return mergeOverwrites(&g, res.Roles, live, op)
}

func mergeOverwrites(g *Guild, roles map[string]string, live []Overwrite, op Op) []Overwrite {
	want := op.Overwrites
	remove := map[string]bool{}
	for _, id := range op.RemoveOverwrites {
		remove[id] = true
	}
	if op.Kind == OpSetOverwrite {
		want = nil
		for _, o := range op.Overwrites {
			if o.Subject == op.Subject {
				want = append(want, o)
			}
		}
		if len(want) == 0 { // set_overwrite with no value clears that subject
			if t, ok := resolveSubject(g, roles, op.Subject); ok {
				remove[t.id] = true
			}
		}
	}
	set := map[string]Overwrite{}
	var order []string
	for _, o := range want {
		t, ok := resolveSubject(g, roles, o.Subject)
		if !ok {
			continue
		}
		if _, dup := set[t.id]; !dup {
			order = append(order, t.id)
		}
		set[t.id] = Overwrite{ID: t.id, Type: t.typ, Allow: o.Allow, Deny: o.Deny}
	}
	out := make([]Overwrite, 0, len(live)+len(order))
	for _, o := range live {
		if remove[o.ID] {
			continue
		}
		if w, ok := set[o.ID]; ok {
			out = append(out, w)
			delete(set, o.ID)
			continue
		}
		out = append(out, o)
	}
	for _, id := range order {
		if w, ok := set[id]; ok {
			out = append(out, w)
		}
	}
	return out
}

// managedLabel names a live overwrite's subject when drift manages it.
func (m *matching) managedLabel(o Overwrite) (string, bool) {
	if o.ID == "" {
		return "", false
	}
	if o.Type == OverwriteMember {
		if o.ID == m.g.BotUserID {
			if m.g.BotRoleID == "" {
				return wizard.SubjectBot, true
			}
			return "@bot-user", true
		}
		return "", false
	}
	switch {
	case o.ID == m.g.ID:
		return wizard.SubjectEveryone, true
	case o.ID == m.g.BotRoleID:
		return wizard.SubjectBot, true
	}
	if t := m.roleTier[o.ID]; t != "" {
		return t, true
	}
	if k := m.extraRole[o.ID]; k != "" {
		return k, true
	}
	return "", false
}

// fieldDiff is one differing field of a managed role or channel.
type fieldDiff struct {
	field    string
	severity Severity
	expected string
	actual   string
}

// overwriteDiffs compares a channel's overwrites on managed subjects with what the
// manifest wants. In plan mode a tier whose role the plan will create counts as a
// subject that is due (its overwrite is missing); in compare mode it is left to
// role_missing. want is the desired overwrite list the plan should write (subjects that
// can be resolved now or after the plan's creates); remove lists live overwrite ids on
// managed subjects that should go.
func (m *matching) overwriteDiffs(c wizard.Channel, live *Channel, plan bool) (diffs []fieldDiff, want []wizard.Overwrite, remove []string) {
	exp := m.desired.ChannelOverwrites(c)
	// Overwrite lists are short (a dozen at most), so scans beat maps here.
	var buf [16]target
	expected := buf[:0]
	if plan {
		want = make([]wizard.Overwrite, 0, len(exp))
	}
	var liveOws []Overwrite
	if live != nil {
		liveOws = live.Overwrites
	}
	adopted := m.isAdoptedChannel(c, live)
	for _, o := range exp {
		t, ok := resolveSubject(m.g, m.tierRole, o.Subject)
		if !ok {
			if !plan || !m.creatable(o.Subject) {
				continue
			}
			want = append(want, o)
			diffs = append(diffs, fieldDiff{"overwrite:" + o.Subject, SeverityWarning, renderAllowDeny(o.Allow, o.Deny), "none"})
			continue
		}
		expected = append(expected, t)
		got, present := findOverwrite(liveOws, t)
		if adopted {
			// The admin's channel: what already gives the access needed is enough, and a
			// write only adds the missing bits to what is there.
			if present && grants(got, o) {
				if plan {
					want = append(want, wizard.Overwrite{Subject: o.Subject, Allow: got.Allow, Deny: got.Deny})
				}
				continue
			}
			// The bot needs access, not an overwrite of its own: its role's permissions
			// with the channel's overwrites — as they will be after this write — may
			// already give it (DESIGN §5).
			if o.Subject == wizard.SubjectBot && o.Deny == 0 && botHasAccess(m.g, m.adoptedAfter(live, exp), o.Allow) {
				if plan && present {
					want = append(want, wizard.Overwrite{Subject: o.Subject, Allow: got.Allow, Deny: got.Deny})
				}
				continue
			}
			w := o
			if present {
				w.Allow = (got.Allow | o.Allow) &^ o.Deny
				w.Deny = (got.Deny | o.Deny) &^ o.Allow
			}
			if plan {
				want = append(want, w)
			}
			actual := "none"
			if present {
				actual = renderAllowDeny(got.Allow, got.Deny)
			}
			diffs = append(diffs, fieldDiff{"overwrite:" + o.Subject, SeverityWarning, renderAllowDeny(w.Allow, w.Deny), actual})
			continue
		}
		if plan {
			want = append(want, o)
		}
		switch {
		case !present:
			diffs = append(diffs, fieldDiff{"overwrite:" + o.Subject, SeverityWarning, renderAllowDeny(o.Allow, o.Deny), "none"})
		case got.Allow != o.Allow || got.Deny != o.Deny:
			diffs = append(diffs, fieldDiff{"overwrite:" + o.Subject, SeverityWarning, renderAllowDeny(o.Allow, o.Deny), renderAllowDeny(got.Allow, got.Deny)})
		}
	}
	if live != nil && !adopted { // an adopted channel's other overwrites are the admin's
		for _, o := range live.Overwrites {
			label, managed := m.managedLabel(o)
			if !managed || containsTarget(expected, target{o.ID, o.Type}) {
				continue
			}
			diffs = append(diffs, fieldDiff{"overwrite:" + label, SeverityWarning, "none", renderAllowDeny(o.Allow, o.Deny)})
			remove = append(remove, o.ID)
		}
	}
	return diffs, want, remove
}

// adoptedAfter is an adopted channel as a write would leave it: each expected overwrite
// but the bot's added to what is there (existing grants kept, missing bits added).
func (m *matching) adoptedAfter(live *Channel, exp []wizard.Overwrite) *Channel {
	sim := *live
	sim.Overwrites = append([]Overwrite(nil), live.Overwrites...)
	for _, o := range exp {
		if o.Subject == wizard.SubjectBot {
			continue
		}
		t, ok := resolveSubject(m.g, m.tierRole, o.Subject)
		if !ok {
			continue
		}
		got, present := findOverwrite(sim.Overwrites, t)
		w := Overwrite{ID: t.id, Type: t.typ, Allow: o.Allow, Deny: o.Deny}
		if present {
			w.Allow = (got.Allow | o.Allow) &^ o.Deny
			w.Deny = (got.Deny | o.Deny) &^ o.Allow
			for i := range sim.Overwrites {
				if sim.Overwrites[i].ID == t.id && sim.Overwrites[i].Type == t.typ {
					sim.Overwrites[i] = w
				}
			}
			continue
		}
		sim.Overwrites = append(sim.Overwrites, w)
	}
	return &sim
}

// grants reports whether a live overwrite already gives what o asks for: every bit o
// allows is allowed (not denied), every bit o denies is denied (not allowed).
func grants(got Overwrite, o wizard.Overwrite) bool {
	return got.Allow&o.Allow == o.Allow && got.Deny&o.Deny == o.Deny &&
		got.Deny&o.Allow == 0 && got.Allow&o.Deny == 0
}

func findOverwrite(ows []Overwrite, t target) (Overwrite, bool) {
	for _, o := range ows {
		if o.ID == t.id && o.Type == t.typ {
			return o, true
		}
	}
	return Overwrite{}, false
}

func containsTarget(ts []target, t target) bool {
	for _, x := range ts {
		if x == t {
			return true
		}
	}
	return false
}

// creatable reports whether subject is a tier whose role a plan will create.
func (m *matching) creatable(subject string) bool {
	i, ok := m.tierIdx[subject]
	if !ok {
		return false
	}
	t := m.desired.Tiers[i]
	return t.Role.Adopt == "" && m.tierRole[t.ID] == ""
}

// ExpectedOverwrites is what the manifest channel with this key should carry in actual,
// subjects resolved to live ids through the same matching Compare uses. A tier whose
// role does not exist yet is left out. Nil when the key is not in the manifest.
func ExpectedOverwrites(desired *wizard.Manifest, shadow *Shadow, actual Guild, key string) []Overwrite {
	m := newMatching(desired, shadow, &actual)
	i := m.desiredChannel(key)
	if i < 0 {
		return nil
	}
	var out []Overwrite
	for _, o := range m.desired.ChannelOverwrites(m.desired.Channels[i]) {
		if t, ok := resolveSubject(m.g, m.tierRole, o.Subject); ok {
			out = append(out, Overwrite{ID: t.id, Type: t.typ, Allow: o.Allow, Deny: o.Deny})
		}
	}
	return out
}

func renderAllowDeny(allow, deny int64) string {
	return "allow " + strconv.FormatInt(allow, 10) + ", deny " + strconv.FormatInt(deny, 10)
}
