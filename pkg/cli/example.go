package cli

import (
	"context"
	"fmt"

	"golang.org/x/tools/txtar"

	"github.com/inquest-dev/inquest/examples"
	"github.com/inquest-dev/inquest/pkg/internal/replay"
)

// writeExample writes the Acme example repository, its Git history
// replayed from the embedded archive, into dir (which must exist), and
// returns the number of commits made. status, when not nil, shows the
// steps as they are made.
func writeExample(ctx context.Context, dir string, status *statusLine) (int, error) {
	history, final := examples.Acme()
	ar := txtar.Parse(history)
	const stage = "writing the example's Git history"
	status.Begin(stage, replay.Steps(ar))
	defer status.End(stage)
	r, err := replay.Init(ctx, dir, replay.Options{Final: final, Step: func(int, int) { status.Advance(stage, 1) }})
	if err != nil {
		return 0, fmt.Errorf("the example: %w", err)
	}
	if err := r.Apply(ctx, examples.AcmeHistoryName, ar); err != nil {
		return 0, fmt.Errorf("the example: %w", err)
	}
	return r.Commits(), nil
}
