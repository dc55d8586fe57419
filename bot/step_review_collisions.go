package bot

import (
	"context"
	"slices"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/arrakis-bot/arrakis/drift"
	"github.com/arrakis-bot/arrakis/wizard"
)

// Name collisions on the review (DESIGN §5): the plan would create a role or channel next
// to an existing one of the same name that Arrakis does not manage. Nothing is adopted by
// name, so the admin decides each one — adopt the existing one, or create another — and
// Deploy stays disabled until every collision is decided. Each choice is checked at click
// time against the collisions the review offers now; anything else changes nothing.

const (
	actColAdopt  = "coladopt"
	actColCreate = "colcreate"
)

// unresolved is the review's collisions the session has not decided yet.
func unresolved(s *wizard.Session, cs []drift.Collision) []drift.Collision {
	var out []drift.Collision
	for _, c := range cs {
		if !slices.Contains(s.Data.CreateAnyway, c.ID()) {
			out = append(out, c)
		}
	}
	return out
}

// collisionReview is the review's collision section and the buttons for the first
// collision still open.
func collisionReview(s *wizard.Session, cs []drift.Collision) (string, []discordgo.Button) {
	if len(cs) == 0 {
		return "", nil
	}
	open := unresolved(s, cs)
	var b strings.Builder
	b.WriteString("\n⚠️ **Name collisions** — your server already has these names, on roles or channels Arrakis does not manage. Nothing is taken over by name; choose for each:\n")
	for i, c := range cs {
		if i == 10 {
			b.WriteString("…and more below once these are decided.\n")
			break
		}
		mark := "❔"
		if !slices.ContainsFunc(open, func(o drift.Collision) bool { return o.ID() == c.ID() && o.LiveID == c.LiveID }) {
			mark = "✔️ creating another;"
		}
		b.WriteString("• " + mark + " " + collisionLine(c) + "\n")
	}
	if len(open) == 0 {
		return b.String(), nil
	}
	c := open[0]
	var buttons []discordgo.Button
	if c.Adoptable {
		buttons = append(buttons, button(s, clip("Adopt "+c.LiveName, 80), discordgo.SecondaryButton, actColAdopt, collisionArg(c)+"."+c.LiveID))
	}
	buttons = append(buttons, button(s, "Create another", discordgo.SecondaryButton, actColCreate, collisionArg(c)))
	return b.String(), buttons
}

// offeredCollision finds the collision a click names among those the review offers now.
func (b *Bot) offeredCollision(ctx context.Context, c *click) (*drift.Collision, *reviewResult) {
	rv := b.review(ctx, c.s)
	if rv == nil || rv.Review == nil {
		return nil, rv
	}
	// The arg is "<kind>.<key>" (create another) or "<kind>.<key>.<live id>" (adopt):
	// dots, because a custom_id's parts are separated by colons.
	kind, key, ok := strings.Cut(c.id.Arg, ".")
	if !ok {
		return nil, rv
	}
	live := ""
	if c.id.Action == actColAdopt {
		i := strings.LastIndexByte(key, '.')
		if i < 0 {
			return nil, rv
		}
		key, live = key[:i], key[i+1:]
		if live == "" {
			return nil, rv
		}
	}
	id := drift.Collision{Kind: kind, Key: key}.ID()
	for _, col := range unresolved(c.s, rv.Review.Collisions) {
		if col.ID() == id && (live == "" || col.LiveID == live) {
			return &col, rv
		}
	}
	return nil, rv
}

func (b *Bot) collisionAdopt(ctx context.Context, c *click) Reply {
	return deferUpdate(func(ctx context.Context) view {
		col, rv := b.offeredCollision(ctx, c)
		if col == nil || !col.Adoptable {
			return b.frame(ctx, c.s, "That choice is no longer on offer; the review below is current.", rv)
		}
		switch col.Kind {
		case drift.CollisionRole:
			i := slices.IndexFunc(c.s.Data.Tiers, func(t wizard.Tier) bool { return t.ID == col.Key })
			if i < 0 {
				return b.frame(ctx, c.s, msgOutOfDate, rv)
			}
			if ps := adoptProblems(rv.Review.Guild, col.LiveID); len(ps) > 0 {
				return b.frame(ctx, c.s, problemList(ps), rv)
			}
			r := findRole(rv.Review.Guild, col.LiveID)
			c.s.Data.Tiers[i].Role = wizard.RoleSpec{Name: r.Name, Color: r.Color, Hoist: r.Hoist, Mentionable: r.Mentionable, Adopt: r.ID}
		default:
			if c.s.Data.ChannelAdopts == nil {
				c.s.Data.ChannelAdopts = map[string]string{}
			}
			c.s.Data.ChannelAdopts[col.Key] = col.LiveID
		}
		s, err := b.d.Sessions.Update(ctx, c.s)
		if err != nil {
			return b.storeFailedView(ctx, c, err)
		}
		return b.render(ctx, s, "")
	})
}

func (b *Bot) collisionCreate(ctx context.Context, c *click) Reply {
	return deferUpdate(func(ctx context.Context) view {
		col, rv := b.offeredCollision(ctx, c)
		if col == nil {
			return b.frame(ctx, c.s, "That choice is no longer on offer; the review below is current.", rv)
		}
		c.s.Data.CreateAnyway = append(c.s.Data.CreateAnyway, col.ID())
		s, err := b.d.Sessions.Update(ctx, c.s)
		if err != nil {
			return b.storeFailedView(ctx, c, err)
		}
		return b.render(ctx, s, "")
	})
}

// collisionArg is a collision's id in a custom_id argument: "<kind>.<key>".
func collisionArg(c drift.Collision) string { return c.Kind + "." + c.Key }
