package wizard

import (
	"errors"
	"testing"
)

// TestTransitionsAllPairs checks every one of the 8×8 state pairs: only one step forward
// or one step back is allowed, INIT has no back and DEPLOY no way out.
func TestTransitionsAllPairs(t *testing.T) {
	allowed := map[[2]State]bool{}
	for i := 0; i+1 < len(States); i++ {
		allowed[[2]State{States[i], States[i+1]}] = true // forward
		if States[i+1] != StateDeploy {
			allowed[[2]State{States[i+1], States[i]}] = true // back, except out of DEPLOY
		}
	}
	if len(allowed) != 13 {
		t.Fatalf("expected 7 forward + 6 back moves, built %d", len(allowed))
	}
	n := 0
	for _, from := range States {
		for _, to := range States {
			n++
			want := allowed[[2]State{from, to}]
			if got := CanTransition(from, to); got != want {
				t.Errorf("CanTransition(%s, %s) = %v, want %v", from, to, got, want)
			}
			err := CheckTransition(from, to)
			var te *TransitionError
			if want && err != nil || !want && !errors.As(err, &te) {
				t.Errorf("CheckTransition(%s, %s) = %v, want allowed=%v", from, to, err, want)
			}
		}
	}
	if n != 64 {
		t.Fatalf("checked %d pairs", n)
	}
	for _, bad := range []State{"", "init", "FINISHED"} {
		if CanTransition(bad, StateInit) || CanTransition(StateInit, bad) || bad.Valid() {
			t.Errorf("unknown state %q must not transition", bad)
		}
	}
}

func TestStateSteps(t *testing.T) {
	for i, s := range States {
		if s.Step() != i+1 || s.Title() == "" {
			t.Errorf("%s: step %d title %q", s, s.Step(), s.Title())
		}
		got, ok := StateForStep(i + 1)
		if !ok || got != s {
			t.Errorf("StateForStep(%d) = %s", i+1, got)
		}
	}
	if _, ok := StateForStep(0); ok {
		t.Error("step 0 exists")
	}
	if _, ok := StateForStep(9); ok {
		t.Error("step 9 exists")
	}
}

// TestDeployStatusAllPairs checks every DeployStatus pair: forward through the phases,
// to failed from a running phase, and from failed only back to pending (a retry).
func TestDeployStatusAllPairs(t *testing.T) {
	running := []DeployStatus{DeployPending, DeployRoles, DeployChannels, DeployPermissions}
	order := append(append([]DeployStatus{}, running...), DeployCompleted)
	allowed := map[[2]DeployStatus]bool{{DeployFailed, DeployPending}: true}
	for i := range order {
		for j := i + 1; j < len(order); j++ {
			allowed[[2]DeployStatus{order[i], order[j]}] = true
		}
	}
	for _, r := range running {
		allowed[[2]DeployStatus{r, DeployFailed}] = true
	}
	for _, from := range DeployStatuses {
		for _, to := range DeployStatuses {
			want := allowed[[2]DeployStatus{from, to}]
			if got := CanAdvanceDeploy(from, to); got != want {
				t.Errorf("CanAdvanceDeploy(%s, %s) = %v, want %v", from, to, got, want)
			}
		}
	}
	// The retry is DEPLOY's only way on: failed → pending, and nothing else out of failed.
	for _, to := range DeployStatuses {
		if to != DeployPending && CanAdvanceDeploy(DeployFailed, to) {
			t.Errorf("failed → %s must be refused", to)
		}
		if CanAdvanceDeploy(DeployCompleted, to) {
			t.Errorf("completed → %s must be refused", to)
		}
	}
	if CanAdvanceDeploy("bogus", DeployFailed) || CanAdvanceDeploy(DeployPending, "bogus") {
		t.Error("unknown statuses must be refused")
	}
}

func TestSessionIDRoundTrip(t *testing.T) {
	for _, g := range []string{"1", "1180000000000000001", "18446744073709551615"} {
		id := NewSessionID(g)
		got, ok := GuildOfSessionID(id)
		if !ok || got != g {
			t.Errorf("GuildOfSessionID(%q) = %q, %v; want %q", id, got, ok, g)
		}
		if NewSessionID(g) == id {
			t.Errorf("two session ids for %s are equal", g)
		}
	}
	for _, bad := range []string{"", "abc.def", "123", "123.", ".abc", "12a.x", "123.a.b", "123.a:b", "123.{x}", "123456789012345678901.x"} {
		if g, ok := GuildOfSessionID(bad); ok {
			t.Errorf("GuildOfSessionID(%q) = %q, want refusal", bad, g)
		}
	}
	s := NewSession("42", "7", "admin", testTime)
	if s.State != StateInit || s.Version != 1 || s.GuildID != "42" {
		t.Errorf("NewSession = %+v", s)
	}
	if g, _ := GuildOfSessionID(s.ID); g != "42" {
		t.Errorf("session id %q does not embed its guild", s.ID)
	}
}
