package site

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"html/template"
	"io"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sync"

	"github.com/inquest-dev/inquest/pkg/lint"
	"github.com/inquest-dev/inquest/pkg/postmortem"
	"github.com/inquest-dev/inquest/pkg/repo"
)

// This file is what package live calls to update a site that BuildFrom
// built, in its folder: the parts of the assembled site an update reads
// and changes, and the stages of an update that know the site's files
// (pages, extra files, api/incidents.json).

// Site is the site as the templates see it.
func (b *Assembly) Site() *Site { return b.site }

// Repo is the repository the site was assembled from.
func (b *Assembly) Repo() *repo.Repo { return b.repo }

// Published is the published incident of the postmortem at source, nil
// when it has no page.
func (b *Assembly) Published(source string) *Incident { return b.bySource[source] }

// Template is the parsed template of a page kind (list, timeline, home,
// incident...), nil when the theme has none.
func (b *Assembly) Template(kind string) *template.Template { return b.tmpls[kind] }

// Written are the pages the last write made, or those Wrote recorded.
func (b *Assembly) Written() []PageJob { return b.jobs }

// Wrote records the pages of the site after an update wrote some of them
// again.
func (b *Assembly) Wrote(jobs []PageJob) { b.jobs, b.pages = jobs, len(jobs) }

// ForgetFragments drops the cached template fragments: edited incidents
// keep their pointers, so what was cached of them is stale.
func (b *Assembly) ForgetFragments() { b.frags.m.Clear() }

// RelateRows finds the related incidents, by shared tags and services,
// again for the incidents at the given positions of Site().Incidents
// (all when rows is nil).
func (b *Assembly) RelateRows(rows []int) { relateRows(b.site.Incidents, 5, rows) }

// Reorder puts the published incidents in the site's order again (newest
// first) after edits, and reports whether the order changed.
func (b *Assembly) Reorder() bool {
	s := b.site
	prev := s.Incidents
	s.Incidents = make([]*Incident, 0, len(prev))
	for _, inc := range b.repo.Set.Incidents {
		if v := b.bySource[inc.Source]; v != nil {
			s.Incidents = append(s.Incidents, v)
		}
	}
	sortNewestFirst(s.Incidents)
	return !slices.Equal(prev, s.Incidents)
}

// PageFindings are the link problems found while writing v's page.
func (b *Assembly) PageFindings(v *Incident) []postmortem.Finding { return v.bodyFindings }

// Item is the action's index in its incident's ActionItems.
func (a Action) Item() int { return a.item }

// summarize fills in a result's counts and findings from the site.
func (b *Assembly) summarize(res *Result) {
	rp := b.repo
	// The repository's rule levels and inline disables apply to the build's
	// findings too, so --strict fails on what check calls an error.
	res.Findings = lint.Apply(rp.Config, rp.Set.Incidents, append(rp.Set.AllFindings(), b.findings()...))
	postmortem.SortFindings(res.Findings)
	b.Count(res)
}

// Count fills in a result's counts, warnings and notes from the site: all
// but its findings.
func (b *Assembly) Count(res *Result) {
	rp := b.repo
	res.Warnings = rp.Warnings
	res.Notes = b.notes
	res.Incidents = len(b.site.Incidents)
	res.Pages = b.pages
	res.Skipped = len(rp.Set.Incidents) - len(b.site.Incidents)
	res.LeftOut = b.leftOut()
	res.Uncommitted = countUncommitted(b.site.Incidents)
}

func countUncommitted(incs []*Incident) int {
	n := 0
	for _, v := range incs {
		if v.History != nil && v.History.Uncommitted {
			n++
		}
	}
	return n
}

// LookedUp are the repository paths the rendered Markdown LookedUp up.
func (b *Assembly) LookedUp() map[string]bool {
	out := map[string]bool{}
	for _, v := range b.site.Incidents {
		for _, p := range v.lessonLinks.looked {
			out[p] = true
		}
		for _, p := range v.bodyLinks.looked {
			out[p] = true
		}
	}
	return out
}

// WritePages renders the pages of jobs into dir, the largest first, on
// every core, and returns their site-relative paths.
func (b *Assembly) WritePages(ctx context.Context, dir string, jobs []PageJob) ([]string, error) {
	// The largest pages first, so that the one or two that take longest
	// do not start last.
	slices.SortStableFunc(jobs, func(x, y PageJob) int { return y.Page.size() - x.Page.size() })
	bufs := &sync.Pool{New: func() any { return new(bytes.Buffer) }}
	if err := parallel(ctx, len(jobs), func(i int) error { return b.writePage(dir, jobs[i], bufs) }); err != nil {
		return nil, err
	}
	written := make([]string, 0, len(jobs))
	for _, j := range jobs {
		written = append(written, PageFile(j.Page.Path))
	}
	return written, nil
}

// size is a rough measure of the work of rendering a page.
func (p *Page) size() int {
	n := len(p.Incidents)
	if p.Incident != nil {
		n += 20
	}
	for _, g := range p.Groups {
		n += len(g.Incidents) + len(g.Actions) + 10*len(g.Lessons)
	}
	return n
}

// WriteChangedExtras writes into dir the files beside the pages (feeds,
// sitemap, search catalog when catalog is set, ...) whose content changed
// since the last write, and returns their site-relative paths.
func (b *Assembly) WriteChangedExtras(dir string, catalog bool) ([]string, error) {
	extras, err := b.extraFiles(catalog)
	if err != nil {
		return nil, err
	}
	var written []string
	sums := maps.Clone(b.sums)
	for _, f := range extras {
		sums[f.rel] = sha256.Sum256(f.data)
		if sums[f.rel] == b.sums[f.rel] {
			continue
		}
		if err := writeFile(dir, f.rel, f.data); err != nil {
			return nil, err
		}
		written = append(written, f.rel)
	}
	b.sums = sums
	return written, nil
}

// CatalogEntryChanged says whether an incident's entry in the search
// page's catalog differs between was and now.
func CatalogEntryChanged(was, now *Incident) bool {
	e1, s1 := toCatalog(was)
	e2, s2 := toCatalog(now)
	return s1 != s2 || !reflect.DeepEqual(e1, e2)
}

// SpliceAPI writes api/incidents.json into staging when the entry of an
// edited incident changed or the order of the incidents did: the new
// entries, and the others copied in runs from the file in the site folder
// current, whose byte spans the assembly knows. It returns the file's
// site-relative path, or nothing when the file stays as it is. The spans
// are moved on only once it is written.
func (b *Assembly) SpliceAPI(staging, current string, edited []*Incident) ([]string, error) {
	entries := map[*Incident][]byte{}
	changed := false
	cur, err := os.Open(filepath.Join(current, filepath.FromSlash(apiFile)))
	if err != nil {
		return nil, fmt.Errorf("update: %w", err)
	}
	defer cur.Close()
	for _, v := range edited {
		data, err := b.apiEntry(v)
		if err != nil {
			return nil, err
		}
		entries[v] = data
		if !changed {
			was := make([]byte, v.api.n)
			if _, err := cur.ReadAt(was, v.api.off); err != nil {
				return nil, fmt.Errorf("%s: %w", cur.Name(), err)
			}
			changed = !bytes.Equal(was, data)
		}
	}
	incs := b.site.Incidents
	for i, v := range incs {
		// Entries are contiguous in the order of the site; any other
		// order was a move.
		changed = changed || i > 0 && v.api.off != incs[i-1].api.off+incs[i-1].api.n+int64(len(apiSep))
	}
	if !changed {
		return nil, nil
	}
	name := filepath.Join(staging, filepath.FromSlash(apiFile))
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return nil, err
	}
	f, err := os.Create(name)
	if err != nil {
		return nil, err
	}
	w := &apiWriter{w: bufio.NewWriterSize(f, 1<<16)}
	spans := make([]span, len(incs))
	// run is a stretch of the current file, entries and separators,
	// still to be copied.
	var run span
	flush := func() error {
		if run.n == 0 {
			return nil
		}
		if err := w.w.Flush(); err != nil {
			return err
		}
		// Straight from file to file (copy_file_range on Linux).
		if _, err := cur.Seek(run.off, io.SeekStart); err != nil {
			return err
		}
		n, err := io.CopyN(f, cur, run.n)
		w.off += n
		run = span{}
		return err
	}
	for i, v := range incs {
		if data, ok := entries[v]; ok {
			if err = flush(); err != nil {
				break
			}
			spans[i] = w.entry(i, data)
			continue
		}
		if run.n > 0 && v.api.off == run.off+run.n+int64(len(apiSep)) {
			// The separator before it is in the current file too.
			spans[i] = span{w.off + run.n + int64(len(apiSep)), v.api.n}
			run.n += int64(len(apiSep)) + v.api.n
			continue
		}
		if err = flush(); err != nil {
			break
		}
		w.sep(i)
		spans[i] = span{w.off, v.api.n}
		run = v.api
	}
	if err == nil {
		err = flush()
	}
	if err == nil {
		err = w.close(len(incs))
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	for i, v := range incs {
		v.api = spans[i]
	}
	return []string{apiFile}, nil
}
