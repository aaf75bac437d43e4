package live

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/inquest-dev/inquest/pkg/postmortem"
	"github.com/inquest-dev/inquest/pkg/repo"
	"github.com/inquest-dev/inquest/pkg/site"
)

// restructure applies added, removed and edited postmortems to the kept
// repository, for the whole site to be built from it.
func (st *keptBuild) restructure(ctx context.Context, opts site.BuildOptions, c changes) error {
	rp := st.rp
	var goneIDs []string
	rp.Set.Incidents = slices.DeleteFunc(rp.Set.Incidents, func(inc *postmortem.Incident) bool {
		_, gone := slices.BinarySearch(c.removed, inc.Source)
		if gone && !inc.Broken {
			goneIDs = append(goneIDs, inc.NameID())
		}
		return gone
	})
	st.mapPositions()
	fresh, err := st.parse(ctx, append(slices.Clone(c.edited), c.added...), goneIDs)
	if err != nil {
		return err
	}
	if err := st.settle(ctx, opts, fresh); err != nil {
		return err
	}
	for _, inc := range fresh {
		if i, ok := st.positions[inc.Source]; ok {
			rp.Set.Incidents[i] = inc
		} else {
			rp.Set.Incidents = append(rp.Set.Incidents, inc)
		}
	}
	// The order of postmortem.Discover: sorted paths.
	slices.SortFunc(rp.Set.Incidents, func(a, b *postmortem.Incident) int { return strings.Compare(a.Source, b.Source) })
	st.mapPositions()
	if scalesMoved(rp) {
		return errScalesMoved
	}
	return nil
}

// errScalesMoved says that the scales learned from the postmortems
// (severities, statuses) are not those the site was built with: every
// postmortem is validated against them, so the repository is read again.
var errScalesMoved = errors.New("the severity or status scale learned from the postmortems changed")

// scalesMoved reports whether the postmortems of rp, as they are now, give
// other learned scales than those in its configuration.
func scalesMoved(rp *repo.Repo) bool {
	cfg := rp.Config
	if !cfg.AutoSeverities && !cfg.AutoStatuses {
		return false
	}
	probe := *cfg
	postmortem.LearnScales(&probe, rp.Set.Incidents)
	return !slices.Equal(probe.Severities, cfg.Severities) || !slices.Equal(probe.Statuses, cfg.Statuses)
}

// mapPositions maps each postmortem's path to its position again.
func (st *keptBuild) mapPositions() {
	st.positions = make(map[string]int, len(st.rp.Set.Incidents))
	for i, inc := range st.rp.Set.Incidents {
		st.positions[inc.Source] = i
	}
}

// parse parses the given postmortems (again), with every other postmortem
// that shares an id with one of them before or after, or with goneIDs,
// or the id a name gives (Incident.NameID); settle validates them
// together, so that duplicate ids are found within that group and ids
// from names alike are told apart as a whole load tells them.
func (st *keptBuild) parse(ctx context.Context, paths, goneIDs []string) ([]*postmortem.Incident, error) {
	rp := st.rp
	// The repository's date order as the full load decided it, so that an
	// edited file reads its ambiguous dates as the build did.
	parser := postmortem.NewParser(rp.Config).WithDateOrder(rp.Set.DateOrder)
	incs, err := postmortem.ParseFiles(ctx, rp.Tree, paths, parser)
	if err != nil {
		return nil, err
	}
	ids := map[string]bool{}
	for _, id := range goneIDs {
		ids[strings.ToLower(id)] = true
	}
	in := map[string]bool{}
	for i, p := range paths {
		in[p] = true
		both := []*postmortem.Incident{incs[i]}
		if j, ok := st.positions[p]; ok {
			both = append(both, rp.Set.Incidents[j])
		}
		for _, inc := range both {
			if !inc.Broken {
				ids[strings.ToLower(inc.ID)] = true
				ids[strings.ToLower(inc.NameID())] = true
			}
		}
	}
	var more []string
	for _, inc := range rp.Set.Incidents {
		if !inc.Broken && !in[inc.Source] && (ids[strings.ToLower(inc.ID)] || ids[strings.ToLower(inc.NameID())]) {
			more = append(more, inc.Source)
		}
	}
	if len(more) > 0 {
		others, err := postmortem.ParseFiles(ctx, rp.Tree, more, parser)
		if err != nil {
			return nil, err
		}
		incs = append(incs, others...)
	}
	return incs, nil
}

// settle fills in the history of incidents parsed again, from the history
// read after the whole build, dates by their first commit those that state
// no date, as repo.Load does, and then validates them: a date from Git
// counts as their date.
func (st *keptBuild) settle(ctx context.Context, opts site.BuildOptions, fresh []*postmortem.Incident) error {
	if !opts.NoHistory && st.hist != nil {
		select {
		case <-st.hist.done:
		case <-ctx.Done():
			return ctx.Err()
		}
		if st.hist.err != nil {
			return st.hist.err
		}
		if st.hist.h.Head() != st.head {
			return errHeadMoved
		}
		if err := st.hist.h.Attach(ctx, fresh); err != nil {
			return err
		}
		for _, inc := range fresh {
			inc.DateFromHistory()
		}
	}
	postmortem.Validate(st.rp.Config, fresh)
	return nil
}
