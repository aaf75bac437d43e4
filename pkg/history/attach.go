package history

import (
	"context"
	"crypto/sha1"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
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
	if r == nil || r.repo == nil || r.head.IsZero() {
		return nil
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
			return err
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
			return fmt.Errorf("%s: %w", inc.Source, err)
		}
		h.Uncommitted = unc
		if len(h.Revisions) == 0 && !h.Uncommitted {
			continue
		}
		inc.History = h
		if lin != nil {
			todo = append(todo, wanted{h, lin})
		}
	}
	if r.opts.Fields == nil || len(todo) == 0 {
		return nil
	}
	return r.fieldChanges(ctx, todo)
}

// wanted is an incident's history waiting for its field changes.
type wanted struct {
	h   *postmortem.History
	lin *lineage
}

// fieldChanges fills in the fields each revision changed, parsing each
// version of a file once: a file's versions are read newest first, so each
// is one delta away from the last and serves as the next revision's "after"
// and this one's "before". Files are spread over the CPUs in contiguous runs.
func (r *Repo) fieldChanges(ctx context.Context, todo []wanted) error {
	o, err := openObjects(r.objectsDir(), r.repo.Storer)
	if err != nil {
		return err
	}
	defer o.close()
	workers := max(1, min(runtime.GOMAXPROCS(0), 8, len(todo)/16))
	per := (len(todo) + workers - 1) / workers
	var wg sync.WaitGroup
	errs := make([]error, workers)
	for w := range workers {
		lo, hi := w*per, min((w+1)*per, len(todo))
		if lo >= hi {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			rd := o.newReader(16 << 20)
			for _, t := range todo[lo:hi] {
				if ctx.Err() != nil {
					errs[w] = ctx.Err()
					return
				}
				// Fields keeps no content (see Options), so the buffers
				// of the last file can be reused.
				rd.cache.recycle()
				memo := map[plumbing.Hash]map[string]string{}
				get := func(h plumbing.Hash) (map[string]string, error) {
					if f, ok := memo[h]; ok {
						return f, nil
					}
					data, err := rd.readType(h, objBlob)
					if errors.Is(err, errNotFound) {
						return nil, nil // a partial clone: no field history here
					}
					if err != nil {
						return nil, fmt.Errorf("blob %s: %w", h, err)
					}
					f := r.opts.Fields(data)
					memo[h] = f
					return f, nil
				}
				for i, rv := range t.lin.revs {
					if rv.prev.IsZero() || rv.blob.IsZero() {
						continue
					}
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
	return errors.Join(errs...)
}

// diffFields lists the fields whose values differ, sorted by name.
func diffFields(from, to map[string]string) []postmortem.FieldChange {
	if from == nil || to == nil {
		return nil
	}
	var out []postmortem.FieldChange
	for k, v := range to {
		if old, ok := from[k]; !ok || old != v {
			out = append(out, postmortem.FieldChange{Field: k, From: old, To: v})
		}
	}
	for k, v := range from {
		if _, ok := to[k]; !ok {
			out = append(out, postmortem.FieldChange{Field: k, From: v})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Field < out[j].Field })
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
			return false, err
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
