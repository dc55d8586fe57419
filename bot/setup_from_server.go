package bot

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/arrakis-bot/arrakis/drift"
	"github.com/arrakis-bot/arrakis/wizard"
)

// "Start from this server" (DESIGN §2): on a server Arrakis has never deployed to, step 1
// offers to describe the server as it is. The admin picks the roles that become tiers and
// which categories and channels Arrakis manages; those are adopted by id
// (drift.ExportManifest, as `arrakis manifest export` does) and the usual steps follow,
// pre-filled. A first deploy of what was adopted makes no writes.
//
// The panel lives in INIT, its choices in Session.UI (cleared when the step changes):
// every control is drawn from the session as it is, so the offered-check of offered.go
// accepts exactly what the panel shows. Role and channel picks are checked against the live
// guild, never taken from the interaction's resolved data.

const (
	uiFromServer = "fs"       // "1" while the panel is shown
	uiFSRoles    = "fs_roles" // chosen tier role ids, lowest first, comma-separated
	uiFSMode     = "fs_mode"  // fsAll, fsExclude or fsInclude
	uiFSChans    = "fs_chans" // channel ids picked for the mode, comma-separated

	actFromServer = "fs"      // arg: "start" opens the panel, "off" closes it
	actFSMode     = "fs_mode" // arg: the mode
	actFSBuild    = "fs_go"

	fsAll     = "all"
	fsExclude = "exclude"
	fsInclude = "include"

	maxChannelPick = 25 // values in one channel-select pick
)

// fromServerActions are INIT's actions for the panel.
func fromServerActions() map[string]actionFunc {
	return map[string]actionFunc{
		actFromServer + ":start": (*Bot).fromServerStart,
		actFromServer + ":off":   (*Bot).fromServerOff,
		actFSMode:                (*Bot).fromServerMode,
		actFSBuild:               (*Bot).fromServerBuild,
		actSelect + ":fs_roles":  (*Bot).fromServerRoles,
		actSelect + ":fs_chans":  (*Bot).fromServerChannels,
	}
}

// fromServerOffered reports whether the session may start from the server: a first setup
// (not edit mode) on a server with no deployed setup.
func fromServerOffered(s *wizard.Session) bool { return s.Data.EditOf == "" }

// fromServerButton is INIT's "Start from this server" button, when offered.
func fromServerButton(s *wizard.Session) []discordgo.Button {
	if !fromServerOffered(s) {
		return nil
	}
	return []discordgo.Button{button(s, "Start from this server…", discordgo.SecondaryButton, actFromServer, "start")}
}

// fromServerUI draws the panel while it is open.
func fromServerUI(sc *stepCtx) (stepUI, bool) {
	s := sc.s
	if s.UI[uiFromServer] == "" || !fromServerOffered(s) {
		return stepUI{}, false
	}
	roles := splitIDs(s.UI[uiFSRoles])
	mode := fsMode(s)
	picks := splitIDs(s.UI[uiFSChans])
	var body strings.Builder
	body.WriteString("**Start from this server.** Arrakis adopts the roles and channels you pick as they are: " +
		"nothing in the server changes until you deploy, and deploying what you adopt changes nothing.\n\n")
	body.WriteString("**1. Tier roles** — pick up to 10 existing roles; they become tiers in the order of your role list, lowest first.\n")
	if len(roles) == 0 {
		body.WriteString("Tiers: none picked yet.\n")
	} else {
		body.WriteString("Tiers, lowest first: " + roleMentions(roles) + "\n")
	}
	body.WriteString("\n**2. Channels** — ")
	switch mode {
	case fsAll:
		body.WriteString("Arrakis manages **every category and channel** it can (announcement, forum and stage channels, threads, and private channels it cannot see are left out and listed).")
	case fsExclude:
		body.WriteString(fmt.Sprintf("every category and channel **except** the ones you pick below (up to %d a pick; pick again to leave out more).", maxChannelPick))
	case fsInclude:
		body.WriteString(fmt.Sprintf("**only** the categories and channels you pick below (up to %d a pick; pick again to add more; a category brings the channels in it only if you pick them too).", maxChannelPick))
	}
	if mode != fsAll {
		if len(picks) == 0 {
			body.WriteString("\nPicked: none yet.")
		} else {
			body.WriteString("\nPicked: " + channelMentions(picks))
		}
	}
	body.WriteString("\n\nThen press **Use this server**; the next steps are pre-filled and you add chains, assets and rules.")

	zero, one := 0, 1
	roleSel := discordgo.SelectMenu{
		MenuType: discordgo.RoleSelectMenu, CustomID: idFor(s, actSelect, "fs_roles"),
		Placeholder: "Roles that become tiers", MinValues: &one, MaxValues: wizard.MaxTiers,
	}
	for _, id := range roles {
		roleSel.DefaultValues = append(roleSel.DefaultValues, discordgo.SelectMenuDefaultValue{ID: id, Type: discordgo.SelectMenuDefaultValueRole})
	}
	ui := stepUI{Body: body.String(), Selects: []discordgo.SelectMenu{roleSel}, NoNext: true}
	if mode != fsAll {
		placeholder := "Channels to leave out"
		if mode == fsInclude {
			placeholder = "Channels to manage"
		}
		ui.Selects = append(ui.Selects, discordgo.SelectMenu{
			MenuType: discordgo.ChannelSelectMenu, CustomID: idFor(s, actSelect, "fs_chans"),
			Placeholder: placeholder, MinValues: &zero, MaxValues: maxChannelPick,
			ChannelTypes: []discordgo.ChannelType{discordgo.ChannelTypeGuildText, discordgo.ChannelTypeGuildVoice, discordgo.ChannelTypeGuildCategory},
		})
	}
	modeButton := func(label, m string) discordgo.Button {
		bt := button(s, label, discordgo.SecondaryButton, actFSMode, m)
		if mode == m {
			bt.Style, bt.Disabled = discordgo.PrimaryButton, true
		}
		return bt
	}
	build := button(s, "Use this server", discordgo.SuccessButton, actFSBuild)
	build.Disabled = len(roles) == 0 || mode == fsInclude && len(picks) == 0
	ui.Buttons = []discordgo.Button{
		modeButton("Manage all channels", fsAll), modeButton("Leave some out", fsExclude), modeButton("Only some", fsInclude),
		build, button(s, "Start from scratch", discordgo.SecondaryButton, actFromServer, "off"),
	}
	return ui, true
}

func fsMode(s *wizard.Session) string {
	switch m := s.UI[uiFSMode]; m {
	case fsExclude, fsInclude:
		return m
	}
	return fsAll
}

func splitIDs(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

func roleMentions(ids []string) string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = "<@&" + id + ">"
	}
	return strings.Join(out, ", ")
}

func channelMentions(ids []string) string {
	const shown = 30
	out := make([]string, 0, min(len(ids), shown))
	for i, id := range ids {
		if i == shown {
			return strings.Join(out, ", ") + fmt.Sprintf(" …and %d more", len(ids)-shown)
		}
		out = append(out, "<#"+id+">")
	}
	return strings.Join(out, ", ")
}

func (b *Bot) fromServerStart(ctx context.Context, c *click) Reply {
	setUI(c.s, uiFromServer, "1")
	return b.save(ctx, c, "")
}

func (b *Bot) fromServerOff(ctx context.Context, c *click) Reply {
	for _, k := range []string{uiFromServer, uiFSRoles, uiFSMode, uiFSChans} {
		delete(c.s.UI, k)
	}
	return b.save(ctx, c, "")
}

// fromServerMode switches between all, leave-out and only-these; the picks start over.
func (b *Bot) fromServerMode(ctx context.Context, c *click) Reply {
	switch c.id.Arg {
	case fsAll, fsExclude, fsInclude:
	default:
		return b.show(ctx, c.s, msgOutOfDate, updateMessage)
	}
	setUI(c.s, uiFSMode, c.id.Arg)
	delete(c.s.UI, uiFSChans)
	return b.save(ctx, c, "")
}

// fromServerRoles checks the picked roles against the live guild (each must exist, not be
// @everyone or an integration's, and sit below the bot's highest role) and keeps them in
// role-list order, lowest first.
func (b *Bot) fromServerRoles(ctx context.Context, c *click) Reply {
	if len(c.values) == 0 || len(c.values) > wizard.MaxTiers {
		return b.show(ctx, c.s, msgOutOfDate, updateMessage)
	}
	return deferUpdate(func(ctx context.Context) view {
		g, err := b.fetchGuild(ctx, c.i.GuildID)
		if err != nil {
			return b.liveGuildFailed(ctx, c, err)
		}
		var ps wizard.Problems
		var roles []*drift.Role
		for _, id := range c.values {
			if p := adoptProblems(g, id); len(p) > 0 {
				name := "a picked role"
				if r := findRole(g, id); r != nil {
					name = "<@&" + id + ">"
				}
				for _, x := range p {
					ps = append(ps, wizard.Problem{Field: name, Message: x.Message})
				}
				continue
			}
			roles = append(roles, findRole(g, id))
		}
		if len(ps) > 0 {
			return b.frame(ctx, c.s, "Those roles cannot all be tiers, so nothing was changed:\n"+problemList(ps), nil)
		}
		sort.SliceStable(roles, func(i, j int) bool {
			if roles[i].Position != roles[j].Position {
				return roles[i].Position < roles[j].Position
			}
			return roles[i].ID > roles[j].ID // the newer role sits below an older one of equal position
		})
		ids := make([]string, len(roles))
		for i, r := range roles {
			ids[i] = r.ID
		}
		setUI(c.s, uiFSRoles, strings.Join(ids, ","))
		s, err := b.d.Sessions.Update(ctx, c.s)
		if err != nil {
			return b.storeFailedView(ctx, c, err)
		}
		return b.frame(ctx, s, "", nil)
	})
}

// fromServerChannels adds a pick (at most 25 values) to the channels left out or managed;
// every id must be a channel of this guild. An empty pick clears the list.
func (b *Bot) fromServerChannels(ctx context.Context, c *click) Reply {
	if fsMode(c.s) == fsAll || len(c.values) > maxChannelPick {
		return b.show(ctx, c.s, msgOutOfDate, updateMessage)
	}
	if len(c.values) == 0 {
		delete(c.s.UI, uiFSChans)
		return b.save(ctx, c, "")
	}
	return deferUpdate(func(ctx context.Context) view {
		g, err := b.fetchGuild(ctx, c.i.GuildID)
		if err != nil {
			return b.liveGuildFailed(ctx, c, err)
		}
		live := map[string]bool{}
		for _, ch := range g.Channels {
			live[ch.ID] = true
		}
		picked := splitIDs(c.s.UI[uiFSChans])
		have := map[string]bool{}
		for _, id := range picked {
			have[id] = true
		}
		for _, id := range c.values {
			if !live[id] {
				return b.frame(ctx, c.s, "A picked channel is not in this server's channel list (or no longer exists), so nothing was changed. Pick again from the menu.", nil)
			}
			if !have[id] {
				have[id] = true
				picked = append(picked, id)
			}
		}
		setUI(c.s, uiFSChans, strings.Join(picked, ","))
		s, err := b.d.Sessions.Update(ctx, c.s)
		if err != nil {
			return b.storeFailedView(ctx, c, err)
		}
		return b.frame(ctx, s, "", nil)
	})
}

// fromServerBuild describes the live server with the choices made and pre-fills the
// session from it, keeping the community name already typed.
func (b *Bot) fromServerBuild(ctx context.Context, c *click) Reply {
	return deferUpdate(func(ctx context.Context) view {
		g, err := b.fetchGuild(ctx, c.i.GuildID)
		if err != nil {
			return b.liveGuildFailed(ctx, c, err)
		}
		opts := drift.ExportOptions{Name: c.s.Data.CommunityName, TierRoles: splitIDs(c.s.UI[uiFSRoles])}
		switch fsMode(c.s) {
		case fsExclude:
			opts.Exclude = splitIDs(c.s.UI[uiFSChans])
		case fsInclude:
			opts.Channels = splitIDs(c.s.UI[uiFSChans])
		}
		ex, err := drift.ExportManifest(g, opts)
		if ee, ok := err.(*drift.ExportError); ok {
			return b.frame(ctx, c.s, "Nothing was changed:\n• "+strings.Join(ee.Problems, "\n• "), nil)
		}
		if err != nil {
			return b.frame(ctx, c.s, b.sentenceFor(err, c.s.OwnerID), nil)
		}
		name := c.s.Data.CommunityName
		c.s.Data = wizard.SessionDataFromManifest(ex.Manifest, "")
		c.s.Data.CommunityName = name
		for _, k := range []string{uiFromServer, uiFSRoles, uiFSMode, uiFSChans} {
			delete(c.s.UI, k)
		}
		s, err := b.d.Sessions.Update(ctx, c.s)
		if err != nil {
			return b.storeFailedView(ctx, c, err)
		}
		return b.frame(ctx, s, fromServerReport(ex, g), nil)
	})
}

// fromServerReport says, in Discord words, what was adopted and what was left out.
func fromServerReport(ex *drift.Exported, g drift.Guild) string {
	m := ex.Manifest
	var ids []string
	for _, t := range m.Tiers {
		ids = append(ids, t.Role.Adopt)
	}
	gated := 0
	for _, ch := range m.Channels {
		if ch.MinTier != "" {
			gated++
		}
	}
	var out strings.Builder
	fmt.Fprintf(&out, "Started from this server: tiers %s and %d categories and channels (%d gated at a tier), adopted as they are. "+
		"Set the community name, then add chains, assets and each tier's rules in the next steps.", roleMentions(ids), len(m.Channels), gated)
	if len(ex.Skipped) == 0 {
		return out.String()
	}
	fmt.Fprintf(&out, "\n**Left out** (%d; Arrakis will not manage them):", len(ex.Skipped))
	const shown = 8
	for i, sk := range ex.Skipped {
		if i == shown {
			fmt.Fprintf(&out, "\n…and %d more.", len(ex.Skipped)-shown)
			break
		}
		out.WriteString("\n• <#" + sk.ID + "> — ")
		switch sk.Reason {
		case drift.SkipType:
			out.WriteString(sk.Detail + ": Arrakis manages text and voice channels and categories only")
		case drift.SkipHidden:
			out.WriteString("private, and <@&" + g.BotRoleID + "> cannot see it: allow it View Channel and Manage Channels there (Edit Channel → Permissions), then press **Start from this server** again")
		case drift.SkipAccess:
			out.WriteString(esc(sk.Detail) + ": not a minimum tier and every tier above it")
		default:
			out.WriteString(esc(sk.Detail))
		}
	}
	return out.String()
}
