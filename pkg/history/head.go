package history

import (
	"errors"

	"github.com/inquest-dev/inquest/pkg/history/internal/gitdb"
)

// Head returns the commit HEAD names in the Git repository containing dir:
// "" when dir is in no repository or HEAD names no commit yet, and an error
// when HEAD cannot be read. It reads HEAD as Load does, from a linked work
// tree too, so that whoever compares HEAD with the history agrees with it.
func Head(dir string) (string, error) {
	g, err := gitdb.Open(dir)
	if errors.Is(err, gitdb.ErrNotRepository) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	h, err := g.Head()
	if errors.Is(err, gitdb.ErrNoCommits) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return h.String(), nil
}
