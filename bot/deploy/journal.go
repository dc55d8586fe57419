package deploy

// The create journal (DESIGN §5 "Resume"). Discord has no idempotency keys, so a deploy
// that stops between a create and recording its result cannot know from its records
// whether the create happened. Before each create it journals what it is about to make;
// on resume, a live resource that no record names is taken as this deploy's own only when
// its name, type and parent match a journaled create and its snowflake says it was made
// no earlier than that entry (less journalClockMargin). Anything older existed before
// the deploy and stays the admin's, whatever its name.

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"sort"
	"time"

	"github.com/arrakis-bot/arrakis/drift"
	"github.com/arrakis-bot/arrakis/store"
	"github.com/arrakis-bot/arrakis/wizard"
)

// journalClockMargin allows for the deploy's clock running ahead of Discord's: a resource
// made up to 2 s "before" its journal entry still counts as made by that create. Discord
// timestamps ids when it creates them, after the request left; 2 s covers ordinary NTP
// skew while a resource an admin made minutes or hours earlier stays out.
const journalClockMargin = 2 * time.Second

const (
	journalRole    = "role"
	journalChannel = "channel"
)

func newDeployID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// journal records op's create in the progress record before it is sent.
func (r *run) journal(ctx context.Context, op drift.Op) error {
	e := store.CreateEntry{DeployID: r.progress.DeployID, Key: op.Key, Name: op.Name, At: r.s.cfg.Now()}
	switch op.Kind {
	case drift.OpCreateRole:
		e.Kind = journalRole
		if op.Role != nil {
			e.Name = op.Role.Name
		}
	case drift.OpCreateChannel:
		e.Kind = journalChannel
		if op.Channel != nil {
			e.Name, e.Type = op.Channel.Name, int(channelType(op.Channel.Type))
			if op.Channel.Type != wizard.ChannelCategory {
				e.ParentID = r.res.Channels[op.Channel.Parent]
			}
		}
	default:
		return nil
	}
	r.progress.Creates = append(r.progress.Creates, e)
	r.progress.UpdatedAt = r.s.cfg.Now()
	r.progress.Resources = r.res.Clone()
	if err := r.s.cfg.Coordination.SaveProgress(ctx, r.progress); err != nil {
		return fmt.Errorf("journal the create of %s %q in guild %s: %w", e.Kind, e.Name, r.guildID, err)
	}
	return nil
}

// claimJournaled adds to res every live resource a journaled create made that res does
// not name yet (see the top of this file), as created by the bot. Entries are matched in
// journal order, each resource at most once.
func claimJournaled(res wizard.ResourceMap, journal []store.CreateEntry, g drift.Guild) {
	if len(journal) == 0 {
		return
	}
	taken := map[string]bool{g.ID: true, g.BotRoleID: true}
	for _, id := range res.Roles {
		taken[id] = true
	}
	for _, id := range res.Channels {
		taken[id] = true
	}
	liveRole := map[string]bool{}
	for _, r := range g.Roles {
		liveRole[r.ID] = true
	}
	liveChan := map[string]bool{}
	for _, c := range g.Channels {
		liveChan[c.ID] = true
	}
	for _, e := range journal {
		since := e.At.Add(-journalClockMargin)
		var cands []string
		switch e.Kind {
		case journalRole:
			if liveRole[res.Roles[e.Key]] {
				continue
			}
			for _, r := range g.Roles {
				if !taken[r.ID] && !r.Managed && r.Name == e.Name && madeSince(r.ID, since) {
					cands = append(cands, r.ID)
				}
			}
		case journalChannel:
			if liveChan[res.Channels[e.Key]] {
				continue
			}
			for _, c := range g.Channels {
				if !taken[c.ID] && c.Name == e.Name && int(c.Type) == e.Type && c.ParentID == e.ParentID && madeSince(c.ID, since) {
					cands = append(cands, c.ID)
				}
			}
		}
		if len(cands) == 0 {
			continue
		}
		// One create makes one resource: prefer one made at or after the entry (the
		// create was sent after it), then the oldest.
		after := func(id string) bool { return madeSince(id, e.At) }
		sort.Slice(cands, func(i, j int) bool {
			if ai, aj := after(cands[i]), after(cands[j]); ai != aj {
				return ai
			}
			return snowflakeLess(cands[i], cands[j])
		})
		id := cands[0]
		taken[id] = true
		if e.Kind == journalRole {
			res.Roles[e.Key] = id
			liveRole[id] = true
		} else {
			res.Channels[e.Key] = id
			liveChan[id] = true
		}
	}
}

// madeSince reports whether the snowflake id was made at or after t.
func madeSince(id string, t time.Time) bool {
	at, ok := snowflakeTime(id)
	return ok && !at.Before(t)
}
