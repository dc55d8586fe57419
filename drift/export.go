package drift

import (
	"fmt"
	"sort"
	"strings"

	"github.com/arrakis-bot/arrakis/wizard"
)

// Export describes a server as it is, as a manifest that adopts what the admin chose by
// id: the roles that become tiers, and the categories and channels to manage. Deploying
// it as it stands makes no writes (DESIGN §2 "start from the server as it is"). It has a
// layout but no chains, assets or rules: deployable, not complete.

// ExportOptions says what to bring under management.
type ExportOptions struct {
	Name string // community name; the server's name
	// TierRoles are the ids of the roles that become tiers, lowest tier first.
	TierRoles []string
	// Channels and Categories are the ids to manage (a category brings every channel in
	// it); both empty means every category and channel.
	Channels   []string
	Categories []string
	// Exclude are ids left out of what Channels and Categories choose (a category's id
	// leaves out the category, not the channels in it).
	Exclude []string
	// Threads are the server's active threads (not in its channel list): those in a chosen
	// channel are listed as left out.
	Threads []Channel
	// BotRoleIDs are every role the bot has, to know what it can see; empty means the
	// bot's own role and top role from the Guild.
	BotRoleIDs []string
}

// SkipReason says why a channel of the server is not in the exported manifest.
type SkipReason string

const (
	// SkipType: announcement, forum, stage, media, directory channels and threads; the
	// manifest holds text, voice and categories only.
	SkipType SkipReason = "type"
	// SkipHidden: a private channel the bot cannot see (or manage).
	SkipHidden SkipReason = "hidden"
	// SkipAccess: who can see it cannot be said as "a minimum tier and every higher tier".
	SkipAccess SkipReason = "access"
	// SkipName: its name breaks the manifest's channel-name rules.
	SkipName SkipReason = "name"
)

// Skipped is a channel left out of the export, with what the admin could do about it.
type Skipped struct {
	ID     string      `json:"id"`
	Name   string      `json:"name"`
	Type   ChannelType `json:"type"`
	Reason SkipReason  `json:"reason"`
	// Detail completes the reason: the type's name, or who can see the channel.
	Detail string `json:"detail,omitempty"`
}

// Exported is the manifest and what was left out.
type Exported struct {
	Manifest *wizard.Manifest
	Skipped  []Skipped
}

// ExportError lists every reason the chosen roles or channels cannot be exported.
type ExportError struct{ Problems []string }

func (e *ExportError) Error() string { return strings.Join(e.Problems, " ") }

// ExportManifest builds the manifest of g as it is for opts. It fails only on choices
// that cannot work (a tier role that does not exist, is @everyone, is managed by an
// integration or is not below the bot's highest role; an id that names no channel);
// channels it cannot manage are left out and listed in Skipped.
func ExportManifest(g Guild, opts ExportOptions) (*Exported, error) {
	botRoleIDs := opts.BotRoleIDs
	if len(botRoleIDs) == 0 {
		botRoleIDs = botRoles(&g)
	}
	m := &wizard.Manifest{
		APIVersion:      wizard.APIVersion,
		Community:       wizard.Community{Name: opts.Name, GuildID: g.ID},
		Chains:          []wizard.Chain{},
		Assets:          []wizard.Asset{},
		ChannelTemplate: wizard.TemplateCustom,
		Channels:        []wizard.Channel{},
	}
	tiers, problems := exportTiers(&g, opts.TierRoles)
	m.Tiers = tiers
	chosen, ps := chosenChannels(&g, opts)
	problems = append(problems, ps...)
	for _, id := range opts.Exclude {
		delete(chosen, id)
	}
	if len(problems) > 0 {
		return nil, &ExportError{Problems: problems}
	}
	tierOf := map[string]int{}
	for i, t := range tiers {
		tierOf[t.Role.Adopt] = i
	}
	out := &Exported{Manifest: m}
	keys := map[string]string{} // live category id → manifest key
	for _, c := range exportOrder(&g) {
		if !chosen[c.ID] {
			continue
		}
		if skip, ok := skipChannel(&g, c, botRoleIDs); ok {
			out.Skipped = append(out.Skipped, skip)
			continue
		}
		min, detail, ok := minTier(&g, c, tierOf)
		if !ok {
			out.Skipped = append(out.Skipped, Skipped{ID: c.ID, Name: c.Name, Type: c.Type, Reason: SkipAccess, Detail: detail})
			continue
		}
		ch := wizard.Channel{
			Key: wizard.NewChannelKey(m.Channels), Name: c.Name, Type: manifestType(c.Type),
			Parent: keys[c.ParentID], Adopt: c.ID,
		}
		if ch.Type == wizard.ChannelText {
			ch.Topic = c.Topic
		}
		if min >= 0 {
			ch.MinTier = tiers[min].ID
		}
		if ps := wizard.ValidateChannel(ch); len(ps) > 0 {
			out.Skipped = append(out.Skipped, Skipped{ID: c.ID, Name: c.Name, Type: c.Type, Reason: SkipName, Detail: ps[0].Message})
			continue
		}
		if ch.Type == wizard.ChannelCategory {
			keys[c.ID] = ch.Key
		}
		m.Channels = append(m.Channels, ch)
	}
	for _, th := range opts.Threads {
		if chosen[th.ParentID] {
			out.Skipped = append(out.Skipped, Skipped{ID: th.ID, Name: th.Name, Type: th.Type, Reason: SkipType, Detail: TypeName(th.Type)})
		}
	}
	return out, nil
}

// exportTiers makes one tier per chosen role, lowest first, each adopting its role.
func exportTiers(g *Guild, ids []string) ([]wizard.Tier, []string) {
	var problems []string
	if len(ids) == 0 {
		problems = append(problems, "Choose at least one role to become a tier.")
	}
	if len(ids) > wizard.MaxTiers {
		problems = append(problems, fmt.Sprintf("A community has at most %d tiers; %d roles were chosen.", wizard.MaxTiers, len(ids)))
	}
	byID := map[string]*Role{}
	for i := range g.Roles {
		byID[g.Roles[i].ID] = &g.Roles[i]
	}
	top := byID[g.BotTopRoleID]
	var tiers []wizard.Tier
	seen := map[string]bool{}
	names := map[string]string{}
	for _, id := range ids {
		r := byID[id]
		switch {
		case seen[id]:
			problems = append(problems, fmt.Sprintf("The role %s is chosen twice; each tier needs its own role.", id))
			continue
		case r == nil:
			problems = append(problems, fmt.Sprintf("There is no role with id %s in this server; copy the id again (Server Settings → Roles → right-click the role → Copy Role ID).", id))
			continue
		case id == g.ID:
			problems = append(problems, "@everyone cannot be a tier: every member has it.")
			continue
		case r.Managed:
			problems = append(problems, fmt.Sprintf("The role “%s” belongs to an integration (a bot or a booster role), so it cannot be a tier; choose another role.", r.Name))
			continue
		case top == nil || !roleUnder(r, top):
			problems = append(problems, fmt.Sprintf("The role “%s” is not below the bot's highest role, so the bot cannot manage it; drag the bot's role above it in Server Settings → Roles, or choose another role.", r.Name))
			continue
		}
		seen[id] = true
		if other, dup := names[wizard.NameKey(r.Name)]; dup {
			problems = append(problems, fmt.Sprintf("The roles “%s” and “%s” have the same name; rename one so the tiers can be told apart.", other, r.Name))
			continue
		}
		names[wizard.NameKey(r.Name)] = r.Name
		tiers = append(tiers, wizard.Tier{
			ID: wizard.NewTierID(tiers), Name: r.Name, Rules: []wizard.Rule{},
			Role: wizard.RoleSpec{Name: r.Name, Color: r.Color, Hoist: r.Hoist, Mentionable: r.Mentionable, Permissions: r.Permissions, Adopt: r.ID},
		})
	}
	return tiers, problems
}

// roleUnder reports whether a is below b in the role list (position, then the older role
// above the newer one, as Discord orders ties).
func roleUnder(a, b *Role) bool {
	if a.Position != b.Position {
		return a.Position < b.Position
	}
	return idLess(b.ID, a.ID)
}

// chosenChannels is the set of live channel ids to consider.
func chosenChannels(g *Guild, opts ExportOptions) (map[string]bool, []string) {
	byID := map[string]*Channel{}
	for i := range g.Channels {
		byID[g.Channels[i].ID] = &g.Channels[i]
	}
	chosen := map[string]bool{}
	if len(opts.Channels) == 0 && len(opts.Categories) == 0 {
		for _, c := range g.Channels {
			chosen[c.ID] = true
		}
		return chosen, nil
	}
	var problems []string
	for _, id := range opts.Categories {
		c := byID[id]
		switch {
		case c == nil:
			problems = append(problems, fmt.Sprintf("There is no category with id %s in this server; copy the id again (right-click the category → Copy Channel ID).", id))
		case c.Type != TypeCategory:
			problems = append(problems, fmt.Sprintf("“%s” (%s) is not a category; give it with --channel instead.", c.Name, id))
		default:
			chosen[id] = true
			for _, x := range g.Channels {
				if x.ParentID == id {
					chosen[x.ID] = true
				}
			}
		}
	}
	for _, id := range opts.Channels {
		if byID[id] == nil {
			problems = append(problems, fmt.Sprintf("There is no channel with id %s in this server's channel list (threads are not in it and cannot be managed); copy the id again (right-click the channel → Copy Channel ID).", id))
			continue
		}
		chosen[id] = true
	}
	return chosen, problems
}

// exportOrder lists the channels as Discord shows them: channels outside any category
// first, then each category followed by its channels.
func exportOrder(g *Guild) []*Channel {
	idx := make([]int, len(g.Channels))
	for i := range idx {
		idx[i] = i
	}
	sortChannels(g.Channels, idx)
	var top, cats []*Channel
	children := map[string][]*Channel{}
	isCat := map[string]bool{}
	for _, i := range idx {
		if c := &g.Channels[i]; c.Type == TypeCategory {
			isCat[c.ID] = true
		}
	}
	for _, i := range idx {
		c := &g.Channels[i]
		switch {
		case c.Type == TypeCategory:
			cats = append(cats, c)
		case c.ParentID != "" && isCat[c.ParentID]:
			children[c.ParentID] = append(children[c.ParentID], c)
		default:
			top = append(top, c)
		}
	}
	sort.SliceStable(top, func(i, j int) bool { return top[i].Type == TypeText && top[j].Type != TypeText })
	out := top
	for _, c := range cats {
		out = append(out, c)
		out = append(out, children[c.ID]...)
	}
	return out
}

// skipChannel says whether c cannot be managed at all: a type the manifest cannot hold,
// or a channel the bot cannot see and manage.
func skipChannel(g *Guild, c *Channel, botRoleIDs []string) (Skipped, bool) {
	if !adoptableType(c.Type) {
		return Skipped{ID: c.ID, Name: c.Name, Type: c.Type, Reason: SkipType, Detail: TypeName(c.Type)}, true
	}
	const need = wizard.PermViewChannel | wizard.PermManageChannels
	if ChannelPermissions(g, botRoleIDs, g.BotUserID, c)&need != need {
		return Skipped{ID: c.ID, Name: c.Name, Type: c.Type, Reason: SkipHidden}, true
	}
	return Skipped{}, false
}

// minTier derives a channel's minimum tier from its overwrites: -1 (open) when @everyone
// may see it; tier k when @everyone is denied View Channel and exactly the tier roles from
// k up are allowed it. ok is false, with who can see it, when neither says it.
func minTier(g *Guild, c *Channel, tierOf map[string]int) (int, string, bool) {
	n := len(tierOf)
	allowed := make([]bool, n)
	var denied, others []string
	everyoneDenied := false
	for _, o := range c.Overwrites {
		if o.Type == OverwriteRole && o.ID == g.ID {
			everyoneDenied = o.Deny&wizard.PermViewChannel != 0
			continue
		}
		i, isTier := tierOf[o.ID]
		if o.Type != OverwriteRole || !isTier {
			if o.Allow&wizard.PermViewChannel != 0 && o.ID != g.BotRoleID && o.ID != g.BotUserID {
				others = append(others, overwriteSubjectName(g, o))
			}
			continue
		}
		switch {
		case o.Deny&wizard.PermViewChannel != 0:
			denied = append(denied, roleNameByID(g, o.ID))
		case o.Allow&wizard.PermViewChannel != 0:
			allowed[i] = true
		}
	}
	if !everyoneDenied {
		if len(denied) > 0 {
			return 0, "open to everyone but hidden from the tier role(s) " + quoteJoin(denied), false
		}
		return -1, "", true
	}
	first := -1
	for i, a := range allowed {
		if a {
			first = i
			break
		}
	}
	if first < 0 {
		if len(others) == 0 {
			return 0, "private, and no tier role may see it", false
		}
		return 0, "private to " + quoteJoin(others) + ", and no tier role may see it", false
	}
	for i := first; i < n; i++ {
		if !allowed[i] {
			var names []string
			for j, a := range allowed {
				if a {
					names = append(names, roleNameByIndex(g, tierOf, j))
				}
			}
			return 0, "private to the tier roles " + quoteJoin(names) + ", which are not a lowest tier and every tier above it", false
		}
	}
	return first, "", true
}

func roleNameByID(g *Guild, id string) string {
	for _, r := range g.Roles {
		if r.ID == id {
			return r.Name
		}
	}
	return "role " + id
}

func roleNameByIndex(g *Guild, tierOf map[string]int, i int) string {
	for id, j := range tierOf {
		if j == i {
			return roleNameByID(g, id)
		}
	}
	return ""
}

func overwriteSubjectName(g *Guild, o Overwrite) string {
	if o.Type == OverwriteMember {
		return "member " + o.ID
	}
	return roleNameByID(g, o.ID)
}

func quoteJoin(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = "“" + n + "”"
	}
	return strings.Join(q, ", ")
}

func manifestType(t ChannelType) wizard.ChannelType {
	switch t {
	case TypeVoice:
		return wizard.ChannelVoice
	case TypeCategory:
		return wizard.ChannelCategory
	}
	return wizard.ChannelText
}

// TypeName names a Discord channel type for people.
func TypeName(t ChannelType) string {
	switch t {
	case TypeText:
		return "text channel"
	case TypeVoice:
		return "voice channel"
	case TypeCategory:
		return "category"
	case 5:
		return "announcement channel"
	case 10, 11, 12:
		return "thread"
	case 13:
		return "stage channel"
	case 14:
		return "directory channel"
	case 15:
		return "forum channel"
	case 16:
		return "media channel"
	}
	return fmt.Sprintf("channel of type %d", int(t))
}
