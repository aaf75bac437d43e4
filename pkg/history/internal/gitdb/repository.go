// Package gitdb reads a Git repository at the speed a one-pass history
// needs: the commits reachable from HEAD in git log's order, comparisons of
// two root trees limited to some folders, with the source of each added
// file found among the files deleted anywhere in the tree as git's rename
// detection finds it, and blobs. It knows Git, not what the files in it
// mean.
//
// Opening the repository, references, the index, pack indexes, loose
// objects and any storage the pack reader does not handle (alternates,
// SHA-256) are go-git's. Pack files are read here, through a memory map and
// a cache of inflated objects per goroutine: go-git's storer decodes every
// deltified tree again on each access and serialises its readers, while a
// history pass needs each of about 100,000 tree versions once, from several
// goroutines, each one delta away from the last.
//
// The package's tests compare what it reads with what the git binary
// prints for the same repositories.
package gitdb

import (
	"errors"
	"os"
	"path/filepath"
	"strings"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/storage/filesystem"
)

// ErrNotRepository is returned by Open for a folder that is in no Git
// repository.
var ErrNotRepository = git.ErrRepositoryNotExists

// ErrNoCommits is returned by Head for a repository without commits.
var ErrNoCommits = errors.New("the repository has no commits yet")

// Repository is an open Git repository.
type Repository struct {
	repo     *git.Repository
	workTree string // "" when bare
	gitDir   string // "" when the storage is not a folder
}

// Open opens the repository containing dir, as git does from a folder in
// a work tree: it looks for .git in dir and its parents, and follows a
// linked work tree to its common folder.
func Open(dir string) (*Repository, error) {
	gr, err := git.PlainOpenWithOptions(dir, &git.PlainOpenOptions{DetectDotGit: true, EnableDotGitCommonDir: true})
	if err != nil {
		return nil, err
	}
	r := &Repository{repo: gr}
	if wt, err := gr.Worktree(); err == nil {
		r.workTree = wt.Filesystem.Root()
	}
	if st, ok := gr.Storer.(*filesystem.Storage); ok {
		r.gitDir = st.Filesystem().Root()
	}
	return r, nil
}

// WorkTree returns the root folder of the work tree, or "" for a bare
// repository.
func (r *Repository) WorkTree() string { return r.workTree }

// Head returns the commit HEAD names; ErrNoCommits when it names none yet.
func (r *Repository) Head() (plumbing.Hash, error) {
	ref, err := r.repo.Head()
	if errors.Is(err, plumbing.ErrReferenceNotFound) {
		return plumbing.ZeroHash, ErrNoCommits
	}
	if err != nil {
		return plumbing.ZeroHash, err
	}
	return ref.Hash(), nil
}

// Shallow returns the commits a shallow clone was cut at, whose parents it
// does not have; none for a full clone.
func (r *Repository) Shallow() ([]plumbing.Hash, error) {
	return r.repo.Storer.Shallow()
}

// Partial reports whether the repository is a partial clone (git clone
// --filter=blob:none, actions/checkout's filter): git fetches the objects
// it left out when they are needed, so they are missing here by design,
// not by damage.
func (r *Repository) Partial() bool {
	cfg, err := r.repo.Config()
	if err != nil || cfg.Raw == nil {
		return false
	}
	if cfg.Raw.Section("extensions").Option("partialclone") != "" {
		return true
	}
	for _, s := range cfg.Raw.Section("remote").Subsections {
		if strings.EqualFold(s.Option("promisor"), "true") {
			return true
		}
	}
	return false
}

// objectsDir finds the object database, following the commondir of a
// linked work tree.
func (r *Repository) objectsDir() string {
	if r.gitDir == "" {
		return ""
	}
	dir := r.gitDir
	if b, err := os.ReadFile(filepath.Join(dir, "commondir")); err == nil {
		c := strings.TrimSpace(string(b))
		if !filepath.IsAbs(c) {
			c = filepath.Join(dir, c)
		}
		dir = c
	}
	return filepath.Join(dir, "objects")
}

// OpenObjects opens the object database. Close it when done: its pack files
// stay mapped until then.
func (r *Repository) OpenObjects() *Objects {
	return openObjects(r.objectsDir(), r.repo.Storer)
}
