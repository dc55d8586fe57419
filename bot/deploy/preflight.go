package deploy

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/arrakis-bot/arrakis/drift"
	"github.com/arrakis-bot/arrakis/wizard"
)

// Discord's hard limits that a plan is checked against, counting what exists.
const (
	maxRoles              = 250
	maxChannels           = 500
	maxChannelsInCategory = 50
	// roleBudgetWindow is the window of Discord's undocumented role-creation limit.
	roleBudgetWindow = 48 * time.Hour
)

// permissionNames words the permissions preflight asks for, in the names Server Settings uses.
var permissionNames = []struct {
	bit  int64
	name string
}{
	{discordgo.PermissionManageRoles, "Manage Roles"},
	{discordgo.PermissionManageChannels, "Manage Channels"},
	{discordgo.PermissionViewChannel, "View Channels"},
	{discordgo.PermissionSendMessages, "Send Messages"},
	{discordgo.PermissionEmbedLinks, "Embed Links"},
	{discordgo.PermissionReadMessageHistory, "Read Message History"},
	{discordgo.PermissionVoiceConnect, "Connect"},
	{discordgo.PermissionVoiceSpeak, "Speak"},
	{discordgo.PermissionManageGuild, "Manage Server"},
	{discordgo.PermissionManageMessages, "Manage Messages"},
	{discordgo.PermissionMentionEveryone, "Mention Everyone"},
	{discordgo.PermissionEmbedLinks, "Embed Links"},
	{discordgo.PermissionAdministrator, "Administrator"},
}

// permissionNoun is "permission" or "permissions", as many as bits names.
func permissionNoun(bits int64) string {
	n := 0
	for ; bits != 0; bits &= bits - 1 {
		n++
	}
	if n == 1 {
		return "permission"
	}
	return "permissions"
}

func permissionList(bits int64) string {
	var names []string
	for _, p := range permissionNames {
		if bits&p.bit != 0 {
			names = append(names, p.name)
			bits &^= p.bit
		}
	}
	for b := 0; b < 63 && bits != 0; b++ {
		if bits&(1<<b) != 0 {
			names = append(names, "permission bit "+strconv.Itoa(b))
			bits &^= 1 << b
		}
	}
	return strings.Join(names, ", ")
}

// preflight checks a plan against the live guild before any write and returns every
// problem as a sentence that names the fix. An empty plan needs nothing.
//
// Adopted roles and channels are checked even when the plan is empty: one that is gone
// (or a channel of a type Arrakis cannot manage) fails the deploy before anything is
// written, instead of ending in a success message for a layout that is not there.
func (s *Service) preflight(l *live, m *wizard.Manifest, ops []drift.Op, res wizard.ResourceMap) []string {
	problems := adoptProblems(l, m)
	if len(ops) == 0 {
		return problems
	}
	bot := s.cfg.BotName

	// Permissions: the three a deploy always needs, and every one the plan grants (Discord
	// lets a member grant only what it has).
	need := basePermissions
	if missing := need &^ l.BotPerms; !l.hasPerm(need) {
		problems = append(problems, fmt.Sprintf("%s needs the %s %s; give its role %s in Server Settings → Roles and %s.",
			bot, permissionList(missing), permissionNoun(missing), permissionList(missing), s.cfg.Rerun))
	}
	var grants int64
	for _, op := range ops {
		for _, ow := range op.Overwrites {
			grants |= ow.Allow | ow.Deny
		}
		if op.Role != nil {
			grants |= op.Role.Permissions
		}
	}
	if missing := grants &^ (l.BotPerms | need); grants != 0 && !l.hasPerm(grants) && missing != 0 {
		problems = append(problems, fmt.Sprintf("The channels and roles of this plan use permissions %s does not have (%s); give its role those permissions in Server Settings → Roles and %s.",
			bot, permissionList(missing), s.cfg.Rerun))
	}

	// Hierarchy: the bot can edit, move or delete only roles below its top role.
	touched := map[string]bool{}
	for _, op := range ops {
		switch op.Kind {
		case drift.OpUpdateRole, drift.OpDeleteRole:
			if id := op.ID; id != "" {
				touched[id] = true
			} else if id := res.Roles[op.Key]; id != "" {
				touched[id] = true
			}
		case drift.OpReorderRoles:
			for _, key := range op.Order {
				if id := res.Roles[key]; id != "" {
					touched[id] = true
				}
			}
		}
	}
	for _, t := range m.Tiers {
		if t.Role.Adopt != "" {
			touched[t.Role.Adopt] = true
		}
	}
	var above []string
	for id := range touched {
		if !l.above(id) {
			above = append(above, id)
		}
	}
	sort.Slice(above, func(i, j int) bool { return snowflakeLess(above[i], above[j]) })
	for _, id := range above {
		problems = append(problems, fmt.Sprintf("%s's role must be above “%s” in Server Settings → Roles; drag it higher and %s.",
			bot, l.roleByID[id].Name, s.cfg.Rerun))
	}
	if l.BotTopRole == nil {
		problems = append(problems, fmt.Sprintf("%s has no role in this server, so it cannot manage roles; invite it again with Manage Roles and Manage Channels and %s.", bot, s.cfg.Rerun))
	}

	// Hard limits, counting what exists.
	roleCreates, roleDeletes, chanCreates, chanDeletes := 0, 0, 0, 0
	perCategory := map[string]int{} // category id or key → channels planned into it
	for _, c := range l.Guild.Channels {
		if c.ParentID != "" {
			perCategory[c.ParentID]++
		}
	}
	for _, op := range ops {
		switch op.Kind {
		case drift.OpCreateRole:
			roleCreates++
		case drift.OpDeleteRole:
			roleDeletes++
		case drift.OpCreateChannel:
			chanCreates++
			if op.Channel != nil && op.Channel.Parent != "" {
				parent := op.Channel.Parent
				if id := res.Channels[parent]; id != "" {
					parent = id
				}
				perCategory[parent]++
			}
		case drift.OpDeleteChannel:
			chanDeletes++
		}
	}
	if n := len(l.Guild.Roles) + roleCreates - roleDeletes; roleCreates > 0 && n > maxRoles {
		problems = append(problems, fmt.Sprintf("This plan would give the server %d roles, over Discord's limit of %d; delete %d unused roles (or use fewer tiers) and %s.",
			n, maxRoles, n-maxRoles, s.cfg.Rerun))
	}
	if n := len(l.Guild.Channels) + chanCreates - chanDeletes; chanCreates > 0 && n > maxChannels {
		problems = append(problems, fmt.Sprintf("This plan would give the server %d channels, over Discord's limit of %d; delete %d unused channels (or choose fewer) and %s.",
			n, maxChannels, n-maxChannels, s.cfg.Rerun))
	}
	var full []string
	for parent, n := range perCategory {
		if n > maxChannelsInCategory {
			full = append(full, parent)
		}
	}
	sort.Strings(full)
	for _, parent := range full {
		name := parent
		if c, ok := l.channelByID[parent]; ok {
			name = c.Name
		} else if ch := channelByKey(m, parent); ch != nil {
			name = ch.Name
		}
		problems = append(problems, fmt.Sprintf("The category “%s” would hold %d channels, over Discord's limit of %d; move some channels out and %s.",
			name, perCategory[parent], maxChannelsInCategory, s.cfg.Rerun))
	}

	// The role-creation budget: roles made in the last 48 hours (their ids carry their
	// creation time) plus the ones this plan makes. A plan never deletes and recreates a
	// role, which is what burns through the budget.
	if roleCreates > 0 {
		recent := 0
		since := s.cfg.Now().Add(-roleBudgetWindow)
		for _, r := range l.Guild.Roles {
			if t, ok := snowflakeTime(r.ID); ok && t.After(since) {
				recent++
			}
		}
		if recent+roleCreates > s.cfg.RoleCreateBudget {
			problems = append(problems, fmt.Sprintf("Discord limits how many roles a server can create in 48 hours, and %d were made recently; this plan needs %d more. Wait a day (or adopt existing roles for some tiers) and %s.",
				recent, roleCreates, s.cfg.Rerun))
		}
	}
	problems = append(problems, typeProblems(l, ops, s.cfg.Rerun)...)

	created := map[string]bool{}
	for _, op := range ops {
		if op.Kind == drift.OpCreateRole {
			created[op.Key] = true
		}
	}
	for _, op := range ops {
		if op.Kind == drift.OpDeleteRole && op.Key != "" && created[op.Key] {
			problems = append(problems, fmt.Sprintf("This plan would delete and recreate the role “%s”; that is never done (members would lose it). Report this to the operator.", op.Name))
		}
	}
	return problems
}

// adoptProblems words every adopted role or channel that is gone, and every adopted
// channel whose type the manifest cannot express (announcement, forum, stage, threads).
func adoptProblems(l *live, m *wizard.Manifest) []string {
	var problems []string
	for _, t := range m.Tiers {
		if id := t.Role.Adopt; id != "" {
			if _, ok := l.roleByID[id]; !ok {
				problems = append(problems, fmt.Sprintf("The role adopted for tier “%s” (id %s) no longer exists; pick another role for that tier (or let Arrakis create one) in /setup and deploy again.",
					tierLabel(t), id))
			}
		}
	}
	for _, c := range m.Channels {
		id := c.Adopt
		if id == "" {
			continue
		}
		lc, ok := l.channelByID[id]
		switch {
		case !ok:
			problems = append(problems, fmt.Sprintf("The %s adopted as “%s” (id %s) no longer exists; pick another one (or let Arrakis create it) in /setup and deploy again.",
				channelNoun(c.Type), c.Name, id))
		case lc.Type != drift.TypeText && lc.Type != drift.TypeVoice && lc.Type != drift.TypeCategory:
			problems = append(problems, fmt.Sprintf("The channel adopted as “%s” (id %s) is a kind Arrakis cannot manage (announcement, forum, stage or thread); remove the adoption or pick a text or voice channel or a category in /setup.",
				c.Name, id))
		}
	}
	return problems
}

func tierLabel(t wizard.Tier) string {
	if t.Name != "" {
		return t.Name
	}
	return t.ID
}

func channelNoun(t wizard.ChannelType) string {
	if t == wizard.ChannelCategory {
		return "category"
	}
	return "channel"
}

func channelByKey(m *wizard.Manifest, key string) *wizard.Channel {
	for i := range m.Channels {
		if m.Channels[i].Key == key {
			return &m.Channels[i]
		}
	}
	return nil
}

// snowflakeTime is the creation time a Discord id carries.
func snowflakeTime(id string) (time.Time, bool) {
	n, err := strconv.ParseUint(id, 10, 64)
	if err != nil {
		return time.Time{}, false
	}
	return time.UnixMilli(int64(n>>22) + 1420070400000), true
}
