package history

import (
	"sort"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
)

// lineage is the history of one file across renames.
type lineage struct {
	revs []rev // newest first once built
}

// rev is one first-parent commit that changed a file.
type rev struct {
	c    int32         // index into Repo.commits
	path string        // repository-relative path after the commit
	blob plumbing.Hash // content after; zero when the commit deleted the file
	prev plumbing.Hash // content before; zero when the commit created it
	// via are, for a merge, the commits of the merged branch that changed
	// the file, newest first.
	via []viaRev
}

type viaRev struct {
	c    int32
	blob plumbing.Hash // the file's content after this commit
}

// build turns a snapshot into per-file lineages. The file's history is
// the first-parent history of HEAD, as `git log --first-parent --follow`
// shows it; a merge's branch commits are attached to the merge as via.
func (r *Repo) build(s *snapshot) {
	r.commits = s.Commits
	r.live = map[string]*lineage{}
	r.dead = map[string]*lineage{}
	if len(s.Commits) == 0 {
		return
	}
	index := make(map[plumbing.Hash]int32, len(s.Commits))
	for i := range s.Commits {
		index[s.Commits[i].Hash] = int32(i)
	}
	chain := firstParentChain(s.Commits, index)

	// brought[m] lists the commits merge m brought into the first-parent
	// history (reachable from its other parents but not from its first),
	// newest first. Walking the chain from the root, everything reachable
	// from older chain commits is already seen.
	seen := make([]bool, len(s.Commits))
	brought := map[int32][]int32{}
	var stack []int32
	for k := len(chain) - 1; k >= 0; k-- {
		m := chain[k]
		seen[m] = true
		parents := s.Commits[m].Parents
		if len(parents) < 2 {
			continue
		}
		var got []int32
		for _, p := range parents[1:] {
			if pi, ok := index[p]; ok && !seen[pi] {
				seen[pi] = true
				stack = append(stack, pi)
			}
		}
		for len(stack) > 0 {
			c := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			got = append(got, c)
			for _, p := range s.Commits[c].Parents {
				if pi, ok := index[p]; ok && !seen[pi] {
					seen[pi] = true
					stack = append(stack, pi)
				}
			}
		}
		sort.Slice(got, func(i, j int) bool { return got[i] < got[j] })
		brought[m] = got
	}

	include := func(p string) bool {
		if !strings.HasPrefix(p, r.prefix) {
			return false
		}
		return r.opts.Include == nil || r.opts.Include(p[len(r.prefix):])
	}
	for k := len(chain) - 1; k >= 0; k-- {
		ci := chain[k]
		if !s.Diffed[ci] {
			continue
		}
		r.apply(s, ci, s.Changes[ci], include, brought[ci])
	}
	for _, m := range []map[string]*lineage{r.live, r.dead} {
		for _, lin := range m {
			for i, j := 0, len(lin.revs)-1; i < j; i, j = i+1, j-1 {
				lin.revs[i], lin.revs[j] = lin.revs[j], lin.revs[i]
			}
		}
	}
}

// apply records one first-parent commit's changes in the lineages.
func (r *Repo) apply(s *snapshot, ci int32, cs []change, include func(string) bool, brought []int32) {
	type step struct {
		c   change
		lin *lineage
	}
	steps := make([]step, 0, len(cs))
	// Detach the lineages of renamed and deleted files first, so that a
	// commit that swaps two names moves both histories.
	for _, c := range cs {
		from := c.From
		if from != "" && !include(from) {
			from = ""
			c.From, c.Prev = "", plumbing.ZeroHash
		}
		if !include(c.Path) {
			if from == "" {
				continue
			}
			// Renamed out of the postmortems: the old file was deleted.
			c = change{Path: from, Prev: c.Prev}
			from = ""
		}
		var lin *lineage
		switch {
		case from != "":
			lin = r.live[from]
			delete(r.live, from)
		case c.deleted():
			lin = r.live[c.Path]
			delete(r.live, c.Path)
		}
		steps = append(steps, step{c, lin})
	}
	merge := len(s.Commits[ci].Parents) > 1
	for _, st := range steps {
		c, lin := st.c, st.lin
		switch {
		case c.deleted():
			if lin == nil {
				lin = &lineage{}
			}
			r.dead[c.Path] = lin
		case c.added():
			if lin = r.dead[c.Path]; lin != nil {
				delete(r.dead, c.Path)
			} else {
				lin = &lineage{}
			}
			r.live[c.Path] = lin
		case c.From != "":
			if lin == nil {
				lin = &lineage{}
			}
			r.live[c.Path] = lin
		default:
			if lin = r.live[c.Path]; lin == nil {
				// Seen first as a modification: history starts at a
				// shallow boundary or the file was outside Include.
				lin = &lineage{}
				r.live[c.Path] = lin
			}
		}
		rv := rev{c: ci, path: c.Path, blob: c.Blob, prev: c.Prev}
		if merge {
			rv.via = viaCommits(s, brought, c)
		}
		lin.revs = append(lin.revs, rv)
	}
}

// viaCommits finds the commits of a merged branch that changed the file
// the merge changed, following renames made on the branch.
func viaCommits(s *snapshot, brought []int32, c change) []viaRev {
	paths := map[string]bool{c.Path: true}
	if c.From != "" {
		paths[c.From] = true
	}
	var out []viaRev
	for _, b := range brought {
		if len(s.Commits[b].Parents) > 1 || !s.Diffed[b] {
			continue
		}
		for _, bc := range s.Changes[b] {
			if !paths[bc.Path] && (bc.From == "" || !paths[bc.From]) {
				continue
			}
			out = append(out, viaRev{c: b, blob: bc.Blob})
			paths[bc.Path] = true
			if bc.From != "" {
				paths[bc.From] = true
			}
			break
		}
	}
	return out
}
