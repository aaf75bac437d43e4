package history

// RevisionPacked is the diff RevisionDiff decodes, as the history keeps
// it: in revdiff's binary encoding (revdiff.Diff.MarshalBinary), which a
// revdiff.Walker reads in place; false when the history kept none. Every
// diff the history keeps decodes: it packed it, or read it from its cache,
// as a build that packed it wrote it, the file checked against its
// checksum; a reader still handles one that does not (Walker.Err), which
// would take a cache written by a damaged build. The bytes are the history's
// own, never changed once packed: they must not be changed, and a string
// read over them stays valid.
func (r *Repo) RevisionPacked(path string, i int) ([]byte, bool) {
	lin := r.lineage(path)
	if lin == nil || i < 0 || i >= len(lin.revs) {
		return nil, false
	}
	r.diffMu.Lock()
	defer r.diffMu.Unlock()
	d, ok := r.diffs[pairOf(lin.revs[i].prev, lin.revs[i].blob)]
	return d.packed, ok
}

// RevisionsShown is RevisionPacked of each revision of the file at path,
// newest first, in one look-up of the file and of the lock (a build's
// audit of 10,000 postmortems asked 24,000 times): nil where the history
// kept none, and for each diff that shows nothing: one with no sections
// (a rename's), or whose sections have no hunks and that has no Fallback
// (the counts of a revision that created or deleted the file). The history knows which from when it
// compared each diff, or from its cache, and reads none of the packed
// bytes to tell: the site's walk of the start of each diff for it was
// its first touch of most of them, 0.05 CPU-s of a warm
// 10,000-postmortem build.
func (r *Repo) RevisionsShown(path string) [][]byte {
	lin := r.lineage(path)
	if lin == nil || len(lin.revs) == 0 {
		return nil
	}
	out := make([][]byte, len(lin.revs))
	r.diffMu.Lock()
	defer r.diffMu.Unlock()
	for i, rv := range lin.revs {
		if d := r.diffs[pairOf(rv.prev, rv.blob)]; d.shows {
			out[i] = d.packed
		}
	}
	return out
}

// SincePacked is the diff SinceDiff decodes, as the history keeps it (see
// RevisionPacked); false when it kept none. It decodes as well: the
// history packed it, or read it from its cache and checked it
// (walkedSince.summarize).
func (r *Repo) SincePacked(path, commit string) ([]byte, bool) {
	lin := r.lineage(path)
	if lin == nil || len(lin.revs) == 0 {
		return nil, false
	}
	blob, ok := r.approvedBlob(lin, commit)
	if !ok {
		return nil, false
	}
	r.diffMu.Lock()
	p, ok := r.since[pairOf(blob, lin.revs[0].blob)]
	r.diffMu.Unlock()
	return p, ok
}
