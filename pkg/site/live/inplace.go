package live

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/inquest-dev/inquest/pkg/lint"
	"github.com/inquest-dev/inquest/pkg/postmortem"
	"github.com/inquest-dev/inquest/pkg/repo"
	"github.com/inquest-dev/inquest/pkg/site"
)

// update applies edits to the given postmortems. It returns a reason
// instead when the whole site must be built again from the kept
// repository (already updated). Its stages run in a row on an inPlace:
// parse → history → take → assemble → compare → render and write.
func (st *keptBuild) update(ctx context.Context, opts site.BuildOptions, edited []string) (*site.Result, string, error) {
	u := &inPlace{st: st, opts: opts, t0: time.Now(),
		res: &site.Result{Out: st.out, IndexDir: repo.IndexDir(opts.CacheDir), InPlace: true}}
	fresh, err := st.parse(ctx, edited, nil)
	if err != nil {
		return nil, "", err
	}
	u.timed("parse")
	if err := st.settle(ctx, opts, fresh); err != nil {
		return nil, "", err
	}
	u.timed("history")
	if whole, err := u.take(fresh); err != nil || whole != "" {
		return nil, whole, err
	}
	if err := u.reassemble(ctx); err != nil {
		return nil, "", err
	}
	u.timed("assemble")
	u.compare()
	u.timed("compare")
	if err := u.write(ctx); err != nil {
		return nil, "", err
	}
	st.summarize(u.res, fresh)
	return u.res, "", nil
}

// inPlace is one update in place under way: what each of its stages hands
// on to the next.
type inPlace struct {
	st   *keptBuild
	opts site.BuildOptions
	res  *site.Result
	t0   time.Time
	// old holds the edited published incidents as they were, by their
	// (reused) view; reordered says the site's order of incidents changed,
	// relChanged which incidents' related or "seen before" lists did.
	old        map[*site.Incident]*site.Incident
	reordered  bool
	relChanged map[*site.Incident]bool
	// jobs are the site's pages now, dirty those to write again, removed
	// the files no longer in the site.
	jobs, dirty []site.PageJob
	removed     []string
}

// timed records that stage name took the time since the last one ended.
func (u *inPlace) timed(name string) {
	u.res.Stages = append(u.res.Stages, site.Stage{Name: name, Elapsed: time.Since(u.t0)})
	u.t0 = time.Now()
}

// take puts the incidents parsed again into the kept repository and says
// why the whole site must be built again, when it must: an incident
// published or withdrawn, an id changed, the reference time moved, a theme
// whose templates may draw anything.
func (u *inPlace) take(fresh []*postmortem.Incident) (whole string, err error) {
	st, b := u.st, u.st.b
	rp := st.rp
	u.old = map[*site.Incident]*site.Incident{}
	for _, inc := range fresh {
		i := st.positions[inc.Source]
		prev := rp.Set.Incidents[i]
		rp.Set.Incidents[i] = inc
		v := b.Published(inc.Source)
		switch {
		case (v != nil) != b.Publishes(inc):
			whole = inc.Source + " was published or withdrawn"
		case v != nil && inc.ID != prev.ID:
			whole = inc.Source + " changed its id"
		case v != nil:
			cp := *v
			u.old[v] = &cp
			v.Incident = inc
		}
	}
	if scalesMoved(rp) {
		return "", errScalesMoved
	}
	if now, _ := site.ReferenceTime(rp); whole == "" && !st.clock && u.opts.Now.IsZero() && !now.Equal(b.Site().Now) {
		whole = "the reference time moved"
	}
	if whole == "" && overridesTemplates(u.opts) {
		// Pages are compared by what each template draws of an incident
		// alone; a repository's own template may draw more (every
		// incident's title in a footer), so all pages are written again.
		whole = "the theme overrides templates"
	}
	st.indexed = false
	return whole, nil
}

// reassemble derives the edited incidents' views again, the site's order,
// the related lists and what the site learns across incidents, and
// renders the edited incidents' lessons.
func (u *inPlace) reassemble(ctx context.Context) error {
	b := u.st.b
	s := b.Site()
	for v := range u.old {
		b.Derive(v)
	}
	u.reordered = b.Reorder()
	relChanged, err := u.st.relate(ctx, u.old, u.reordered)
	if err != nil {
		return err
	}
	// Any edit can change what recurs with what: an incident page whose
	// "seen before" list changed is written again.
	seenBefore := make(map[*site.Incident][]site.Seen, len(s.Incidents))
	for _, v := range s.Incidents {
		seenBefore[v] = v.SeenBefore
	}
	if err := b.Learn(ctx); err != nil {
		return err
	}
	for _, v := range s.Incidents {
		if !site.SameSeen(seenBefore[v], v.SeenBefore) {
			if relChanged == nil {
				relChanged = map[*site.Incident]bool{}
			}
			relChanged[v] = true
		}
	}
	u.relChanged = relChanged
	for v := range u.old {
		if err := b.RenderLessons(v); err != nil {
			return err
		}
	}
	return nil
}

// compare finds the pages to write again (see pageDiffers) and the pages
// no longer in the site.
func (u *inPlace) compare() {
	b := u.st.b
	// The edited incidents are the same pointers as before: what was
	// cached of them is stale.
	b.ForgetFragments()
	seen := probe(b, u.old)
	u.jobs = b.PageJobs()
	prev := make(map[string]site.PageJob, len(b.Written()))
	for _, j := range b.Written() {
		prev[j.Page.Path] = j
	}
	for _, j := range u.jobs {
		o, ok := prev[j.Page.Path]
		delete(prev, j.Page.Path)
		if !ok || pageDiffers(o, j, u.old, u.relChanged, seen) {
			u.dirty = append(u.dirty, j)
		}
	}
	for p := range prev {
		u.removed = append(u.removed, site.PageFile(p))
	}
}

// write renders the dirty pages, the files beside them and the
// attachments into a staging folder beside the site, then renames them
// into the site folder and removes what is gone.
func (u *inPlace) write(ctx context.Context) error {
	st, b := u.st, u.st.b
	staging, err := os.MkdirTemp(filepath.Dir(st.out), ".inquest-update-")
	if err != nil {
		return fmt.Errorf("update: %w", err)
	}
	published := false
	defer func() {
		if published {
			// Replaced files are kept in staging (see publishStaged), and
			// freeing the pages of the 80 MB API file takes the kernel
			// 30 ms: the site is ready without waiting for that.
			go os.RemoveAll(staging)
		} else {
			os.RemoveAll(staging)
		}
	}()
	staged, err := st.stage(ctx, staging, u.dirty, u.old, u.reordered || catalogChanged(u.old))
	if err != nil {
		return err
	}
	files := b.Attachments()
	added, gone := diffSorted(st.files, files)
	if err := b.CopyAttachments(staging, added); err != nil {
		return err
	}
	for _, p := range added {
		staged = append(staged, "files/"+p)
	}
	removed := u.removed
	for _, p := range gone {
		removed = append(removed, "files/"+p)
	}
	u.timed("render")

	if err := publishStaged(staging, st.out, staged, removed); err != nil {
		return err
	}
	published = true
	u.timed("write")
	b.Wrote(u.jobs)
	st.files, st.looked = files, b.LookedUp()
	u.res.Written, u.res.Removed = len(staged), len(removed)
	return nil
}

// summarize is Assembly.summarize after an update: findings are found
// again only for the files parsed again (inline disables and rule levels
// are per file), which saves reading every body for disables.
func (st *keptBuild) summarize(res *site.Result, fresh []*postmortem.Incident) {
	b, rp := st.b, st.rp
	for _, inc := range fresh {
		raw := slices.Clone(inc.Findings)
		if v := b.Published(inc.Source); v != nil {
			raw = append(raw, b.PageFindings(v)...)
		}
		postmortem.SortFindings(raw)
		st.findings[inc.Source] = lint.Apply(rp.Config, []*postmortem.Incident{inc}, raw)
	}
	res.Findings = []postmortem.Finding{}
	for _, fs := range st.findings {
		res.Findings = append(res.Findings, fs...)
	}
	postmortem.SortFindings(res.Findings)
	b.Count(res)
}

// relate computes related incidents again when their inputs changed and
// returns the incidents whose list changed. Lists found by text
// (relateByText) are found again on every edit: any text can change them.
func (st *keptBuild) relate(ctx context.Context, old map[*site.Incident]*site.Incident, reordered bool) (map[*site.Incident]bool, error) {
	b := st.b
	incs := b.Site().Incidents
	// The lists that can change are those of incidents sharing a tag or a
	// service with an edited one, before or after, or naming it, and its
	// own; all of them when the order (which breaks ties) changed.
	keys, ids := map[string]bool{}, map[string]bool{}
	for v, o := range old {
		if slices.Equal(v.Tags, o.Tags) && slices.Equal(v.Services, o.Services) && slices.Equal(v.Incident.Related, o.Incident.Related) {
			continue
		}
		ids[strings.ToLower(v.ID)] = true
		for _, x := range []*site.Incident{v, o} {
			for _, t := range x.Tags {
				keys["t:"+strings.ToLower(t)] = true
			}
			for _, sv := range x.Services {
				keys["s:"+strings.ToLower(sv)] = true
			}
		}
	}
	var rows []int
	for i, v := range incs {
		if ids[strings.ToLower(v.ID)] || slices.ContainsFunc(v.Tags, func(t string) bool { return keys["t:"+strings.ToLower(t)] }) ||
			slices.ContainsFunc(v.Services, func(sv string) bool { return keys["s:"+strings.ToLower(sv)] }) ||
			slices.ContainsFunc(v.Incident.Related, func(id string) bool { return ids[strings.ToLower(id)] }) {
			rows = append(rows, i)
		}
	}
	all := reordered || b.RelatedFromText()
	if !all && len(rows) == 0 {
		return nil, nil
	}
	before := make([][]*site.Incident, len(incs))
	for i, v := range incs {
		before[i] = v.Related
	}
	if all {
		rows = nil
	}
	b.RelateRows(rows)
	if err := b.RelateByText(ctx); err != nil {
		return nil, err
	}
	changed := map[*site.Incident]bool{}
	for i, v := range incs {
		if !slices.Equal(before[i], v.Related) {
			changed[v] = true
		}
	}
	return changed, nil
}

// diffSorted returns what b has that a has not, and what a has that b
// has not; both are sorted.
func diffSorted(a, b []string) (added, gone []string) {
	for _, p := range b {
		if _, ok := slices.BinarySearch(a, p); !ok {
			added = append(added, p)
		}
	}
	for _, p := range a {
		if _, ok := slices.BinarySearch(b, p); !ok {
			gone = append(gone, p)
		}
	}
	return added, gone
}

// publishStaged renames the staged files into the site folder out, each whole
// (readers see the old file or the new one), then removes the files no
// longer in the site and the folders they leave empty. A large file it
// replaces is linked into staging first, so that the rename does not free
// it.
func publishStaged(staging, out string, staged, removed []string) error {
	var errs []error
	for i, rel := range staged {
		dst := filepath.Join(out, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			errs = append(errs, err)
			continue
		}
		if fi, err := os.Stat(dst); err == nil && fi.Size() > 1<<20 {
			_ = os.Link(dst, filepath.Join(staging, fmt.Sprintf(".replaced-%d", i))) // only saves time
		}
		if err := os.Rename(filepath.Join(staging, filepath.FromSlash(rel)), dst); err != nil {
			errs = append(errs, fmt.Errorf("update %s: %w", dst, err))
		}
	}
	for _, rel := range removed {
		dst := filepath.Join(out, filepath.FromSlash(rel))
		if err := os.Remove(dst); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, err)
			continue
		}
		for dir := filepath.Dir(dst); dir != out && strings.HasPrefix(dir, out); dir = filepath.Dir(dir) {
			if os.Remove(dir) != nil {
				break // not empty
			}
		}
	}
	return errors.Join(errs...)
}

// stage renders the dirty pages, the extra files that changed and, when
// an edited incident's entry changed, the API file into staging, and
// returns their site-relative paths.
func (st *keptBuild) stage(ctx context.Context, staging string, dirty []site.PageJob, old map[*site.Incident]*site.Incident, catalog bool) ([]string, error) {
	a := st.b
	edited := make([]*site.Incident, 0, len(old))
	for v := range old {
		edited = append(edited, v)
	}
	// The files beside the pages are made while the pages render: the
	// largest page (timeline, action items) keeps one core busy alone.
	// They read nothing that rendering a page writes.
	var others []string
	othersDone := make(chan error, 1)
	go func() {
		extras, err := a.WriteChangedExtras(staging, catalog)
		if err == nil {
			var api []string
			api, err = a.SpliceAPI(staging, st.out, edited)
			others = append(extras, api...)
		}
		othersDone <- err
	}()
	pages, err := a.WritePages(ctx, staging, dirty)
	if oerr := <-othersDone; err == nil {
		err = oerr
	}
	if err != nil {
		return nil, err
	}
	return append(pages, others...), nil
}

// catalogChanged says whether an edited incident's entry in the search
// page's catalog changed.
func catalogChanged(old map[*site.Incident]*site.Incident) bool {
	for v, o := range old {
		if site.CatalogEntryChanged(o, v) {
			return true
		}
	}
	return false
}
