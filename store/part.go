package store

import (
	"errors"
	"fmt"
)

// Part is which of Arrakis's stores an error comes from, so that every path words one
// failure with one sentence naming the part that failed (and never blames another).
type Part string

const (
	PartSessions     Part = "sessions"     // the wizard's session store (Redis or memory)
	PartCoordination Part = "coordination" // deploy leases, progress, once-only marks
	PartHistory      Part = "history"      // the deployment history (S3 or the data directory)
)

// Parts lists every part, in the order /readyz and /metrics show them.
var Parts = []Part{PartSessions, PartCoordination, PartHistory}

// PartOf returns the part an error comes from and where that part is as the operator
// configured it ("S3 bucket x at http://…", "data directory /var/lib/arrakis"), or "".
func PartOf(err error) (Part, string) {
	var e *Error
	for errors.As(err, &e) {
		if e.Part != "" {
			return e.Part, e.Where
		}
		err = e.Err
	}
	return "", ""
}

// PartSentence is the one sentence for a part that cannot be used right now, the same on
// every path (a click, a deploy, /drift, a rollback, the CLI); "" when err is not such a
// failure. The caller adds what it did or did not do, and what to do next.
func PartSentence(err error) string {
	part, where := PartOf(err)
	code := ErrorCode(err)
	switch part {
	case PartSessions:
		if code == CodeUnavailable {
			return "Arrakis can't reach its session store right now."
		}
	case PartCoordination:
		if code == CodeUnavailable {
			return "Arrakis can't reach its deploy coordination store right now."
		}
	case PartHistory:
		switch code {
		case CodeDiskFull:
			return fmt.Sprintf("Arrakis can't write its deployment history: the %s is full.", where)
		case CodeIO:
			return fmt.Sprintf("Arrakis can't write its deployment history: the %s reports an I/O error.", where)
		case CodeUnavailable, CodeAccessDenied:
			return fmt.Sprintf("Arrakis can't reach its deployment history (the %s) right now.", where)
		}
	}
	return ""
}

// PartAdvice is what to do after PartSentence: wait for a store that does not answer, but
// make room or mend the disk when the data directory is full or failing, since waiting
// alone will not help.
func PartAdvice(err error) string {
	switch ErrorCode(err) {
	case CodeDiskFull:
		return "Nothing was changed; free some space on the data directory's disk, then try again."
	case CodeIO:
		return "Nothing was changed; check the disk behind the data directory, then try again."
	}
	return "Nothing was changed; try again in a minute."
}

// Tag sets the part (and where it is) of the *Error in err's chain that has none yet; any
// other error is returned as it is.
func Tag(err error, part Part, where string) error {
	var e *Error
	if errors.As(err, &e) && e.Part == "" {
		e.Part, e.Where = part, where
	}
	return err
}
