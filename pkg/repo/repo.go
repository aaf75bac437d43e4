// Package repo loads a postmortem repository: configuration, discovery and
// parsing, validation, and the one pass over Git history. Every command
// starts here.
package repo

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"time"

	"github.com/inquest-dev/inquest/pkg/config"
	"github.com/inquest-dev/inquest/pkg/history"
	"github.com/inquest-dev/inquest/pkg/postmortem"
)

// Options select the load stages.
type Options struct {
	// History reads Git history (one pass) and attaches it to incidents.
	History bool
	// CacheDir holds the history cache; "" means the default per-user
	// cache folder (see CacheDir).
	CacheDir string
}

// Repo is a loaded postmortem repository: configuration, incidents with
// their findings, and the history stage's warnings.
type Repo struct {
	Root     string
	Config   *config.Config
	Set      *postmortem.Set
	Warnings []string
}

// Load runs the stages every command shares: configuration, discovery and
// parsing, validation, and optionally the one pass over Git history.
func Load(ctx context.Context, root string, opts Options) (*Repo, error) {
	cfg, err := config.Load(root)
	if err != nil {
		return nil, err
	}
	if !opts.History {
		set, err := postmortem.Load(ctx, root, cfg)
		if err != nil {
			return nil, err
		}
		return &Repo{Root: root, Config: cfg, Set: set}, nil
	}
	cache := opts.CacheDir
	if cache == "" {
		cache = CacheDir(root)
	}
	// The history walk does not need the parsed postmortems, only Attach
	// does: the two run side by side, each on its own cores.
	type loaded struct {
		h        *history.Repo
		warnings []string
		err      error
	}
	hist := make(chan loaded, 1)
	go func() {
		parser := postmortem.NewParser(cfg)
		h, warnings, err := history.Load(ctx, root, history.Options{
			Include:       cfg.Match,
			Trailers:      cfg.Trailers,
			Fields:        parser.Fields,
			ParsedFields:  (*postmortem.Incident).ParsedFields,
			FieldsVersion: fieldsVersion(cfg),
			CacheDir:      cache,
		})
		hist <- loaded{h, warnings, err}
	}()
	set, err := postmortem.Load(ctx, root, cfg)
	hl := <-hist
	if err != nil {
		return nil, err
	}
	if hl.err != nil {
		return nil, hl.err
	}
	h := hl.h
	r := &Repo{Root: root, Config: cfg, Set: set}
	r.Warnings = append(r.Warnings, hl.warnings...)
	if h != nil {
		if err := h.Attach(ctx, set.Incidents); err != nil {
			return nil, err
		}
	}
	for _, inc := range set.Incidents {
		if inc.Date.IsZero() && inc.History != nil && !inc.History.Created.IsZero() {
			c := inc.History.Created
			inc.Date = time.Date(c.Year(), c.Month(), c.Day(), 0, 0, 0, 0, time.UTC)
			inc.DateSource = "git"
		}
	}
	return r, nil
}

// CacheDir is where a repository's caches live: $INQUEST_CACHE_DIR, else the
// user cache folder, one sub-folder per repository path.
func CacheDir(root string) string {
	base := os.Getenv("INQUEST_CACHE_DIR")
	if base == "" {
		ucd, err := os.UserCacheDir()
		if err != nil {
			return ""
		}
		base = filepath.Join(ucd, "inquest")
	}
	abs, _ := filepath.Abs(root)
	sum := sha256.Sum256([]byte(abs))
	return filepath.Join(base, postmortem.Slug(filepath.Base(abs))+"-"+hex.EncodeToString(sum[:6]))
}
