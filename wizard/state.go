// Package wizard is the domain of Arrakis: the eight-step /setup state machine, the session
// that carries an admin's answers between clicks, the validation of each answer, and the
// community Manifest that the wizard produces and deploy, drift and the CLI consume.
//
// It does no I/O and imports no Discord, Redis or AWS code, so every rule here can be tested
// as a plain function. Read this file first, then session.go and manifest.go.
package wizard

import "fmt"

// State is one step of the /setup wizard. The wizard moves one step forward or one step
// back at a time; DEPLOY is terminal and has a DeployStatus of its own.
type State string

const (
	StateInit             State = "INIT"
	StateChainSelect      State = "CHAIN_SELECT"
	StateAssetConfig      State = "ASSET_CONFIG"
	StateEligibilityRules State = "ELIGIBILITY_RULES"
	StateRoleMapping      State = "ROLE_MAPPING"
	StateChannelStructure State = "CHANNEL_STRUCTURE"
	StateReview           State = "REVIEW"
	StateDeploy           State = "DEPLOY"
)

// States lists the wizard's states in step order: States[0] is step 1.
var States = []State{
	StateInit, StateChainSelect, StateAssetConfig, StateEligibilityRules,
	StateRoleMapping, StateChannelStructure, StateReview, StateDeploy,
}

var stateTitles = map[State]string{
	StateInit:             "Community name",
	StateChainSelect:      "Chains",
	StateAssetConfig:      "Assets",
	StateEligibilityRules: "Eligibility rules",
	StateRoleMapping:      "Tier roles",
	StateChannelStructure: "Channels",
	StateReview:           "Review",
	StateDeploy:           "Deploy",
}

// Valid reports whether s is one of the eight states.
func (s State) Valid() bool { return s.Step() > 0 }

// Step is the 1-based step number of s, or 0 when s is not a state.
func (s State) Step() int {
	for i, st := range States {
		if st == s {
			return i + 1
		}
	}
	return 0
}

// Title is the step's name as an admin sees it ("Eligibility rules").
func (s State) Title() string { return stateTitles[s] }

// StateForStep returns the state of a 1-based step number.
func StateForStep(step int) (State, bool) {
	if step < 1 || step > len(States) {
		return "", false
	}
	return States[step-1], true
}

// Next is the state one step forward. DEPLOY has none.
func (s State) Next() (State, bool) {
	n := s.Step()
	if n == 0 || n == len(States) {
		return "", false
	}
	return States[n], true
}

// Prev is the state one step back. INIT has none, and neither has DEPLOY: once a deploy
// has started the only way on is to retry it.
func (s State) Prev() (State, bool) {
	n := s.Step()
	if n <= 1 || s == StateDeploy {
		return "", false
	}
	return States[n-2], true
}

// CanTransition reports whether the wizard may move from one state to another.
func CanTransition(from, to State) bool {
	if next, ok := from.Next(); ok && next == to {
		return true
	}
	if prev, ok := from.Prev(); ok && prev == to {
		return true
	}
	return false
}

// TransitionError says that a move between two states is not allowed.
type TransitionError struct{ From, To State }

func (e *TransitionError) Error() string {
	return fmt.Sprintf("cannot go from %s to %s: the wizard moves one step forward or back", e.From, e.To)
}

// CheckTransition returns a *TransitionError when CanTransition is false.
func CheckTransition(from, to State) error {
	if !CanTransition(from, to) {
		return &TransitionError{From: from, To: to}
	}
	return nil
}

// DeployStatus is where a deploy stands. Only a failed deploy may be retried.
type DeployStatus string

const (
	DeployPending     DeployStatus = "pending"
	DeployRoles       DeployStatus = "roles"
	DeployChannels    DeployStatus = "channels"
	DeployPermissions DeployStatus = "permissions"
	DeployCompleted   DeployStatus = "completed"
	DeployFailed      DeployStatus = "failed"
)

// DeployStatuses lists the statuses in the order a deploy passes through them.
var DeployStatuses = []DeployStatus{
	DeployPending, DeployRoles, DeployChannels, DeployPermissions, DeployCompleted, DeployFailed,
}

// CanAdvanceDeploy reports whether a deploy may move from one status to another: forward
// through pending → roles → channels → permissions → completed, to failed from any running
// status, and from failed back to pending (a retry). Completed is final.
func CanAdvanceDeploy(from, to DeployStatus) bool {
	order := map[DeployStatus]int{DeployPending: 0, DeployRoles: 1, DeployChannels: 2, DeployPermissions: 3, DeployCompleted: 4}
	switch {
	case from == DeployFailed:
		return to == DeployPending
	case from == DeployCompleted:
		return false
	case to == DeployFailed:
		_, running := order[from]
		return running
	}
	f, okf := order[from]
	t, okt := order[to]
	return okf && okt && t > f
}
