package bot

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/bwmarrin/discordgo"
	"go.uber.org/zap"

	"github.com/arrakis-bot/arrakis/drift"
	"github.com/arrakis-bot/arrakis/store"
	"github.com/arrakis-bot/arrakis/wizard"
)

// Step 5, ROLE_MAPPING: per tier, a role to create (name, colour, hoist, mentionable) or an
// existing role to adopt. Adoption uses a role select (component type 6), which lists the
// guild's own roles without the 25-option cap; the pick is checked against the live guild
// (not @everyone, not managed, below the bot's top role).

func rolesStep() stepDef {
	return stepDef{ui: rolesUI, actions: map[string]actionFunc{
		actSelect + ":tier":  (*Bot).selectTier,
		actSelect + ":adopt": (*Bot).adoptRole,
		"hoist":              (*Bot).toggleRoleFlag,
		"mention":            (*Bot).toggleRoleFlag,
	}}
}

func rolesUI(sc *stepCtx) stepUI {
	s := sc.s
	ui := stepUI{Body: "Each tier gets a Discord role: create a new one, or adopt a role your server already has " +
		"(below Arrakis's own role). Members who qualify for a tier get its role."}
	i := pickedTier(s)
	if i < 0 {
		ui.Body += "\nThere are no tiers yet: go Back and add one."
		return ui
	}
	t := s.Data.Tiers[i]
	ui.Body += fmt.Sprintf("\n**Tier %d of %d: %s** — %s.", i+1, len(s.Data.Tiers), esc(t.Name), roleState(t.Role))
	if t.Role.Adopt != "" {
		ui.Body += "\nAn adopted role keeps its name, colour and permissions; the review warns if it carries staff permissions."
	}
	ui.Selects = []discordgo.SelectMenu{tierSelect(s, i, "Tier"), adoptSelect(s, t)}
	label := "Create new role…"
	if t.Role.Adopt == "" && t.Role.Name != "" {
		label = "Edit new role…"
	}
	ui.Buttons = []discordgo.Button{button(s, label, discordgo.SuccessButton, actOpen, "role")}
	if t.Role.Adopt == "" {
		ui.Buttons = append(ui.Buttons,
			button(s, "Shown separately: "+onOff(t.Role.Hoist), discordgo.SecondaryButton, "hoist", strconv.Itoa(i)),
			button(s, "Mentionable: "+onOff(t.Role.Mentionable), discordgo.SecondaryButton, "mention", strconv.Itoa(i)))
	}
	return ui
}

func roleState(r wizard.RoleSpec) string {
	switch {
	case r.Adopt != "":
		return "adopting the existing role <@&" + r.Adopt + ">"
	case r.Name != "":
		f := ""
		if r.Hoist {
			f += ", shown separately"
		}
		if r.Mentionable {
			f += ", mentionable"
		}
		return "new role **" + esc(r.Name) + "** (" + colorText(r.Color) + f + ")"
	}
	return "no role yet"
}

// roleOption words a tier's role for a select option (no mentions render there).
func roleOption(r wizard.RoleSpec) string {
	switch {
	case r.Adopt != "":
		return "Existing role " + r.Name
	case r.Name != "":
		return "New role " + r.Name
	}
	return "No role yet"
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

func adoptSelect(s *wizard.Session, t wizard.Tier) discordgo.SelectMenu {
	zero := 0
	m := discordgo.SelectMenu{
		MenuType: discordgo.RoleSelectMenu, CustomID: idFor(s, actSelect, "adopt"),
		Placeholder: "…or adopt an existing role", MinValues: &zero, MaxValues: 1,
	}
	if t.Role.Adopt != "" {
		m.DefaultValues = []discordgo.SelectMenuDefaultValue{{ID: t.Role.Adopt, Type: discordgo.SelectMenuDefaultValueRole}}
	}
	return m
}

// toggleRoleFlag flips hoist or mentionable of the tier named by the button's arg.
func (b *Bot) toggleRoleFlag(ctx context.Context, c *click) Reply {
	i, err := strconv.Atoi(c.id.Arg)
	if err != nil || i < 0 || i >= len(c.s.Data.Tiers) {
		return b.show(ctx, c.s, msgOutOfDate, updateMessage)
	}
	r := &c.s.Data.Tiers[i].Role
	if c.id.Action == "hoist" {
		r.Hoist = !r.Hoist
	} else {
		r.Mentionable = !r.Mentionable
	}
	return b.save(ctx, c, "")
}

// adoptRole checks the picked role against the live guild, which may take longer than
// Discord's 3 seconds: the click is acknowledged at once and the message edited after.
// An empty pick (the admin cleared the select) goes back to creating a role.
func (b *Bot) adoptRole(ctx context.Context, c *click) Reply {
	i := pickedTier(c.s)
	if i < 0 {
		return b.show(ctx, c.s, msgOutOfDate, updateMessage)
	}
	if len(c.values) == 0 {
		c.s.Data.Tiers[i].Role.Adopt = ""
		return b.save(ctx, c, "")
	}
	return deferUpdate(func(ctx context.Context) view {
		return b.adoptChecked(ctx, c, i, c.values[0])
	})
}

func (b *Bot) adoptChecked(ctx context.Context, c *click, tier int, roleID string) view {
	g, err := b.fetchGuild(ctx, c.i.GuildID)
	if err != nil {
		return b.liveGuildFailed(ctx, c, err)
	}
	if ps := adoptProblems(g, roleID); len(ps) > 0 {
		return b.frame(ctx, c.s, problemList(ps), nil)
	}
	r := findRole(g, roleID)
	c.s.Data.Tiers[tier].Role = wizard.RoleSpec{Name: r.Name, Color: r.Color, Hoist: r.Hoist, Mentionable: r.Mentionable, Adopt: r.ID}
	s, err := b.d.Sessions.Update(ctx, c.s)
	if err != nil {
		return b.storeFailedView(ctx, c, err)
	}
	return b.frame(ctx, s, staffWarning(r), nil)
}

// staffWarning warns that an adopted tier role carries moderation or administrative
// permissions, which every member of the tier would hold ("" when it carries none).
func staffWarning(r *drift.Role) string {
	if r == nil {
		return ""
	}
	staff := drift.StaffPermissions(r.Permissions)
	if len(staff) == 0 {
		return ""
	}
	return "<@&" + r.ID + "> can " + joinAnd(staff) + ". As a tier role it is given to every member who qualifies, " +
		"and they would be able to do the same. Adopt a role without staff permissions unless that is what you want."
}

// adoptProblems applies wizard.CheckAdoptable to a role of the live guild.
func adoptProblems(g drift.Guild, roleID string) wizard.Problems {
	r := findRole(g, roleID)
	if r == nil {
		return wizard.Problems{{Path: "adopt", Field: "Existing role", Message: "that role no longer exists; pick another"}}
	}
	return wizard.CheckAdoptable(wizard.AdoptCandidate{
		ID: r.ID, Name: r.Name, Managed: r.Managed, IsEveryone: r.ID == g.ID,
		Position: r.Position, BotTopPosition: botTopPosition(g),
	})
}

func findRole(g drift.Guild, id string) *drift.Role {
	for i := range g.Roles {
		if g.Roles[i].ID == id {
			return &g.Roles[i]
		}
	}
	return nil
}

// botTopPosition is the position of the bot's highest role, which is what Discord checks
// (0 when it has none, so nothing can be adopted).
func botTopPosition(g drift.Guild) int {
	if r := findRole(g, g.BotTopRoleID); r != nil {
		return r.Position
	}
	return 0
}

func roleModal() modalDef {
	return modalDef{
		name: "role", state: wizard.StateRoleMapping,
		title: func(s *wizard.Session) string { return fmt.Sprintf("New role for tier %d", pickedTier(s)+1) },
		inputs: func(*wizard.Session) []inputDef {
			return []inputDef{
				{ID: "name", Label: "Role name", Placeholder: "e.g. Gold Holder", Required: true, Max: wizard.RoleNameMax},
				{ID: "color", Label: "Colour (hex, e.g. #F1C40F; empty: none)", Max: 10},
			}
		},
		prefill: func(s *wizard.Session) map[string]string {
			i := pickedTier(s)
			if i < 0 {
				return nil
			}
			r := s.Data.Tiers[i].Role
			if r.Adopt != "" {
				return map[string]string{"name": s.Data.Tiers[i].Name}
			}
			color := ""
			if r.Color != 0 {
				color = wizard.FormatColor(r.Color)
			}
			return map[string]string{"name": r.Name, "color": color}
		},
		apply: applyRole,
	}
}

func applyRole(s *wizard.Session, in map[string]string) wizard.Problems {
	i := pickedTier(s)
	if i < 0 {
		return wizard.Problems{{Path: "tiers", Field: "Tier", Message: "add a tier first"}}
	}
	old := s.Data.Tiers[i].Role
	r := wizard.RoleSpec{Name: strings.TrimSpace(in["name"]), Hoist: old.Hoist, Mentionable: old.Mentionable}
	if old.Adopt != "" {
		r.Hoist, r.Mentionable = false, false
	}
	color, err := wizard.ParseColor(in["color"])
	if err != nil {
		return wizard.Problems{parseProblem("color", "Colour", err)}
	}
	r.Color = color
	tiers := append([]wizard.Tier(nil), s.Data.Tiers...)
	tiers[i].Role = r
	ps := wizard.ValidateRoleMappings(tiers).ForPath(fmt.Sprintf("tiers[%d]", i))
	if len(ps) == 0 {
		s.Data.Tiers = tiers
	}
	return ps
}

// fetchGuild reads the live guild through the deploy service.
func (b *Bot) fetchGuild(ctx context.Context, guildID string) (drift.Guild, error) {
	if b.d.Guilds == nil {
		return drift.Guild{}, fmt.Errorf("fetch guild %s: no live guild reader configured", guildID)
	}
	g, err := b.d.Guilds.FetchGuild(ctx, guildID)
	if err != nil {
		return g, classifyDiscordErr(fmt.Errorf("fetch guild %s: %w", guildID, err))
	}
	return g, nil
}

// liveGuildFailed words a failed live-guild read on the wizard message. When the bot has
// lost access to the guild its sessions there end (the shadow history stays).
func (b *Bot) liveGuildFailed(ctx context.Context, c *click, err error) view {
	if isNoAccess(err) {
		b.endRemoved(ctx, c.i.GuildID, c.s.ID)
		return view{Content: msgNoAccess}
	}
	return b.frame(ctx, c.s, b.sentenceFor(err, c.s.OwnerID), nil)
}

// endRemoved ends the guild's session because the bot lost access.
func (b *Bot) endRemoved(ctx context.Context, guildID, sessionID string) {
	if err := b.d.Sessions.Delete(ctx, sessionID, store.EndRemoved); err != nil && !store.IsCode(err, store.CodeNotFound) {
		b.d.Log.Warn("end session of a guild the bot lost: " + err.Error())
	}
}

// storeFailedView is storeFailed for deferred work, which edits the wizard message instead
// of answering: a lost race shows the winner's state, anything else the sentence above the
// unchanged step.
func (b *Bot) storeFailedView(ctx context.Context, c *click, err error) view {
	if store.IsCode(err, store.CodeConflict) {
		user, _ := userOf(c.i)
		if cur, gerr := b.d.Sessions.Validate(ctx, c.s.ID, c.i.GuildID, user, ""); gerr == nil {
			return b.frame(ctx, cur, msgConflict, nil)
		}
	}
	sentence := b.sentenceFor(err, c.s.OwnerID, zap.String("guild", c.i.GuildID), zap.String("session", c.s.ID))
	if store.IsCode(err, store.CodeNotFound) || store.IsCode(err, store.CodeExpired) || store.IsCode(err, store.CodeNotOwner) {
		return view{Content: sentence}
	}
	return b.frame(ctx, c.s, sentence, nil)
}
