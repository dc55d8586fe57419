package deploy

import (
	"context"
	"fmt"

	"github.com/arrakis-bot/arrakis/store"
	"github.com/arrakis-bot/arrakis/wizard"
)

// StoppedSentence says what happened to a deploy whose process ended while it ran: the
// progress record still says "running", but nobody holds its lease any more.
const StoppedSentence = "The deploy stopped: the Arrakis instance running it ended before it finished."

// ReadProgress reads a guild's deploy progress as it really stands. A deploy is running
// only while its lease is live (DESIGN §5); a record that says "running" without a live
// lease belongs to a deploy whose process ended (killed, crashed), and is returned as
// stopped, with what it did and Retry to continue it. The record itself is left alone: a
// new deploy may take the lease at any moment and own it.
func ReadProgress(ctx context.Context, c store.Coordination, guildID string) (*store.DeployProgress, error) {
	p, err := c.Progress(ctx, guildID)
	if err != nil || !running(p) {
		return p, err
	}
	held, err := c.LeaseHeld(ctx, leaseName(guildID))
	if err != nil {
		return nil, fmt.Errorf("check the deploy lease of guild %s: %w", guildID, err)
	}
	if held {
		return p, nil
	}
	// The deploy may have finished (and released its lease) between the two reads.
	again, err := c.Progress(ctx, guildID)
	if err != nil || !running(again) {
		return again, err
	}
	return stoppedCopy(again), nil
}

// Stale reports whether p (as ReadProgress returned it) is a deploy stopped because its
// process ended.
func Stale(p *store.DeployProgress) bool {
	return p != nil && p.Status == wizard.DeployFailed && p.Error == StoppedSentence+" "+doneSentence(p)
}

func stoppedCopy(p *store.DeployProgress) *store.DeployProgress {
	c := *p
	c.Status = wizard.DeployFailed
	c.Error = StoppedSentence + " " + doneSentence(p)
	return &c
}

// doneSentence words what a stopped deploy did and did not do.
func doneSentence(p *store.DeployProgress) string {
	return fmt.Sprintf("Done: roles %d of %d, channels %d of %d; not done: %d. Retry continues where it stopped.",
		p.RolesDone, p.RolesTotal, p.ChannelsDone, p.ChannelsTotal, max(p.Total-p.Done, 0))
}
