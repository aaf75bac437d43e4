package history

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/inquest-dev/inquest/pkg/postmortem"
	"github.com/inquest-dev/inquest/pkg/revdiff"
)

// AttachChanges is the second step of Attach: for the incidents
// AttachRevisions gave a history, it fills in the front-matter fields each
// revision changed (with Options.Fields) and the words and lines each
// changed by section (Revision.Diff, see package revdiff), and writes
// nothing else. With CacheDir and Options.FieldsVersion (a whole build's
// load), the diffs of revisions an earlier Attach compared are cached by
// the pair of versions. It reads
// and parses every earlier version of their files, but those an earlier
// Attach parsed when Options.FieldsVersion is set. An incident whose
// work-tree copy is HEAD's gives the newest version's fields itself
// (Incident.ParsedFields), which is then neither read nor parsed.
func (r *Repo) AttachChanges(ctx context.Context, incidents []*postmortem.Incident) error {
	if !r.readable() || r.opts.Fields == nil && r.opts.Items == nil {
		return nil
	}
	var todo []wanted
	for _, inc := range incidents {
		if inc == nil || inc.History == nil {
			continue
		}
		lin := r.lineage(inc.Source)
		if lin == nil || len(lin.revs) != len(inc.History.Revisions) {
			continue
		}
		w := wanted{h: inc.History, lin: lin, items: inc.ActionItems, approved: r.staleApprovals(inc, lin)}
		// An unchanged work-tree copy of a live file is its newest
		// version (see uncommitted).
		if !inc.History.Uncommitted && r.workTree != "" && r.live[r.key(inc.Source)] == lin {
			w.head = inc.ParsedFields()
			w.headIsWork = true
		}
		todo = append(todo, w)
	}
	if len(todo) == 0 {
		return nil
	}
	return r.fieldChanges(ctx, todo)
}

// wanted is an incident's history waiting for its field changes.
type wanted struct {
	h   *postmortem.History
	lin *lineage
	// head holds the fields of lin.revs[0].blob when the parsed work-tree
	// copy gave them; nil otherwise.
	head map[string]string
	// items are the incident's action items, parsed from the work tree,
	// and headIsWork says that the work tree holds lin.revs[0].blob.
	items      []postmortem.ActionItem
	headIsWork bool
	// approved are the versions stale sign-offs approved, which
	// AttachSinceApproval compares with the newest.
	approved []plumbing.Hash
}

// fieldChanges fills in the fields each revision changed, parsing each
// version of a file once: a file's versions are read newest first, so each
// is one delta away from the last and serves as the next revision's "after"
// and this one's "before". Files are spread over the CPUs in contiguous runs.
// With a fields cache (Options.FieldsVersion), the versions an earlier
// Attach parsed are neither read nor parsed, and the cache is rewritten
// when new ones were.
func (r *Repo) fieldChanges(ctx context.Context, todo []wanted) error {
	dir, version := r.opts.CacheDir, r.opts.FieldsVersion
	useCache := dir != "" && version != ""
	cache, diffs, items := r.readCaches(useCache)
	// The object database is opened only if some version is not cached.
	objs := &lazyObjects{g: r.git}
	defer objs.close()
	// A partial clone leaves old versions out on purpose: their absence
	// is one summary warning, not damage.
	partial := r.git.Partial()

	n := max(1, min(runtime.GOMAXPROCS(0), 8, len(todo)/16))
	per := (len(todo) + n - 1) / n
	workers := make([]*fieldWorker, n)
	// The first load's first worker's map of the diffs kept becomes the
	// history's, and the others' are added to it (keepDiffs): made at
	// the size of them all, it does not grow on the load's goroutine.
	r.diffMu.Lock()
	first := r.diffs == nil
	r.diffMu.Unlock()
	all := 0
	if first {
		for _, t := range todo {
			all += len(t.lin.revs)
		}
	}
	var wg sync.WaitGroup
	for i := range workers {
		w := &fieldWorker{r: r, cache: cache, keep: useCache, objs: objs, partial: partial, memo: map[plumbing.Hash]fieldSet{}, diffs: diffs, items: items}
		workers[i] = w
		lo, hi := i*per, min((i+1)*per, len(todo))
		if lo >= hi {
			continue
		}
		if r.opts.Fields != nil {
			// Every revision's diff is kept: the map is made once, at
			// its size.
			revs := 0
			for _, t := range todo[lo:hi] {
				revs += len(t.lin.revs)
			}
			if i == 0 && first {
				revs = all
			}
			w.kept = make(revDiffs, revs)
			w.revs = revs
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			w.err = w.run(ctx, todo[lo:hi])
		}()
	}
	wg.Wait()
	var (
		errs    []error
		bad     []unread
		parsed  []fieldsTable
		skipped int
	)
	for _, w := range workers {
		errs = append(errs, w.err)
		bad = append(bad, w.bad...)
		parsed = append(parsed, w.parsed)
		skipped += w.notFetched
		r.stats.compared += w.compared
		r.stats.sinceReused += w.sinceReused
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	if skipped > 0 {
		r.attachMu.Lock()
		r.attachWarnings = append(r.attachWarnings, fmt.Sprintf("this is a partial clone: %d earlier versions of postmortems were not fetched, so the field changes of their revisions are not shown (clone without --filter, or set filter: none in actions/checkout, to see them)", skipped))
		r.attachMu.Unlock()
	}
	if len(bad) > 0 {
		u := bad[0]
		err := fmt.Errorf("%s (blob %s): %w", u.path, u.blob, u.err)
		r.unreadable(err, fmt.Sprintf("%d earlier versions of postmortems could not be read from Git, so the field changes of their revisions are not shown; the first: %v (`git fsck` lists what is damaged)", len(bad), err))
	}
	r.keepDiffs(workers)
	r.writeCaches(useCache, cache, parsed, diffs, items, workers)
	return nil
}

// writeCaches rewrites, behind the caller (writeBehind), the fields,
// diff and items caches the workers added to: the old entries cache,
// diffs and items, and the new ones. The caches only save time: a build
// that cannot write them is correct, and tries again next time. Nothing
// they are written from changes, or is read again, once the workers are
// done.
func (r *Repo) writeCaches(useCache bool, cache *fieldsCache, parsed []fieldsTable, diffs diffEntries, items itemsCache, workers []*fieldWorker) {
	dir, version, itemsVersion := r.opts.CacheDir, r.opts.FieldsVersion, r.opts.ItemsVersion
	var newDiffs []diffEntries
	var newItems []itemsCache
	newFields := false
	for _, w := range workers {
		if len(w.newDiffs) > 0 {
			newDiffs = append(newDiffs, w.newDiffs)
		}
		if len(w.newItems) > 0 {
			newItems = append(newItems, w.newItems)
		}
		newFields = newFields || len(w.parsed.hashes) > 0
	}
	writeFields := useCache && newFields
	writeDiffs := useCache && len(newDiffs) > 0
	writeItems := dir != "" && itemsVersion != "" && len(newItems) > 0
	if !writeFields && !writeDiffs && !writeItems {
		return
	}
	writeBehind(dir, func() {
		if writeFields {
			_ = r.writeFields(dir, version, cache, parsed)
		}
		if writeDiffs {
			_ = r.writeDiffs(r.diffCacheDir(), diffs, newDiffs)
		}
		if writeItems {
			_ = r.writeItems(dir, itemsVersion, items, newItems)
		}
	})
}

// readCaches returns the fields, diff and items caches fieldChanges
// uses: those Load started reading (readCachesEarly), else read now. The
// fields and diff caches are read only when useCache says there is one.
func (r *Repo) readCaches(useCache bool) (fields *fieldsCache, diffs diffEntries, items itemsCache) {
	waitWrites(r.opts.CacheDir)
	var ok bool
	if useCache {
		// A file that cannot be used is rebuilt from the blobs, so its
		// error is of no further use.
		if fields, ok = take(&r.early.mu, &r.early.fields); !ok {
			fields, _ = readFieldsCache(r.opts.CacheDir, r.opts.FieldsVersion)
		}
		if diffs, ok = take(&r.early.mu, &r.early.diffs); !ok {
			diffs = r.readDiffCache(r.diffCacheDir())
		}
	}
	if items, ok = take(&r.early.mu, &r.early.items); !ok {
		items = readItemsCache(r.opts.CacheDir, r.opts.ItemsVersion)
	}
	return fields, diffs, items
}

// keepDiffs keeps what the workers compared for the pages: every diff they
// used, for RevisionDiff, and what changed since the approvals they
// compared, for AttachSinceApproval.
func (r *Repo) keepDiffs(workers []*fieldWorker) {
	r.diffMu.Lock()
	defer r.diffMu.Unlock()
	if r.diffs == nil {
		// The first load's: the first worker's map, made at the size
		// of all (fieldChanges), is taken whole, and the others' added
		// to it.
		if len(workers) > 0 && workers[0].kept != nil {
			r.diffs, workers[0].kept = workers[0].kept, nil
		} else {
			r.diffs = revDiffs{}
		}
	}
	for _, w := range workers {
		for p, d := range w.kept {
			r.diffs[p] = d
		}
		for p, e := range w.since {
			if r.walkedSince == nil {
				r.walkedSince = map[pair]walkedSince{}
			}
			r.walkedSince[p] = e
		}
	}
}

// fieldWorker fills in the field changes of a run of files for one
// goroutine.
type fieldWorker struct {
	r     *Repo
	cache *fieldsCache // from an earlier Attach; nil when there is none
	keep  bool         // add what is parsed to parsed, for the cache
	objs  *lazyObjects
	vers  *Versions // opened on the first version not cached

	memo   map[plumbing.Hash]fieldSet // the current file's versions
	path   string                     // of the file whose versions get read
	parsed fieldsTable
	bad    []unread
	err    error
	// partial is set in a partial clone, where missing versions are
	// expected; notFetched counts them.
	partial    bool
	notFetched int
	// compared counts the revisions whose versions this worker compared
	// (not cached), sinceReused the diffs since approval it took from
	// the newest revision's.
	compared, sinceReused int

	// diffs are the diffs earlier builds compared (read only, shared);
	// newDiffs those this worker compared, and kept every diff it used.
	diffs    diffEntries
	newDiffs diffEntries
	kept     revDiffs
	// revs is the number of revisions of the worker's files, which
	// kept is made for.
	revs int
	// summaries decodes the summaries of the cached diffs used.
	summaries summaryDecoder
	// arena is the buffer pack packs into, of arenaSize.
	arena     []byte
	arenaSize int
	// last is the version before the revision compared last, lastBlob
	// its name and lastNone whether it read as no file: the version
	// after the next revision of the same file.
	last     *revdiff.Version
	lastBlob plumbing.Hash
	lastNone bool
	// after is the version after the revision compared last, afterBlob
	// its name; head is the newest version of the file, when the walk
	// read them, and since what changed from the versions stale
	// sign-offs approved to the newest (see compareSince).
	after     *revdiff.Version
	afterBlob plumbing.Hash
	head      *revdiff.Version
	headBlob  plumbing.Hash
	since     map[pair]walkedSince
	// headCompared is the pair of versions of the newest revision when
	// this walk compared them in full, within the file's budget but not
	// cut short by it (zero otherwise): the comparison compareSince makes
	// for a sign-off on the version before the newest, which takes that
	// revision's summary and kept diff instead.
	headCompared pair

	// items are the action items of versions earlier builds read (read
	// only, shared); newItems those this worker read.
	items    itemsCache
	newItems itemsCache
}

// unread is a version that could not be read from Git.
type unread struct {
	blob plumbing.Hash
	path string
	err  error
}

func (w *fieldWorker) run(ctx context.Context, todo []wanted) error {
	for _, t := range todo {
		if err := ctx.Err(); err != nil {
			return err
		}
		// Fields keeps no content (see FieldParser), so the buffers of
		// the last file can be reused.
		if w.vers != nil {
			w.vers.rd.Recycle()
		}
		clear(w.memo)
		w.last, w.after, w.head, w.headCompared = nil, nil, nil, pair{}
		w.headBlob = t.lin.revs[0].blob
		if t.head != nil {
			// Taken from the parse of the work tree, which holds this
			// version: it need not be read or parsed.
			h := t.lin.revs[0].blob
			f := newFieldSet(t.head)
			w.memo[h] = f
			if w.keep && w.cache.find(h) < 0 {
				w.parsed.add(h, f)
			}
		}
		budget := revdiff.NewBudget(revdiff.FileBudget)
		lives := w.startItems(t)
		for i, rv := range t.lin.revs {
			w.path = w.r.rel(rv.path)
			if lives != nil {
				lives.read(w, t, i)
			}
			if w.r.opts.Fields == nil {
				continue
			}
			t.h.Revisions[i].Diff = w.diff(rv, budget)
			if len(t.approved) > 0 {
				w.compareSince(t, rv.blob)
			}
			if rv.prev.IsZero() || rv.blob.IsZero() {
				continue
			}
			// Newest first: each version is one delta from the last.
			after := w.fields(rv.blob)
			t.h.Revisions[i].Changes = diffFields(w.fields(rv.prev), after)
		}
		if lives != nil {
			t.h.Items = lives.finish(w.r, t)
		}
	}
	return nil
}

// fields returns the fields of version h: remembered, cached, or read and
// parsed. A version that cannot be read has none.
func (w *fieldWorker) fields(h plumbing.Hash) fieldSet {
	if f, ok := w.memo[h]; ok {
		return f
	}
	if i := w.cache.find(h); i >= 0 {
		f := w.cache.set(i, nil)
		w.memo[h] = f
		return f
	}
	if w.vers == nil {
		w.vers = w.objs.versions(w.r)
	}
	data, err := w.vers.blob(h)
	if errors.Is(err, plumbing.ErrObjectNotFound) && w.partial {
		w.notFetched++
		w.memo[h] = fieldSet{}
		return fieldSet{}
	}
	if err != nil {
		// A damaged or missing object: the revisions that need it go
		// without field changes, and the user is told.
		w.bad = append(w.bad, unread{h, w.path, err})
		w.memo[h] = fieldSet{}
		return fieldSet{}
	}
	f := newFieldSet(w.r.opts.Fields.Fields(data))
	w.memo[h] = f
	if w.keep {
		w.parsed.add(h, f)
	}
	return f
}

// writeFields rewrites the fields cache when this Attach parsed versions it
// did not hold: the old entries and the new, less those of blobs that no
// file's history at HEAD refers to any more (after a rebase, say), so the
// cache tracks the repository rather than growing with every edit.
func (r *Repo) writeFields(dir, version string, old *fieldsCache, parsed []fieldsTable) error {
	type entry struct {
		c *fieldsCache
		i int
	}
	var entries []entry
	for w := range parsed {
		for i := range parsed[w].hashes {
			entries = append(entries, entry{&parsed[w].fieldsCache, i})
		}
	}
	if len(entries) == 0 {
		return nil
	}
	used := map[plumbing.Hash]bool{}
	for _, m := range []map[string]*lineage{r.live, r.dead} {
		for _, lin := range m {
			for _, rv := range lin.revs {
				used[rv.blob], used[rv.prev] = true, true
			}
		}
	}
	for i := range old.len() {
		entries = append(entries, entry{old, i})
	}
	entries = slices.DeleteFunc(entries, func(e entry) bool { return !used[e.c.hashes[e.i]] })
	slices.SortFunc(entries, func(a, b entry) int { return bytes.Compare(a.c.hashes[a.i][:], b.c.hashes[b.i][:]) })
	w := newFieldsWriter()
	var buf []field
	for k, e := range entries {
		h := e.c.hashes[e.i]
		if k > 0 && h == entries[k-1].c.hashes[entries[k-1].i] {
			continue // two files share a version, parsed for each
		}
		fs := e.c.set(e.i, buf[:0])
		buf = fs.fields
		w.add(h, fs)
	}
	return w.write(dir, version)
}

// diffFields lists the fields whose values differ, sorted by name.
func diffFields(from, to fieldSet) []postmortem.FieldChange {
	if !from.ok || !to.ok {
		return nil
	}
	var out []postmortem.FieldChange
	a, b := from.fields, to.fields
	for len(a) > 0 || len(b) > 0 {
		switch {
		case len(b) == 0 || len(a) > 0 && a[0].name < b[0].name:
			out = append(out, postmortem.FieldChange{Field: a[0].name, From: a[0].value})
			a = a[1:]
		case len(a) == 0 || b[0].name < a[0].name:
			out = append(out, postmortem.FieldChange{Field: b[0].name, To: b[0].value})
			b = b[1:]
		default:
			if a[0].value != b[0].value {
				out = append(out, postmortem.FieldChange{Field: a[0].name, From: a[0].value, To: b[0].value})
			}
			a, b = a[1:], b[1:]
		}
	}
	return out
}
