package deploy

import "fmt"

// Positions for reorder_roles and reorder_channels.

type position struct {
	ID       string `json:"id"`
	Position int    `json:"position"`
}

// rolePositions places the tier roles (order: lowest tier first) as one block in tier
// order directly below the bot's top role, leaving every other role in its relative place,
// and returns only the positions that change: a role already at its final position is not
// sent, and roles above the bot are never sent. Positions are the final, renumbered ones
// (1 = just above @everyone), so the body describes one unambiguous order.
func (r *run) rolePositions(order []string) ([]position, error) {
	tierIDs := make([]string, 0, len(order))
	isTier := map[string]bool{}
	for _, key := range order {
		id := r.res.Roles[key]
		if id == "" {
			return nil, fmt.Errorf("the role of tier %q is not known yet", key)
		}
		tierIDs = append(tierIDs, id)
		isTier[id] = true
	}
	// Current roles bottom to top, without @everyone: roles this run created that the
	// live read does not know yet sit at the bottom, newest lowest (Discord puts a new
	// role at position 1), then the roles the live read knows, in its order.
	var current []string
	known := map[string]bool{}
	for _, role := range r.live.Guild.Roles {
		known[role.ID] = true
	}
	for i := len(r.createdRoles) - 1; i >= 0; i-- {
		if id := r.createdRoles[i]; !known[id] {
			current = append(current, id)
		}
	}
	for _, role := range r.live.Guild.Roles { // sorted bottom to top
		if role.ID != r.guildID {
			current = append(current, role.ID)
		}
	}
	var others []string
	for _, id := range current {
		if !isTier[id] {
			others = append(others, id)
		}
	}
	botTop := ""
	if r.live.BotTopRole != nil {
		botTop = r.live.BotTopRole.ID
	}
	cut := len(others)
	for i, id := range others {
		if id == botTop {
			cut = i
			break
		}
	}
	final := append(append(append([]string{}, others[:cut]...), tierIDs...), others[cut:]...)
	now := make(map[string]int, len(current))
	for i, id := range current {
		now[id] = i + 1
	}
	var out []position
	for i, id := range final[:cut+len(tierIDs)] {
		if now[id] != i+1 {
			out = append(out, position{ID: id, Position: i + 1})
		}
	}
	return out, nil
}

// channelPositions puts the ordered channels of one parent (parentKey "" = top level)
// in manifest order after the parent's other channels, which keep their places: the
// managed block always ends up in the same place, whether its channels were created just
// now or by an earlier, interrupted deploy.
func (r *run) channelPositions(parentKey string, order []string) []position {
	parentID := ""
	if parentKey != "" {
		parentID = r.res.Channels[parentKey]
	}
	managed := map[string]bool{}
	for _, key := range order {
		if id := r.res.Channels[key]; id != "" {
			managed[id] = true
		}
	}
	base := 0
	for _, c := range r.live.Guild.Channels {
		if c.ParentID == parentID && !managed[c.ID] && c.Position >= base {
			base = c.Position + 1
		}
	}
	var out []position
	for i, key := range order {
		if id := r.res.Channels[key]; id != "" {
			out = append(out, position{ID: id, Position: base + i})
		}
	}
	return out
}
