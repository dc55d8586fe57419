package bot

import (
	"context"
	"fmt"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/arrakis-bot/arrakis/wizard"
)

// Removing a tier never opens its channels to everyone silently: when custom channels
// are gated at it, the step asks what becomes of them first — gated at another tier,
// opened to everyone, or removed from the setup — and the answer is written into the
// channels themselves, so the manifest says it explicitly.

// uiRmTier holds the id of a tier whose removal waits for that answer.
const uiRmTier = "rm_tier"

// removeTier removes the tier being edited, or asks first what becomes of the channels
// gated at it.
func (b *Bot) removeTier(ctx context.Context, c *click) Reply {
	i := pickedTier(c.s)
	if i < 0 {
		return b.show(ctx, c.s, "", updateMessage)
	}
	id := c.s.Data.Tiers[i].ID
	if len(gatedAt(c.s.Data.CustomChannels, id)) > 0 {
		setUI(c.s, uiRmTier, id)
		return b.save(ctx, c, "")
	}
	dropTier(c.s, id)
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

// pendingTierRemoval is the tier waiting for the channels' answer and those channels,
// or "" when none waits (or the question went stale).
func pendingTierRemoval(s *wizard.Session) (string, []int) {
	id := s.UI[uiRmTier]
	if id == "" || (&wizard.Manifest{Tiers: s.Data.Tiers}).TierIndex(id) < 0 {
		return "", nil
	}
	affected := gatedAt(s.Data.CustomChannels, id)
	if len(affected) == 0 {
		return "", nil
	}
	return id, affected
}

func dropTier(s *wizard.Session, id string) {
	for i, t := range s.Data.Tiers {
		if t.ID == id {
			s.Data.Tiers = append(s.Data.Tiers[:i:i], s.Data.Tiers[i+1:]...)
			break
		}
	}
	delete(s.UI, uiTier)
	delete(s.UI, uiRmTier)
}

func tierRemovalUI(s *wizard.Session, id string, affected []int) stepUI {
	t := s.Data.Tiers[(&wizard.Manifest{Tiers: s.Data.Tiers}).TierIndex(id)]
	var names []string
	for _, k := range affected {
		names = append(names, "**"+esc(s.Data.CustomChannels[k].Name)+"**")
	}
	ui := stepUI{NoNext: true, Body: fmt.Sprintf("Removing tier **%s**. These channels are open only to it and the tiers above: %s.\n"+
		"Without the tier they would have no gate. Choose what becomes of them:\n"+
		"• gate them at another tier (pick it below),\n• make them open to everyone in the server,\n• or remove them from the setup "+
		"(they stay in your server until a Prune in /drift deletes them).", esc(t.Name), strings.Join(names, ", "))}
	var opts []discordgo.SelectMenuOption
	for i, o := range s.Data.Tiers {
		if o.ID != id {
			opts = append(opts, discordgo.SelectMenuOption{Label: clip(fmt.Sprintf("Gate them at tier %d: %s", i+1, o.Name), maxOptionText), Value: o.ID})
		}
	}
	if len(opts) > 0 {
		ui.Selects = []discordgo.SelectMenu{selectMenu(s, "rmto", "Gate them at another tier…", opts)}
	}
	ui.Buttons = []discordgo.Button{
		button(s, "Make them public", discordgo.DangerButton, "rm_tier_public"),
		button(s, "Remove the channels", discordgo.DangerButton, "rm_tier_drop"),
		button(s, "Keep the tier", discordgo.SecondaryButton, "rm_tier_keep"),
	}
	return ui
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
	id, affected := pendingTierRemoval(c.s)
	if id == "" {
		return b.show(ctx, c.s, msgOutOfDate, updateMessage)
	}
	for _, k := range affected {
		c.s.Data.CustomChannels[k].MinTier = ""
	}
	dropTier(c.s, id)
	return b.save(ctx, c, fmt.Sprintf("%d channels are now open to everyone in the server.", len(affected)))
}

// dropChannelsAndRemoveTier removes the channels (a category with the channels in it)
// from the setup, then the tier.
func (b *Bot) dropChannelsAndRemoveTier(ctx context.Context, c *click) Reply {
	id, affected := pendingTierRemoval(c.s)
	if id == "" {
		return b.show(ctx, c.s, msgOutOfDate, updateMessage)
	}
	gone := map[string]bool{}
	for _, k := range affected {
		gone[c.s.Data.CustomChannels[k].Key] = true
	}
	var kept []wizard.Channel
	for _, ch := range c.s.Data.CustomChannels {
		if !gone[ch.Key] && !gone[ch.Parent] {
			kept = append(kept, ch)
		}
	}
	c.s.Data.CustomChannels = kept
	dropTier(c.s, id)
	return b.save(ctx, c, "")
}

func (b *Bot) keepTier(ctx context.Context, c *click) Reply {
	delete(c.s.UI, uiRmTier)
	return b.save(ctx, c, "")
}
