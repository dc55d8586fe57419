package deploy

import (
	"errors"
	"time"

	"github.com/arrakis-bot/arrakis/store"
)

// Code is the kind of a deploy failure the bot and the CLI word for an admin.
type Code string

const (
	// CodeRunning: another deploy of the guild holds the lease.
	CodeRunning Code = "deploy_running"
	// CodePreflight: the plan cannot run; Problems say what to fix.
	CodePreflight Code = "preflight"
	// CodeRateLimited: Discord asked to wait longer than the retry budget; resumable.
	CodeRateLimited Code = "rate_limited"
	// CodeDiscord: Discord refused or failed a write; resumable.
	CodeDiscord Code = "discord"
	// CodeNoAccess: the bot is not in the guild or cannot see it (Discord error 50001).
	CodeNoAccess Code = "no_access"
	// CodeNothingDeployed / CodeNoManifest: there is no shadow / no snapshot yet.
	CodeNothingDeployed Code = "nothing_deployed"
	CodeNoManifest      Code = "no_manifest"
	// CodeInvalid: the manifest is not deployable, or a version does not exist.
	CodeInvalid Code = "invalid"
	// CodeInterrupted: the deploy stopped part-way (cancelled, lease lost); resumable.
	CodeInterrupted Code = "interrupted"
	// CodePlanChanged: the plan (or state) the admin confirmed is no longer what would
	// run, because the guild or the manifest changed since it was shown; nothing was
	// written, and the new plan must be shown and confirmed.
	CodePlanChanged Code = "plan_changed"
)

// Error is a deploy failure with a sentence for admins (Message) and, for the operator,
// the cause (Err). Result, when set, says what was done and what was not.
type Error struct {
	Code    Code
	Message string
	Err     error
	// Problems are the preflight failures (CodePreflight).
	Problems []string
	// HeldBy and Since say who started the running deploy (CodeRunning).
	HeldBy string
	Since  time.Time
	// Result is the partial result of a deploy that stopped part-way.
	Result *Result
}

func (e *Error) Error() string {
	msg := string(e.Code) + ": " + e.Message
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

// ErrorCode returns the Code of the first *Error in err's chain, or "".
func ErrorCode(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// Resumable reports whether running the same deploy again continues where it stopped.
func (e *Error) Resumable() bool {
	switch e.Code {
	case CodeRateLimited, CodeDiscord, CodeInterrupted:
		return true
	}
	return false
}

// UserMessage words any error from the Service as a sentence for an admin: the Message of
// an *Error, and a generic sentence for anything else (which the caller logs in full).
func UserMessage(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Message != "" {
		return e.Message
	}
	if ps := store.PartSentence(err); ps != "" {
		return ps + " " + store.PartAdvice(err)
	}
	return "Something went wrong on our side; the details are in the bot's log. Try again in a minute."
}
