package history

import (
	"container/heap"
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/go-git/go-git/v5/plumbing"
)

// snapshot is the result of the one pass over history: every commit
// reachable from HEAD and, for those that were diffed, the files they changed
// under the content roots and at the paths in Extra, with where each added
// file came from. It is what the disk cache stores; lineages are built from
// it.
type snapshot struct {
	Key     string // options fingerprint, see cacheKey
	Head    plumbing.Hash
	Commits []commitRec // newest first, in commit-date order
	Diffed  []bool      // Changes[i] is valid
	Changes [][]change  // in path order
	// Extra are the files outside the content roots that files under
	// them were moved from, directly or through other such files, sorted:
	// their history is read too, so that a postmortem's history goes on
	// under its old name.
	Extra    []string
	Mailmap  string
	Warnings []string
}

// Cache budget for inflated objects, shared by the diff workers. A walk in
// commit order needs little more than the last version of each directory
// it touches; on the 10,000-postmortem corpus 8 MiB costs 20% more time than
// 32 MiB and 128 MiB gains nothing but memory.
const objectCacheBytes = 32 << 20

// differ diffs commits for one worker goroutine.
type differ struct {
	r     *reader
	paths *pathTrie // what to compare; nil (for lookups only) or all means the whole tree
}

// listCommits reads every commit reachable from head, newest first by
// committer date as git log orders them. Commits found in old (a previous
// snapshot) are taken from it without reading objects. Shallow commits are
// treated as having no parents.
func listCommits(ctx context.Context, r *reader, head plumbing.Hash, shallow map[plumbing.Hash]bool, old map[plumbing.Hash]*commitRec) ([]commitRec, []string, int, error) {
	var (
		out      []commitRec
		warnings []string
		read     int
		seen     = map[plumbing.Hash]bool{head: true}
		q        = &commitQueue{}
		seq      int
	)
	load := func(h plumbing.Hash) (*commitRec, error) {
		if c, ok := old[h]; ok {
			cp := *c
			return &cp, nil
		}
		data, err := r.readType(h, objCommit)
		if err != nil {
			return nil, err
		}
		read++
		c, err := parseCommit(h, data)
		if err != nil {
			return nil, fmt.Errorf("commit %s: %w", h, err)
		}
		return &c, nil
	}
	c, err := load(head)
	if err != nil {
		return nil, nil, 0, err
	}
	heap.Push(q, queued{c, seq})
	for q.Len() > 0 {
		if len(out)%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, nil, 0, err
			}
		}
		c := heap.Pop(q).(queued).c
		if shallow[c.Hash] {
			c.Parents = nil
		}
		kept := make([]plumbing.Hash, 0, len(c.Parents))
		for _, p := range c.Parents {
			if seen[p] {
				kept = append(kept, p)
				continue
			}
			pc, err := load(p)
			if err != nil {
				if errors.Is(err, errNotFound) {
					warnings = append(warnings, fmt.Sprintf("commit %s: parent %s is missing; history before it is not shown", c.Hash, p))
					continue
				}
				return nil, nil, 0, err
			}
			seen[p] = true
			kept = append(kept, p)
			seq++
			heap.Push(q, queued{pc, seq})
		}
		c.Parents = kept
		out = append(out, *c)
	}
	return out, warnings, read, nil
}

type queued struct {
	c   *commitRec
	seq int
}

// commitQueue orders commits newest first by committer date, then by the
// order they were found, so the walk is deterministic.
type commitQueue []queued

func (q commitQueue) Len() int { return len(q) }
func (q commitQueue) Less(i, j int) bool {
	if q[i].c.Committer.Unix != q[j].c.Committer.Unix {
		return q[i].c.Committer.Unix > q[j].c.Committer.Unix
	}
	return q[i].seq < q[j].seq
}
func (q commitQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *commitQueue) Push(x any)   { *q = append(*q, x.(queued)) }
func (q *commitQueue) Pop() any {
	old := *q
	x := old[len(old)-1]
	*q = old[:len(old)-1]
	return x
}

// firstParentChain returns the indices of head's first-parent chain, newest
// first.
func firstParentChain(commits []commitRec, index map[plumbing.Hash]int32) []int32 {
	var chain []int32
	if len(commits) == 0 {
		return nil
	}
	i := int32(0) // commits[0] is HEAD
	for {
		chain = append(chain, i)
		c := &commits[i]
		if len(c.Parents) == 0 {
			return chain
		}
		p, ok := index[c.Parents[0]]
		if !ok {
			return chain
		}
		i = p
	}
}

// diffCommits diffs every commit in todo against its first parent, limited
// to paths, using one worker per CPU, and returns the changes of each, in
// the order of todo. Commits are handed out in runs of consecutive commits
// so that each worker finds the parent's trees it just read still cached;
// results land by index, so the outcome does not depend on scheduling.
func diffCommits(ctx context.Context, o *objects, s *snapshot, index map[plumbing.Hash]int32, todo []int32, paths *pathTrie) ([][]change, int, error) {
	out := make([][]change, len(todo))
	if len(todo) == 0 {
		return out, 0, nil
	}
	workers := runtime.GOMAXPROCS(0)
	workers = max(1, min(workers, 8, len(todo)/64))
	chunk := max(64, len(todo)/(workers*8))
	var (
		next     atomic.Int64
		wg       sync.WaitGroup
		errMu    sync.Mutex
		firstErr error
		inflated atomic.Int64
	)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := &differ{r: o.newReader(objectCacheBytes / workers), paths: paths}
			defer func() { inflated.Add(int64(w.r.inflated)) }()
			for {
				start := int(next.Add(int64(chunk))) - chunk
				if start >= len(todo) {
					return
				}
				if ctx.Err() != nil {
					return
				}
				for k := start; k < min(start+chunk, len(todo)); k++ {
					c := &s.Commits[todo[k]]
					var parentTree plumbing.Hash
					if len(c.Parents) > 0 {
						if pi, ok := index[c.Parents[0]]; ok {
							parentTree = s.Commits[pi].Tree
						}
					}
					cs, err := w.diffCommit(parentTree, c.Tree)
					if err != nil {
						errMu.Lock()
						if firstErr == nil {
							firstErr = fmt.Errorf("commit %s: %w", c.Hash, err)
						}
						errMu.Unlock()
						return
					}
					out[k] = cs
				}
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return nil, int(inflated.Load()), firstErr
	}
	return out, int(inflated.Load()), ctx.Err()
}

// diffCommit lists the files under the differ's paths that differ between
// two root trees, in path order, with the source of each added file. The
// sources are looked for among the files deleted anywhere in the tree, so
// when some file was added the rest of the tree is compared too.
func (w *differ) diffCommit(before, after plumbing.Hash) ([]change, error) {
	// Nothing read for the previous commit is in use any more.
	w.r.cache.recycle()
	var out []change
	if err := w.diffTrees("", before, after, w.paths, &out); err != nil {
		return nil, err
	}
	if !slices.ContainsFunc(out, change.added) {
		return out, nil
	}
	var dels []change
	for _, c := range out {
		if c.deleted() {
			dels = append(dels, c)
		}
	}
	if n := len(dels); !w.paths.all {
		if err := w.deletedOutside("", before, after, w.paths, &dels); err != nil {
			return nil, err
		}
		if len(dels) > n {
			sortChanges(dels)
		}
	}
	if err := w.findSources(out, dels); err != nil {
		return nil, err
	}
	return out, nil
}

// sortChanges puts changes in path order, which is the order git compares
// trees in.
func sortChanges(cs []change) {
	slices.SortStableFunc(cs, func(a, b change) int { return strings.Compare(a.Path, b.Path) })
}
