package dir

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"slices"

	layout "github.com/arrakis-bot/arrakis/store/internal/shadowlayout"
)

// Communities lists the community directories under shadow-state/. Check's .probe/, files,
// and names that are not valid community ids are left out.
func (s *Shadow) Communities(ctx context.Context) ([]string, error) {
	const op = "list communities"
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	entries, err := os.ReadDir(s.path(layout.RootPrefix))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, s.fail(op, layout.RootPrefix, err)
	}
	var ids []string
	for _, e := range entries {
		if e.IsDir() && layout.CheckCommunity(op, e.Name()) == nil {
			ids = append(ids, e.Name())
		}
	}
	slices.Sort(ids) // ReadDir sorts already; the contract should not rest on that
	return ids, nil
}
