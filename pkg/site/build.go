// Package site builds the static site as a row of named stages on one
// orchestrator (buildRun): stamp → load (the repository and its history)
// → assemble → render → write → swap, each a method that can be run alone,
// with the output moved into place only when the whole build succeeded.
// Its exported stage API (BuildFrom, Assembly) lets package site/live
// update a built site in place; site does not import it.
package site

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/inquest-dev/inquest/pkg/internal/tmpdir"
	"github.com/inquest-dev/inquest/pkg/lint"
	"github.com/inquest-dev/inquest/pkg/markdown"
	"github.com/inquest-dev/inquest/pkg/postmortem"
	"github.com/inquest-dev/inquest/pkg/repo"
	"github.com/inquest-dev/inquest/pkg/search/indexer"
)

// ErrFindings is returned with the result when BuildOptions.FailOnErrors is
// set and a postmortem has an error: nothing was written to the output.
var ErrFindings = errors.New("postmortems have errors; the site was not replaced")

// ErrHistory is returned with the result when BuildOptions.FailOnErrors is
// set and Git history could not be read (a corrupt pack, say): nothing was
// written to the output. Without FailOnErrors the site is built without
// that history and Result.Warnings says what could not be read.
var ErrHistory = errors.New("the Git history could not be read; the site was not replaced")

// BuildOptions are the options of one build.
type BuildOptions struct {
	// Dir is the repository root.
	Dir string
	// Out is the output folder (default Dir/public). It is replaced as a
	// whole when the build succeeds and left untouched when it fails.
	Out string
	// BaseURL overrides the configuration's base_url.
	BaseURL string
	// Drafts includes draft postmortems.
	Drafts bool
	// Audience "public" leaves out incidents with visibility: internal.
	Audience string
	// NoHistory skips reading Git history.
	NoHistory bool
	// ThemeDir overrides theme files (default Dir/theme).
	ThemeDir string
	// Now fixes the reference time; zero means SOURCE_DATE_EPOCH, else the
	// newest commit, else the clock.
	Now time.Time
	// Progress hears the stages of the build as they run; nil for none.
	Progress Progress
	// CacheDir holds the history cache and the search index (default: the
	// per-user cache folder of the repository, see repo.CacheDir).
	CacheDir string
	// PageSize is the number of incidents on a list page (default 50).
	PageSize int
	// SearchIndex ships full-text search to the browser whatever the
	// site's size, as search.browser: wasm does: an index of the published
	// incidents and the WebAssembly runtime under search/ (see browser.go).
	SearchIndex bool
	// Force builds even when the output was built from the same inputs.
	Force bool
	// FailOnErrors fails the build, leaving the previous output in place,
	// when any postmortem has an error-level finding or Git history could
	// not be read (--strict).
	FailOnErrors bool
	// Serve marks the pages as served by `inquest serve`: they then connect
	// for live reload and ask the server's search API.
	Serve bool
	// Check runs the rules of `inquest check` (package lint) beside the
	// pages and adds their findings to Result.Findings, so that a build
	// counts what check counts and --strict fails on what check calls an
	// error. CheckNow is the time they measure overdue action items and
	// old drafts against, as check does; zero means the clock. Neither
	// changes the site.
	Check    bool
	CheckNow time.Time
	// RelatedTextMax, when not 0, replaces relatedTextMax: the largest
	// site whose related incidents are found by text as well as by tags
	// and services. Tests set it to try both ways on small sites.
	RelatedTextMax int
}

// Result summarises a build.
type Result struct {
	Out       string
	Incidents int
	Pages     int
	Skipped   int // broken, draft or filtered-out postmortems
	// LeftOut says why the Skipped postmortems have no page.
	LeftOut LeftOut
	// Uncommitted counts published postmortems whose work-tree text
	// differs from HEAD: the site then differs from what HEAD would build.
	Uncommitted int
	Findings    []postmortem.Finding
	Warnings    []string
	// Notes are what the build says once of the site as a whole, not of
	// a postmortem: a missing base URL and what that does to the feed,
	// where the base URL came from when the CI job gave it, robots.txt
	// left out under a path. They are not counted as warnings, so that
	// build and check count the same.
	Notes   []string
	Elapsed time.Duration
	Stages  []Stage
	// UpToDate is true when the output had been built from the same inputs
	// and nothing was written; the counts and findings are those recorded.
	// After live.Site.Update it says that no change concerned the site.
	UpToDate bool
	// Rebuilt says why live.Site.Update built the whole site; "" when it
	// updated the site in place (or Build built it).
	Rebuilt string
	// InPlace is true when live.Site.Update updated the site in its folder;
	// Written and Removed count the files it replaced and removed.
	InPlace          bool
	Written, Removed int
	// IndexDir is the Bleve index of every postmortem, kept in the cache
	// folder and shared with `inquest search` and serve's search API.
	IndexDir string
	// Found says where the postmortems were found when no content is
	// configured, and the content: line that pins it (see repo.Repo.Found).
	Found string
}

// LeftOut counts the postmortems a build gave no page, by reason.
type LeftOut struct {
	Broken   int `json:"broken,omitempty"`   // unreadable; their findings say why
	Drafts   int `json:"drafts,omitempty"`   // a draft status, without BuildOptions.Drafts
	Internal int `json:"internal,omitempty"` // visibility: internal, for Audience "public"
}

// Progress hears about the stages of a build as they run, to show them
// (`inquest build` draws them on a terminal). Stages overlap (the search
// indexes are built beside the pages), so its methods are called from more
// than one goroutine at a time.
type Progress interface {
	// Begin says a stage started; total is its number of steps, 0 when
	// unknown.
	Begin(stage string, total int)
	// Advance says n more steps of the stage are done.
	Advance(stage string, n int)
	// End says the stage ended.
	End(stage string)
}

// Names of the stages a build reports to Progress.
const (
	StageLoad    = "reading postmortems and Git history"
	StageIndex   = "updating the search index"
	StageRender  = "rendering"
	StageWrite   = "writing pages"
	StageBrowser = "building the browser's search index"
	StageCheck   = "checking"
)

// begin tells p that stage started and returns the function that tells it
// the stage ended; p may be nil.
func begin(p Progress, stage string, total int) (end func()) {
	if p == nil {
		return func() {}
	}
	p.Begin(stage, total)
	return func() { p.End(stage) }
}

// Stage is the time one build stage took.
type Stage struct {
	Name    string
	Elapsed time.Duration
}

// Build builds the site of a repository into opts.Out.
func Build(ctx context.Context, opts BuildOptions) (*Result, error) {
	res, _, err := BuildFrom(ctx, opts, nil)
	return res, err
}

// BuildFrom is Build from rp, a repository already loaded (nil loads it),
// returning the assembled site beside the result when the build
// succeeded: package live keeps it to update the site in place. It runs
// the stages of a buildRun in a row: stamp → load → assemble → render →
// write → swap.
func BuildFrom(ctx context.Context, opts BuildOptions, rp *repo.Repo) (*Result, *Assembly, error) {
	r := newBuildRun(opts)
	defer r.close()
	if fresh, err := r.checkStamp(); err != nil || fresh {
		if err != nil {
			return nil, nil, err
		}
		return r.res, nil, nil
	}
	stages := []func(context.Context) error{
		func(ctx context.Context) error { return r.load(ctx, rp) },
		r.assemble, r.render, r.write,
	}
	for _, stage := range stages {
		if err := stage(ctx); err != nil {
			return nil, nil, err
		}
	}
	if err := r.settle(); err != nil {
		if r.failed {
			return r.res, nil, err
		}
		return nil, nil, err
	}
	if err := r.swap(); err != nil {
		return nil, nil, err
	}
	if err := r.record(); err != nil {
		return nil, nil, err
	}
	r.res.Elapsed = time.Since(r.start)
	return r.res, r.b, nil
}

// buildRun is one build under way: the orchestrator of its stages and
// what each hands on to the next. Every stage is a method that reads what
// the stages before it left in the run, so a test can run one alone on a
// run set up by hand. Work that overlaps the stages (the search index,
// check's rules, the browser's index) runs in goroutines the stages start
// and settle waits for.
type buildRun struct {
	opts  BuildOptions
	res   *Result
	start time.Time
	// stamp is the inputs' stamp, "" when the build is not recorded
	// (forced, or for serve, which builds into a fresh folder each time).
	stamp string
	rp    *repo.Repo
	b     *Assembly
	// out is the temporary folder the write stage fills and swap moves
	// into place.
	out *tmpdir.Dir
	// index is the search index update under way beside the stages;
	// checked is what check's rules found, once they ran.
	index   *beside
	checked chan []postmortem.Finding
	// failed says settle's error comes with a whole result (ErrFindings,
	// ErrHistory).
	failed bool
}

// newBuildRun fills in opts' defaults and sweeps what builds of the same
// output killed part way left behind.
func newBuildRun(opts BuildOptions) *buildRun {
	if opts.Out == "" {
		opts.Out = filepath.Join(opts.Dir, "public")
	}
	if opts.CacheDir == "" {
		opts.CacheDir = repo.CacheDir(opts.Dir)
	}
	// What a build killed part way (kill -9, a power cut) left beside the
	// output; folders another build is using are left alone.
	sweepOut(opts.Out)
	return &buildRun{opts: opts, res: &Result{Out: opts.Out}, start: time.Now()}
}

// close waits for the work still running beside the stages, so that a
// failed build leaves no index half written, and removes the temporary
// output folder unless swap moved it into place.
func (r *buildRun) close() {
	if r.index != nil {
		_ = r.index.wait() // the build has failed already
	}
	if r.out != nil {
		_ = r.out.Remove()
	}
}

// timed records that stage name took the time since t0.
func (r *buildRun) timed(name string, t0 time.Time) {
	r.res.Stages = append(r.res.Stages, Stage{name, time.Since(t0)})
}

// checkStamp is the stamp stage: it reports whether the output was built
// from the same inputs, filling in the result recorded then.
func (r *buildRun) checkStamp() (fresh bool, err error) {
	if r.opts.Force || r.opts.Serve {
		return false, nil
	}
	t0 := time.Now()
	if r.stamp, err = inputStamp(r.opts); err != nil {
		return false, err
	}
	sf, ok := upToDate(r.opts.CacheDir, r.opts.Out, r.stamp)
	r.timed("stamp", t0)
	if !ok {
		return false, nil
	}
	res := r.res
	res.UpToDate = true
	res.Incidents, res.Pages, res.Skipped, res.LeftOut = sf.Incidents, sf.Pages, sf.Skipped, sf.LeftOut
	res.Findings, res.Warnings, res.Notes, res.IndexDir, res.Found = sf.Findings, sf.Warnings, sf.Notes, sf.IndexDir, sf.Found
	res.Elapsed = time.Since(r.start)
	return true, nil
}

// load is the load stage: it reads the repository (or takes loaded, when
// not nil), starts the search index update beside the stages that follow,
// and attaches the history's field changes.
func (r *buildRun) load(ctx context.Context, loaded *repo.Repo) error {
	t0 := time.Now()
	// The fingerprint is taken before reading, so an edit made during the
	// build makes the next build index again.
	fp, err := repo.Fingerprint(ctx, r.opts.Dir)
	if err != nil {
		return err
	}
	defer begin(r.opts.Progress, StageLoad, 0)()
	rp := loaded
	if rp == nil {
		rp, err = repo.LoadStaged(ctx, r.opts.Dir, repo.Options{History: !r.opts.NoHistory, CacheDir: r.opts.CacheDir, OneLoad: !r.opts.Serve})
		if err != nil {
			return err
		}
	}
	if err := lint.Validate(rp.Config); err != nil {
		return err
	}
	if !r.opts.Serve {
		// serve starts on an empty repository too: the first postmortem
		// appears as it is written.
		if err := rp.NoneFound(); err != nil {
			return err
		}
	}
	r.rp = rp
	r.res.Found = rp.Found()
	// The search index is updated beside the history's field changes and
	// the pages: it reads neither, and takes longest of all.
	r.res.IndexDir = repo.IndexDir(r.opts.CacheDir)
	r.index = goBeside(func() error {
		if repo.IndexCurrent(r.opts.CacheDir, fp) {
			return nil
		}
		defer begin(r.opts.Progress, StageIndex, 0)()
		return safely(func() error {
			_, err := repo.UpdateIndex(ctx, r.opts.CacheDir, fp, rp.Set.Incidents)
			return err
		})
	})
	if err := rp.AttachFieldChanges(ctx); err != nil {
		return err
	}
	r.timed("load", t0)
	return nil
}

// assemble is the assemble stage: it starts check's rules beside it, then
// derives the site's views of the published incidents, their related
// incidents and what the build learns across them.
func (r *buildRun) assemble(ctx context.Context) error {
	// check's rules read the parsed postmortems and their history only.
	r.checked = make(chan []postmortem.Finding, 1)
	go func() {
		var fs []postmortem.Finding
		if r.opts.Check {
			end := begin(r.opts.Progress, StageCheck, 0)
			fs = lint.Run(ctx, r.rp.Config, r.rp.Set.Incidents, lint.Options{Root: r.rp.Root, Now: r.opts.CheckNow})
			end()
		}
		r.checked <- fs
	}()
	t0 := time.Now()
	b, err := assemble(r.rp, r.opts)
	if err != nil {
		return err
	}
	if err := b.RelateByText(ctx); err != nil {
		return err
	}
	if err := b.Learn(ctx); err != nil {
		return err
	}
	r.b = b
	r.res.Warnings = r.rp.Warnings // learn adds a catalog it cannot read
	r.timed("assemble", t0)
	return nil
}

// render is the render stage: what other pages show of each incident.
func (r *buildRun) render(ctx context.Context) error {
	t0 := time.Now()
	end := begin(r.opts.Progress, StageRender, 0)
	err := r.b.render(ctx)
	end()
	if err != nil {
		return err
	}
	r.timed("render", t0)
	return nil
}

// write is the write stage: every page, feed and asset into a temporary
// folder beside the output, and the browser's search index beside them
// (serve's pages ask its API instead).
func (r *buildRun) write(ctx context.Context) error {
	t0 := time.Now()
	td, err := tmpdir.Make(filepath.Dir(filepath.Clean(r.opts.Out)), tmpPattern(r.opts.Out))
	if err != nil {
		return fmt.Errorf("build: %w", err)
	}
	r.out = td
	tmp := td.Path
	bctx, stopBrowser := context.WithCancel(ctx)
	defer stopBrowser()
	var manifest indexer.Manifest
	browser := goBeside(func() error {
		if r.opts.Serve {
			return nil
		}
		defer begin(r.opts.Progress, StageBrowser, 0)()
		return safely(func() (err error) {
			manifest, err = r.b.browserIndex(bctx, tmp)
			return err
		})
	})
	err = r.b.write(ctx, tmp)
	if err != nil {
		stopBrowser()
	}
	if berr := browser.wait(); err == nil {
		err = berr
	}
	if err == nil && !r.opts.Serve {
		err = r.b.writeBrowserManifest(tmp, manifest)
	}
	if err != nil {
		return err
	}
	r.timed("write", t0)
	return nil
}

// settle gathers what ran beside the stages into the result: the counts
// and findings, check's findings, the search index. With FailOnErrors it
// fails the build, result and all, when a postmortem has an error or the
// history could not be read.
func (r *buildRun) settle() error {
	res := r.res
	r.b.summarize(res)
	if fs := <-r.checked; len(fs) > 0 {
		res.Findings = append(res.Findings, fs...)
		postmortem.SortFindings(res.Findings)
	}
	if err := r.index.wait(); err != nil {
		return err
	}
	res.Stages = append(res.Stages, Stage{"index (beside)", r.index.took})
	if r.opts.FailOnErrors {
		var err error
		if slices.ContainsFunc(res.Findings, func(f postmortem.Finding) bool { return f.Level == postmortem.LevelError }) {
			err = ErrFindings
		} else if r.rp.HistoryError != nil {
			err = ErrHistory
		}
		if err != nil {
			r.failed = true
			res.Elapsed = time.Since(r.start)
			return err
		}
	}
	return nil
}

// swap is the swap stage: the written site replaces the output folder.
func (r *buildRun) swap() error {
	if err := r.out.Keep(); err != nil {
		return fmt.Errorf("build: %w", err)
	}
	tmp := r.out.Path
	r.out = nil
	return swapDir(tmp, r.opts.Out)
}

// record keeps the stamp of the inputs and the result beside the output,
// for the next build to find it up to date. A build without the history
// it could not read is not up to date: the next one tries again (after
// `git fetch` repaired the pack, say).
func (r *buildRun) record() error {
	if r.stamp == "" || r.rp.HistoryError != nil {
		return nil
	}
	res := r.res
	return writeBuildRecord(r.opts.CacheDir, r.opts.Out, buildRecord{Stamp: r.stamp, Incidents: res.Incidents, Pages: res.Pages, Skipped: res.Skipped, LeftOut: res.LeftOut,
		Findings: res.Findings, Warnings: res.Warnings, Notes: res.Notes, IndexDir: res.IndexDir, Found: res.Found})
}

// beside is work running in a goroutine beside the build's stages.
type beside struct {
	done chan error
	err  error
	took time.Duration
}

// goBeside runs fn in a goroutine of its own.
func goBeside(fn func() error) *beside {
	w := &beside{done: make(chan error, 1)}
	go func() {
		t := time.Now()
		err := fn()
		w.took = time.Since(t)
		w.done <- err
	}()
	return w
}

// wait waits for the work to end and returns its error; it can be called
// again.
func (w *beside) wait() error {
	if w.done != nil {
		w.err = <-w.done
		w.done = nil
	}
	return w.err
}

// tmpPattern and oldPattern name the temporary folders beside the output
// folder out: a build under way, and a previous site moved aside to be
// deleted.
func tmpPattern(out string) string { return "." + filepath.Base(filepath.Clean(out)) + ".tmp-*" }
func oldPattern(out string) string { return "." + filepath.Base(filepath.Clean(out)) + ".old-*" }

// sweepOut removes the temporary folders of builds of out that were killed
// part way (see package tmpdir).
func sweepOut(out string) {
	parent := filepath.Dir(filepath.Clean(out))
	tmpdir.Sweep(parent, tmpPattern(out))
	tmpdir.Sweep(parent, oldPattern(out))
}

// swapDir replaces dst with src: dst is moved aside into a temporary
// folder, src renamed into place, and the old tree removed. A failure
// before the rename leaves dst as it was.
func swapDir(src, dst string) error {
	if _, err := os.Lstat(dst); err == nil {
		old, err := tmpdir.Make(filepath.Dir(filepath.Clean(dst)), oldPattern(dst))
		if err != nil {
			return fmt.Errorf("replace %s: %w", dst, err)
		}
		defer old.Remove()
		aside := filepath.Join(old.Path, "site")
		if err := os.Rename(dst, aside); err != nil {
			return fmt.Errorf("replace %s: %w", dst, err)
		}
		if err := os.Rename(src, dst); err != nil {
			if rerr := os.Rename(aside, dst); rerr != nil {
				err = errors.Join(err, rerr)
			}
			return fmt.Errorf("replace %s: %w", dst, err)
		}
	} else if err := os.Rename(src, dst); err != nil {
		return fmt.Errorf("replace %s: %w", dst, err)
	}
	return os.Chmod(dst, 0o755)
}

// Assembly is one build's assembled site: the published incidents with
// what the build derived of them, the templates and pages the write
// stage made, and what the pages linked to. Package live keeps one
// between updates and drives it through the methods in inplace.go.
type Assembly struct {
	opts     BuildOptions
	repo     *repo.Repo
	site     *Site
	byID     map[string]*Incident
	bySource map[string]*Incident
	md       *markdown.Renderer
	// themeIDs are the ids the theme's templates write out, which no
	// heading takes (headingReserved).
	themeIDs map[string]bool
	pageSize int
	pages    int
	// What the last write made, for live.Site.Update: the pages, the
	// templates, and the hashes of the extra files.
	jobs  []PageJob
	tmpls map[string]*template.Template
	sums  map[string][sha256.Size]byte
	// frags are the cached fragments of the render pass under way; each
	// pass starts with none, as the incidents may have changed.
	frags fragments
	// attached is what checkAttachment found of each linked file.
	attached attachmentCache
	// learned is what the build learned across incidents (see learn).
	learned learning
	// themeTop holds the repository's own theme files, read when the
	// assembly is made (readTheme; nil for none), and themeFindings are
	// the theme files left out.
	themeTop      fs.FS
	themeFindings []postmortem.Finding
	// paths are the incident page paths taken (lower case), and
	// pathFindings say where an incident whose id the site reserves went.
	paths        map[string]bool
	pathFindings []postmortem.Finding
	// notes are what the build says once of the site as a whole: where
	// its base URL came from, or that it has none; that robots.txt is left
	// out. They are not findings in postmortems, which check counts too.
	notes []string
}

// assemble filters the incidents that will be published and derives the
// views and indexes.
func assemble(rp *repo.Repo, opts BuildOptions) (*Assembly, error) {
	cfg := rp.Config
	baseURL, from := publishedBase(opts, cfg.BaseURL)
	now := opts.Now
	if now.IsZero() {
		now, _ = ReferenceTime(rp)
	}
	s := &Site{
		Title: cfg.Title, BaseURL: strings.TrimSuffix(baseURL, "/") + "/", BasePath: basePath(baseURL),
		RepoURL: strings.TrimSuffix(cfg.RepoURL, "/"), Now: now, Severities: cfg.Severities, NoIndex: true, Serve: opts.Serve,
	}
	if baseURL == "" {
		s.BaseURL = ""
	}
	s.Nav = []NavItem{
		{"Incidents", pathIncidents}, {"Timeline", pathTimeline}, {"Action items", pathActions},
		{"Lessons", pathLessons}, {"Tags", pathTags}, {"Services", pathServices},
		{"Metrics", pathMetrics}, {"Review digest", pathDigest}, {"Search", pathSearch},
	}
	b := &Assembly{opts: opts, repo: rp, site: s, byID: map[string]*Incident{}, bySource: map[string]*Incident{},
		pageSize: opts.PageSize}
	b.readTheme()
	b.md = markdown.New(markdown.Options{Unsafe: cfg.Markdown.Unsafe, Reserved: b.headingReserved})
	for _, n := range []string{baseURLNote(baseURL, from, opts.Serve), robotsNote(s.BasePath, s.NoIndex, opts.Serve)} {
		if n != "" {
			b.notes = append(b.notes, n)
		}
	}
	if b.pageSize <= 0 {
		b.pageSize = 50
	}
	for _, inc := range rp.Set.Incidents {
		if !b.Publishes(inc) {
			continue
		}
		v := &Incident{Incident: inc, Path: b.pathFor(inc)}
		b.byID[strings.ToLower(inc.ID)] = v
		b.bySource[inc.Source] = v
		b.Derive(v)
		s.Incidents = append(s.Incidents, v)
	}
	sortNewestFirst(s.Incidents)
	relate(s.Incidents, 5)
	return b, nil
}

// Publishes says whether an incident has a page in this build: not broken,
// not a draft (unless Drafts), not internal for a public audience.
func (b *Assembly) Publishes(inc *postmortem.Incident) bool {
	return b.leftOutFor(inc) == ""
}

// leftOutFor says why an incident has no page in this build: "broken",
// "draft" or "internal"; "" when it has one.
func (b *Assembly) leftOutFor(inc *postmortem.Incident) string {
	switch {
	case inc.Broken:
		return "broken"
	case !b.opts.Drafts && b.repo.Config.IsDraft(inc.Status):
		return "draft"
	case b.opts.Audience == "public" && strings.EqualFold(inc.Visibility, "internal"):
		return "internal"
	}
	return ""
}

// leftOut counts the incidents without a page by reason.
func (b *Assembly) leftOut() LeftOut {
	var l LeftOut
	for _, inc := range b.repo.Set.Incidents {
		switch b.leftOutFor(inc) {
		case "broken":
			l.Broken++
		case "draft":
			l.Drafts++
		case "internal":
			l.Internal++
		}
	}
	return l
}

// pathFor is the page path of a published incident added to the site
// after those already in b.byID. Every incident gets a folder of its own
// under incidents/, whatever its id: the first file with an id wins the
// URL and later duplicates get their file name appended, as does an id
// that names what the site writes in incidents/ itself (its list page
// index.html, the pages of that list under page/).
func (b *Assembly) pathFor(inc *postmortem.Incident) string {
	_, dup := b.byID[strings.ToLower(inc.ID)]
	reserved := reservedID(inc.ID)
	p := incidentPath(inc.ID)
	if dup || reserved {
		// Duplicate ids are reported by validation; the first file wins
		// the URL and the others get their file name appended.
		p = incidentPath(inc.ID + "-" + postmortem.Slug(strings.TrimSuffix(path.Base(inc.Source), path.Ext(inc.Source))))
	}
	if b.paths == nil {
		b.paths = map[string]bool{}
	}
	for n := 2; b.paths[strings.ToLower(p)]; n++ {
		p = strings.TrimSuffix(p, "/") + "-" + itoa(n) + "/"
	}
	b.paths[strings.ToLower(p)] = true
	if reserved {
		b.pathFindings = append(b.pathFindings, postmortem.Finding{File: inc.Source, Line: max(inc.FieldLines["id"], 1), Level: postmortem.LevelWarning, Rule: "id",
			Message: fmt.Sprintf("id %q is a name the site uses for its own pages in incidents/; this incident's page is %s", inc.ID, p)})
	}
	return p
}

// reservedID reports whether an id names a file or folder the site writes
// in incidents/ itself, compared as case-insensitive file systems do.
func reservedID(id string) bool {
	switch strings.ToLower(id) {
	case "index.html", "page":
		return true
	}
	return false
}

// Derive fills in what the pages show of an incident beside its model:
// action item counts, repository links and the placed timeline.
func (b *Assembly) Derive(v *Incident) {
	v.Open, v.Overdue = 0, 0
	for _, a := range v.ActionItems {
		// An item whose status is unknown is not counted open: nothing
		// says it is.
		if a.Status == postmortem.StatusOpen {
			v.Open++
			if a.Overdue(b.site.Now) {
				v.Overdue++
			}
		}
	}
	if b.site.RepoURL != "" {
		v.EditURL, v.HistoryURL = repoLinks(b.site.RepoURL, b.repo.Config.Branch, v.Source)
	}
}

// ReferenceTime is SOURCE_DATE_EPOCH, else the newest commit that touched a
// postmortem, else the clock; clock says it is the last.
func ReferenceTime(rp *repo.Repo) (t time.Time, clock bool) {
	if v := os.Getenv("SOURCE_DATE_EPOCH"); v != "" {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			return time.Unix(n, 0).UTC(), false
		}
	}
	var newest time.Time
	for _, inc := range rp.Set.Incidents {
		if inc.History != nil && inc.History.Updated.After(newest) {
			newest = inc.History.Updated
		}
	}
	if !newest.IsZero() {
		return newest.UTC(), false
	}
	return time.Now().UTC(), true
}

func sortNewestFirst(incs []*Incident) {
	slices.SortStableFunc(incs, func(a, b *Incident) int {
		if c := b.Date.Compare(a.Date); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
}

// repoLinks returns the "edit this page" and "view history" URLs for GitHub
// and GitLab style hosts.
func repoLinks(repoURL, branch, source string) (string, string) {
	if branch == "" {
		branch = "main"
	}
	if strings.Contains(repoURL, "gitlab") {
		return repoURL + "/-/edit/" + branch + "/" + source, repoURL + "/-/commits/" + branch + "/" + source
	}
	return repoURL + "/edit/" + branch + "/" + source, repoURL + "/commits/" + branch + "/" + source
}

// relate links each incident to the n others sharing the most services
// (weight 2) and tags (weight 1), newest first on ties, through an inverted
// index rather than comparing every pair.
func relate(incs []*Incident, n int) { relateRows(incs, n, nil) }

// relateRows is relate for the incidents at the given positions of incs
// only (all when rows is nil).
func relateRows(incs []*Incident, n int, rows []int) {
	post := map[string][]int{}
	byID := make(map[string]int, len(incs))
	for i, inc := range incs {
		if _, dup := byID[strings.ToLower(inc.ID)]; !dup {
			byID[strings.ToLower(inc.ID)] = i
		}
		for _, t := range inc.Tags {
			post["t:"+lower(t)] = append(post["t:"+lower(t)], i)
		}
		for _, s := range inc.Services {
			post["s:"+lower(s)] = append(post["s:"+lower(s)], i)
		}
	}
	score := make([]int, len(incs))
	var touched []int
	if rows == nil {
		rows = make([]int, len(incs))
		for i := range rows {
			rows[i] = i
		}
	}
	for _, i := range rows {
		inc := incs[i]
		inc.Related = nil
		touched = touched[:0]
		add := func(key string, w int) {
			for _, j := range post[key] {
				if j == i {
					continue
				}
				if score[j] == 0 {
					touched = append(touched, j)
				}
				score[j] += w
			}
		}
		for _, t := range inc.Tags {
			add("t:"+lower(t), 1)
		}
		for _, s := range inc.Services {
			add("s:"+lower(s), 2)
		}
		for _, id := range inc.Incident.Related {
			if j, ok := byID[strings.ToLower(id)]; ok && j != i {
				if score[j] == 0 {
					touched = append(touched, j)
				}
				score[j] += 100
			}
		}
		// Keep the n best in one pass instead of sorting every candidate:
		// popular tags make thousands of candidates per incident.
		top := make([]int, 0, n+1)
		better := func(a, b int) bool { return score[a] > score[b] || score[a] == score[b] && a < b }
		for _, j := range touched {
			if len(top) == n && !better(j, top[n-1]) {
				continue
			}
			k := len(top)
			top = append(top, j)
			for k > 0 && better(j, top[k-1]) {
				top[k] = top[k-1]
				k--
			}
			top[k] = j
			if len(top) > n {
				top = top[:n]
			}
		}
		for _, j := range top {
			inc.Related = append(inc.Related, incs[j])
		}
		for _, j := range touched {
			score[j] = 0
		}
	}
}

// relatedTextMax is the largest site whose related incidents are found
// by indexer.Relations, in text as well as tags and services. Every list
// is found again on every edit under serve: 45 ms at 1,000 postmortems,
// 0.9 s at 10,000 on this project's 2-core machine (BenchmarkRelated in
// package search). Larger sites keep the tag and service overlap, where an
// edit changes only the lists that share a tag or service with it.
const relatedTextMax = 3000

// RelatedFromText says whether related incidents are found by
// indexer.Relations.
func (b *Assembly) RelatedFromText() bool {
	n, limit := len(b.site.Incidents), relatedTextMax
	if b.opts.RelatedTextMax != 0 {
		limit = b.opts.RelatedTextMax
	}
	return n >= 2 && n <= limit
}

// RelateByText replaces each incident's related list with indexer.Relations'
// answer among the published incidents (shared tags and services plus
// similar text), after those named in the front matter and filled up from
// the overlap list. It depends on the incidents alone, so every build of
// the same postmortems finds the same lists.
func (b *Assembly) RelateByText(ctx context.Context) error {
	incs := b.site.Incidents
	if !b.RelatedFromText() {
		return nil
	}
	models := make([]*postmortem.Incident, len(incs))
	of := make(map[*postmortem.Incident]*Incident, len(incs))
	for i, v := range incs {
		models[i] = v.Incident
		of[v.Incident] = v
	}
	rel := indexer.NewRelations(models)
	return parallel(ctx, len(incs), func(i int) error {
		v := incs[i]
		var out []*Incident
		add := func(o *Incident) {
			if o != nil && o != v && len(out) < 5 && !slices.Contains(out, o) {
				out = append(out, o)
			}
		}
		// Incidents named in the front matter come first.
		for _, id := range v.Incident.Related {
			add(b.byID[strings.ToLower(id)])
		}
		for _, inc := range rel.Related(v.Incident, 5+len(v.Incident.Related)) {
			add(of[inc])
		}
		for _, o := range v.Related {
			add(o)
		}
		v.Related = out
		return nil
	})
}

// render turns every incident's Markdown into HTML on all cores.
func (b *Assembly) render(ctx context.Context) error {
	incs := b.site.Incidents
	return parallel(ctx, len(incs), func(i int) error { return b.RenderLessons(incs[i]) })
}

// parallel calls fn for 0..n-1 on every core and returns the first error
// (or the context's). It stops handing out work once ctx is done.
func parallel(ctx context.Context, n int, fn func(i int) error) error {
	work := make(chan int)
	errc := make(chan error, 1)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				if err := safely(func() error { return fn(i) }); err != nil {
					sendErr(errc, err)
				}
			}
		}()
	}
	for i := range n {
		if ctx.Err() != nil {
			break
		}
		work <- i
	}
	close(work)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return err
	}
	select {
	case err := <-errc:
		return err
	default:
		return nil
	}
}

// safely calls fn, turning a panic into an error: a bug met by one page
// fails the build with a message, instead of killing the process (and a
// server with it) before it has removed its temporary folders.
func safely(fn func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("internal error: %v", r)
		}
	}()
	return fn()
}

// RenderLessons renders what other pages show of an incident: its lessons.
// The body is rendered by renderBody just before its page is written, so
// the HTML of 10,000 pages is never held at once.
func (b *Assembly) RenderLessons(v *Incident) error {
	v.Lessons, v.lessonLinks = "", linkSet{}
	if sec := v.Section(postmortem.SectionLessons); sec != nil {
		lo, err := b.md.Render([]byte(sec.Text), &resolver{b: b, from: v.Source, links: &v.lessonLinks})
		if err != nil {
			return fmt.Errorf("%s: render: %w", v.Source, err)
		}
		// A lessons page shows the lessons of many incidents: each keeps
		// its headings' and footnotes' ids apart with its page's name.
		v.Lessons = trustedHTML(markdown.PrefixIDs(lo.HTML, lessonIDPrefix(v)))
	}
	return nil
}

// lessonIDPrefix is what the ids in an incident's lessons start with on
// the lessons pages: the name of its page, unique in the site.
func lessonIDPrefix(v *Incident) string {
	return strings.TrimSuffix(strings.TrimPrefix(v.Path, pathIncidents), "/") + "-"
}

// findings are the problems found while writing the pages: links in
// postmortems, and theme files left out.
func (b *Assembly) findings() []postmortem.Finding {
	out := slices.Concat(b.themeFindings, b.pathFindings)
	for _, v := range b.site.Incidents {
		out = append(out, v.bodyFindings...)
	}
	return out
}

// resolver maps relative links in one postmortem to site URLs: other
// postmortems to their pages, other files inside the repository to copied
// attachments. It notes in links what it looked up and what it copies.
type resolver struct {
	b     *Assembly
	from  string
	links *linkSet
	// refused maps a destination Resolve gave no working link to the
	// problem to report, for Refusal.
	refused map[string][2]string
}

// linkSet is what rendering one piece of Markdown linked to, as
// repository-relative paths: the files it copies as attachments, and every
// path it looked up, so that live.Site.Update knows which files other than
// postmortems the pages depend on.
type linkSet struct {
	files, looked []string
}

// Resolve implements markdown.Resolver.
func (r *resolver) Resolve(dest string, image bool) (string, bool) {
	// A target that is missing, outside the repository, or a postmortem
	// left out of this build (draft, internal) gets no working link: the
	// fallback "#" keeps the site free of dangling links, and the renderer
	// reports the problem with its line.
	const missing = "#"
	// A site-root path ("/assets/images/graph.png") is relative to the
	// repository root, as GitHub reads it; any other path to the
	// postmortem's folder.
	var p string
	if strings.HasPrefix(dest, "/") {
		p = strings.TrimPrefix(path.Clean(dest), "/")
	} else {
		p = path.Clean(path.Join(path.Dir(r.from), dest))
	}
	if p == "" || p == ".." || strings.HasPrefix(p, "../") || strings.HasPrefix(p, "/") || strings.ContainsRune(p, 0) {
		return missing, false
	}
	r.links.looked = append(r.links.looked, p)
	if v, ok := r.b.bySource[p]; ok && !image {
		return r.b.site.BasePath + v.Path, true
	}
	a := r.b.checkAttachment(p)
	if a.rule != "" || a.file.Path == "" {
		if a.msg != "" {
			if r.refused == nil {
				r.refused = map[string][2]string{}
			}
			r.refused[dest] = [2]string{a.rule, a.msg}
		}
		return missing, false
	}
	r.links.files = append(r.links.files, p)
	return r.b.site.BasePath + "files/" + p, true
}

// Refusal implements markdown.Refuser: why Resolve gave dest no working
// link, when it was more than a missing file.
func (r *resolver) Refusal(dest string, image bool) (rule, msg string) {
	why := r.refused[dest]
	return why[0], why[1]
}
