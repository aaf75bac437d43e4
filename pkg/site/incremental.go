package site

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/inquest-dev/inquest/pkg/config"
	"github.com/inquest-dev/inquest/pkg/history"
	"github.com/inquest-dev/inquest/pkg/insight"
	"github.com/inquest-dev/inquest/pkg/lint"
	"github.com/inquest-dev/inquest/pkg/postmortem"
	"github.com/inquest-dev/inquest/pkg/repo"
)

// Builder builds a site once and keeps what the build made — the parsed
// repository, the assembled site, the data of every page, where each
// incident is in api/incidents.json — so that when postmortems are edited
// Update re-parses only those files and re-renders only the pages that
// show them, writing each changed file into the site folder by rename. The
// result is byte for byte what Build makes of the edited repository.
// `inquest serve` uses one. A Builder is not safe for concurrent use.
type Builder struct {
	opts BuildOptions
	st   *state // nil until a build succeeded, and after a failed one
}

// NewBuilder returns a Builder for opts; opts.Out is ignored, each build
// names its folder. Its sites are for `inquest serve` (opts.Serve is set):
// an update in place does not rewrite the WebAssembly search files.
func NewBuilder(opts BuildOptions) *Builder {
	opts.Force = true // a Builder always builds; the stamp is for Build
	opts.Serve = true
	if opts.CacheDir == "" {
		opts.CacheDir = repo.CacheDir(opts.Dir)
	}
	return &Builder{opts: opts}
}

// state is what a whole build leaves for Builder.Update.
type state struct {
	rp    *repo.Repo
	reuse bool // build() takes rp instead of loading the repository
	b     *Assembly
	out   string
	head  string // HEAD when the repository was loaded; "" without history
	clock bool   // Now came from the clock: updates keep it
	// index maps a postmortem's path to its position in rp.Set.Incidents.
	index    map[string]int
	symlinks bool // some postmortem is a symbolic link
	looked   map[string]bool
	files    []string // attachments in the site
	hist     *histLoad
	// indexed is false when incidents changed since the search index was
	// last brought up to date.
	indexed bool
	// findings are the result's findings by file: an update finds those
	// of the files it parsed again and keeps the others.
	findings map[string][]postmortem.Finding
}

// histLoad is the Git history, read once after a whole build for the
// updates that follow.
type histLoad struct {
	done chan struct{}
	h    *history.Repo
	err  error
}

// load returns the kept repository, or loads it (st may be nil).
func (st *state) load(ctx context.Context, opts BuildOptions) (*repo.Repo, error) {
	if st != nil && st.reuse && st.rp != nil {
		return st.rp, nil
	}
	if st != nil && !opts.NoHistory {
		// Read before the load: a commit made during it moves HEAD away
		// from this, and the next update starts again.
		st.head = repo.Head(opts.Dir)
	}
	return repo.LoadStaged(ctx, opts.Dir, repo.Options{History: !opts.NoHistory, CacheDir: opts.CacheDir})
}

// keep records a finished whole build (st may be nil).
func (st *state) keep(rp *repo.Repo, b *Assembly, out string) {
	if st == nil {
		return
	}
	st.rp, st.b, st.out = rp, b, out
	st.index = make(map[string]int, len(rp.Set.Incidents))
	for i, inc := range rp.Set.Incidents {
		st.index[inc.Source] = i
		if fi, err := os.Lstat(filepath.Join(rp.Root, filepath.FromSlash(inc.Source))); err == nil && fi.Mode()&os.ModeSymlink != 0 {
			st.symlinks = true
		}
	}
	for _, f := range rp.Set.Findings {
		if f.Rule == "symlink" {
			st.symlinks = true // a broken link or one leading out: its target may appear
		}
	}
	st.files = b.Attachments()
	st.looked = b.LookedUp()
}

// Build builds the whole site into out, reading the repository afresh.
func (bl *Builder) Build(ctx context.Context, out string) (*Result, error) {
	return bl.build(ctx, out, nil)
}

// build builds the whole site into out, from the repository of reuse when
// it is not nil.
func (bl *Builder) build(ctx context.Context, out string, reuse *state) (*Result, error) {
	st := &state{}
	opts := bl.opts
	opts.Out = out
	if reuse != nil {
		st.rp, st.reuse, st.head, st.hist = reuse.rp, true, reuse.head, reuse.hist
		if reuse.clock {
			opts.Now = reuse.b.Site().Now
		}
	}
	bl.st = nil
	res, err := build(ctx, opts, st)
	if err != nil {
		return res, err
	}
	st.reuse = false
	// A reference time read from the clock stays that of this build for
	// the updates that follow, so that their pages agree with the rest.
	_, clock := ReferenceTime(st.rp)
	st.clock = reuse != nil && reuse.clock || bl.opts.Now.IsZero() && clock
	// The whole build brought the index up to date beside the pages.
	st.indexed = true
	st.findings = map[string][]postmortem.Finding{}
	for _, f := range res.Findings {
		st.findings[f.File] = append(st.findings[f.File], f)
	}
	if st.hist == nil && !opts.NoHistory {
		st.hist = loadHistory(ctx, st.rp, opts.CacheDir)
	}
	bl.st = st
	return res, nil
}

// loadHistory reads the Git history in the background, with the options
// repo.Load uses, for Attach to fill in the history of edited files.
func loadHistory(ctx context.Context, rp *repo.Repo, cache string) *histLoad {
	hl := &histLoad{done: make(chan struct{})}
	go func() {
		defer close(hl.done)
		cfg := rp.Config
		histCache, _ := repo.HistoryCache(cache) // none when it cannot be made
		// No FieldsVersion: the field-history cache is for whole loads;
		// Attach of a few files reads their versions from Git.
		hl.h, _, hl.err = history.Load(ctx, rp.Root, history.Options{
			Include: cfg.Match, Roots: cfg.ContentRoots(), Trailers: cfg.Trailers,
			Fields: postmortem.NewParser(cfg).NewFieldsCache(), Items: postmortem.NewParser(cfg), CacheDir: histCache,
		})
	}()
	return hl
}

// Update brings the site up to date with the repository after the files
// in changed (repository-relative, slash-separated) changed. Edits to
// postmortems that leave the set of published incidents and their page
// paths as they were are applied in place: the edited files are parsed
// again, their history attached again, and the pages, feeds and API that
// show them rendered again and renamed into the site folder. Postmortems
// added, removed or renamed, and edits that publish or withdraw an
// incident or change its id, change every page (each counts the
// incidents): only those files are read, into the kept repository, and
// the whole site is built from it into the new folder out. Anything else —
// no site yet, the configuration or theme, a file a postmortem links to,
// HEAD moved — builds the whole site into out from the repository read
// again. Result.Out says where the site is; Result.UpToDate says nothing
// needed doing. After an error the next Update builds the whole site.
func (bl *Builder) Update(ctx context.Context, changed []string, out string) (*Result, error) {
	st := bl.st
	if st == nil {
		return bl.Build(ctx, out)
	}
	start := time.Now()
	c, why := st.classify(bl.opts, changed)
	files := len(c.edited) + len(c.added) + len(c.removed)
	if why == "" && (files > 0 || c.git) && !bl.opts.NoHistory && repo.Head(bl.opts.Dir) != st.head {
		why = "HEAD moved"
	}
	if why != "" {
		return bl.rebuild(ctx, out, nil, why)
	}
	if files == 0 {
		return &Result{Out: st.out, UpToDate: true, IndexDir: repo.IndexDir(bl.opts.CacheDir)}, nil
	}
	// Until the update is through, the kept state is half old, half new.
	bl.st = nil
	if len(c.added)+len(c.removed) > 0 {
		// Every page counts the incidents: all are written again, but
		// from the kept repository, with only these files read.
		err := st.restructure(ctx, bl.opts, c)
		switch {
		case errors.Is(err, errHeadMoved), errors.Is(err, errScalesMoved):
			return bl.rebuild(ctx, out, nil, err.Error())
		case err != nil:
			return nil, err
		}
		return bl.rebuild(ctx, out, st, "postmortems were added or removed")
	}
	res, whole, err := st.update(ctx, bl.opts, c.edited)
	switch {
	case errors.Is(err, errHeadMoved), errors.Is(err, errScalesMoved):
		return bl.rebuild(ctx, out, nil, err.Error())
	case err != nil && ctx.Err() == nil:
		// A rename into the served folder may have failed half way,
		// leaving it part old, part new: a whole build into out
		// replaces it. When that fails too, both errors are reported
		// and the next Update builds again.
		res, rerr := bl.rebuild(ctx, out, nil, "an update failed: "+err.Error())
		if rerr != nil {
			return nil, errors.Join(err, rerr)
		}
		return res, nil
	case err != nil:
		return nil, err
	case whole != "":
		return bl.rebuild(ctx, out, st, whole)
	}
	bl.st = st
	res.Elapsed = time.Since(start)
	return res, nil
}

// rebuild builds the whole site into out, from the repository of reuse
// when it is not nil, and says why in the result.
func (bl *Builder) rebuild(ctx context.Context, out string, reuse *state, why string) (*Result, error) {
	res, err := bl.build(ctx, out, reuse)
	if res != nil {
		res.Rebuilt = why
	}
	return res, err
}

// Concerns reports whether Update has anything to do for the changed
// paths: false for files the site does not read, and for changes inside
// .git that leave HEAD where it was (git status rewrites the index).
func (bl *Builder) Concerns(changed []string) bool {
	st := bl.st
	if st == nil {
		return true
	}
	c, why := st.classify(bl.opts, changed)
	if why != "" || len(c.edited)+len(c.added)+len(c.removed) > 0 {
		return true
	}
	return c.git && !bl.opts.NoHistory && repo.Head(bl.opts.Dir) != st.head
}

// Forget drops the kept state: the next Update builds the whole site.
func (bl *Builder) Forget() { bl.st = nil }

// errHeadMoved says that HEAD moved between the whole build and the
// reading of the history for updates: the kept repository is stale.
var errHeadMoved = errors.New("HEAD moved")

// UpdateIndex brings the search index in the cache folder up to date with
// the incidents of the last Update; Build and Update leave it to the
// caller so that the pages are ready first.
func (bl *Builder) UpdateIndex(ctx context.Context) error {
	st := bl.st
	if st == nil || st.indexed {
		return nil
	}
	return st.updateIndex(ctx, bl.opts)
}

func (st *state) updateIndex(ctx context.Context, opts BuildOptions) error {
	fp, err := repo.Fingerprint(ctx, opts.Dir)
	if err != nil {
		return err
	}
	// Always update: the documents are compared one by one, and an edit
	// made after the files were read has a fingerprint of its own.
	if _, err := repo.UpdateIndex(ctx, opts.CacheDir, fp, st.rp.Set.Incidents); err != nil {
		return err
	}
	st.indexed = true
	return nil
}

// changes are the changed paths that concern the site.
type changes struct {
	edited, added, removed []string // postmortems
	git                    bool     // something inside .git
}

// overridesTemplates says whether the repository's theme folder has
// templates of its own.
func overridesTemplates(opts BuildOptions) bool {
	dir := ThemeDir(opts)
	found := false
	_ = filepath.WalkDir(filepath.Join(dir, "templates"), func(_ string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			found = true
			return filepath.SkipAll
		}
		return nil
	})
	return found
}

// classify sorts changed paths into postmortems edited, added and removed
// and says whether any is inside .git, or names the reason the whole site
// must be built from the repository read again.
func (st *state) classify(opts BuildOptions, changed []string) (c changes, why string) {
	theme := ""
	if rel, err := filepath.Rel(opts.Dir, ThemeDir(opts)); err == nil && !strings.HasPrefix(rel, "..") {
		theme = filepath.ToSlash(rel)
	}
	seen := map[string]bool{}
	for _, p := range changed {
		p = path.Clean(filepath.ToSlash(p))
		if seen[p] {
			continue
		}
		seen[p] = true
		full := filepath.Join(opts.Dir, filepath.FromSlash(p))
		fi, err := os.Lstat(full)
		exists := err == nil
		_, known := st.index[p]
		switch {
		case p == ".git" || strings.HasPrefix(p, ".git/"):
			// A commit or checkout: the caller compares HEAD.
			c.git = true
		case p == config.FileName:
			return changes{}, "the configuration changed"
		case p == insight.CatalogFile:
			return changes{}, "the service catalog changed"
		case theme != "" && (p == theme || strings.HasPrefix(p, theme+"/")):
			return changes{}, "the theme changed"
		case st.symlinks:
			// An edit shows under the name of the file written, not of
			// the links to it.
			return changes{}, p + " changed and some postmortems are symbolic links"
		case known && !exists:
			c.removed = append(c.removed, p)
		case known && !fi.Mode().IsRegular():
			return changes{}, p + " is no longer a regular file"
		case known:
			c.edited = append(c.edited, p)
		case st.looked[p] || st.lookedUnder(p):
			return changes{}, p + " is linked from a postmortem"
		case st.rp.Config.Match(p) && exists && fi.Mode().IsRegular() && discovered(p):
			c.added = append(c.added, p)
		case st.rp.Config.Match(p) && exists:
			return changes{}, p + " was added"
		case exists && fi.Mode().IsRegular() && st.rediscovers(p):
			return changes{}, p + " was added and may change which files are postmortems (no content configured)"
		case exists && fi.IsDir(), st.knownUnder(p):
			return changes{}, "folder " + p + " changed"
		}
		// Anything else (editor backups, notes) is not read by the build.
	}
	slices.Sort(c.edited)
	slices.Sort(c.added)
	slices.Sort(c.removed)
	return c, ""
}

// rediscovers says whether a file added at p may change what discovery
// finds when no content is configured: a file in a folder named like a
// report folder, or, when the postmortems were found by their shape, any
// Markdown file.
func (st *state) rediscovers(p string) bool {
	cfg, d := st.rp.Config, st.rp.Set.Discovery
	if !cfg.AutoContent || cfg.Excluded(p) || !discovered(p) {
		return false
	}
	if config.InReportFolder(p) {
		return config.MarkdownName(p) || path.Ext(p) == ""
	}
	return config.MarkdownName(p) && (d == nil || len(d.Folders) == 0)
}

// discovered says whether postmortem.Discover walks into the folders of
// path p: not into .git or node_modules.
func discovered(p string) bool {
	for _, part := range strings.Split(path.Dir(p), "/") {
		if part == ".git" || part == "node_modules" {
			return false
		}
	}
	return true
}

// restructure applies added, removed and edited postmortems to the kept
// repository, for the whole site to be built from it.
func (st *state) restructure(ctx context.Context, opts BuildOptions, c changes) error {
	rp := st.rp
	var goneIDs []string
	rp.Set.Incidents = slices.DeleteFunc(rp.Set.Incidents, func(inc *postmortem.Incident) bool {
		_, gone := slices.BinarySearch(c.removed, inc.Source)
		if gone && !inc.Broken {
			goneIDs = append(goneIDs, inc.ID)
		}
		return gone
	})
	st.reindex()
	fresh, err := st.parse(ctx, append(slices.Clone(c.edited), c.added...), goneIDs)
	if err != nil {
		return err
	}
	if err := st.settle(ctx, opts, fresh); err != nil {
		return err
	}
	for _, inc := range fresh {
		if i, ok := st.index[inc.Source]; ok {
			rp.Set.Incidents[i] = inc
		} else {
			rp.Set.Incidents = append(rp.Set.Incidents, inc)
		}
	}
	// The order of postmortem.Discover: sorted paths.
	slices.SortFunc(rp.Set.Incidents, func(a, b *postmortem.Incident) int { return strings.Compare(a.Source, b.Source) })
	st.reindex()
	if scalesMoved(rp) {
		return errScalesMoved
	}
	return nil
}

// errScalesMoved says that the scales learned from the postmortems
// (severities, statuses) are not those the site was built with: every
// postmortem is validated against them, so the repository is read again.
var errScalesMoved = errors.New("the severity or status scale learned from the postmortems changed")

// scalesMoved reports whether the postmortems of rp, as they are now, give
// other learned scales than those in its configuration.
func scalesMoved(rp *repo.Repo) bool {
	cfg := rp.Config
	if !cfg.AutoSeverities && !cfg.AutoStatuses {
		return false
	}
	probe := *cfg
	postmortem.LearnScales(&probe, rp.Set.Incidents)
	return !slices.Equal(probe.Severities, cfg.Severities) || !slices.Equal(probe.Statuses, cfg.Statuses)
}

// reindex maps each postmortem's path to its position again.
func (st *state) reindex() {
	st.index = make(map[string]int, len(st.rp.Set.Incidents))
	for i, inc := range st.rp.Set.Incidents {
		st.index[inc.Source] = i
	}
}

func (st *state) lookedUnder(dir string) bool {
	for p := range st.looked {
		if strings.HasPrefix(p, dir+"/") {
			return true
		}
	}
	return false
}

func (st *state) knownUnder(dir string) bool {
	for p := range st.index {
		if strings.HasPrefix(p, dir+"/") {
			return true
		}
	}
	return false
}

// update applies edits to the given postmortems. It returns a reason
// instead when the whole site must be built again from the kept
// repository (already updated).
func (st *state) update(ctx context.Context, opts BuildOptions, edited []string) (*Result, string, error) {
	rp, b := st.rp, st.b
	s := b.Site()
	res := &Result{Out: st.out, IndexDir: repo.IndexDir(opts.CacheDir), InPlace: true}
	t0 := time.Now()
	stage := func(name string) {
		res.Stages = append(res.Stages, Stage{name, time.Since(t0)})
		t0 = time.Now()
	}

	fresh, err := st.parse(ctx, edited, nil)
	if err != nil {
		return nil, "", err
	}
	stage("parse")
	if err := st.settle(ctx, opts, fresh); err != nil {
		return nil, "", err
	}
	stage("history")

	// The repository takes the new incidents; what follows decides how
	// much of the site they touch.
	whole := ""
	old := map[*Incident]*Incident{}
	for _, inc := range fresh {
		i := st.index[inc.Source]
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
			old[v] = &cp
			v.Incident = inc
		}
	}
	if scalesMoved(rp) {
		return nil, "", errScalesMoved
	}
	if now, _ := ReferenceTime(rp); whole == "" && !st.clock && opts.Now.IsZero() && !now.Equal(s.Now) {
		whole = "the reference time moved"
	}
	if whole == "" && overridesTemplates(opts) {
		// Pages are compared by what each template draws of an incident
		// alone; a repository's own template may draw more (every
		// incident's title in a footer), so all pages are written again.
		whole = "the theme overrides templates"
	}
	st.indexed = false
	if whole != "" {
		return nil, whole, nil
	}
	for v := range old {
		b.Derive(v)
	}
	reordered := b.Reorder()
	relChanged, err := st.relate(ctx, old, reordered)
	if err != nil {
		return nil, "", err
	}
	// Any edit can change what recurs with what: an incident page whose
	// "seen before" list changed is written again.
	seenBefore := make(map[*Incident][]Seen, len(s.Incidents))
	for _, v := range s.Incidents {
		seenBefore[v] = v.SeenBefore
	}
	b.Learn()
	for _, v := range s.Incidents {
		if !SameSeen(seenBefore[v], v.SeenBefore) {
			if relChanged == nil {
				relChanged = map[*Incident]bool{}
			}
			relChanged[v] = true
		}
	}
	for v := range old {
		if err := b.RenderLessons(v); err != nil {
			return nil, "", err
		}
	}
	stage("assemble")

	// The edited incidents are the same pointers as before: what was
	// cached of them is stale.
	b.ForgetFragments()
	seen := probe(b, old)
	jobs := b.PageJobs()
	prev := make(map[string]PageJob, len(b.Written()))
	for _, j := range b.Written() {
		prev[j.Page.Path] = j
	}
	var dirty []PageJob
	for _, j := range jobs {
		o, ok := prev[j.Page.Path]
		delete(prev, j.Page.Path)
		if !ok || pageDiffers(o, j, old, relChanged, seen) {
			dirty = append(dirty, j)
		}
	}
	var removed []string
	for p := range prev {
		removed = append(removed, PageFile(p))
	}
	stage("compare")

	staging, err := os.MkdirTemp(filepath.Dir(st.out), ".inquest-update-")
	if err != nil {
		return nil, "", fmt.Errorf("update: %w", err)
	}
	committed := false
	defer func() {
		if committed {
			// Replaced files are kept in staging (see commit), and freeing
			// the pages of the 80 MB API file takes the kernel 30 ms: the
			// site is ready without waiting for that.
			go os.RemoveAll(staging)
		} else {
			os.RemoveAll(staging)
		}
	}()
	staged, err := st.stage(ctx, staging, dirty, old, reordered || catalogChanged(old))
	if err != nil {
		return nil, "", err
	}
	files := b.Attachments()
	added, gone := diffSorted(st.files, files)
	if err := b.CopyAttachments(staging, added); err != nil {
		return nil, "", err
	}
	for _, p := range added {
		staged = append(staged, "files/"+p)
	}
	for _, p := range gone {
		removed = append(removed, "files/"+p)
	}
	stage("render")

	if err := commit(staging, st.out, staged, removed); err != nil {
		return nil, "", err
	}
	committed = true
	stage("write")
	b.Wrote(jobs)
	st.files, st.looked = files, b.LookedUp()
	res.Written, res.Removed = len(staged), len(removed)
	st.summarize(res, fresh)
	return res, "", nil
}

// summarize is Assembly.summarize after an update: findings are found
// again only for the files parsed again (inline disables and rule levels
// are per file), which saves reading every body for disables.
func (st *state) summarize(res *Result, fresh []*postmortem.Incident) {
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

// parse parses the given postmortems (again), with every other postmortem
// that shares an id with one of them before or after, or with goneIDs;
// settle validates them together, so that duplicate ids are found within
// that group.
func (st *state) parse(ctx context.Context, paths, goneIDs []string) ([]*postmortem.Incident, error) {
	rp := st.rp
	// The repository's date order as the full load decided it, so that an
	// edited file reads its ambiguous dates as the build did.
	parser := postmortem.NewParser(rp.Config).WithDateOrder(rp.Set.DateOrder)
	incs, err := postmortem.ParseFiles(ctx, rp.Tree, paths, parser)
	if err != nil {
		return nil, err
	}
	ids := map[string]bool{}
	for _, id := range goneIDs {
		ids[strings.ToLower(id)] = true
	}
	in := map[string]bool{}
	for i, p := range paths {
		in[p] = true
		both := []*postmortem.Incident{incs[i]}
		if j, ok := st.index[p]; ok {
			both = append(both, rp.Set.Incidents[j])
		}
		for _, inc := range both {
			if !inc.Broken {
				ids[strings.ToLower(inc.ID)] = true
			}
		}
	}
	var more []string
	for _, inc := range rp.Set.Incidents {
		if !inc.Broken && !in[inc.Source] && ids[strings.ToLower(inc.ID)] {
			more = append(more, inc.Source)
		}
	}
	if len(more) > 0 {
		others, err := postmortem.ParseFiles(ctx, rp.Tree, more, parser)
		if err != nil {
			return nil, err
		}
		incs = append(incs, others...)
	}
	return incs, nil
}

// settle fills in the history of incidents parsed again, from the history
// read after the whole build, dates by their first commit those that state
// no date, as repo.Load does, and then validates them: a date from Git
// counts as their date.
func (st *state) settle(ctx context.Context, opts BuildOptions, fresh []*postmortem.Incident) error {
	if !opts.NoHistory && st.hist != nil {
		select {
		case <-st.hist.done:
		case <-ctx.Done():
			return ctx.Err()
		}
		if st.hist.err != nil {
			return st.hist.err
		}
		if st.hist.h.Head() != st.head {
			return errHeadMoved
		}
		if err := st.hist.h.Attach(ctx, fresh); err != nil {
			return err
		}
		for _, inc := range fresh {
			inc.DateFromHistory()
		}
	}
	postmortem.Validate(st.rp.Config, fresh)
	return nil
}

// relate computes related incidents again when their inputs changed and
// returns the incidents whose list changed. Lists found by text
// (relateByText) are found again on every edit: any text can change them.
func (st *state) relate(ctx context.Context, old map[*Incident]*Incident, reordered bool) (map[*Incident]bool, error) {
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
		for _, x := range []*Incident{v, o} {
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
	before := make([][]*Incident, len(incs))
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
	changed := map[*Incident]bool{}
	for i, v := range incs {
		if !slices.Equal(before[i], v.Related) {
			changed[v] = true
		}
	}
	return changed, nil
}

// seenAs records, for each edited incident, the templates in which it
// looks different now when it appears on a page other than its own.
type seenAs map[*Incident]map[string]bool

func (s seenAs) differs(v *Incident, tmpl string) bool { return s[v] != nil && s[v][tmpl] }

// probe renders each edited incident, before and after, alone on a
// small page of every template that shows incidents other than the page's
// own: where the two agree, a page of that template that shows it reads
// nothing of it that changed. This holds whatever the theme shows of an
// incident, as long as a template draws each incident from that incident
// alone.
func probe(b *Assembly, old map[*Incident]*Incident) seenAs {
	out := seenAs{}
	var buf1, buf2 bytes.Buffer
	for v, o := range old {
		out[v] = map[string]bool{}
		for _, tmpl := range []string{"list", "timeline", "digest", "home", "lessons", "actions", "incident"} {
			t := b.Template(tmpl)
			if t == nil {
				continue
			}
			buf1.Reset()
			buf2.Reset()
			e1 := t.ExecuteTemplate(&buf1, "layout", probePage(b, tmpl, o))
			e2 := t.ExecuteTemplate(&buf2, "layout", probePage(b, tmpl, v))
			out[v][tmpl] = e1 != nil || e2 != nil || !bytes.Equal(buf1.Bytes(), buf2.Bytes())
		}
	}
	return out
}

// probePage is a page of template tmpl that shows v as other pages do.
func probePage(b *Assembly, tmpl string, v *Incident) *Page {
	one := []*Incident{v}
	p := &Page{Site: b.Site(), Kind: tmpl, Title: "probe", Path: "probe/"}
	switch tmpl {
	case "list":
		p.Incidents, p.Pager = one, &Pager{Page: 1, Pages: 1}
	case "timeline", "digest":
		p.Groups = []Group{{Title: "probe", Incidents: one}}
	case "home":
		p.Home = &Home{Latest: one, Total: 1}
	case "lessons":
		p.Groups = []Group{{Title: "probe", Path: "probe/", Lessons: []Lesson{{Incident: v, HTML: v.Lessons}}}}
	case "actions":
		g := Group{Title: "probe"}
		for k := range v.ActionItems {
			g.Actions = append(g.Actions, NewAction(v, k, b.Site().Now))
		}
		p.Groups = []Group{g}
	case "incident":
		p.Incident = &Incident{Incident: &postmortem.Incident{ID: "probe", Title: "probe"}, Path: "probe/", Related: one}
	}
	return p
}

// pageDiffers reports whether a page must be rendered again: its data
// differ from the last build's, or it shows an edited incident in a way
// that changed (old holds the edited incidents as they were).
func pageDiffers(o, n PageJob, old map[*Incident]*Incident, relChanged map[*Incident]bool, seen seenAs) bool {
	a, c := o.Page, n.Page
	if o.Template != n.Template || a.Kind != c.Kind || a.Title != c.Title || a.Description != c.Description || a.Incident != c.Incident {
		return true
	}
	shown := func(v *Incident) bool { return seen.differs(v, n.Template) }
	sameList := func(x, y []*Incident) bool {
		return slices.Equal(x, y) && !slices.ContainsFunc(y, shown)
	}
	if v := c.Incident; v != nil {
		// A "seen before" entry draws fields an incident's related entry
		// draws too: the probe of the related list covers it.
		if old[v] != nil || relChanged[v] || slices.ContainsFunc(v.Related, shown) || slices.ContainsFunc(v.SeenBefore, func(x Seen) bool { return shown(x.Incident) }) {
			return true
		}
	}
	if !sameList(a.Incidents, c.Incidents) || !slices.Equal(a.Terms, c.Terms) {
		return true
	}
	if (a.Pager == nil) != (c.Pager == nil) || a.Pager != nil && *a.Pager != *c.Pager {
		return true
	}
	if a.Metrics != nil || c.Metrics != nil || a.Learn != nil || c.Learn != nil {
		// Figures drawn from every incident: written again on every update.
		return true
	}
	if (a.Home == nil) != (c.Home == nil) {
		return true
	}
	if h, k := a.Home, c.Home; h != nil && (!sameList(h.Latest, k.Latest) || !slices.Equal(h.BySeverity, k.BySeverity) ||
		h.OpenActions != k.OpenActions || h.OverdueAction != k.OverdueAction || h.Total != k.Total || h.Recent != k.Recent) {
		return true
	}
	if len(a.Groups) != len(c.Groups) {
		return true
	}
	for i := range a.Groups {
		g, k := a.Groups[i], c.Groups[i]
		if g.Title != k.Title || g.Path != k.Path || !sameList(g.Incidents, k.Incidents) ||
			len(g.Actions) != len(k.Actions) || len(g.Lessons) != len(k.Lessons) {
			return true
		}
		for j := range g.Actions {
			x, y := g.Actions[j], k.Actions[j]
			// An action is its incident's item number item; the probe
			// says whether an edited incident's items look different.
			if x.Incident != y.Incident || x.Item() != y.Item() || x.Overdue != y.Overdue || shown(y.Incident) {
				return true
			}
		}
		for j := range g.Lessons {
			x, y := g.Lessons[j], k.Lessons[j]
			if x.Incident != y.Incident || x.HTML != y.HTML || shown(y.Incident) {
				return true
			}
		}
	}
	return false
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

// commit renames the staged files into the site folder out, each whole
// (readers see the old file or the new one), then removes the files no
// longer in the site and the folders they leave empty. A large file it
// replaces is linked into staging first, so that the rename does not free
// it.
func commit(staging, out string, staged, removed []string) error {
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
func (st *state) stage(ctx context.Context, staging string, dirty []PageJob, old map[*Incident]*Incident, catalog bool) ([]string, error) {
	a := st.b
	edited := make([]*Incident, 0, len(old))
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
func catalogChanged(old map[*Incident]*Incident) bool {
	for v, o := range old {
		if CatalogEntryChanged(o, v) {
			return true
		}
	}
	return false
}
