package cli

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/inquest-dev/inquest/pkg/repo"
)

// changedFiles lists the postmortems (repository-relative slash paths)
// that differ between the merge base of HEAD and ref and the work tree:
// changed in the branch's commits, or changed or added and not committed.
func changedFiles(ctx context.Context, root, ref string, r *repo.Repo) ([]string, error) {
	// A linked work tree (git worktree add) keeps its refs and objects in
	// the main repository's .git, which go-git reads only when asked to.
	gr, err := git.PlainOpenWithOptions(root, &git.PlainOpenOptions{DetectDotGit: true, EnableDotGitCommonDir: true})
	if err != nil {
		return nil, usageError("--changed needs a Git repository: %v", err)
	}
	candidates := []string{ref}
	if ref == "origin/main" {
		candidates = append(candidates, "main", "origin/master", "master")
	}
	var base *object.Commit
	for _, c := range candidates {
		h, err := gr.ResolveRevision(plumbing.Revision(c))
		if err != nil {
			continue
		}
		if base, err = gr.CommitObject(*h); err == nil {
			break
		}
	}
	if base == nil {
		return nil, usageError("--changed: no branch %s in this repository", strings.Join(candidates, ", "))
	}
	headRef, err := gr.Head()
	if err != nil {
		return nil, fmt.Errorf("--changed: %w", err)
	}
	head, err := gr.CommitObject(headRef.Hash())
	if err != nil {
		return nil, fmt.Errorf("--changed: %w", err)
	}
	bases, err := head.MergeBase(base)
	if err != nil || len(bases) == 0 {
		return nil, usageError("--changed: HEAD and %s have no common ancestor", ref)
	}
	from, err := bases[0].Tree()
	if err != nil {
		return nil, err
	}
	to, err := head.Tree()
	if err != nil {
		return nil, err
	}
	changes, err := object.DiffTreeWithOptions(ctx, from, to, &object.DiffTreeOptions{})
	if err != nil {
		return nil, fmt.Errorf("--changed: %w", err)
	}
	// Paths in Git are relative to the work tree; the repository root of
	// inquest may be a folder inside it.
	prefix := ""
	if wt, err := gr.Worktree(); err == nil {
		if rel, err := filepath.Rel(wt.Filesystem.Root(), root); err == nil && rel != "." {
			prefix = filepath.ToSlash(rel) + "/"
		}
	}
	var out []string
	add := func(p string) {
		if p == "" || !strings.HasPrefix(p, prefix) {
			return
		}
		p = strings.TrimPrefix(p, prefix)
		if r.Config.Match(p) && !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	for _, c := range changes {
		add(c.To.Name)
		add(c.From.Name)
	}
	// Not committed yet: edited files, and files Git has never seen.
	for _, inc := range r.Set.Incidents {
		if inc.History == nil || inc.History.Uncommitted || len(inc.History.Revisions) == 0 {
			add(prefix + inc.Source)
		}
	}
	slices.Sort(out)
	return out, nil
}
