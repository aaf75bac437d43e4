package history

import (
	"bytes"
	"context"
	"crypto/sha1"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/index"

	"github.com/inquest-dev/inquest/pkg/postmortem"
)

// Attach fills in the History of each incident from its Source path:
// revisions newest first, with the front-matter fields each one changed when
// Options.Fields is set (none for the revision that created the file),
// contributors, sign-offs, the review status of the incident's Reviewers and
// whether the work tree differs from HEAD. An incident with no history and no
// uncommitted file keeps a nil History.
func (r *Repo) Attach(ctx context.Context, incidents []*postmortem.Incident) error {
	changes, err := r.AttachRevisions(ctx, incidents)
	if err != nil {
		return err
	}
	return changes(ctx)
}

// AttachRevisions is Attach without the field changes: it fills in
// everything but each revision's Changes, and returns the function that
// adds those. The first part reads no earlier version of any file; the
// second reads and parses every one, most of the time Attach takes, and
// writes nothing but the Changes. A caller can start work that needs no
// field changes (the search index) between the two.
func (r *Repo) AttachRevisions(ctx context.Context, incidents []*postmortem.Incident) (changes func(context.Context) error, err error) {
	none := func(context.Context) error { return nil }
	if r == nil || r.repo == nil || r.head.IsZero() || r.readErr != nil {
		return none, nil
	}
	var (
		objs *objects
		rd   *reader
	)
	openReader := func() (*reader, error) {
		if rd == nil {
			var err error
			if objs, err = openObjects(r.objectsDir(), r.repo.Storer); err != nil {
				return nil, err
			}
			rd = objs.newReader(16 << 20)
		}
		return rd, nil
	}
	defer func() {
		if objs != nil {
			objs.close()
		}
	}()

	wt := r.newWorktreeCheck()
	var todo []wanted
	for _, inc := range incidents {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if inc == nil || inc.Source == "" {
			continue
		}
		lin := r.lineage(inc.Source)
		h := &postmortem.History{}
		if lin != nil && len(lin.revs) > 0 {
			r.fill(h, lin, inc.Reviewers)
		}
		unc, err := wt.uncommitted(r, inc.Source, lin, openReader)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", inc.Source, err)
		}
		h.Uncommitted = unc
		if len(h.Revisions) == 0 && !h.Uncommitted {
			continue
		}
		inc.History = h
		if lin != nil {
			w := wanted{h: h, lin: lin}
			// An unchanged work-tree copy of a live file is its newest
			// version (see uncommitted).
			if !unc && r.opts.ParsedFields != nil && r.workTree != "" && r.live[r.key(inc.Source)] == lin {
				w.head = r.opts.ParsedFields(inc)
			}
			todo = append(todo, w)
		}
	}
	if r.opts.Fields == nil || len(todo) == 0 {
		return none, nil
	}
	return func(ctx context.Context) error { return r.fieldChanges(ctx, todo) }, nil
}

// wanted is an incident's history waiting for its field changes.
type wanted struct {
	h   *postmortem.History
	lin *lineage
	// head holds the fields of lin.revs[0].blob when the parsed work-tree
	// copy gave them; nil otherwise.
	head map[string]string
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
	var cache *fieldsCache
	if useCache {
		// A file that cannot be used is rebuilt from the blobs, so its
		// error is of no further use.
		cache, _ = readFieldsCache(dir, version)
	}
	// The object database is opened only if some version is not cached.
	var (
		objMu sync.Mutex
		objs  *objects
	)
	openObjs := func() (*objects, error) {
		objMu.Lock()
		defer objMu.Unlock()
		if objs == nil {
			o, err := openObjects(r.objectsDir(), r.repo.Storer)
			if err != nil {
				return nil, err
			}
			objs = o
		}
		return objs, nil
	}
	defer func() {
		if objs != nil {
			objs.close()
		}
	}()

	workers := max(1, min(runtime.GOMAXPROCS(0), 8, len(todo)/16))
	per := (len(todo) + workers - 1) / workers
	var wg sync.WaitGroup
	errs := make([]error, workers)
	parsed := make([]fieldsTable, workers)
	type unread struct {
		blob plumbing.Hash
		path string
		err  error
	}
	bad := make([][]unread, workers)
	for w := range workers {
		lo, hi := w*per, min((w+1)*per, len(todo))
		if lo >= hi {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			var rd *reader
			memo := map[plumbing.Hash]fieldSet{}
			var path string // of the file whose versions get reads
			get := func(h plumbing.Hash) (fieldSet, error) {
				if f, ok := memo[h]; ok {
					return f, nil
				}
				if i := cache.find(h); i >= 0 {
					f := cache.set(i, nil)
					memo[h] = f
					return f, nil
				}
				if rd == nil {
					o, err := openObjs()
					if err != nil {
						return fieldSet{}, err
					}
					rd = o.newReader(16 << 20)
				}
				data, err := rd.readType(h, objBlob)
				if errors.Is(err, errNotFound) {
					return fieldSet{}, nil // a partial clone: no field history here
				}
				if err != nil {
					// A damaged object: the revisions that need it go
					// without field changes, and the user is told.
					bad[w] = append(bad[w], unread{h, path, err})
					memo[h] = fieldSet{}
					return fieldSet{}, nil
				}
				f := newFieldSet(r.opts.Fields(data))
				memo[h] = f
				if useCache {
					parsed[w].add(h, f)
				}
				return f, nil
			}
			for _, t := range todo[lo:hi] {
				if ctx.Err() != nil {
					errs[w] = ctx.Err()
					return
				}
				// Fields keeps no content (see Options), so the buffers
				// of the last file can be reused.
				if rd != nil {
					rd.cache.recycle()
				}
				clear(memo)
				if t.head != nil {
					// Taken from the parse of the work tree, which holds
					// this version: it need not be read or parsed.
					h := t.lin.revs[0].blob
					f := newFieldSet(t.head)
					memo[h] = f
					if useCache && cache.find(h) < 0 {
						parsed[w].add(h, f)
					}
				}
				for i, rv := range t.lin.revs {
					if rv.prev.IsZero() || rv.blob.IsZero() {
						continue
					}
					path = r.rel(rv.path)
					after, err := get(rv.blob)
					if err != nil {
						errs[w] = err
						return
					}
					before, err := get(rv.prev)
					if err != nil {
						errs[w] = err
						return
					}
					t.h.Revisions[i].Changes = diffFields(before, after)
				}
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	if all := slices.Concat(bad...); len(all) > 0 {
		u := all[0]
		err := fmt.Errorf("%s (blob %s): %w", u.path, u.blob, u.err)
		r.unreadable(err, fmt.Sprintf("%d earlier versions of postmortems could not be read from Git, so the field changes of their revisions are not shown; the first: %v (`git fsck` lists what is damaged)", len(all), err))
	}
	if useCache {
		// The cache only saves time: a build that cannot write it is
		// correct, and tries again next time.
		_ = r.writeFields(dir, version, cache, parsed)
	}
	return nil
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

// fill computes everything but field changes and Uncommitted.
func (r *Repo) fill(h *postmortem.History, lin *lineage, reviewers []string) {
	h.Revisions = make([]postmortem.Revision, len(lin.revs))
	for i, rv := range lin.revs {
		h.Revisions[i] = r.revision(rv)
	}
	h.Updated = h.Revisions[0].Date
	h.Created = h.Revisions[len(h.Revisions)-1].Date
	for _, rv := range lin.revs {
		for _, v := range rv.via {
			if d := r.commits[v.c].Author.time(); d.Before(h.Created) {
				h.Created = d
			}
		}
	}
	committee := r.committee(reviewers)
	h.Contributors = r.contributors(lin)
	h.SignOffs = r.signOffs(lin, committee)
	h.Review = review(committee, h.SignOffs)
}

// member is one entry of the review committee as written in front matter.
type member struct {
	written string
	p       postmortem.Person
}

func (r *Repo) committee(reviewers []string) []member {
	var out []member
	seen := map[string]bool{}
	for _, s := range reviewers {
		s = strings.TrimSpace(s)
		if s == "" || seen[strings.ToLower(s)] {
			continue
		}
		seen[strings.ToLower(s)] = true
		p := parsePerson(s)
		if p.Email != "" {
			p = r.mm.person(p.Name, p.Email)
		}
		out = append(out, member{written: s, p: p})
	}
	return out
}

// samePerson matches by email, else by case-insensitive name.
func samePerson(a, b postmortem.Person) bool {
	if a.Email != "" && strings.EqualFold(a.Email, b.Email) {
		return true
	}
	return a.Name != "" && strings.EqualFold(a.Name, b.Name)
}

func onCommittee(p postmortem.Person, committee []member) bool {
	for _, m := range committee {
		if samePerson(m.p, p) {
			return true
		}
	}
	return false
}

func personKey(p postmortem.Person) string {
	if p.Email != "" {
		return strings.ToLower(p.Email)
	}
	return "name:" + strings.ToLower(p.Name)
}

// contributors lists the authors and co-authors of the file's changes,
// oldest first, one per email after .mailmap. A merge counts its branch's
// commits, not the person who merged.
func (r *Repo) contributors(lin *lineage) []postmortem.Person {
	var out []postmortem.Person
	seen := map[string]bool{}
	addPerson := func(p postmortem.Person) {
		if p.Name == "" && p.Email == "" {
			return
		}
		if k := personKey(p); !seen[k] {
			seen[k] = true
			out = append(out, p)
		}
	}
	addCommit := func(ci int32) {
		c := &r.commits[ci]
		addPerson(r.mm.person(c.Author.Name, c.Author.Email))
		for _, t := range r.message(ci).Trailers {
			if strings.EqualFold(t.Key, "Co-authored-by") {
				addPerson(r.mm.person(t.Name, t.Email))
			}
		}
	}
	for i := len(lin.revs) - 1; i >= 0; i-- {
		rv := lin.revs[i]
		if len(rv.via) == 0 {
			addCommit(rv.c)
			continue
		}
		for j := len(rv.via) - 1; j >= 0; j-- {
			addCommit(rv.via[j].c)
		}
	}
	return out
}

// signOffs collects approvals from the commits that changed the file,
// newest first: the merge or commit that landed each change and, for a
// merge, the branch commits it brought. See the package documentation for
// which trailers count.
func (r *Repo) signOffs(lin *lineage, committee []member) []postmortem.SignOff {
	// A deleted file has no current content: every sign-off is stale.
	current := plumbing.Hash{0xff}
	if r.live[lin.revs[0].path] == lin {
		current = lin.revs[0].blob
	}
	var out []postmortem.SignOff
	seen := map[string]bool{}
	add := func(p postmortem.Person, trailer string, ci int32, blob plumbing.Hash) {
		if p.Name == "" && p.Email == "" {
			return
		}
		c := &r.commits[ci]
		k := personKey(p) + "\x00" + trailer + "\x00" + c.Hash.String()
		if seen[k] {
			return
		}
		seen[k] = true
		out = append(out, postmortem.SignOff{
			Name:    p.Name,
			Email:   p.Email,
			Trailer: trailer,
			Commit:  c.Hash.String(),
			Date:    c.Author.time(),
			Stale:   blob != current,
		})
	}
	fromCommit := func(ci int32, blob plumbing.Hash) {
		c := &r.commits[ci]
		author := r.mm.person(c.Author.Name, c.Author.Email)
		m := r.message(ci)
		for _, t := range m.Trailers {
			p := r.mm.person(t.Name, t.Email)
			switch {
			case strings.EqualFold(t.Key, "Co-authored-by"):
				continue
			case strings.EqualFold(t.Key, "Signed-off-by") && samePerson(p, author) && !onCommittee(p, committee):
				// The author certifying their own work (DCO) is not a review.
				continue
			}
			add(p, t.Key, ci, blob)
		}
		if len(c.Parents) > 1 && m.PR > 0 && onCommittee(author, committee) {
			add(author, "merge", ci, blob)
		}
	}
	for _, rv := range lin.revs {
		fromCommit(rv.c, rv.blob)
		for _, v := range rv.via {
			fromCommit(v.c, v.blob)
		}
	}
	return out
}

// review sorts the committee into signed (a sign-off of the current
// content), stale (only sign-offs of earlier content) and missing.
func review(committee []member, signOffs []postmortem.SignOff) postmortem.Review {
	var rv postmortem.Review
	for _, m := range committee {
		rv.Required = append(rv.Required, m.written)
		fresh, stale := false, false
		for _, s := range signOffs {
			if !samePerson(m.p, postmortem.Person{Name: s.Name, Email: s.Email}) {
				continue
			}
			if s.Stale {
				stale = true
			} else {
				fresh = true
			}
		}
		switch {
		case fresh:
			rv.Signed = append(rv.Signed, m.written)
		case stale:
			rv.Stale = append(rv.Stale, m.written)
		default:
			rv.Missing = append(rv.Missing, m.written)
		}
	}
	return rv
}

// worktreeCheck compares work tree files with HEAD, using the index's
// recorded stat data to avoid hashing files that have not been touched.
type worktreeCheck struct {
	entries   map[string]*index.Entry
	indexTime time.Time
}

func (r *Repo) newWorktreeCheck() *worktreeCheck {
	wc := &worktreeCheck{}
	if r.workTree == "" {
		return wc
	}
	idx, err := r.repo.Storer.Index()
	if err != nil {
		return wc
	}
	wc.entries = make(map[string]*index.Entry, len(idx.Entries))
	for _, e := range idx.Entries {
		if e.Stage == 0 {
			wc.entries[e.Name] = e
		}
	}
	if st, err := os.Stat(filepath.Join(r.gitDir, "index")); err == nil {
		wc.indexTime = st.ModTime()
	}
	return wc
}

// uncommitted reports whether the work tree copy of source differs from
// HEAD: modified, staged, added or deleted.
func (wc *worktreeCheck) uncommitted(r *Repo, source string, lin *lineage, openReader func() (*reader, error)) (bool, error) {
	if r.workTree == "" {
		return false, nil
	}
	rel := r.prefix + strings.TrimPrefix(filepath.ToSlash(filepath.Clean("/"+source)), "/")
	var head plumbing.Hash
	if lin != nil && r.live[rel] == lin {
		head = lin.revs[0].blob
	} else {
		// Not a tracked postmortem under the roots: look in HEAD's tree.
		rd, err := openReader()
		if err != nil {
			return false, err
		}
		h, kind, err := (&differ{r: rd}).lookup(r.commits[0].Tree, rel)
		if err != nil {
			r.unreadable(err, fmt.Sprintf("%s: HEAD's copy could not be read from Git, so whether it has uncommitted changes is not known: %v", source, err))
			return false, nil
		}
		if kind == kindBlob {
			head = h
		}
	}
	st, err := os.Stat(filepath.Join(r.workTree, filepath.FromSlash(rel)))
	if err != nil {
		if os.IsNotExist(err) {
			return !head.IsZero(), nil
		}
		return false, err
	}
	if head.IsZero() {
		return true, nil
	}
	if e := wc.entries[rel]; e != nil && e.Hash == head && int64(e.Size) == st.Size() &&
		e.ModifiedAt.Equal(st.ModTime()) && st.ModTime().Before(wc.indexTime) {
		return false, nil
	}
	data, err := os.ReadFile(filepath.Join(r.workTree, filepath.FromSlash(rel)))
	if err != nil {
		return false, err
	}
	return blobHash(data) != head, nil
}

// blobHash is the Git object name of a blob with this content.
func blobHash(data []byte) plumbing.Hash {
	h := sha1.New()
	h.Write([]byte("blob " + strconv.Itoa(len(data)) + "\x00"))
	h.Write(data)
	var out plumbing.Hash
	copy(out[:], h.Sum(nil))
	return out
}
