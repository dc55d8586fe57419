package storetest

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/arrakis-bot/arrakis/internal/testenv"
	"github.com/arrakis-bot/arrakis/store"
	"github.com/arrakis-bot/arrakis/wizard"
)

// racers is how many clicks race for one version.
const racers = 100

// raceRounds is how many versions in a row are raced for.
const raceRounds = 4

// testSessionsRacingTransitions: 100 goroutines move one session, all from the same version,
// half a step forward and half a step back. Exactly one wins each round; every other gets
// CodeConflict; the stored session is the winner's, at the next version, and whole.
func testSessionsRacingTransitions(t *testing.T, ctx context.Context, newStore NewSessionsFunc, _ sessionsConfig) {
	s := newStore(t, longTTL)
	guild := testenv.GuildID(t)
	sess := sessMustCreate(t, ctx, s, guild, "1001")
	edit := *sess
	edit.Data = FilledSessionData()
	sess, err := s.Update(ctx, &edit)
	if err != nil {
		t.Fatalf("Update: %v", err)
	}
	sess = sessWalkTo(t, ctx, s, sess, wizard.StateEligibilityRules)

	for round := range raceRounds {
		var targets []wizard.State
		if next, ok := sess.State.Next(); ok {
			targets = append(targets, next)
		}
		if prev, ok := sess.State.Prev(); ok {
			targets = append(targets, prev)
		}
		results := raceSessions(racers, func(i int) (*wizard.Session, error) {
			return s.Transition(ctx, sess.ID, sess.Version, targets[i%len(targets)])
		})
		winner := checkRace(t, fmt.Sprintf("round %d at v%d", round, sess.Version), results)
		if winner == nil {
			return
		}
		got := sessMustGet(t, ctx, s, sess.ID)
		sessAssertEqual(t, fmt.Sprintf("round %d: stored vs winner", round), got, winner)
		checkWhole(t, fmt.Sprintf("round %d", round), got, sess)
		if got.Version != sess.Version+1 || !wizard.CanTransition(sess.State, got.State) {
			t.Errorf("round %d: from %s v%d to %s v%d", round, sess.State, sess.Version, got.State, got.Version)
		}
		sess = got
	}
}

// testSessionsRacingWrites: the same with a mix of Update, Transition and TakeOver.
func testSessionsRacingWrites(t *testing.T, ctx context.Context, newStore NewSessionsFunc, _ sessionsConfig) {
	s := newStore(t, longTTL)
	sess := sessMustCreate(t, ctx, s, testenv.GuildID(t), "1001")
	sess = sessWalkTo(t, ctx, s, sess, wizard.StateAssetConfig)

	for round := range raceRounds {
		base := sess
		results := raceSessions(racers, func(i int) (*wizard.Session, error) {
			switch i % 3 {
			case 0:
				edit := *base
				edit.Data.CommunityName = fmt.Sprintf("round %d racer %d", round, i)
				return s.Update(ctx, &edit)
			case 1:
				next, hasNext := base.State.Next()
				prev, hasPrev := base.State.Prev()
				to := next
				if !hasNext || (i%2 == 0 && hasPrev) {
					to = prev
				}
				return s.Transition(ctx, base.ID, base.Version, to)
			default:
				return s.TakeOver(ctx, base.ID, base.Version, fmt.Sprintf("%d", 10000+1000*round+i), "racer")
			}
		})
		winner := checkRace(t, fmt.Sprintf("round %d at v%d", round, base.Version), results)
		if winner == nil {
			return
		}
		got := sessMustGet(t, ctx, s, base.ID)
		sessAssertEqual(t, fmt.Sprintf("round %d: stored vs winner", round), got, winner)
		checkWhole(t, fmt.Sprintf("round %d", round), got, base)
		// Exactly one kind of change happened.
		changed := 0
		if got.Data.CommunityName != base.Data.CommunityName {
			changed++
		}
		if got.State != base.State {
			changed++
		}
		if got.OwnerID != base.OwnerID {
			changed++
		}
		if changed != 1 {
			t.Errorf("round %d: %d kinds of change were stored, want 1: %+v", round, changed, got)
		}
		sess = got
	}
}

type raceResult struct {
	sess *wizard.Session
	err  error
}

// raceSessions runs n calls at once, released together.
func raceSessions(n int, call func(i int) (*wizard.Session, error)) []raceResult {
	results := make([]raceResult, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			s, err := call(i)
			results[i] = raceResult{s, err}
		}()
	}
	close(start)
	wg.Wait()
	return results
}

// checkRace wants exactly one success and CodeConflict for everyone else; it returns the
// winner's session.
func checkRace(t *testing.T, what string, results []raceResult) *wizard.Session {
	t.Helper()
	var winner *wizard.Session
	wins, conflicts := 0, 0
	for _, r := range results {
		switch {
		case r.err == nil:
			wins++
			winner = r.sess
		case store.IsCode(r.err, store.CodeConflict):
			conflicts++
		default:
			t.Errorf("%s: a racer failed with %v, want success or conflict", what, r.err)
		}
	}
	if wins != 1 || conflicts != len(results)-1 {
		t.Errorf("%s: %d wins and %d conflicts among %d racers, want exactly 1 win", what, wins, conflicts, len(results))
		return nil
	}
	return winner
}

// checkWhole checks that a session after a race is valid and kept what must not change.
func checkWhole(t *testing.T, what string, got, before *wizard.Session) {
	t.Helper()
	if got.ID != before.ID || got.GuildID != before.GuildID || !got.CreatedAt.Equal(before.CreatedAt) {
		t.Errorf("%s: immutable fields changed: %+v", what, got)
	}
	if !got.State.Valid() || got.OwnerID == "" {
		t.Errorf("%s: stored session is not valid: state %q owner %q", what, got.State, got.OwnerID)
	}
	if len(got.Data.Tiers) != len(before.Data.Tiers) || len(got.Data.CustomChannels) != len(before.Data.CustomChannels) {
		t.Errorf("%s: answers lost in the race", what)
	}
}
