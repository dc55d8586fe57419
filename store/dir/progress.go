package dir

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/arrakis-bot/arrakis/store"
)

// Coordination keeps deploy progress in the data directory and everything else (leases)
// in the coordination it wraps. In embedded mode that other coordination lives in memory,
// which dies with the process: an `arrakis apply` stopped by Ctrl-C, or a `serve` that
// crashed mid-deploy, would then lose its create journal, and since Arrakis never claims
// a resource by name, the rerun would make a second copy of what the first run made.
// Files survive, so the rerun resumes exactly.
//
//	deploy-progress/{guildID}.json   {"expiresAt": …, "progress": {…}}, replaced atomically
type Coordination struct {
	store.Coordination
	files *Shadow
	now   func() time.Time
}

// NewCoordination wraps c so that SaveProgress and Progress use files under the shadow
// store's data directory. now is the clock for the progress TTL (time.Now in production).
func NewCoordination(c store.Coordination, sh *Shadow, now func() time.Time) *Coordination {
	return &Coordination{Coordination: c, files: sh, now: now}
}

type progressFile struct {
	ExpiresAt time.Time       `json:"expiresAt"`
	Progress  json.RawMessage `json:"progress"`
}

// ProgressKey is where a guild's deploy progress is kept, relative to the data directory.
func ProgressKey(guildID string) string { return "deploy-progress/" + guildID + ".json" }

// SaveProgress implements store.Coordination.
func (c *Coordination) SaveProgress(_ context.Context, p *store.DeployProgress) error {
	const op = "save deploy progress"
	if p == nil || !isSnowflake(p.GuildID) {
		return &store.Error{Code: store.CodeInvalid, Op: op, Err: errors.New("deploy progress needs a guild id")}
	}
	raw, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	body, err := json.Marshal(progressFile{ExpiresAt: c.now().Add(store.ProgressTTL).UTC(), Progress: raw})
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	return c.files.replace(op, ProgressKey(p.GuildID), body)
}

// Progress implements store.Coordination.
func (c *Coordination) Progress(_ context.Context, guildID string) (*store.DeployProgress, error) {
	const op = "read deploy progress"
	if !isSnowflake(guildID) {
		return nil, &store.Error{Code: store.CodeNotFound, Op: op, Err: errors.New("the guild has no deploy progress")}
	}
	raw, expires, err := c.ReadProgressFile(guildID)
	if err != nil {
		return nil, err
	}
	if !c.now().Before(expires) {
		return nil, &store.Error{Code: store.CodeNotFound, Op: op, Key: ProgressKey(guildID), Err: errors.New("the deploy progress has expired")}
	}
	var p store.DeployProgress
	if err := json.Unmarshal(raw, &p); err != nil {
		return nil, &store.Error{Code: store.CodeCorrupt, Op: op, Key: ProgressKey(guildID), Err: err}
	}
	return &p, nil
}

// ReadProgressFile returns the stored progress as written and when it expires (for tests
// and for Progress). An absent file is CodeNotFound.
func (c *Coordination) ReadProgressFile(guildID string) (json.RawMessage, time.Time, error) {
	const op = "read deploy progress"
	key := ProgressKey(guildID)
	body, err := c.files.get(op, key)
	if err != nil {
		return nil, time.Time{}, err
	}
	var f progressFile
	if err := json.Unmarshal(body, &f); err != nil || len(f.Progress) == 0 {
		if err == nil {
			err = errors.New("no progress in the file")
		}
		return nil, time.Time{}, &store.Error{Code: store.CodeCorrupt, Op: op, Key: key, Err: err}
	}
	return f.Progress, f.ExpiresAt, nil
}

// isSnowflake is what a guild id looks like; it also keeps a file name inside its folder.
func isSnowflake(s string) bool {
	if len(s) == 0 || len(s) > 20 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
