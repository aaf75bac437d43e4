package gitdb

import (
	"container/heap"
	"context"
	"errors"
	"fmt"

	"github.com/go-git/go-git/v5/plumbing"
)

// WalkOptions configure Walk.
type WalkOptions struct {
	// Shallow commits are walked as if they had no parents: a shallow
	// clone does not have them.
	Shallow []plumbing.Hash
	// Known are commits read before, by hash, taken from here instead of
	// from the object database.
	Known map[plumbing.Hash]*Commit
}

// Walked is what Walk found.
type Walked struct {
	// Commits are every commit reachable from the head, newest first by
	// committer date as git log lists them; each one's Parents are those
	// the repository has.
	Commits []Commit
	// Missing are the parents the repository does not have (a partial
	// clone, a damaged repository), with the commits that name them.
	Missing []MissingParent
	// Read counts the commits read from the object database rather than
	// taken from WalkOptions.Known.
	Read int
}

// MissingParent is a parent named by a commit that the repository does not
// have.
type MissingParent struct {
	Commit, Parent plumbing.Hash
}

// Walk reads every commit reachable from head, in the order of git log
// without options: newest first by committer date, ties in the order the
// commits were found. A head that cannot be read, or a commit that cannot
// be parsed, is an error.
func (r *Reader) Walk(ctx context.Context, head plumbing.Hash, opts WalkOptions) (Walked, error) {
	var (
		w       Walked
		seen    = map[plumbing.Hash]bool{head: true}
		shallow = map[plumbing.Hash]bool{}
		q       = &commitQueue{}
		seq     int
	)
	for _, h := range opts.Shallow {
		shallow[h] = true
	}
	load := func(h plumbing.Hash) (*Commit, error) {
		if c, ok := opts.Known[h]; ok {
			cp := *c
			return &cp, nil
		}
		data, err := r.readType(h, plumbing.CommitObject)
		if err != nil {
			return nil, err
		}
		w.Read++
		c, err := parseCommit(h, data)
		if err != nil {
			return nil, fmt.Errorf("commit %s: %w", h, err)
		}
		return &c, nil
	}
	c, err := load(head)
	if err != nil {
		return Walked{}, err
	}
	heap.Push(q, queued{c, seq})
	for q.Len() > 0 {
		if len(w.Commits)%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return Walked{}, err
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
				if errors.Is(err, plumbing.ErrObjectNotFound) {
					w.Missing = append(w.Missing, MissingParent{c.Hash, p})
					continue
				}
				return Walked{}, err
			}
			seen[p] = true
			kept = append(kept, p)
			seq++
			heap.Push(q, queued{pc, seq})
		}
		c.Parents = kept
		w.Commits = append(w.Commits, *c)
	}
	return w, nil
}

type queued struct {
	c   *Commit
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

// Positions maps each commit's hash to its position in commits.
func Positions(commits []Commit) map[plumbing.Hash]int32 {
	index := make(map[plumbing.Hash]int32, len(commits))
	for i := range commits {
		index[commits[i].Hash] = int32(i)
	}
	return index
}

// ParentPairs returns, for the commits at positions, the Pair of the tree
// of each one's first parent (zero when commits does not have one) and its
// own: what to give Diff to see what each commit changed, as git log
// --first-parent shows it. index is Positions(commits).
func ParentPairs(commits []Commit, index map[plumbing.Hash]int32, positions []int32) []Pair {
	pairs := make([]Pair, len(positions))
	for k, i := range positions {
		c := &commits[i]
		pairs[k] = Pair{Commit: c.Hash, After: c.Tree}
		if len(c.Parents) > 0 {
			if pi, ok := index[c.Parents[0]]; ok {
				pairs[k].Before = commits[pi].Tree
			}
		}
	}
	return pairs
}

// FirstParents returns the positions in commits (a Walk's, head first) of
// the head's first-parent chain, newest first: the commits git log
// --first-parent lists. index is Positions(commits).
func FirstParents(commits []Commit, index map[plumbing.Hash]int32) []int32 {
	var chain []int32
	if len(commits) == 0 {
		return nil
	}
	i := int32(0)
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
