package store_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/arrakis-bot/arrakis/store"
)

// A full or failing data directory gets advice that helps (waiting does not); a store that
// does not answer is told to wait.
func TestPartAdviceFitsTheFailure(t *testing.T) {
	history := func(code store.Code) error {
		return store.Tag(&store.Error{Code: code, Op: "save snapshot", Err: errors.New("x")}, store.PartHistory, "data directory ./data")
	}
	for _, tc := range []struct {
		err              error
		sentence, advice string
	}{
		{history(store.CodeDiskFull), "is full", "free some space"},
		{history(store.CodeIO), "I/O error", "check the disk"},
		{history(store.CodeUnavailable), "right now", "try again in a minute"},
	} {
		if s := store.PartSentence(tc.err); !strings.Contains(s, tc.sentence) || !strings.Contains(s, "data directory ./data") {
			t.Errorf("PartSentence(%v) = %q, want it to say %q and name the data directory", tc.err, s, tc.sentence)
		}
		if a := store.PartAdvice(tc.err); !strings.Contains(a, tc.advice) || !strings.HasPrefix(a, "Nothing was changed") {
			t.Errorf("PartAdvice(%v) = %q, want %q", tc.err, a, tc.advice)
		}
	}
}
