package history

import (
	"context"
	"fmt"
	"slices"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/inquest-dev/inquest/pkg/history/internal/gitdb"
)

// snapshot is the result of the one pass over history: every commit
// reachable from HEAD and, for those that were diffed, the files they changed
// under the content roots and at the paths in Extra, with where each added
// file came from. It is what the disk cache stores; lineages are built from
// it.
type snapshot struct {
	Key     string // options fingerprint, see cacheKey
	Head    plumbing.Hash
	Commits []gitdb.Commit   // newest first, in commit-date order
	Diffed  []bool           // Changes[i] is valid
	Changes [][]gitdb.Change // in path order
	// Extra are the files outside the content roots that files under
	// them were moved from, directly or through other such files, sorted:
	// their history is read too, so that a postmortem's history goes on
	// under its old name.
	Extra    []string
	Mailmap  string
	Warnings []string
}

// compute runs the one pass over history, reusing the diffs of an older
// cached snapshot for commits it already covered.
//
// The pass compares only the content roots, and for a commit that added a
// file there, also finds the deleted files anywhere in the tree it could
// have been moved from. A source outside the roots has its own history read
// next, in a further pass over every commit limited to such files (and so
// on, for a file moved twice), so that the history of a postmortem moved in
// from the repository root or a data/ folder goes on under its old name.
func (r *Repo) compute(ctx context.Context, key string, roots []string, shallow []plumbing.Hash) (*snapshot, error) {
	o := r.git.OpenObjects()
	defer o.Close()
	var old *snapshot
	if r.opts.CacheDir != "" {
		old = readLatestCache(r.opts.CacheDir, key)
	}
	rd := o.NewReader(8 << 20)
	s, err := r.walk(ctx, rd, key, shallow, old)
	if err != nil {
		return nil, err
	}
	index := gitdb.Positions(s.Commits)
	// Merges are diffed only on the first-parent chain; a merge brought in
	// by another merge adds nothing its own commits do not show.
	onChain := make([]bool, len(s.Commits))
	for _, i := range gitdb.FirstParents(s.Commits, index) {
		onChain[i] = true
	}
	var todo []int32
	for i := range s.Commits {
		if !s.Diffed[i] && (len(s.Commits[i].Parents) <= 1 || onChain[i]) {
			todo = append(todo, int32(i))
		}
	}
	if err := s.diff(ctx, o, index, todo, gitdb.NewPaths(append(slices.Clone(roots), s.Extra...))); err != nil {
		return nil, err
	}
	r.stats.diffed = len(todo)
	if err := s.followMovedIn(ctx, o, index, roots); err != nil {
		return nil, err
	}
	if mh, mode, err := rd.Lookup(s.Commits[0].Tree, ".mailmap"); err == nil && mode.IsFile() {
		if data, err := rd.Blob(mh); err == nil {
			s.Mailmap = string(data)
		}
	}
	r.stats.objectsRead = o.Inflated()
	return s, nil
}

// walk lists the commits reachable from HEAD into a new snapshot, taking
// the commits, and the diffs, that old has from it.
func (r *Repo) walk(ctx context.Context, rd *gitdb.Reader, key string, shallow []plumbing.Hash, old *snapshot) (*snapshot, error) {
	known := map[plumbing.Hash]*gitdb.Commit{}
	oldIdx := map[plumbing.Hash]int{}
	if old != nil {
		for i := range old.Commits {
			known[old.Commits[i].Hash] = &old.Commits[i]
			oldIdx[old.Commits[i].Hash] = i
		}
	}
	w, err := rd.Walk(ctx, r.head, gitdb.WalkOptions{Shallow: shallow, Known: known})
	if err != nil {
		return nil, err
	}
	r.stats.commitsRead = w.Read
	s := &snapshot{
		Key:     key,
		Head:    r.head,
		Commits: w.Commits,
		Diffed:  make([]bool, len(w.Commits)),
		Changes: make([][]gitdb.Change, len(w.Commits)),
	}
	for _, m := range w.Missing {
		s.Warnings = append(s.Warnings, fmt.Sprintf("commit %s: parent %s is missing; history before it is not shown", m.Commit, m.Parent))
	}
	if old != nil {
		s.Extra = old.Extra
	}
	for i := range s.Commits {
		if oi, ok := oldIdx[s.Commits[i].Hash]; ok && old.Diffed[oi] {
			s.Changes[i], s.Diffed[i] = old.Changes[oi], true
		}
	}
	return s, nil
}

// diff compares the commits in todo with their first parents, limited to
// paths, and records their changes.
func (s *snapshot) diff(ctx context.Context, o *gitdb.Objects, index map[plumbing.Hash]int32, todo []int32, paths *gitdb.Paths) error {
	res, err := o.Diff(ctx, gitdb.ParentPairs(s.Commits, index, todo), paths)
	if err != nil {
		return err
	}
	for k, ci := range todo {
		s.Changes[ci], s.Diffed[ci] = res[k], true
	}
	return nil
}

// followMovedIn reads, in every diffed commit, the history of the files
// that files under the roots (or such files) were moved from, until no new
// such file turns up, and adds them to Extra.
func (s *snapshot) followMovedIn(ctx context.Context, o *gitdb.Objects, index map[plumbing.Hash]int32, roots []string) error {
	var diffed []int32
	for i := range s.Commits {
		if s.Diffed[i] {
			diffed = append(diffed, int32(i))
		}
	}
	for {
		extra := s.movedFrom(gitdb.NewPaths(append(slices.Clone(roots), s.Extra...)))
		if len(extra) == 0 {
			return nil
		}
		s.Extra = slices.Concat(s.Extra, extra)
		slices.Sort(s.Extra)
		res, err := o.Diff(ctx, gitdb.ParentPairs(s.Commits, index, diffed), gitdb.NewPaths(extra))
		if err != nil {
			return err
		}
		for k, ci := range diffed {
			if len(res[k]) > 0 {
				s.Changes[ci] = append(slices.Clone(s.Changes[ci]), res[k]...)
				gitdb.SortChanges(s.Changes[ci])
			}
		}
	}
}

// movedFrom lists, sorted, the sources of renames in s that paths does not
// take in.
func (s *snapshot) movedFrom(paths *gitdb.Paths) []string {
	seen := map[string]bool{}
	var out []string
	for i, cs := range s.Changes {
		if !s.Diffed[i] {
			continue
		}
		for _, c := range cs {
			if c.From != "" && !seen[c.From] && !paths.Covers(c.From) {
				seen[c.From] = true
				out = append(out, c.From)
			}
		}
	}
	slices.Sort(out)
	return out
}
