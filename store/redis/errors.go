package redis

import (
	"errors"
	"fmt"
	"strings"

	"github.com/arrakis-bot/arrakis/store"
	goredis "github.com/redis/go-redis/v9"
)

// unavailableReplies are server replies that mean "Redis cannot serve this right now" rather
// than "this request is wrong".
var unavailableReplies = []string{"LOADING", "READONLY", "MASTERDOWN", "CLUSTERDOWN", "TRYAGAIN", "BUSY", "NOREPLICAS", "OOM"}

// wrap turns a go-redis failure into a *store.Error. A reply error from the server that is not
// about availability is a bug (a script error, a wrong type) and stays an internal error;
// everything else — refused or reset connections, timeouts, a full pool, a cancelled
// context — means Redis cannot be reached: CodeUnavailable, so the bot can say "try again".
func wrap(op, key string, err error) error {
	return store.Tag(wrapCode(op, key, err), partOfKey(key), "")
}

// partOfKey says which part a key belongs to: leases, once-only marks and deploy progress
// are the deploy coordination; sessions (and the interaction marks in their slot) are the
// session store.
func partOfKey(key string) store.Part {
	if strings.Contains(key, ":lease:") || strings.Contains(key, ":deploy:") ||
		strings.Contains(key, ":once:") && !strings.Contains(key, ":interaction:") {
		return store.PartCoordination
	}
	return store.PartSessions
}

func wrapCode(op, key string, err error) error {
	if err == nil {
		return nil
	}
	var se *store.Error
	if errors.As(err, &se) {
		return err
	}
	var reply goredis.Error
	if errors.As(err, &reply) {
		msg := reply.Error()
		for _, p := range unavailableReplies {
			if strings.HasPrefix(msg, p) {
				return &store.Error{Code: store.CodeUnavailable, Op: op, Key: key, Err: err}
			}
		}
		return internal(op, key, err)
	}
	return &store.Error{Code: store.CodeUnavailable, Op: op, Key: key, Err: err}
}

// internal is an error the bot shows as "internal error": it is not a *store.Error.
func internal(op, key string, err error) error {
	if key != "" {
		return fmt.Errorf("%s (%s): %w", op, key, err)
	}
	return fmt.Errorf("%s: %w", op, err)
}
