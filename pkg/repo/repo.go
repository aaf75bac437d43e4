// Package repo loads a postmortem repository: configuration, discovery and
// parsing, validation, and the one pass over Git history. Every command
// starts here.
package repo

import (
	"context"
	"fmt"

	"github.com/inquest-dev/inquest/pkg/cache"
	"github.com/inquest-dev/inquest/pkg/config"
	"github.com/inquest-dev/inquest/pkg/history"
	"github.com/inquest-dev/inquest/pkg/postmortem"
	"github.com/inquest-dev/inquest/pkg/worktree"
)

// Options select the load stages.
type Options struct {
	// History reads Git history (one pass) and attaches it to incidents.
	History bool
	// CacheDir holds the history cache; "" means the default per-user
	// cache folder (see CacheDir).
	CacheDir string
	// OneLoad says the process loads the repository once and ends (a
	// build, check, export): the history's caches may then be mapped
	// into memory for the life of the process (history.Options.MapCaches).
	OneLoad bool
}

// Repo is a loaded postmortem repository: configuration, incidents with
// their findings, and the history stage's warnings.
type Repo struct {
	Root string
	// Tree is the work tree under inquest's rule for reading it: whatever
	// is read from it into output (postmortems, attachments, theme files)
	// is read through it.
	Tree     *worktree.Tree
	Config   *config.Config
	Set      *postmortem.Set
	Warnings []string
	// HistoryError is why Git history, or part of it, could not be read
	// (a corrupt pack, say); the incidents then lack that history and
	// Warnings says so. Nil when it was read or not asked for.
	HistoryError error

	// history is the Git history whose field changes LoadStaged left for
	// AttachFieldChanges; nil once they are attached.
	history *history.Repo
	// git is the Git history read, kept for History; nil without.
	git *history.Repo
}

// History returns the Git history the incidents' histories come from, for
// reading earlier versions of their files (history.Repo.Versions); nil
// when Options.History was not set.
func (r *Repo) History() *history.Repo { return r.git }

// Load runs the stages every command shares: configuration, discovery and
// parsing, validation, and optionally the one pass over Git history.
func Load(ctx context.Context, root string, opts Options) (*Repo, error) {
	r, err := LoadStaged(ctx, root, opts)
	if err != nil {
		return nil, err
	}
	if err := r.AttachFieldChanges(ctx); err != nil {
		return nil, err
	}
	return r, nil
}

// LoadStaged is Load but for the fields each revision changed, which
// AttachFieldChanges adds: reading and parsing every earlier version of
// every postmortem takes most of the time history costs. Everything else
// about an incident, its date from Git included, is final; work that
// needs no field changes, such as the search index, can start before
// AttachFieldChanges, which must be called before the revisions' Changes
// are read.
func LoadStaged(ctx context.Context, root string, opts Options) (*Repo, error) {
	cfg, err := config.Load(root)
	if err != nil {
		return nil, err
	}
	tree, err := Tree(root)
	if err != nil {
		return nil, err
	}
	if !opts.History {
		set, err := postmortem.LoadWith(ctx, tree, cfg, postmortem.NewParser(cfg))
		if err != nil {
			return nil, err
		}
		return &Repo{Root: root, Tree: tree, Config: cfg, Set: set}, nil
	}
	cacheDir := opts.CacheDir
	if cacheDir == "" {
		cacheDir = CacheDir(root)
	}
	var warnings []string
	histCache, err := HistoryCache(cacheDir)
	if err != nil {
		warnings = append(warnings, fmt.Sprintf("history cache not used: %v", err))
	}
	// The history walk does not need the parsed postmortems, only Attach
	// does: the two run side by side, each on its own cores.
	type loaded struct {
		h        *history.Repo
		warnings []string
		err      error
	}
	hist := make(chan loaded, 1)
	// Discovery first: with no content configured it settles the globs
	// the history's Include and Roots read.
	paths, findings, found, err := postmortem.DiscoverAll(ctx, tree, cfg)
	if err != nil {
		return nil, err
	}
	// Without a fields cache from an earlier build, the field changes
	// parse every earlier version of the files parsed here, which mostly
	// share their front-matter entries with the work tree's: the parse
	// then puts those in the cache the history's Fields reads. With one,
	// that would be work for nothing (0.4 CPU-s at 10k).
	parser := postmortem.NewParser(cfg)
	version := parser.FieldsVersion()
	fields := parser.NewFieldsCache()
	if !history.FieldsCached(histCache, version) {
		parser = fields.SeedingParser()
	}
	go func() {
		h, warnings, err := history.Load(ctx, root, history.Options{
			Include:       cfg.Match,
			Roots:         cfg.ContentRoots(),
			Trailers:      cfg.Trailers,
			Fields:        fields,
			FieldsVersion: version,
			Items:         fields,
			ItemsVersion:  fields.ItemsVersion(),
			CacheDir:      histCache,
			MapCaches:     opts.OneLoad,
		})
		hist <- loaded{h, warnings, err}
	}()
	set, err := postmortem.ParsePaths(ctx, tree, parser, paths, findings, found)
	hl := <-hist
	if err != nil {
		return nil, err
	}
	if hl.err != nil {
		return nil, hl.err
	}
	r := &Repo{Root: root, Tree: tree, Config: cfg, Set: set, history: hl.h, git: hl.h}
	r.Warnings = append(append(r.Warnings, warnings...), hl.warnings...)
	if err := hl.h.AttachRevisions(ctx, set.Incidents); err != nil {
		return nil, err
	}
	r.settleHistory()
	// A date from Git is the incident's date: validation sees it.
	for _, inc := range set.Incidents {
		inc.DateFromHistory()
	}
	postmortem.LearnScales(cfg, set.Incidents)
	postmortem.Validate(cfg, set.Incidents)
	return r, nil
}

// AttachFieldChanges adds the fields each revision changed to the
// incidents' history, which LoadStaged leaves out, and what changed since
// each stale sign-off. Once they are there
// (and after Load), it does nothing.
func (r *Repo) AttachFieldChanges(ctx context.Context) error {
	if r.history == nil {
		return nil
	}
	if err := r.history.AttachChanges(ctx, r.Set.Incidents); err != nil {
		return err
	}
	if err := r.history.AttachSinceApproval(ctx, r.Set.Incidents); err != nil {
		return err
	}
	r.settleHistory()
	r.history = nil
	return nil
}

// settleHistory records what could not be read from Git: a warning, not a
// failure.
func (r *Repo) settleHistory() {
	r.Warnings = append(r.Warnings, r.history.AttachWarnings()...)
	r.HistoryError = r.history.ReadError()
}

// CacheDir is where a repository's caches live (see package cache): a
// folder of its own under $INQUEST_CACHE_DIR, else under the user cache
// folder; "" when neither is known.
func CacheDir(root string) string { return cache.For(root).Dir() }

// HistoryCache is the folder of the cache folder cacheDir where package
// history keeps its cache (history.Options.CacheDir), made ready to write;
// "" when cacheDir is "". Whoever loads the history with a cache gives it
// this folder, so that the build and serve's updates share one cache.
func HistoryCache(cacheDir string) (string, error) {
	return cache.At(cacheDir).Open(cache.History)
}
