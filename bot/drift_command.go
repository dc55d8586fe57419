package bot

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/bwmarrin/discordgo"
	"go.uber.org/zap"

	"github.com/arrakis-bot/arrakis/bot/deploy"
	"github.com/arrakis-bot/arrakis/drift"
	"github.com/arrakis-bot/arrakis/store"
	"github.com/arrakis-bot/arrakis/wizard"
)

// /drift shows how the live guild differs from the desired and deployed setup: the report
// grouped by severity and paged, with Refresh, Reconcile (make the server match again),
// Accept (make the server's current values the desired setup) and Prune (delete what the
// bot made that the setup no longer wants, listed exactly). Each of the three changes asks
// to confirm first. Every view is computed afresh from the live guild, which can take
// longer than 3 seconds, so every click is deferred and the message edited.
//
// Drift controls belong to no wizard session: custom_id "arrd:<guild>:<action>:<page>" and,
// on a Confirm button, ":<hash>" of exactly what the confirmation showed (drift.PlanHash
// of the plan, drift.ReportHash of the differences for Accept). At the click the service
// recomputes it under the deploy lease; when it differs nothing runs and the new plan is
// shown to confirm afresh.

const (
	driftPrefix   = "arrd:"
	driftPageSize = 10
)

func isDriftControl(customID string) bool { return strings.HasPrefix(customID, driftPrefix) }

// driftID is a parsed drift custom_id. Hash, when set, is the short hash of what a
// confirmation displayed: "arrd:<guild>:<action>:<page>:h<hash>".
type driftID struct {
	Guild, Action string
	Page          int
	Hash          string // Confirm buttons: the hash of what the confirmation showed
}

func (d driftID) String() string {
	s := fmt.Sprintf("%s%s:%s:%d", driftPrefix, d.Guild, d.Action, d.Page)
	if d.Hash != "" {
		s += ":h" + d.Hash
	}
	return s
}

// parseDriftID decodes a drift custom_id; anything unexpected is refused.
func parseDriftID(s string) (driftID, error) {
	if len(s) > maxCustomID {
		return driftID{}, fmt.Errorf("drift custom_id of %d characters: longer than Discord allows", len(s))
	}
	parts := strings.Split(strings.TrimPrefix(s, driftPrefix), ":")
	if len(parts) != 3 && len(parts) != 4 {
		return driftID{}, fmt.Errorf("drift custom_id %q: want 3 or 4 parts", s)
	}
	if !isSnowflakeID(parts[0]) || parts[1] == "" || !plainToken(parts[1], "_") {
		return driftID{}, fmt.Errorf("drift custom_id %q: bad guild or action", s)
	}
	if !digits(parts[2]) {
		return driftID{}, fmt.Errorf("drift custom_id %q: bad page", s)
	}
	page, err := strconv.Atoi(parts[2])
	if err != nil || page < 0 {
		return driftID{}, fmt.Errorf("drift custom_id %q: bad page", s)
	}
	d := driftID{Guild: parts[0], Action: parts[1], Page: page}
	if len(parts) == 4 {
		h, ok := hashPart(parts[3])
		if !ok || !isPlanHash(h) {
			return driftID{}, fmt.Errorf("drift custom_id %q: unexpected part", s)
		}
		d.Hash = h
	}
	return d, nil
}

// isPlanHash reports whether s has the shape of a drift hash (lower-case hex).
func isPlanHash(s string) bool {
	if len(s) != drift.HashLen {
		return false
	}
	for _, c := range s {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// noHash stands for the hash of a Confirm button that carried none (a message from
// before confirmations were bound): it never matches, so the plan is shown again.
const noHash = "none"

func hashOr(h string) string {
	if h == "" {
		return noHash
	}
	return h
}

func (b *Bot) driftCommand(i *discordgo.Interaction) Reply {
	return deferNew(func(ctx context.Context) view {
		v, dv := b.driftReportView(ctx, i.GuildID, 0, "")
		if dv != nil {
			b.countDrift(dv.Report.Items)
			v = b.withWebLink(ctx, i, v)
		}
		return v
	})
}

// driftComponent routes a click on the /drift message.
func (b *Bot) driftComponent(_ context.Context, i *discordgo.Interaction, d discordgo.MessageComponentInteractionData) Reply {
	id, err := parseDriftID(d.CustomID)
	if err != nil {
		return say(msgUnknown)
	}
	if id.Guild != i.GuildID {
		return say(msgWrongGuild)
	}
	user, _ := userOf(i)
	if id.Action != "rbpick" && (len(d.Values) > 0 || d.ComponentType != discordgo.ButtonComponent) {
		return say(msgNotOffered) // only the version select carries values
	}
	switch id.Action {
	case "rb":
		return b.rollbackStart(i)
	case "rbpick":
		if d.ComponentType != discordgo.SelectMenuComponent || id.Hash != "" {
			return say(msgNotOffered)
		}
		return deferUpdate(func(ctx context.Context) view { return b.rollbackConfirm(ctx, id.Guild, d.Values, user, "") })
	case "rb_ok":
		return deferUpdate(func(ctx context.Context) view { return b.rollbackRun(ctx, id, user) })
	}
	return deferUpdate(func(ctx context.Context) view { return b.driftAction(ctx, id, user) })
}

func (b *Bot) driftAction(ctx context.Context, id driftID, user string) view {
	switch id.Action {
	case "page", "refresh":
		return b.driftReport(ctx, id.Guild, id.Page, "")
	case "rec", "acc", "prune":
		return b.driftConfirm(ctx, id)
	case "rec_ok":
		return b.driftChange(ctx, id, "Reconciled: your server matches the setup again", func() (*deploy.Result, error) {
			return b.d.Deploy.Reconcile(ctx, id.Guild, user, hashOr(id.Hash))
		})
	case "acc_ok":
		return b.driftChange(ctx, id, "Accepted", func() (*deploy.Result, error) {
			return b.d.Deploy.Accept(ctx, id.Guild, user, hashOr(id.Hash))
		})
	case "prune_ok":
		return b.driftChange(ctx, id, "Pruned: what the setup no longer wanted is deleted", func() (*deploy.Result, error) {
			return b.d.Deploy.Prune(ctx, id.Guild, user, hashOr(id.Hash))
		})
	}
	return view{Content: msgUnknown}
}

// loadDrift asks the deploy service for the drift view, or words why it cannot.
func (b *Bot) loadDrift(ctx context.Context, guildID string) (*deploy.DriftView, *view) {
	if b.d.Deploy == nil {
		return nil, &view{Content: "Drift checks are unavailable: this Arrakis has no deploy service configured."}
	}
	dv, err := b.d.Deploy.Drift(ctx, guildID)
	if err == nil {
		return dv, nil
	}
	switch deploy.ErrorCode(err) {
	case deploy.CodeNoManifest, deploy.CodeNothingDeployed:
		return nil, &view{Content: "Nothing has been deployed in this server yet, so there is nothing to compare. Run /setup first."}
	}
	return nil, &view{Content: b.deploySentence(err, guildID)}
}

// driftGroups are the report's headings, in order: what is missing, what changes who can
// see or do what, cosmetic differences, and what Arrakis made that the setup no longer
// wants (Prune's, not Reconcile's).
var driftGroups = []struct {
	head string
	in   func(drift.Item) bool
}{
	{"🔴 **Missing** — roles or channels Arrakis manages are gone", func(it drift.Item) bool { return it.Severity == drift.SeverityError }},
	{"🟠 **Access changed** — who can see or do what is not what the setup says", func(it drift.Item) bool { return it.Severity == drift.SeverityWarning }},
	{"🔵 **Cosmetic** — names, colours, topics or order", func(it drift.Item) bool {
		return it.Severity == drift.SeverityInfo && !isExtra(it)
	}},
	{"⚪ **No longer in the setup** — Arrakis made these; Prune deletes them", func(it drift.Item) bool {
		return it.Severity == drift.SeverityInfo && isExtra(it)
	}},
}

func isExtra(it drift.Item) bool { return it.Type == drift.RoleExtra || it.Type == drift.ChannelExtra }

func groupOf(it drift.Item) int {
	for g, h := range driftGroups {
		if h.in(it) {
			return g
		}
	}
	return len(driftGroups)
}

// driftReport renders one page of the report with its controls.
func (b *Bot) driftReport(ctx context.Context, guildID string, page int, notice string) view {
	v, _ := b.driftReportView(ctx, guildID, page, notice)
	return v
}

// driftReportView is driftReport that also returns the drift it showed (nil on failure).
func (b *Bot) driftReportView(ctx context.Context, guildID string, page int, notice string) (view, *deploy.DriftView) {
	dv, fail := b.loadDrift(ctx, guildID)
	if fail != nil {
		return *fail, nil
	}
	items := sortedBySeverity(dv.Report.Items)
	pages := max(1, (len(items)+driftPageSize-1)/driftPageSize)
	page = min(page, pages-1)
	e := &discordgo.MessageEmbed{Title: "Drift report", Color: colorWizard,
		Description: driftDescription(dv, items, page, notice)}
	if len(items) > 0 {
		e.Color = colorProblem
		e.Footer = &discordgo.MessageEmbedFooter{Text: fmt.Sprintf("Page %d of %d · %d differences", page+1, pages, len(items))}
	}
	return view{Embeds: []*discordgo.MessageEmbed{e}, Components: driftControls(guildID, page, pages, dv)}, dv
}

func sortedBySeverity(items []drift.Item) []drift.Item {
	var out []drift.Item
	for g := range driftGroups {
		for _, it := range items {
			if groupOf(it) == g {
				out = append(out, it)
			}
		}
	}
	return out
}

func driftDescription(dv *deploy.DriftView, items []drift.Item, page int, notice string) string {
	var d strings.Builder
	if notice != "" {
		d.WriteString(notice + "\n\n")
	}
	if dv.Alert != nil && dv.Desired != nil {
		d.WriteString(keptAlertText(dv.Alert, dv.Desired.Manifest.AlertChannel()) + "\n\n")
	}
	if len(items) == 0 {
		d.WriteString("✅ No drift: your server matches the deployed setup.")
		return d.String()
	}
	d.WriteString("Your server compared with the setup (" + versionText(dv.Desired.Meta) + ").\n")
	var m *wizard.Manifest
	if dv.Desired != nil {
		m = dv.Desired.Manifest
	}
	from, to := page*driftPageSize, min(len(items), (page+1)*driftPageSize)
	last := -1
	for _, it := range items[from:to] {
		if g := groupOf(it); g != last {
			if g < len(driftGroups) {
				d.WriteString("\n" + driftGroups[g].head + "\n")
			}
			last = g
		}
		d.WriteString("• " + itemText(it, m) + "\n")
	}
	if page == 0 && len(dv.Collisions) > 0 {
		d.WriteString("\n" + collisionsText(dv.Collisions))
	}
	return clip(d.String(), maxEmbedDesc)
}

// collisionsText lists name collisions for Discord, with mentions: a fix would create a
// role or channel next to an existing one of the same name that Arrakis does not manage.
func collisionsText(cs []drift.Collision) string {
	var b strings.Builder
	b.WriteString("⚠️ **Name collisions** — nothing is adopted by name; choose in /setup (review step) whether to adopt the existing one or create another:\n")
	for i, c := range cs {
		if i == 10 {
			fmt.Fprintf(&b, "…and %d more.\n", len(cs)-i)
			break
		}
		b.WriteString("• " + collisionLine(c) + "\n")
	}
	return b.String()
}

// collisionLine is one collision with a mention of the existing role or channel.
func collisionLine(c drift.Collision) string {
	what, live := "role", "<@&"+c.LiveID+">"
	if c.Kind == drift.CollisionChannel {
		what, live = "channel", "<#"+c.LiveID+">"
		if c.Type == drift.TypeCategory {
			what = "category"
		} else if c.Type == drift.TypeVoice {
			what = "voice channel"
		}
	}
	t := "New " + what + " **" + esc(c.Name) + "** — " + live + " already exists"
	if !c.Exact {
		t += " (same name up to case)"
	}
	if !c.Adoptable {
		t += "; it cannot be adopted"
	}
	return t
}

// itemText is one difference in drift.DescribeItem's words, the name in bold: "Channel
// **holders-chat**: missing". m (may be nil) names tier roles in access rules.
func itemText(it drift.Item, m *wizard.Manifest) string {
	subject := "Channel **" + esc(it.Name) + "**"
	switch it.Type {
	case drift.RoleMissing, drift.RoleExtra, drift.RoleMismatch:
		subject = "Role **" + esc(it.Name) + "**"
	case drift.ConfigMismatch:
		subject = "**Setup**"
	}
	return clip(subject+": "+esc(drift.DescribeChange(it, m)), 300)
}

// versionText names a saved setup as people say it: "version 3, saved by @alice 2 hours
// ago" (Discord renders the mention and the relative time).
func versionText(meta store.SnapshotMeta) string {
	t := fmt.Sprintf("version %d", meta.Version)
	if isSnowflakeID(meta.CreatedBy) {
		t += ", saved by <@" + meta.CreatedBy + ">"
	} else if meta.CreatedBy != "" {
		t += ", saved by " + esc(meta.CreatedBy)
	}
	if !meta.CreatedAt.IsZero() {
		t += fmt.Sprintf(" <t:%d:R>", meta.CreatedAt.Unix())
	}
	return t
}

func driftButton(guild, label, action string, page int, style discordgo.ButtonStyle) discordgo.Button {
	return discordgo.Button{Label: label, Style: style, CustomID: driftID{Guild: guild, Action: action, Page: page}.String()}
}

func driftControls(guild string, page, pages int, dv *deploy.DriftView) []discordgo.MessageComponent {
	nav := []discordgo.Button{driftButton(guild, "Refresh", "refresh", page, discordgo.SecondaryButton)}
	if pages > 1 {
		prev := driftButton(guild, "◀ Previous", "page", max(0, page-1), discordgo.SecondaryButton)
		prev.Disabled = page == 0
		next := driftButton(guild, "Next ▶", "page", min(pages-1, page+1), discordgo.SecondaryButton)
		next.Disabled = page == pages-1
		nav = append([]discordgo.Button{prev, next}, nav...)
	}
	rows := []discordgo.MessageComponent{buttonRow(nav)}
	if dv.Report.Empty() && len(dv.PrunePlan) == 0 {
		return rows
	}
	acts := []discordgo.Button{
		driftButton(guild, "Reconcile…", "rec", page, discordgo.SuccessButton),
		driftButton(guild, "Accept…", "acc", page, discordgo.SecondaryButton),
	}
	if len(dv.PrunePlan) > 0 {
		acts = append(acts, driftButton(guild, "Prune…", "prune", page, discordgo.DangerButton))
	}
	return append(rows, buttonRow(acts))
}

// driftConfirm says exactly what a change would do and asks to confirm it. The Confirm
// button carries the hash of exactly what is listed; notice, when set, says why the
// confirmation is shown again.
func (b *Bot) driftConfirm(ctx context.Context, id driftID, notice ...string) view {
	dv, fail := b.loadDrift(ctx, id.Guild)
	if fail != nil {
		return *fail
	}
	var text, hash string
	switch id.Action {
	case "rec":
		text = "**Reconcile** makes your server match the desired setup again, with exactly these changes:\n" + opsText(dv.Plan, "nothing to change")
		hash = dv.PlanHash
	case "acc":
		text = "**Accept** makes what your server has now the desired setup (a new snapshot); nothing in the server changes. " +
			"These differences become the setup:\n" + itemsText(acceptable(dv.Report.Items), dv.Desired.Manifest, "no differences")
		if n := len(dv.Report.Items) - len(acceptable(dv.Report.Items)); n > 0 {
			text += fmt.Sprintf("Not changed by Accept: %d roles or channels Arrakis made that the setup no longer wants (Prune deletes them).\n", n)
		}
		if dv.AcceptNote != "" {
			text += "\n" + dv.AcceptNote
		}
		hash = dv.AcceptHash
	case "prune":
		text = "**Prune** deletes exactly these, which Arrakis made and the setup no longer wants:\n" + opsText(dv.PrunePlan, "nothing to delete")
		hash = dv.PruneHash
	}
	if len(notice) > 0 && notice[0] != "" {
		text = "⚠️ " + notice[0] + "\n\n" + text
	}
	title, label, style := confirmWording(id.Action, dv)
	ok := discordgo.Button{Label: label, Style: style,
		CustomID: driftID{Guild: id.Guild, Action: id.Action + "_ok", Page: id.Page, Hash: hash}.String()}
	e := &discordgo.MessageEmbed{Title: title, Description: clip(text, maxEmbedDesc), Color: colorWizard}
	if style == discordgo.DangerButton {
		e.Color = colorProblem // only a deletion is red
	}
	return view{Embeds: []*discordgo.MessageEmbed{e}, Components: []discordgo.MessageComponent{buttonRow([]discordgo.Button{
		ok, driftButton(id.Guild, "Back", "page", id.Page, discordgo.SecondaryButton),
	})}}
}

// confirmWording titles a /drift confirmation by what it does ("Delete 2 roles and 1
// channel?") and labels its button the same way; only a deletion is red.
func confirmWording(action string, dv *deploy.DriftView) (title, label string, style discordgo.ButtonStyle) {
	switch action {
	case "prune":
		what := planSummary(dv.PrunePlan)
		return clip(what+"?", 256), clip(what, 80), discordgo.DangerButton
	case "acc":
		n := len(acceptable(dv.Report.Items))
		return fmt.Sprintf("Make %s part of the setup?", plural(n, "difference", "differences")), "Accept the server as it is", discordgo.SuccessButton
	}
	what := planSummary(dv.Plan)
	return clip("Put your server back: "+lowerFirst(what)+"?", 256), "Reconcile", discordgo.SuccessButton
}

// maxListed is how many plan lines or differences a confirmation lists; a longer list
// says how many more there are (the hash still covers them all).
const maxListed = 25

func opsText(ops []drift.Op, none string) string {
	if len(ops) == 0 {
		return none + "."
	}
	var b strings.Builder
	for i, op := range ops {
		if i == maxListed {
			fmt.Fprintf(&b, "…and %d more.\n", len(ops)-i)
			break
		}
		b.WriteString("• " + opText(op) + "\n")
	}
	return b.String()
}

// acceptable are the differences Accept takes into the setup: everything but what the
// setup no longer wants, which stays Prune's.
func acceptable(items []drift.Item) []drift.Item {
	var out []drift.Item
	for _, it := range items {
		if it.Type != drift.RoleExtra && it.Type != drift.ChannelExtra {
			out = append(out, it)
		}
	}
	return out
}

func itemsText(items []drift.Item, m *wizard.Manifest, none string) string {
	if len(items) == 0 {
		return none + "."
	}
	var b strings.Builder
	for i, it := range sortedBySeverity(items) {
		if i == maxListed {
			fmt.Fprintf(&b, "…and %d more.\n", len(items)-i)
			break
		}
		b.WriteString("• " + itemText(it, m) + "\n")
	}
	return b.String()
}

// driftChange runs a confirmed change and shows the fresh report with its outcome. When
// what was confirmed is no longer what would run, nothing ran: the confirmation is shown
// again with the new plan.
func (b *Bot) driftChange(ctx context.Context, id driftID, done string, run func() (*deploy.Result, error)) view {
	guildID := id.Guild
	if b.d.Deploy == nil {
		return view{Content: "Drift checks are unavailable: this Arrakis has no deploy service configured."}
	}
	res, err := run()
	if deploy.ErrorCode(err) == deploy.CodePlanChanged {
		again := id
		again.Action, again.Hash = strings.TrimSuffix(id.Action, "_ok"), ""
		return b.driftConfirm(ctx, again, msgPlanChanged)
	}
	if err != nil {
		var de *deploy.Error
		if !errors.As(err, &de) {
			b.d.Log.Warn("drift change failed", zap.String("guild", guildID), zap.Error(err))
		}
		return b.driftReport(ctx, guildID, 0, "❌ "+b.deploySentence(err, guildID))
	}
	text := fmt.Sprintf("✅ %s. The setup is now version %d.", done, res.Version)
	if id.Action == "acc_ok" && res.Report != "" {
		text = "✅ " + res.Report
	}
	return b.driftReport(ctx, guildID, 0, text)
}

// msgPlanChanged says why a confirmation is shown again.
const msgPlanChanged = "Nothing was changed: your server or the setup changed since that confirmation was shown, so it was no longer what would run. Here is what would run now; confirm again if it is right."
