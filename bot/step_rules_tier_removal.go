package bot

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/arrakis-bot/arrakis/wizard"
)

// Removing a tier is confirmed first, saying what depends on it, and never opens its
// channels to everyone silently: when custom channels are gated at it, the step asks what
// becomes of them — gated at another tier, opened to everyone, or removed from the setup —
// and the answer is written into the channels themselves, so the manifest says it
// explicitly. Every button carries the tier's id, so it removes the tier it showed. The
// ids of what is removed are retired: a later tier or channel never takes them over.

// uiRmTier holds the id of a tier whose removal waits for that answer.
const uiRmTier = "rm_tier"

// removeTier asks to confirm removing the tier being edited, and what becomes of the
// channels gated at it.
func (b *Bot) removeTier(ctx context.Context, c *click) Reply {
	i := pickedTier(c.s)
	if i < 0 {
		return b.show(ctx, c.s, "", updateMessage)
	}
	setUI(c.s, uiRmTier, c.s.Data.Tiers[i].ID)
	return b.save(ctx, c, "")
}

// gatedAt lists the indexes of the channels gated at tier id.
func gatedAt(chs []wizard.Channel, id string) []int {
	var out []int
	for k, ch := range chs {
		if ch.MinTier == id {
			out = append(out, k)
		}
	}
	return out
}

// pendingTierRemoval is the tier whose removal waits for confirmation and the channels
// gated at it, or "" when none waits (or the question went stale).
func pendingTierRemoval(s *wizard.Session) (string, []int) {
	id := s.UI[uiRmTier]
	if id == "" || (&wizard.Manifest{Tiers: s.Data.Tiers}).TierIndex(id) < 0 {
		return "", nil
	}
	return id, gatedAt(s.Data.CustomChannels, id)
}

// confirmedRemoval is the pending removal when the click's argument names its tier.
func confirmedRemoval(c *click) (string, []int) {
	id, affected := pendingTierRemoval(c.s)
	if id == "" || c.id.Arg != id {
		return "", nil
	}
	return id, affected
}

func dropTier(s *wizard.Session, id string) {
	for i, t := range s.Data.Tiers {
		if t.ID == id {
			s.Data.Tiers = append(s.Data.Tiers[:i:i], s.Data.Tiers[i+1:]...)
			s.Data.Retire(id)
			break
		}
	}
	delete(s.UI, uiTier)
	delete(s.UI, uiRmTier)
}

func tierRemovalUI(s *wizard.Session, id string, affected []int) stepUI {
	i := (&wizard.Manifest{Tiers: s.Data.Tiers}).TierIndex(id)
	t := s.Data.Tiers[i]
	body := fmt.Sprintf("**Remove tier %d, %s?** %s go with it.", i+1, esc(t.Name), upperFirst(countNoun(len(t.Rules), "its rule", "its %d rules")))
	if slices.Contains(s.Data.DeployedKeys, id) {
		body += "\nIts deployed role stops being managed as a tier; /drift will list it as no longer in the setup, and only Prune deletes it."
	}
	ui := stepUI{NoNext: true}
	if len(affected) == 0 {
		ui.Body = body + "\n**Remove tier** to confirm, or keep it."
		ui.Buttons = []discordgo.Button{
			button(s, "Remove tier", discordgo.DangerButton, "rm_tier_ok", id),
			button(s, "Keep the tier", discordgo.SecondaryButton, "rm_tier_keep"),
		}
		return ui
	}
	var names []string
	for n, k := range affected {
		if n == maxListedNames {
			names = append(names, fmt.Sprintf("and %d more", len(affected)-n))
			break
		}
		names = append(names, "**"+esc(s.Data.CustomChannels[k].Name)+"**")
	}
	ui.Body = body + fmt.Sprintf("\nThese channels are open only to it and the tiers above: %s.\n"+
		"Without the tier they would have no gate. Choose what becomes of them:\n"+
		"• gate them at another tier (pick it below),\n• make them open to everyone in the server,\n• or remove them from the setup "+
		"(they stay in your server until a Prune in /drift deletes them).", strings.Join(names, ", "))
	var opts []discordgo.SelectMenuOption
	for k, o := range s.Data.Tiers {
		if o.ID != id {
			opts = append(opts, discordgo.SelectMenuOption{Label: clip(fmt.Sprintf("Gate them at tier %d: %s", k+1, o.Name), maxOptionText), Value: o.ID})
		}
	}
	if len(opts) > 0 {
		ui.Selects = []discordgo.SelectMenu{selectMenu(s, "rmto", "Gate them at another tier…", opts)}
	}
	ui.Buttons = []discordgo.Button{
		button(s, "Make them public", discordgo.DangerButton, "rm_tier_public", id),
		button(s, "Remove the channels", discordgo.DangerButton, "rm_tier_drop", id),
		button(s, "Keep the tier", discordgo.SecondaryButton, "rm_tier_keep"),
	}
	return ui
}

// maxListedNames is how many affected channels the removal question names.
const maxListedNames = 8

// countNoun words n things: one when n is 1, else many with n in it.
func countNoun(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return fmt.Sprintf(many, n)
}

// removeUngatedTier removes a tier no channel is gated at, as confirmed.
func (b *Bot) removeUngatedTier(ctx context.Context, c *click) Reply {
	id, affected := confirmedRemoval(c)
	if id == "" || len(affected) > 0 {
		return b.show(ctx, c.s, msgOutOfDate, updateMessage)
	}
	dropTier(c.s, id)
	return b.save(ctx, c, "The tier is removed.")
}

// regateAndRemoveTier gates the channels at the chosen tier, then removes the tier.
func (b *Bot) regateAndRemoveTier(ctx context.Context, c *click) Reply {
	id, affected := pendingTierRemoval(c.s)
	to := c.firstValue()
	if id == "" || to == id || (&wizard.Manifest{Tiers: c.s.Data.Tiers}).TierIndex(to) < 0 {
		return b.show(ctx, c.s, msgOutOfDate, updateMessage)
	}
	for _, k := range affected {
		c.s.Data.CustomChannels[k].MinTier = to
	}
	dropTier(c.s, id)
	return b.save(ctx, c, "")
}

// openAndRemoveTier makes the channels open to everyone, as the admin chose, then
// removes the tier.
func (b *Bot) openAndRemoveTier(ctx context.Context, c *click) Reply {
	id, affected := confirmedRemoval(c)
	if id == "" {
		return b.show(ctx, c.s, msgOutOfDate, updateMessage)
	}
	for _, k := range affected {
		c.s.Data.CustomChannels[k].MinTier = ""
	}
	dropTier(c.s, id)
	return b.save(ctx, c, countNoun(len(affected), "1 channel is now open to everyone in the server.", "%d channels are now open to everyone in the server."))
}

// dropChannelsAndRemoveTier removes the channels (a category with the channels in it)
// from the setup, then the tier.
func (b *Bot) dropChannelsAndRemoveTier(ctx context.Context, c *click) Reply {
	id, affected := confirmedRemoval(c)
	if id == "" {
		return b.show(ctx, c.s, msgOutOfDate, updateMessage)
	}
	gone := map[string]bool{}
	for _, k := range affected {
		gone[c.s.Data.CustomChannels[k].Key] = true
	}
	var kept []wizard.Channel
	for _, ch := range c.s.Data.CustomChannels {
		if gone[ch.Key] || gone[ch.Parent] {
			c.s.Data.Retire(ch.Key)
			continue
		}
		kept = append(kept, ch)
	}
	c.s.Data.CustomChannels = kept
	dropTier(c.s, id)
	return b.save(ctx, c, "")
}

func (b *Bot) keepTier(ctx context.Context, c *click) Reply {
	delete(c.s.UI, uiRmTier)
	return b.save(ctx, c, "")
}
