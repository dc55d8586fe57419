package bot

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/arrakis-bot/arrakis/wizard"
)

// Step 6, CHANNEL_STRUCTURE: a template, or custom channels. For a custom channel the
// type, category and minimum tier are picked with selects, then a modal asks for the
// name and topic. The guild's alert channel (alerts.channel) is chosen here too, with a
// channel select; in custom mode, whose selects fill the message, it has a view of its own
// (the layout select's last option).

const (
	uiChanType     = "ch.type"
	uiChanParent   = "ch.parent"      // a category key, or "" for none
	uiChanTier     = "ch.tier"        // a tier id, or "" for everyone
	uiChanEdit     = "ch.edit"        // key of the channel being edited; editAny: edit mode, none picked
	uiParentPage   = "ch.page.parent" // page of the category select
	uiPickPage     = "ch.page.pick"   // page of the channel-to-edit select
	noneValue      = "-"              // select value for "no category" / "everyone"
	pageValuePref  = "~p"             // select value prefix of "more…" / "previous…" options
	editAny        = "*"
	uiChanView     = "ch.view"            // "alerts": custom mode shows the alert channel picker
	alertsValue    = "@alerts"            // layout select option that opens the alert channel view
	pagedSelectCap = maxSelectOptions - 3 // room for one fixed option and the two page options
)

func channelsStep() stepDef {
	return stepDef{ui: channelsUI, actions: map[string]actionFunc{
		actSelect + ":tmpl":   (*Bot).selectTemplate,
		actSelect + ":ctype":  selectChannelPick(uiChanType),
		actSelect + ":parent": selectChannelPick(uiChanParent),
		actSelect + ":ctier":  selectChannelPick(uiChanTier),
		actSelect + ":chpick": (*Bot).selectChannelToEdit,
		"ch_edit":             (*Bot).startChannelEdit,
		"ch_done":             (*Bot).endChannelEdit,
		"rm_chan":             (*Bot).removeChannel,
		actSelect + ":alerts": (*Bot).pickAlertChannel,
		"no_alerts":           (*Bot).clearAlertChannel,
		"alerts_done":         (*Bot).closeAlertView,
		"ch_layout":           (*Bot).openLayoutView,
		"ch_more":             (*Bot).turnChannelPage,
	}}
}

func pickedChannelType(s *wizard.Session) wizard.ChannelType {
	if ch := editedChannel(s); ch != nil {
		return ch.Type
	}
	if t := wizard.ChannelType(s.UI[uiChanType]); t.Valid() {
		return t
	}
	return wizard.ChannelText
}

// editedChannel is the custom channel picked for editing, or nil.
func editedChannel(s *wizard.Session) *wizard.Channel {
	k := s.UI[uiChanEdit]
	for i := range s.Data.CustomChannels {
		if s.Data.CustomChannels[i].Key == k {
			return &s.Data.CustomChannels[i]
		}
	}
	return nil
}

// channelsPerPage is how many custom channels step 6 lists on one page.
const channelsPerPage = 6

// uiListPage is the page of the custom channel list.
const uiListPage = "ch.page.list"

func channelsUI(sc *stepCtx) stepUI {
	s := sc.s
	custom := s.Data.ChannelTemplate == wizard.TemplateCustom
	if !custom || s.UI[uiChanView] == "alerts" {
		return layoutUI(s, custom)
	}
	ui := stepUI{}
	if s.UI[uiChanEdit] != "" && len(s.Data.CustomChannels) > 0 {
		return channelEditUI(s, ui)
	}
	ui.Body = "**Custom channels:** pick the type, the category and who sees the next channel, then **Add channel…**."
	ui.Body += "\n" + channelListPage(s)
	ui.Selects = append(ui.Selects, channelTypeSelect(s))
	if pickedChannelType(s) != wizard.ChannelCategory && hasCategory(s.Data.CustomChannels) {
		ui.Selects = append(ui.Selects, parentSelect(s, s.UI[uiChanParent]))
	}
	ui.Selects = append(ui.Selects, minTierSelect(s, pickedMinTier(s)))
	ui.Buttons = []discordgo.Button{button(s, "Add "+strings.ToLower(channelTypeLabel(pickedChannelType(s)))+"…", discordgo.SuccessButton, actOpen, "channel")}
	if len(s.Data.CustomChannels) > 0 {
		ui.Buttons = append(ui.Buttons, button(s, "Edit or remove…", discordgo.SecondaryButton, "ch_edit"))
	}
	ui.Buttons = append(ui.Buttons, button(s, "Layout and alerts…", discordgo.SecondaryButton, "ch_layout"))
	if pages := channelPages(s); pages > 1 {
		next := (listPage(s) + 1) % pages
		ui.Buttons = append(ui.Buttons, button(s, fmt.Sprintf("More channels ▶ (%d of %d)", next+1, pages), discordgo.SecondaryButton, "ch_more", strconv.Itoa(next)))
	}
	return ui
}

// layoutUI is the layout choice and the alert channel: all a template layout needs, and
// custom mode's second view.
func layoutUI(s *wizard.Session, custom bool) stepUI {
	ui := stepUI{
		Body:    "Choose how Arrakis lays out your gated channels.\n" + templateWhat(s.Data.ChannelTemplate, s.Data.Tiers),
		Selects: []discordgo.SelectMenu{templateSelect(s), alertChannelSelect(s)},
	}
	ui.Body += "\n" + alertChannelText(s.Data.AlertChannel)
	if custom {
		ui.Buttons = append(ui.Buttons, button(s, "Back to channels", discordgo.SuccessButton, "alerts_done"))
	}
	if s.Data.AlertChannel != "" {
		ui.Buttons = append(ui.Buttons, button(s, "No alert channel", discordgo.SecondaryButton, "no_alerts"))
	}
	return ui
}

// templateWhat says what a layout creates for these tiers.
func templateWhat(t string, tiers []wizard.Tier) string {
	chs, _ := wizard.ExpandChannels(t, nil, tiers)
	switch t {
	case "":
		return "No layout chosen yet: pick one below."
	case wizard.TemplateNone:
		return "**No channels:** Arrakis creates only the tier roles."
	case wizard.TemplateAdditiveOnly:
		return fmt.Sprintf("**Creates %s:** a category **Members** with one text channel per tier, each seen by its tier and the tiers above, hidden from everyone else.",
			plural(len(chs), "channel", "channels"))
	case wizard.TemplateParallelMirror:
		return fmt.Sprintf("**Creates %s:** per tier a category with a text and a voice channel, seen by that tier and the tiers above, hidden from everyone else.",
			plural(len(chs), "channel", "channels"))
	}
	return "**Custom:** you add each category and channel yourself."
}

// templateDescriptions say in a layout option what it creates.
var templateDescriptions = map[string]string{
	wizard.TemplateNone:           "Creates no channels, only the tier roles",
	wizard.TemplateAdditiveOnly:   "Creates a Members category with a text channel per tier",
	wizard.TemplateParallelMirror: "Creates per tier a category with a text and a voice channel",
	wizard.TemplateCustom:         "You add each category and channel yourself",
}

// channelListPage lists one page of the custom channels.
func channelListPage(s *wizard.Session) string {
	chs := s.Data.CustomChannels
	if len(chs) == 0 {
		return "No channels yet."
	}
	page := min(listPage(s), channelPages(s)-1)
	from, to := page*channelsPerPage, min(len(chs), (page+1)*channelsPerPage)
	head := fmt.Sprintf("**%s:**", plural(len(chs), "channel", "channels"))
	if len(chs) > channelsPerPage {
		head = fmt.Sprintf("**Channels %d–%d of %d:**", from+1, to, len(chs))
	}
	lines := []string{head}
	for _, c := range chs[from:to] {
		lines = append(lines, "• "+channelText(c, chs, s.Data.Tiers))
	}
	return strings.Join(lines, "\n")
}

func channelPages(s *wizard.Session) int {
	return max(1, (len(s.Data.CustomChannels)+channelsPerPage-1)/channelsPerPage)
}

func listPage(s *wizard.Session) int { return pageOf(s, uiListPage) }

func hasCategory(chs []wizard.Channel) bool {
	for _, c := range chs {
		if c.Type == wizard.ChannelCategory {
			return true
		}
	}
	return false
}

// pickedMinTier is who sees the next custom channel: the chosen tier, "" when the admin
// chose everyone, and tier 1 until a choice is made — new channels are gated by default.
func pickedMinTier(s *wizard.Session) string {
	v := s.UI[uiChanTier]
	if v == noneValue {
		return ""
	}
	for _, t := range s.Data.Tiers {
		if t.ID == v {
			return v
		}
	}
	if len(s.Data.Tiers) > 0 {
		return s.Data.Tiers[0].ID
	}
	return ""
}

// channelEditUI is the edit mode: pick any custom channel, then change its category or
// minimum tier with the selects, rename it, or remove it.
func channelEditUI(s *wizard.Session, ui stepUI) stepUI {
	ui.Selects = append(ui.Selects, channelPickSelect(s))
	ui.Buttons = []discordgo.Button{button(s, "Done editing", discordgo.SecondaryButton, "ch_done")}
	ch := editedChannel(s)
	if ch == nil {
		ui.Body = "Pick the channel to edit or remove."
		return ui
	}
	ui.Body = "Editing " + channelText(*ch, s.Data.CustomChannels, s.Data.Tiers) + "."
	if ch.Type != wizard.ChannelCategory {
		if hasCategory(s.Data.CustomChannels) {
			ui.Selects = append(ui.Selects, parentSelect(s, ch.Parent))
		}
	} else if n := childCount(s.Data.CustomChannels, ch.Key); n > 0 {
		ui.Body += fmt.Sprintf(" Removing it moves its %d channels out of any category.", n)
	}
	ui.Selects = append(ui.Selects, minTierSelect(s, ch.MinTier))
	ui.Buttons = append([]discordgo.Button{
		button(s, "Rename…", discordgo.SuccessButton, actOpen, "channel"),
		button(s, "Remove channel", discordgo.DangerButton, "rm_chan", ch.Key),
	}, ui.Buttons...)
	return ui
}

func childCount(chs []wizard.Channel, category string) int {
	n := 0
	for _, c := range chs {
		if c.Parent == category {
			n++
		}
	}
	return n
}

func templateSelect(s *wizard.Session) discordgo.SelectMenu {
	var opts []discordgo.SelectMenuOption
	for _, t := range wizard.Templates {
		opts = append(opts, discordgo.SelectMenuOption{Label: wizard.TemplateTitle(t), Value: t, Default: t == s.Data.ChannelTemplate,
			Description: templateDescriptions[t]})
	}
	return selectMenu(s, "tmpl", "Channel layout", opts)
}

func channelTypeSelect(s *wizard.Session) discordgo.SelectMenu {
	cur := pickedChannelType(s)
	var opts []discordgo.SelectMenuOption
	for _, t := range []wizard.ChannelType{wizard.ChannelText, wizard.ChannelVoice, wizard.ChannelCategory} {
		opts = append(opts, discordgo.SelectMenuOption{Label: channelTypeLabel(t), Value: string(t), Default: t == cur})
	}
	return selectMenu(s, "ctype", "Channel type", opts)
}

// channelTypeLabel names a channel type: "Text channel", "Voice channel", "Category".
func channelTypeLabel(t wizard.ChannelType) string {
	if t == wizard.ChannelCategory {
		return "Category"
	}
	return channelTypeNames[t] + " channel"
}

// pageOf reads a page number kept in Session.UI.
func pageOf(s *wizard.Session, key string) int {
	n, err := strconv.Atoi(s.UI[key])
	if err != nil || n < 0 {
		return 0
	}
	return n
}

// paged fits items into one select: fixed first, then one page of items, with "previous"
// and "more" options that turn the page, so every item is reachable however many there
// are and none is dropped silently.
func paged(fixed, items []discordgo.SelectMenuOption, page int, noun string) []discordgo.SelectMenuOption {
	pages := max(1, (len(items)+pagedSelectCap-1)/pagedSelectCap)
	page = min(page, pages-1)
	out := append([]discordgo.SelectMenuOption(nil), fixed...)
	if page > 0 {
		out = append(out, discordgo.SelectMenuOption{Label: fmt.Sprintf("◀ Previous %s (page %d of %d)", noun, page, pages),
			Value: pageValuePref + strconv.Itoa(page-1)})
	}
	out = append(out, items[min(len(items), page*pagedSelectCap):min(len(items), (page+1)*pagedSelectCap)]...)
	if page < pages-1 {
		out = append(out, discordgo.SelectMenuOption{Label: fmt.Sprintf("More %s ▶ (page %d of %d)", noun, page+2, pages),
			Value: pageValuePref + strconv.Itoa(page+1)})
	}
	return out
}

// parentSelect offers every category of the custom layout, paged past one select's 25.
func parentSelect(s *wizard.Session, cur string) discordgo.SelectMenu {
	fixed := []discordgo.SelectMenuOption{{Label: "No category", Value: noneValue, Default: cur == ""}}
	var items []discordgo.SelectMenuOption
	for _, c := range s.Data.CustomChannels {
		if c.Type == wizard.ChannelCategory {
			items = append(items, discordgo.SelectMenuOption{Label: clip("In "+c.Name, maxOptionText), Value: c.Key, Default: cur == c.Key})
		}
	}
	return selectMenu(s, "parent", "In which category", paged(fixed, items, pageOf(s, uiParentPage), "categories"))
}

// channelPickSelect lists every custom channel, paged.
func channelPickSelect(s *wizard.Session) discordgo.SelectMenu {
	var items []discordgo.SelectMenuOption
	for _, c := range s.Data.CustomChannels {
		items = append(items, discordgo.SelectMenuOption{Label: clip(channelTypeNames[c.Type]+": "+c.Name, maxOptionText),
			Value: c.Key, Default: s.UI[uiChanEdit] == c.Key})
	}
	return selectMenu(s, "chpick", "Channel to edit or remove", paged(nil, items, pageOf(s, uiPickPage), "channels"))
}

func minTierSelect(s *wizard.Session, cur string) discordgo.SelectMenu {
	opts := []discordgo.SelectMenuOption{{Label: "Everyone in the server (not gated)", Value: noneValue, Default: cur == ""}}
	for i, t := range s.Data.Tiers {
		opts = append(opts, discordgo.SelectMenuOption{
			Label: clip(fmt.Sprintf("Tier %d: %s and up", i+1, t.Name), maxOptionText), Value: t.ID, Default: cur == t.ID,
		})
	}
	return selectMenu(s, "ctier", "Who can see it", opts)
}

func (b *Bot) selectTemplate(ctx context.Context, c *click) Reply {
	if c.firstValue() == alertsValue && c.s.Data.ChannelTemplate == wizard.TemplateCustom {
		setUI(c.s, uiChanView, "alerts")
		return b.save(ctx, c, "")
	}
	if !wizard.ValidTemplate(c.firstValue()) {
		return b.show(ctx, c.s, msgOutOfDate, updateMessage)
	}
	c.s.Data.ChannelTemplate = c.firstValue()
	delete(c.s.UI, uiChanView)
	return b.save(ctx, c, "")
}

// selectChannelPick stores one of the custom-channel picks in Session.UI, or, in edit
// mode, applies the category or minimum tier to the channel being edited.
func selectChannelPick(key string) actionFunc {
	return func(b *Bot, ctx context.Context, c *click) Reply {
		v := c.firstValue()
		if p, ok := strings.CutPrefix(v, pageValuePref); ok {
			setUI(c.s, uiParentPage, p)
			return b.save(ctx, c, "")
		}
		if v == noneValue {
			v = ""
		}
		if ch := editedChannel(c.s); ch != nil && key != uiChanType {
			return b.editChannelField(ctx, c, key, v)
		}
		if key == uiChanTier && v == "" {
			v = noneValue // everyone, chosen: unset means the gated default
		}
		setUI(c.s, key, v)
		return b.save(ctx, c, "")
	}
}

// editChannelField sets the edited channel's parent or minimum tier, when the list stays valid.
func (b *Bot) editChannelField(ctx context.Context, c *click, key, v string) Reply {
	chs := append([]wizard.Channel(nil), c.s.Data.CustomChannels...)
	for i := range chs {
		if chs[i].Key != c.s.UI[uiChanEdit] {
			continue
		}
		if key == uiChanParent {
			chs[i].Parent = v
		} else {
			chs[i].MinTier = v
		}
		if ps := wizard.ValidateChannels(chs, c.s.Data.Tiers, 0); len(ps) > 0 {
			return b.show(ctx, c.s, problemList(ps), updateMessage)
		}
	}
	c.s.Data.CustomChannels = chs
	return b.save(ctx, c, "")
}

func (b *Bot) selectChannelToEdit(ctx context.Context, c *click) Reply {
	v := c.firstValue()
	if p, ok := strings.CutPrefix(v, pageValuePref); ok {
		setUI(c.s, uiPickPage, p)
		return b.save(ctx, c, "")
	}
	setUI(c.s, uiChanEdit, v)
	delete(c.s.UI, uiParentPage)
	return b.save(ctx, c, "")
}

// openLayoutView shows custom mode's layout and alert channel choices.
func (b *Bot) openLayoutView(ctx context.Context, c *click) Reply {
	setUI(c.s, uiChanView, "alerts")
	return b.save(ctx, c, "")
}

// turnChannelPage shows another page of the custom channel list.
func (b *Bot) turnChannelPage(ctx context.Context, c *click) Reply {
	n, err := strconv.Atoi(c.id.Arg)
	if err != nil || n < 0 || n >= channelPages(c.s) {
		return b.show(ctx, c.s, msgOutOfDate, updateMessage)
	}
	setUI(c.s, uiListPage, c.id.Arg)
	return b.save(ctx, c, "")
}

func (b *Bot) startChannelEdit(ctx context.Context, c *click) Reply {
	setUI(c.s, uiChanEdit, editAny)
	return b.save(ctx, c, "")
}

func (b *Bot) endChannelEdit(ctx context.Context, c *click) Reply {
	delete(c.s.UI, uiChanEdit)
	delete(c.s.UI, uiPickPage)
	delete(c.s.UI, uiParentPage)
	return b.save(ctx, c, "")
}

// removeChannel removes the custom channel named by the button; a removed category's
// channels move out of any category, and the notice says so.
func (b *Bot) removeChannel(ctx context.Context, c *click) Reply {
	d := &c.s.Data
	var kept []wizard.Channel
	for _, ch := range d.CustomChannels {
		if ch.Key != c.id.Arg {
			kept = append(kept, ch)
		}
	}
	moved := childCount(d.CustomChannels, c.id.Arg)
	d.CustomChannels = dropOrphans(d, kept)
	d.Retire(c.id.Arg)
	for _, k := range []string{uiChanParent, uiChanEdit} {
		if c.s.UI[k] == c.id.Arg {
			delete(c.s.UI, k)
		}
	}
	setUI(c.s, uiChanEdit, editAny)
	if len(d.CustomChannels) == 0 {
		delete(c.s.UI, uiChanEdit)
	}
	notice := "The channel is removed."
	if moved > 0 {
		notice = fmt.Sprintf("The category is removed; its %d channels are now outside any category.", moved)
	}
	return b.save(ctx, c, notice)
}

// dropOrphans moves channels whose category is no longer in chs out of any category.
func dropOrphans(d *wizard.SessionData, chs []wizard.Channel) []wizard.Channel {
	cats := map[string]bool{}
	for _, ch := range chs {
		if ch.Type == wizard.ChannelCategory {
			cats[ch.Key] = true
		}
	}
	for i := range chs {
		if chs[i].Parent != "" && !cats[chs[i].Parent] {
			chs[i].Parent = ""
		}
	}
	return chs
}

func channelModal() modalDef {
	return modalDef{
		name: "channel", state: wizard.StateChannelStructure,
		title: func(s *wizard.Session) string {
			if editedChannel(s) != nil {
				return "Rename " + strings.ToLower(channelTypeLabel(pickedChannelType(s)))
			}
			return "New " + strings.ToLower(channelTypeLabel(pickedChannelType(s)))
		},
		inputs: func(s *wizard.Session) []inputDef {
			ins := []inputDef{{ID: "name", Label: "Name", Placeholder: channelPlaceholders[pickedChannelType(s)], Required: true, Max: 100}}
			if pickedChannelType(s) == wizard.ChannelText {
				ins = append(ins, inputDef{ID: "topic", Label: "Topic (optional)", Long: true, Max: 1024})
			}
			return ins
		},
		prefill: func(s *wizard.Session) map[string]string {
			if ch := editedChannel(s); ch != nil {
				return map[string]string{"name": ch.Name, "topic": ch.Topic}
			}
			return nil
		},
		apply: applyChannel,
	}
}

var channelPlaceholders = map[wizard.ChannelType]string{
	wizard.ChannelText: "e.g. holders-chat", wizard.ChannelVoice: "e.g. Holders Lounge", wizard.ChannelCategory: "e.g. Holders",
}

// applyChannel adds a custom channel, or renames the one being edited, when it and the
// list it is in are valid.
func applyChannel(s *wizard.Session, in map[string]string) wizard.Problems {
	chs := append([]wizard.Channel(nil), s.Data.CustomChannels...)
	at := len(chs)
	var ch wizard.Channel
	if ed := editedChannel(s); ed != nil {
		for i := range chs {
			if chs[i].Key == ed.Key {
				at = i
			}
		}
		ch = *ed
		ch.Name, ch.Topic = strings.TrimSpace(in["name"]), strings.TrimSpace(in["topic"])
		chs[at] = ch
	} else {
		ch = wizard.Channel{
			Key: wizard.NewChannelKey(s.Data.CustomChannels, s.Data.ReservedIDs()...), Name: strings.TrimSpace(in["name"]), Type: pickedChannelType(s),
			Topic: strings.TrimSpace(in["topic"]), MinTier: pickedMinTier(s),
		}
		if ch.Type != wizard.ChannelCategory {
			ch.Parent = s.UI[uiChanParent]
		}
		chs = append(chs, ch)
	}
	ps := wizard.ValidateChannels(chs, s.Data.Tiers, 0).ForPath(fmt.Sprintf("channels[%d]", at))
	if len(ps) == 0 {
		ps = wizard.ValidateChannel(ch)
	}
	if len(ps) == 0 {
		s.Data.CustomChannels = chs
	}
	return ps
}
