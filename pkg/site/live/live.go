// Package live updates a site that package site built, in its folder, as
// postmortems are edited: `inquest serve`'s incremental engine. It keeps
// what a whole build made (site.BuildFrom's assembly), sorts changed
// paths into what it can apply in place and what needs a whole build
// (classify), parses the edited postmortems again, finds the pages whose
// rendering an edit changes (a render probe of each edited incident on
// every template, then a comparison of each page's data) and renames
// those pages, the extra files and a spliced api/incidents.json into the
// served folder. It drives the build only through site's exported stage
// API; site never imports it.
package live

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/inquest-dev/inquest/pkg/history"
	"github.com/inquest-dev/inquest/pkg/postmortem"
	"github.com/inquest-dev/inquest/pkg/repo"
	"github.com/inquest-dev/inquest/pkg/site"
)

// Site builds a site once and keeps what the build made — the parsed
// repository, the assembled site, the data of every page, where each
// incident is in api/incidents.json — so that when postmortems are edited
// Update re-parses only those files and re-renders only the pages that
// show them, writing each changed file into the site folder by rename. The
// result is byte for byte what site.Build makes of the edited repository.
// `inquest serve` uses one. A Site is not safe for concurrent use.
type Site struct {
	opts site.BuildOptions
	st   *keptBuild // nil until a build succeeded, and after a failed one
	// loads are the Git history reads builds left running; see Wait.
	loadsMu sync.Mutex
	loads   []*histLoad
}

// Wait waits for the work builds left running in the background: the Git
// history read for later updates, which writes into the cache folder and
// stops early once the build's context is cancelled. Call it before the
// cache folder goes, or when the Site is done with.
func (ls *Site) Wait() {
	ls.loadsMu.Lock()
	loads := ls.loads
	ls.loads = nil
	ls.loadsMu.Unlock()
	for _, hl := range loads {
		<-hl.done
	}
}

// New returns a Site for opts; opts.Out is ignored, each build
// names its folder. Its sites are for `inquest serve` (opts.Serve is set):
// an update in place does not rewrite the WebAssembly search files.
func New(opts site.BuildOptions) *Site {
	opts.Force = true // a live site always builds; the stamp is for site.Build
	opts.Serve = true
	if opts.CacheDir == "" {
		opts.CacheDir = repo.CacheDir(opts.Dir)
	}
	return &Site{opts: opts}
}

// keptBuild is what a whole build leaves for Site.Update.
type keptBuild struct {
	rp    *repo.Repo
	b     *site.Assembly
	out   string
	head  string // HEAD when the repository was loaded; "" without history
	clock bool   // Now came from the clock: updates keep it
	// positions maps a postmortem's path to its position in rp.Set.Incidents.
	positions map[string]int
	symlinks  bool // some postmortem is a symbolic link
	looked    map[string]bool
	files     []string // attachments in the site
	hist      *histLoad
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

// keep records a finished whole build.
func (st *keptBuild) keep(b *site.Assembly, out string) {
	rp := b.Repo()
	st.rp, st.b, st.out = rp, b, out
	st.positions = make(map[string]int, len(rp.Set.Incidents))
	for i, inc := range rp.Set.Incidents {
		st.positions[inc.Source] = i
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
func (ls *Site) Build(ctx context.Context, out string) (*site.Result, error) {
	return ls.buildWhole(ctx, out, nil)
}

// buildWhole builds the whole site into out, from the repository of reuse when
// it is not nil.
func (ls *Site) buildWhole(ctx context.Context, out string, reuse *keptBuild) (*site.Result, error) {
	st := &keptBuild{}
	opts := ls.opts
	opts.Out = out
	if reuse != nil {
		st.head, st.hist = reuse.head, reuse.hist
		if reuse.clock {
			opts.Now = reuse.b.Site().Now
		}
	}
	ls.st = nil
	var loaded *repo.Repo
	if reuse != nil {
		loaded = reuse.rp
	} else if !opts.NoHistory {
		// Read before the load: a commit made during it moves HEAD away
		// from this, and the next update starts again.
		st.head = repo.Head(opts.Dir)
	}
	res, asm, err := site.BuildFrom(ctx, opts, loaded)
	if err != nil {
		return res, err
	}
	st.keep(asm, out)
	// A reference time read from the clock stays that of this build for
	// the updates that follow, so that their pages agree with the rest.
	_, clock := site.ReferenceTime(st.rp)
	st.clock = reuse != nil && reuse.clock || ls.opts.Now.IsZero() && clock
	// The whole build brought the index up to date beside the pages.
	st.indexed = true
	st.findings = map[string][]postmortem.Finding{}
	for _, f := range res.Findings {
		st.findings[f.File] = append(st.findings[f.File], f)
	}
	if st.hist == nil && !opts.NoHistory {
		st.hist = loadHistory(ctx, st.rp, opts.CacheDir)
		ls.loadsMu.Lock()
		ls.loads = append(ls.loads, st.hist)
		ls.loadsMu.Unlock()
	}
	ls.st = st
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
func (ls *Site) Update(ctx context.Context, changed []string, out string) (*site.Result, error) {
	st := ls.st
	if st == nil {
		return ls.Build(ctx, out)
	}
	start := time.Now()
	c, why := st.classify(ls.opts, changed)
	files := len(c.edited) + len(c.added) + len(c.removed)
	if why == "" && (files > 0 || c.git) && !ls.opts.NoHistory && repo.Head(ls.opts.Dir) != st.head {
		why = "HEAD moved"
	}
	if why != "" {
		return ls.rebuild(ctx, out, nil, why)
	}
	if files == 0 {
		return &site.Result{Out: st.out, UpToDate: true, IndexDir: repo.IndexDir(ls.opts.CacheDir)}, nil
	}
	// Until the update is through, the kept state is half old, half new.
	ls.st = nil
	if len(c.added)+len(c.removed) > 0 {
		// Every page counts the incidents: all are written again, but
		// from the kept repository, with only these files read.
		err := st.restructure(ctx, ls.opts, c)
		switch {
		case errors.Is(err, errHeadMoved), errors.Is(err, errScalesMoved):
			return ls.rebuild(ctx, out, nil, err.Error())
		case err != nil:
			return nil, err
		}
		return ls.rebuild(ctx, out, st, "postmortems were added or removed")
	}
	res, whole, err := st.update(ctx, ls.opts, c.edited)
	switch {
	case errors.Is(err, errHeadMoved), errors.Is(err, errScalesMoved):
		return ls.rebuild(ctx, out, nil, err.Error())
	case err != nil && ctx.Err() == nil:
		// A rename into the served folder may have failed half way,
		// leaving it part old, part new: a whole build into out
		// replaces it. When that fails too, both errors are reported
		// and the next Update builds again.
		res, rerr := ls.rebuild(ctx, out, nil, "an update failed: "+err.Error())
		if rerr != nil {
			return nil, errors.Join(err, rerr)
		}
		return res, nil
	case err != nil:
		return nil, err
	case whole != "":
		return ls.rebuild(ctx, out, st, whole)
	}
	ls.st = st
	res.Elapsed = time.Since(start)
	return res, nil
}

// rebuild builds the whole site into out, from the repository of reuse
// when it is not nil, and says why in the result.
func (ls *Site) rebuild(ctx context.Context, out string, reuse *keptBuild, why string) (*site.Result, error) {
	res, err := ls.buildWhole(ctx, out, reuse)
	if res != nil {
		res.Rebuilt = why
	}
	return res, err
}

// Concerns reports whether Update has anything to do for the changed
// paths: false for files the site does not read, and for changes inside
// .git that leave HEAD where it was (git status rewrites the index).
func (ls *Site) Concerns(changed []string) bool {
	st := ls.st
	if st == nil {
		return true
	}
	c, why := st.classify(ls.opts, changed)
	if why != "" || len(c.edited)+len(c.added)+len(c.removed) > 0 {
		return true
	}
	return c.git && !ls.opts.NoHistory && repo.Head(ls.opts.Dir) != st.head
}

// Forget drops the kept state: the next Update builds the whole site.
func (ls *Site) Forget() { ls.st = nil }

// errHeadMoved says that HEAD moved between the whole build and the
// reading of the history for updates: the kept repository is stale.
var errHeadMoved = errors.New("HEAD moved")

// UpdateIndex brings the search index in the cache folder up to date with
// the incidents of the last Update; Build and Update leave it to the
// caller so that the pages are ready first.
func (ls *Site) UpdateIndex(ctx context.Context) error {
	st := ls.st
	if st == nil || st.indexed {
		return nil
	}
	return st.updateIndex(ctx, ls.opts)
}

func (st *keptBuild) updateIndex(ctx context.Context, opts site.BuildOptions) error {
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
