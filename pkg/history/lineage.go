package history

import (
	"slices"
	"sort"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/inquest-dev/inquest/pkg/history/internal/gitdb"
)

// lineage is the history of one file across renames.
type lineage struct {
	revs []rev // newest first
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

// build turns a snapshot into per-file lineages. A file's history is the
// first-parent history of HEAD, as `git log --first-parent --follow` shows
// it; a merge's branch commits are attached to the merge as via.
//
// Walking the first-parent chain from HEAD back, as git log does, each
// postmortem is followed under the name it had at each commit: watch maps
// a name to the files whose history is at that name now. A file is met
// first (from HEAD's side) at the last commit that changed it: a file at
// HEAD, or a deleted file found by its last path. A commit that added a
// watched name from a source hands the watch over to the source's name;
// the source's own history, a deleted file's, goes on too, since git log
// --follow shows that deletion for the old path.
func (r *Repo) build(s *snapshot) {
	r.commits = s.Commits
	r.live = map[string]*lineage{}
	r.dead = map[string]*lineage{}
	if len(s.Commits) == 0 {
		return
	}
	index := gitdb.Positions(s.Commits)
	chain := gitdb.FirstParents(s.Commits, index)
	brought := mergedBranches(s, index, chain)
	watch := map[string][]*lineage{}
	met := map[string]bool{}
	for _, ci := range chain {
		if !s.Diffed[ci] {
			continue
		}
		cs := s.Changes[ci]
		for _, c := range cs {
			if met[c.Path] {
				continue
			}
			met[c.Path] = true
			if !r.include(c.Path) {
				continue
			}
			lin := &lineage{}
			watch[c.Path] = append(watch[c.Path], lin)
			if c.Deleted() {
				r.dead[c.Path] = lin
			} else {
				r.live[c.Path] = lin
			}
		}
		merge := len(s.Commits[ci].Parents) > 1
		var moves []gitdb.Change
		for _, c := range cs {
			lins := watch[c.Path]
			if len(lins) == 0 {
				continue
			}
			rv := rev{c: ci, path: c.Path, blob: c.Blob, prev: c.Prev}
			if merge {
				rv.via = viaCommits(s, brought[ci], c)
			}
			for _, lin := range lins {
				lin.revs = append(lin.revs, rv)
			}
			if c.From != "" {
				moves = append(moves, c)
			}
		}
		for _, c := range moves {
			watch[c.From] = append(watch[c.From], watch[c.Path]...)
			delete(watch, c.Path)
		}
	}
}

// mergedBranches lists, for each merge on the first-parent chain (newest
// first), the commits it brought into the first-parent history: reachable
// from its other parents but not from its first, newest first. Walking the
// chain from the root, everything reachable from older chain commits is
// already seen.
func mergedBranches(s *snapshot, index map[plumbing.Hash]int32, chain []int32) map[int32][]int32 {
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
	return brought
}

// include reports whether a repository path is a postmortem: under the
// content roots and accepted by Options.Include.
func (r *Repo) include(p string) bool {
	if !strings.HasPrefix(p, r.prefix) {
		return false
	}
	if len(r.roots) > 0 && !slices.ContainsFunc(r.roots, func(root string) bool {
		return p == root || strings.HasPrefix(p, root+"/")
	}) {
		return false
	}
	return r.opts.Include == nil || r.opts.Include(p[len(r.prefix):])
}

// viaCommits finds the commits of a merged branch that changed the file
// the merge changed, following renames made on the branch.
func viaCommits(s *snapshot, brought []int32, c gitdb.Change) []viaRev {
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
