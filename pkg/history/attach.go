package history

import (
	"context"
	"fmt"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/inquest-dev/inquest/pkg/history/internal/gitdb"
	"github.com/inquest-dev/inquest/pkg/postmortem"
)

// Attach fills in the History of each incident from its Source path:
// revisions newest first, with the front-matter fields each one changed when
// Options.Fields is set (none for the revision that created the file),
// contributors, sign-offs, the review status of the incident's Reviewers and
// whether the work tree differs from HEAD. An incident with no history and no
// uncommitted file keeps a nil History. Attach is AttachRevisions, then
// AttachChanges, then AttachSinceApproval.
func (r *Repo) Attach(ctx context.Context, incidents []*postmortem.Incident) error {
	if err := r.AttachRevisions(ctx, incidents); err != nil {
		return err
	}
	if err := r.AttachChanges(ctx, incidents); err != nil {
		return err
	}
	return r.AttachSinceApproval(ctx, incidents)
}

// AttachRevisions is the first step of Attach: it fills in everything but
// each revision's Changes. It reads no earlier version of any file;
// AttachChanges, the second step, reads and parses every one, which is
// most of the time Attach takes. A caller can start work that needs no
// field changes (the search index) between the two.
func (r *Repo) AttachRevisions(ctx context.Context, incidents []*postmortem.Incident) error {
	if !r.readable() {
		return nil
	}
	head := &headFiles{r: r, objs: &lazyObjects{g: r.git}}
	defer head.objs.close()
	st := r.git.Status()
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
		unc, err := r.uncommitted(st, head, inc.Source, lin)
		if err != nil {
			return fmt.Errorf("%s: %w", inc.Source, err)
		}
		h.Uncommitted = unc
		if len(h.Revisions) == 0 && !h.Uncommitted {
			continue
		}
		inc.History = h
	}
	return nil
}

// readable reports whether r has a history to attach.
func (r *Repo) readable() bool {
	return r != nil && r.git != nil && !r.head.IsZero() && r.readErr == nil
}

// uncommitted reports whether the work tree copy of source differs from
// HEAD: modified, staged, added or deleted.
func (r *Repo) uncommitted(st *gitdb.Status, head *headFiles, source string, lin *lineage) (bool, error) {
	if r.workTree == "" {
		return false, nil
	}
	p := r.key(source)
	var blob plumbing.Hash
	if lin != nil && r.live[p] == lin {
		blob = lin.revs[0].blob
	} else {
		// Not a tracked postmortem under the roots: look in HEAD's tree.
		var err error
		if blob, err = head.blob(p); err != nil {
			r.unreadable(err, fmt.Sprintf("%s: HEAD's copy could not be read from Git, so whether it has uncommitted changes is not known: %v", source, err))
			return false, nil
		}
	}
	return st.Modified(p, blob)
}

// headFiles finds files in HEAD's tree, opening the object database on
// first use.
type headFiles struct {
	r    *Repo
	objs *lazyObjects
	rd   *gitdb.Reader
}

// blob returns the content hash of the file at a repository path at HEAD;
// zero when there is none.
func (h *headFiles) blob(p string) (plumbing.Hash, error) {
	if h.rd == nil {
		h.rd = h.objs.get().NewReader(16 << 20)
	}
	hash, mode, err := h.rd.Lookup(h.r.commits[0].Tree, p)
	if err != nil || !mode.IsFile() {
		return plumbing.ZeroHash, err
	}
	return hash, nil
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
			if d := r.commits[v.c].Author.When(); d.Before(h.Created) {
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
			Date:    c.Author.When(),
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
