package bot

import (
	"context"
	"strconv"

	"github.com/bwmarrin/discordgo"

	"github.com/arrakis-bot/arrakis/bot/deploy"
	"github.com/arrakis-bot/arrakis/wizard"
)

// A plan longer than a page is listed planPageSize changes at a time, with ◀ / ▶ buttons,
// so that every change Confirm deploy runs can be read before it is confirmed, not only
// its counts (Shown = run). The page is UI state: a step change starts again at the first.
const (
	uiPlanPage   = "plpage"
	actPlanPage  = "plpage"
	planPageSize = 15
)

// planPage is the page of r's plan the session shows, within the plan's pages.
func planPage(s *wizard.Session, r *deploy.Review) int {
	p, _ := strconv.Atoi(s.UI[uiPlanPage])
	return max(0, min(p, planLastPage(r)))
}

func planLastPage(r *deploy.Review) int { return max(0, len(r.Plan)-1) / planPageSize }

// planPageButtons are the ◀ / ▶ buttons of a plan longer than a page; each names the page
// it opens, so a click can only open a page this message offered.
func planPageButtons(s *wizard.Session, r *deploy.Review) []discordgo.Button {
	if len(r.Plan) <= planPageSize {
		return nil
	}
	p := planPage(s, r)
	var bs []discordgo.Button
	if p > 0 {
		bs = append(bs, button(s, "◀ Earlier changes", discordgo.SecondaryButton, actPlanPage, strconv.Itoa(p-1)))
	}
	if p < planLastPage(r) {
		bs = append(bs, button(s, "More changes ▶", discordgo.SecondaryButton, actPlanPage, strconv.Itoa(p+1)))
	}
	return bs
}

// turnPlanPage shows the page the button names (offered.go has checked that the message
// offered exactly this button, drawn from the live review).
func (b *Bot) turnPlanPage(ctx context.Context, c *click) Reply {
	if p, err := strconv.Atoi(c.id.Arg); err != nil || p < 0 {
		return say(msgNotOffered)
	}
	setUI(c.s, uiPlanPage, c.id.Arg)
	return b.save(ctx, c, "")
}
