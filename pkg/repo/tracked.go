package repo

import (
	"errors"
	"path/filepath"
	"strings"
	"sync"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/inquest-dev/inquest/pkg/worktree"
)

// Tree is the work tree of the repository at root under inquest's rule for
// reading it (see package worktree), knowing what Git tracks when root is
// inside a Git work tree.
func Tree(root string) (*worktree.Tree, error) {
	tracked, err := trackedFiles(root)
	if err != nil {
		return nil, err
	}
	var fn func(string) bool
	if tracked != nil {
		fn = tracked.has
	}
	return worktree.New(root, worktree.Options{Tracked: fn})
}

// tracked answers whether Git tracks a file: one in the index, or in
// HEAD's tree. Both are read on the first question only, so a repository
// without symbolic links or attachments never reads them.
type tracked struct {
	repo   *git.Repository
	root   string
	prefix string // root relative to the work tree, "" or ending in "/"

	once  sync.Once
	index map[string]bool

	mu   sync.Mutex // the HEAD tree caches what it reads
	head *object.Tree
}

// trackedFiles opens the Git repository whose work tree holds root; nil
// when there is none (no repository, or a bare one).
func trackedFiles(root string) (*tracked, error) {
	r, err := git.PlainOpenWithOptions(root, &git.PlainOpenOptions{DetectDotGit: true, EnableDotGitCommonDir: true})
	if errors.Is(err, git.ErrRepositoryNotExists) {
		return nil, nil
	}
	if err != nil {
		// A repository that cannot be opened tracks nothing we can
		// know: every link is refused, which is what doubt calls for.
		t := &tracked{}
		t.once.Do(func() { t.index = map[string]bool{} })
		return t, nil
	}
	wt, err := r.Worktree()
	if err != nil {
		return nil, nil // bare
	}
	top, err := filepath.EvalSymlinks(wt.Filesystem.Root())
	if err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	if abs, err = filepath.EvalSymlinks(abs); err != nil {
		return nil, err
	}
	rel, err := filepath.Rel(top, abs)
	if err != nil || strings.HasPrefix(rel, "..") {
		return nil, nil
	}
	t := &tracked{repo: r, root: root}
	if rel != "." {
		t.prefix = filepath.ToSlash(rel) + "/"
	}
	return t, nil
}

func (t *tracked) load() {
	t.index = map[string]bool{}
	if idx, err := t.repo.Storer.Index(); err == nil {
		for _, e := range idx.Entries {
			if e.Mode == filemode.Regular || e.Mode == filemode.Executable {
				t.index[e.Name] = true
			}
		}
	}
	if head := Head(t.root); head != "" {
		if c, err := t.repo.CommitObject(plumbing.NewHash(head)); err == nil {
			t.head, _ = c.Tree()
		}
	}
}

// has reports whether Git tracks rel (relative to root) as a regular file.
func (t *tracked) has(rel string) bool {
	t.once.Do(t.load)
	p := t.prefix + rel
	if t.index[p] {
		return true
	}
	if t.head == nil {
		return false
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	e, err := t.head.FindEntry(p)
	return err == nil && (e.Mode == filemode.Regular || e.Mode == filemode.Executable)
}
