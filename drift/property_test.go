package drift

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/arrakis-bot/arrakis/wizard"
)

// The property test builds random manifests, shadows and guilds, then checks that
// Apply(Plan) leaves nothing to report and nothing to plan. Pools are small on purpose so
// that names collide: admin roles named like tiers, channels named alike.

var (
	tierPool = []string{"Bronze", "Silver", "Gold", "Platinum", "Diamond", "Ruby", "Emerald",
		"Sapphire", "Onyx", "Pearl", "Jade", "Amber", "Opal", "Topaz"}
	chanNames = []string{"chat", "news", "vip", "lounge", "alpha", "beta", "gamma", "trading",
		"memes", "alerts", "stage", "welcome"}
	adminNames = []string{"Admin", "Moderator", "Helper", "Muted", "Gold", "silver", "Whale"}
	colors     = []int{0, 0x111111, 0xFFD700, 0xC0C0C0}
	perms      = []int64{0, 1024, 2048, 1024 | 2048}
)

type gen struct {
	r  *rand.Rand
	id int
}

func (g *gen) newID() string { g.id++; return strconv.Itoa(2_000_000_000 + g.id) }

func (g *gen) chance(p float64) bool { return g.r.Float64() < p }

// randGuild is a guild the bot has just joined: @everyone, the bot's role, an integration
// role, some admin roles and channels.
func (g *gen) randGuild() Guild {
	gd := Guild{ID: "100", BotRoleID: "101", BotUserID: "102",
		Roles: []Role{{ID: "100", Name: "@everyone"}, {ID: "101", Name: "Arrakis", Managed: true, Position: 50},
			{ID: "103", Name: "Gold", Managed: true, Position: 2}}}
	for i, n := 0, g.r.IntN(6); i < n; i++ {
		gd.Roles = append(gd.Roles, Role{ID: g.newID(), Name: adminNames[g.r.IntN(len(adminNames))],
			Position: 1 + g.r.IntN(40), Color: colors[g.r.IntN(len(colors))]})
	}
	var cats []string
	for i, n := 0, g.r.IntN(6); i < n; i++ {
		c := Channel{ID: g.newID(), Name: chanNames[g.r.IntN(len(chanNames))], Position: g.r.IntN(9)}
		switch g.r.IntN(3) {
		case 0:
			c.Type = TypeCategory
			c.Name = strings.ToUpper(c.Name)
			cats = append(cats, c.ID)
		case 1:
			c.Type = TypeVoice
		}
		if c.Type != TypeCategory && len(cats) > 0 && g.chance(0.5) {
			c.ParentID = cats[g.r.IntN(len(cats))]
		}
		gd.Channels = append(gd.Channels, c)
	}
	return gd
}

// randManifest: 1–10 tiers, 0–40 channels of which up to 4 categories. Some tiers adopt
// an admin role of gd.
func (g *gen) randManifest(gd Guild) *wizard.Manifest {
	m := &wizard.Manifest{APIVersion: wizard.APIVersion, Community: wizard.Community{Name: "Test", GuildID: gd.ID},
		ChannelTemplate: wizard.TemplateCustom}
	nt := 1 + g.r.IntN(10)
	names := g.r.Perm(len(tierPool))
	ids := g.r.Perm(14)
	adoptable := []string{}
	for _, r := range gd.Roles {
		if !r.Managed && r.ID != gd.ID {
			adoptable = append(adoptable, r.ID)
		}
	}
	for i := 0; i < nt; i++ {
		name := tierPool[names[i]]
		if g.chance(0.2) {
			name = strings.ToLower(name)
		}
		spec := wizard.RoleSpec{Name: name, Color: colors[g.r.IntN(len(colors))], Hoist: g.chance(0.5),
			Mentionable: g.chance(0.3), Permissions: perms[g.r.IntN(len(perms))]}
		if len(adoptable) > 0 && g.chance(0.1) {
			k := g.r.IntN(len(adoptable))
			spec = wizard.RoleSpec{Name: "adopted", Adopt: adoptable[k]}
			adoptable = append(adoptable[:k], adoptable[k+1:]...)
		}
		m.Tiers = append(m.Tiers, wizard.Tier{ID: "t" + strconv.Itoa(ids[i]+1), Name: name, Role: spec})
	}
	ncat := g.r.IntN(5)
	nch := g.r.IntN(41 - ncat)
	var cats []string
	for i, k := range g.r.Perm(6)[:ncat] {
		key := "cat" + strconv.Itoa(k)
		cats = append(cats, key)
		m.Channels = append(m.Channels, wizard.Channel{Key: key, Name: strings.ToUpper(chanNames[(k+i)%len(chanNames)]), Type: wizard.ChannelCategory})
	}
	for _, k := range g.r.Perm(50)[:nch] {
		c := g.randChannel(m, k, cats)
		m.Channels = append(m.Channels, c)
	}
	g.r.Shuffle(len(m.Channels), func(i, j int) { m.Channels[i], m.Channels[j] = m.Channels[j], m.Channels[i] })
	return m
}

// randChannel makes channel number k; its type is fixed by k so that a key never changes
// type between versions of a manifest.
func (g *gen) randChannel(m *wizard.Manifest, k int, cats []string) wizard.Channel {
	c := wizard.Channel{Key: "ch" + strconv.Itoa(k), Name: chanNames[g.r.IntN(len(chanNames))], Type: wizard.ChannelText}
	if k%4 == 0 {
		c.Type = wizard.ChannelVoice
	} else {
		c.Topic = []string{"", "hello", "rules"}[g.r.IntN(3)]
	}
	if len(cats) > 0 && g.chance(0.7) {
		c.Parent = cats[g.r.IntN(len(cats))]
	}
	if g.chance(0.6) {
		c.MinTier = m.Tiers[g.r.IntN(len(m.Tiers))].ID
	}
	return c
}

// stale derives the manifest that was deployed before desired: some tiers and channels
// differ, some are gone, some are new.
func (g *gen) stale(t testing.TB, d *wizard.Manifest) *wizard.Manifest {
	m := cloneManifest(t, d)
	m.Community.Name = "Older"
	if len(m.Tiers) > 1 && g.chance(0.4) {
		k := g.r.IntN(len(m.Tiers))
		m.Tiers = append(m.Tiers[:k], m.Tiers[k+1:]...)
	}
	if g.chance(0.5) && len(m.Tiers) < 10 {
		used := map[string]bool{}
		for _, t := range m.Tiers {
			used[t.ID] = true
			used[strings.ToLower(t.Role.Name)] = true
		}
		for _, n := range g.r.Perm(len(tierPool)) {
			id := "t" + strconv.Itoa(20+n)
			if !used[id] && !used[strings.ToLower(tierPool[n])] {
				m.Tiers = append(m.Tiers, wizard.Tier{ID: id, Name: tierPool[n], Role: wizard.RoleSpec{Name: tierPool[n], Color: 0x111111}})
				break
			}
		}
	}
	for i := range m.Tiers {
		if m.Tiers[i].Role.Adopt == "" && g.chance(0.2) {
			m.Tiers[i].Role.Color = colors[g.r.IntN(len(colors))]
		}
	}
	tiers := map[string]bool{}
	for _, t := range m.Tiers {
		tiers[t.ID] = true
	}
	var cats []string
	var chans []wizard.Channel
	for _, c := range m.Channels {
		if g.chance(0.15) {
			continue
		}
		if c.Type == wizard.ChannelCategory {
			cats = append(cats, c.Key)
		}
		chans = append(chans, c)
	}
	for i := range chans {
		c := &chans[i]
		if !tiers[c.MinTier] {
			c.MinTier = ""
		}
		if g.chance(0.1) && c.Type == wizard.ChannelText {
			c.Topic = "old topic"
		}
		if g.chance(0.1) && len(m.Tiers) > 0 {
			c.MinTier = m.Tiers[g.r.IntN(len(m.Tiers))].ID
		}
	}
	for i, n := 0, g.r.IntN(4); i < n; i++ {
		chans = append(chans, g.randChannel(m, 50+g.r.IntN(30), cats))
	}
	m.Channels = dedupeKeys(chans)
	return m
}

func dedupeKeys(cs []wizard.Channel) []wizard.Channel {
	seen := map[string]bool{}
	out := cs[:0]
	for _, c := range cs {
		if !seen[c.Key] {
			seen[c.Key] = true
			out = append(out, c)
		}
	}
	return out
}

// subset keeps each op with probability p (a deploy that stopped part-way, or failed
// writes).
func (g *gen) subset(ops []Op, p float64) []Op {
	var out []Op
	for _, op := range ops {
		if g.chance(p) {
			out = append(out, op)
		}
	}
	return out
}

// mutate is what admins and Discord do to a guild between deploys. Adopted roles in
// keep are never deleted (no plan can bring them back; see TestDriftAdoptedRole).
func (g *gen) mutate(gd *Guild, keep map[string]bool) {
	randRole := func() *Role {
		if len(gd.Roles) == 0 {
			return nil
		}
		r := &gd.Roles[g.r.IntN(len(gd.Roles))]
		if r.ID == gd.ID {
			return nil
		}
		return r
	}
	randChan := func() *Channel {
		if len(gd.Channels) == 0 {
			return nil
		}
		return &gd.Channels[g.r.IntN(len(gd.Channels))]
	}
	subject := func() Overwrite {
		switch g.r.IntN(5) {
		case 0:
			return Overwrite{ID: gd.ID}
		case 1:
			return Overwrite{ID: gd.BotRoleID}
		case 2:
			return Overwrite{ID: gd.BotUserID, Type: OverwriteMember}
		case 3:
			return Overwrite{ID: g.newID(), Type: OverwriteMember}
		}
		if r := randRole(); r != nil {
			return Overwrite{ID: r.ID}
		}
		return Overwrite{ID: gd.ID}
	}
	for i, n := 0, g.r.IntN(9); i < n; i++ {
		switch g.r.IntN(15) {
		case 0:
			if r := randRole(); r != nil {
				r.Name = tierPool[g.r.IntN(len(tierPool))] + "?"
			}
		case 1:
			if r := randRole(); r != nil {
				r.Color = colors[g.r.IntN(len(colors))]
			}
		case 2:
			if r := randRole(); r != nil && r.ID != gd.BotRoleID && !keep[r.ID] {
				id := r.ID
				ng, _ := Apply(*gd, []Op{{Kind: OpDeleteRole, ID: id}}, wizard.NewResourceMap(), g.newID)
				*gd = ng
			}
		case 3:
			if c := randChan(); c != nil {
				ng, _ := Apply(*gd, []Op{{Kind: OpDeleteChannel, ID: c.ID}}, wizard.NewResourceMap(), g.newID)
				*gd = ng
			}
		case 4, 5:
			if c := randChan(); c != nil {
				o := subject()
				if g.chance(0.3) {
					dropOverwrite(c, o.ID)
				} else {
					o.Allow, o.Deny = perms[g.r.IntN(len(perms))], perms[g.r.IntN(len(perms))]&^o.Allow
					setOverwrite(c, o)
				}
			}
		case 6:
			gd.Roles = append(gd.Roles, Role{ID: g.newID(), Name: adminNames[g.r.IntN(len(adminNames))], Position: g.r.IntN(30)})
		case 7:
			c := Channel{ID: g.newID(), Name: chanNames[g.r.IntN(len(chanNames))], Position: g.r.IntN(30)}
			if p := randChan(); p != nil && p.Type == TypeCategory {
				c.ParentID = p.ID
			}
			gd.Channels = append(gd.Channels, c)
		case 8:
			for i := range gd.Roles {
				if gd.Roles[i].ID != gd.ID {
					gd.Roles[i].Position = g.r.IntN(len(gd.Roles) + 3)
				}
			}
		case 9:
			for i := range gd.Channels {
				gd.Channels[i].Position = g.r.IntN(len(gd.Channels) + 3)
			}
		case 10:
			shift := 1 + g.r.IntN(100)
			for i := range gd.Roles {
				if gd.Roles[i].ID != gd.ID {
					gd.Roles[i].Position = gd.Roles[i].Position*3 + shift
				}
			}
			for i := range gd.Channels {
				gd.Channels[i].Position += shift
			}
		case 11:
			if c := randChan(); c != nil && c.Type == TypeText {
				c.Type = 5
			}
		case 12:
			if c := randChan(); c != nil && c.Type != TypeCategory {
				c.ParentID = ""
				if p := randChan(); p != nil && p.Type == TypeCategory {
					c.ParentID = p.ID
				}
			}
		case 13:
			if c := randChan(); c != nil {
				c.Topic = "changed"
				c.Name += "x"
			}
		case 14:
			if r := randRole(); r != nil {
				r.Hoist, r.Mentionable, r.Permissions = !r.Hoist, !r.Mentionable, perms[g.r.IntN(len(perms))]
			}
		}
	}
}

type propCase struct {
	desired *wizard.Manifest
	shadow  *Shadow
	actual  Guild
	prune   bool
	mode    string
}

func (g *gen) randCase(t testing.TB) propCase {
	base := g.randGuild()
	desired := g.randManifest(base)
	keep := map[string]bool{}
	for _, tr := range desired.Tiers {
		if tr.Role.Adopt != "" {
			keep[tr.Role.Adopt] = true
		}
	}
	pc := propCase{desired: desired, prune: g.chance(0.5)}
	actual := base
	switch g.r.IntN(3) {
	case 0:
		pc.mode = "absent"
		if g.chance(0.5) { // a first deploy that stopped part-way
			actual, _ = Apply(base, g.subset(Plan(desired, nil, base, Options{}), 0.7), Resources(desired, nil, base), g.newID)
		}
	case 1, 2:
		prev := desired
		pc.mode = "equal"
		if g.chance(0.6) {
			prev, pc.mode = g.stale(t, desired), "stale"
		}
		p := 1.0
		if g.chance(0.3) {
			p = 0.8
		}
		var res wizard.ResourceMap
		actual, res = Apply(base, g.subset(Plan(prev, nil, base, Options{}), p), Resources(prev, nil, base), g.newID)
		pc.shadow = &Shadow{Manifest: cloneManifest(t, prev), Resources: res}
	}
	g.mutate(&actual, keep)
	pc.actual = actual
	return pc
}

// TestDriftProperty: for 2,000 random cases, Apply(Plan) leaves a guild where Compare
// against the updated shadow reports nothing (without prune: only the extras, which it
// keeps tracking), a second Plan is empty, no delete is planned without prune, no role
// is deleted and recreated, and pruning afterwards leaves no extra.
func TestDriftProperty(t *testing.T) {
	const cases = 2000
	g := &gen{r: rand.New(rand.NewPCG(20261126, 7))}
	counts := map[string]int{}
	for i := 0; i < cases; i++ {
		pc := g.randCase(t)
		if err := checkCase(pc, g.newID); err != nil {
			t.Fatalf("case %d (%s, prune=%v): %v", i, pc.mode, pc.prune, err)
		}
		counts[pc.mode]++
		for _, it := range Compare(pc.desired, pc.shadow, pc.actual).Items {
			counts[string(it.Type)]++
		}
	}
	// The generator must actually produce every kind of drift, or the property is hollow.
	for _, k := range []string{"absent", "equal", "stale", string(RoleMissing), string(RoleExtra), string(RoleMismatch),
		string(ChannelMissing), string(ChannelExtra), string(ChannelMismatch), string(ConfigMismatch)} {
		if counts[k] < 20 {
			t.Errorf("generator produced %q only %d times", k, counts[k])
		}
	}
	t.Logf("coverage: %v", counts)
}

func checkCase(pc propCase, newID func() string) error {
	d, sh, actual := pc.desired, pc.shadow, pc.actual
	res := Resources(d, sh, actual)
	ops := Plan(d, sh, actual, Options{Prune: pc.prune})
	created := map[string]bool{}
	for _, op := range ops {
		if op.Kind == OpCreateRole {
			created[op.Key] = true
		}
	}
	managed := map[string]bool{}
	for _, id := range res.Roles {
		managed[id] = true
	}
	for _, id := range res.Channels {
		managed[id] = true
	}
	for _, op := range ops {
		if !pc.prune && (op.Kind == OpDeleteRole || op.Kind == OpDeleteChannel) {
			return fmt.Errorf("delete without prune: %s", Describe(op))
		}
		if op.Kind == OpDeleteRole && created[strings.SplitN(op.Key, "~", 2)[0]] {
			return fmt.Errorf("role %q deleted and recreated", op.Name)
		}
		if op.ID != "" && !managed[op.ID] {
			return fmt.Errorf("op on an unmanaged resource: %s", Describe(op))
		}
		if isDeleteOp(op) && res.IsAdopted(op.ID) {
			return fmt.Errorf("prune deletes an adopted resource: %s", Describe(op))
		}
		if Describe(op) == "" {
			return fmt.Errorf("empty description for %+v", op)
		}
	}
	rev := cloneGuild(actual) // the order the guild was read in must not matter
	slices.Reverse(rev.Roles)
	slices.Reverse(rev.Channels)
	if again := Plan(d, sh, rev, Options{Prune: pc.prune}); !reflect.DeepEqual(again, ops) {
		return fmt.Errorf("plan depends on the guild's read order:%v\nvs%v", describeAll(again), describeAll(ops))
	}
	if a, b := Compare(d, sh, rev), Compare(d, sh, actual); !reflect.DeepEqual(a, b) {
		return fmt.Errorf("report depends on the guild's read order")
	}
	after, res2 := Apply(actual, ops, res, newID)
	sh2 := &Shadow{Manifest: d, Resources: res2}
	for _, it := range Compare(d, sh2, after).Items {
		if pc.prune || (it.Type != RoleExtra && it.Type != ChannelExtra) {
			return fmt.Errorf("after apply: %+v\nops: %v", it, describeAll(ops))
		}
	}
	if again := Plan(d, sh2, after, Options{}); len(again) != 0 {
		return fmt.Errorf("second plan not empty: %v\nfirst: %v", describeAll(again), describeAll(ops))
	}
	if sh != nil && sh.Manifest != nil {
		// Against the old shadow the only news may be that it is old.
		for _, it := range Compare(d, &Shadow{Manifest: sh.Manifest, Resources: res2}, after).Items {
			if it.Type != ConfigMismatch && (pc.prune || (it.Type != RoleExtra && it.Type != ChannelExtra)) {
				return fmt.Errorf("after apply, old shadow: %+v", it)
			}
		}
	}
	if !pc.prune {
		pruneOps := Plan(d, sh2, after, Options{Prune: true})
		final, res3 := Apply(after, pruneOps, res2, newID)
		if rep := Compare(d, &Shadow{Manifest: d, Resources: res3}, final); !rep.Empty() {
			return fmt.Errorf("after a later prune: %+v", rep.Items)
		}
		for _, op := range pruneOps {
			if op.Kind != OpDeleteRole && op.Kind != OpDeleteChannel {
				return fmt.Errorf("a later prune does more than delete: %s", Describe(op))
			}
		}
	}
	return nil
}

func isDeleteOp(op Op) bool { return op.Kind == OpDeleteRole || op.Kind == OpDeleteChannel }

func describeAll(ops []Op) string {
	var b strings.Builder
	for _, op := range ops {
		b.WriteString("\n  " + Describe(op))
	}
	return b.String()
}
