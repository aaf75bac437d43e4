package history

import (
	"context"
	"encoding/hex"
	"fmt"
	"slices"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/inquest-dev/inquest/pkg/postmortem"
	"github.com/inquest-dev/inquest/pkg/revdiff"
)

// Diff compares the file at path before and after its i-th revision,
// newest first as Revisions lists them, following renames: the text
// before a revision that moved the file is its text under the old name.
// budget bounds the comparisons of one file together and may be nil.
func (v *Versions) Diff(path string, i int, budget *revdiff.Budget) (*revdiff.Diff, error) {
	before, after, err := v.Read(path, i)
	if err != nil {
		return nil, err
	}
	return revdiff.Compare(before, after, budget), nil
}

// SinceSignOff compares the text a sign-off approved, the file's content
// after the sign-off's commit, with the file's newest version: what
// changed since the reviewer approved it, and the front-matter fields that
// changed (with Options.Fields; nil without). The sign-off must be one of
// the file's (History.SignOffs); its commit may be a landing commit or a
// commit of a merged branch.
func (v *Versions) SinceSignOff(path string, s postmortem.SignOff) (*revdiff.Diff, []postmortem.FieldChange, error) {
	lin := v.r.lineage(path)
	if lin == nil || len(lin.revs) == 0 {
		return nil, nil, fmt.Errorf("%s: no history", path)
	}
	blob, ok := v.r.approvedBlob(lin, s.Commit)
	if !ok {
		return nil, nil, fmt.Errorf("%s: commit %s is not one of its revisions", path, s.Commit)
	}
	v.rd.Recycle()
	approved, err := v.blob(blob)
	if err != nil {
		return nil, nil, fmt.Errorf("%s at %s: %w", path, s.Commit, err)
	}
	// The reader's buffers are reused by the next read: keep a copy.
	approved = append([]byte(nil), approved...)
	current, err := v.blob(lin.revs[0].blob)
	if err != nil {
		return nil, nil, fmt.Errorf("%s at %s: %w", path, v.r.commits[lin.revs[0].c].Hash, err)
	}
	var fields []postmortem.FieldChange
	if f := v.r.opts.Fields; f != nil {
		fields = diffFields(newFieldSet(f.Fields(approved)), newFieldSet(f.Fields(current)))
	}
	return revdiff.Compare(approved, current, nil), fields, nil
}

// AttachSinceApproval fills in, for every stale sign-off of the
// incidents' histories, what changed since: SignOff.Since and
// SignOff.SinceFields. It reads two versions of each file with a stale
// sign-off. A version that cannot be read leaves its sign-offs without,
// and a warning (AttachWarnings).
func (r *Repo) AttachSinceApproval(ctx context.Context, incidents []*postmortem.Incident) error {
	if !r.readable() {
		return nil
	}
	// The caches AttachChanges writes behind are written when this
	// returns.
	defer waitWrites(r.opts.CacheDir)
	var v *Versions
	defer func() {
		if v != nil {
			_ = v.Close()
		}
	}()
	// What the history pass compared; once used, the diffs are in
	// r.since.
	r.diffMu.Lock()
	walked := r.walkedSince
	r.walkedSince = nil
	r.diffMu.Unlock()
	var (
		cache   map[pair]walkedSince // read on the first stale sign-off
		used    map[pair]walkedSince // made with cache (startSince)
		changed bool
	)
	for _, inc := range incidents {
		if err := ctx.Err(); err != nil {
			return err
		}
		if inc == nil || inc.History == nil || len(inc.History.Review.Stale) == 0 {
			continue
		}
		if r.live[r.key(inc.Source)] == nil {
			continue // deleted: nothing is current
		}
		// The index of each commit's first stale sign-off: a file has
		// few, and a map for each file was as many allocations.
		var done []int
		for i := range inc.History.SignOffs {
			s := &inc.History.SignOffs[i]
			if !s.Stale {
				continue
			}
			if k := slices.IndexFunc(done, func(j int) bool { return inc.History.SignOffs[j].Commit == s.Commit }); k >= 0 {
				j := done[k]
				s.Since, s.SinceFields = inc.History.SignOffs[j].Since, inc.History.SignOffs[j].SinceFields
				continue
			}
			done = append(done, i)
			if cache == nil {
				cache, used = r.startSince(len(walked))
			}
			lin := r.lineage(inc.Source)
			blob, ok := r.approvedBlob(lin, s.Commit)
			if !ok {
				continue
			}
			p := pairOf(blob, lin.revs[0].blob)
			e, ok := cache[p] // summarised (readSinceCache)
			if w, found := walked[p]; !ok && found {
				e, ok = w, true
				changed = true
			}
			if !ok {
				if v == nil {
					var err error
					if v, err = r.Versions(); err != nil {
						return err
					}
				}
				d, fields, err := v.SinceSignOff(inc.Source, *s)
				if err != nil {
					r.unreadable(err, fmt.Sprintf("what changed since %s approved %s could not be read from Git: %v", s.Name, inc.Source, err))
					continue
				}
				e = walkedSince{sections: compared(d.Summary()), fields: fields, diff: pack(d)}
				changed = true
			}
			used[p] = e
			s.Since, s.SinceFields = e.sections, e.fields
			r.diffMu.Lock()
			if r.since == nil {
				r.since = diffCache{}
			}
			r.since[p] = e.diff
			r.diffMu.Unlock()
		}
	}
	if changed {
		r.writeSinceCache(cache, used)
	}
	return nil
}

// startSince reads the since cache for AttachSinceApproval (what Load
// started reading, else readSinceCache), and makes the map of the
// entries it uses, and r.since, at about their size, what the cache and
// the walked entries of the history pass hold: grown entry by entry,
// the two maps were half of AttachSinceApproval's time, all on the
// load's goroutine, in a warm 10,000-postmortem build.
func (r *Repo) startSince(walked int) (cache, used map[pair]walkedSince) {
	cache, early := take(&r.early.mu, &r.early.since)
	if !early {
		cache = r.readSinceCache(r.diffCacheDir())
	}
	used = make(map[pair]walkedSince, len(cache)+walked)
	r.diffMu.Lock()
	if r.since == nil {
		r.since = make(diffCache, len(cache)+walked)
	}
	r.diffMu.Unlock()
	return cache, used
}

// writeSinceCache writes what changed since approvals to the cache
// folder: what this AttachSinceApproval used, and what the cache held for
// others unless there are many (a serve that attaches one incident keeps
// the rest).
func (r *Repo) writeSinceCache(old, used map[pair]walkedSince) {
	if r.diffCacheDir() == "" {
		return
	}
	if len(old) < 2*len(used)+1000 {
		for p, e := range old {
			if _, ok := used[p]; !ok {
				used[p] = e
			}
		}
	}
	// The cache only saves time: a build that cannot write it is
	// correct.
	_ = writeCacheFile(r.opts.CacheDir, sinceCacheFile, sinceFormat, encodeSince(used), "history-since-*")
}

// staleApprovals lists the versions of a live file that its stale
// sign-offs approved, for the history pass to compare with the newest
// while it holds both (see fieldWorker.compareSince), as
// AttachSinceApproval would.
func (r *Repo) staleApprovals(inc *postmortem.Incident, lin *lineage) []plumbing.Hash {
	h := inc.History
	if len(h.Review.Stale) == 0 || r.live[r.key(inc.Source)] == nil || len(lin.revs) == 0 {
		return nil
	}
	var out []plumbing.Hash
	for _, s := range h.SignOffs {
		if !s.Stale {
			continue
		}
		if blob, ok := r.approvedBlob(lin, s.Commit); ok && !blob.IsZero() && blob != lin.revs[0].blob && !slices.Contains(out, blob) {
			out = append(out, blob)
		}
	}
	return out
}

// walkedSince is what changed since an approval: the sections (never nil
// once compared) and fields changed, and the diff packed. The history
// pass compares it from the versions in hand (compareSince), and the
// since cache holds it without the sections, which are the diff's
// summary.
type walkedSince struct {
	sections []postmortem.SectionChange
	fields   []postmortem.FieldChange
	diff     packedDiff
}

// compared is the sections of a diff's summary as a compared version's:
// never nil, empty when only line ends changed (a version never compared
// has nil).
func compared(sections []postmortem.SectionChange) []postmortem.SectionChange {
	if sections == nil {
		return []postmortem.SectionChange{}
	}
	return sections
}

// summarize fills in the sections of an entry read from the cache, the
// summary of its diff; false when the diff does not decode (a damaged
// cache, which the cache layer's checksum should have caught).
func (e *walkedSince) summarize() bool {
	sections, err := revdiff.SummaryBinary(e.diff)
	if err != nil {
		return false
	}
	e.sections = compared(sections)
	return true
}

// compareSince compares the version after the revision just compared,
// when a stale sign-off approved it, with the file's newest version, both
// read by this walk: AttachSinceApproval would read the two again, from a
// reader whose cache no longer holds their deltas.
func (w *fieldWorker) compareSince(t wanted, blob plumbing.Hash) {
	if w.after == nil || w.head == nil || w.afterBlob != blob || !slices.Contains(t.approved, blob) {
		return
	}
	p := pairOf(blob, w.headBlob)
	if _, ok := w.since[p]; ok {
		return
	}
	var e walkedSince
	if p == w.headCompared {
		// The newest revision's diff, compared from the same two
		// versions in full: a sign-off on the version before the
		// newest is the commonest stale one.
		e = walkedSince{sections: compared(slices.Clone(t.h.Revisions[0].Diff)), diff: w.kept[p].packed}
		w.sinceReused++
	} else {
		d := revdiff.CompareVersions(w.after, w.head, nil)
		e = walkedSince{sections: compared(d.Summary()), diff: w.pack(d)}
	}
	e.fields = diffFields(w.fields(blob), w.fields(w.headBlob))
	if w.since == nil {
		w.since = map[pair]walkedSince{}
	}
	w.since[p] = e
}

// approvedBlob finds the file's content after commit, a revision of lin or
// a branch commit one brought.
// The commit is named as Hash.String spells it, and compared as a hash:
// spelling each revision's commit to compare was 0.01 CPU-s of a warm
// 10,000-postmortem pass (BenchmarkTrail).
func (r *Repo) approvedBlob(lin *lineage, commit string) (plumbing.Hash, bool) {
	want, ok := commitHash(commit)
	if !ok {
		return plumbing.ZeroHash, false
	}
	for _, rv := range lin.revs {
		if r.commits[rv.c].Hash == want {
			return rv.blob, true
		}
		for _, vr := range rv.via {
			if r.commits[vr.c].Hash == want {
				return vr.blob, true
			}
		}
	}
	return plumbing.ZeroHash, false
}

// commitHash is the hash s spells as Hash.String does (40 lower-case hex
// digits); false for any other string, which names no commit.
func commitHash(s string) (plumbing.Hash, bool) {
	var h plumbing.Hash
	if len(s) != hex.EncodedLen(len(h)) {
		return h, false
	}
	if _, err := hex.Decode(h[:], []byte(s)); err != nil {
		return h, false
	}
	return h, h.String() == s
}
