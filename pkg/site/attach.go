package site

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"

	"github.com/inquest-dev/inquest/pkg/attachment"
	"github.com/inquest-dev/inquest/pkg/markdown"
	"github.com/inquest-dev/inquest/pkg/postmortem"
	"github.com/inquest-dev/inquest/pkg/worktree"
)

// maxAttachment is the largest file copied into the site.
const maxAttachment = 64 << 20

// maxInspected is the largest SVG or XML file read to be sanitised or
// checked for script; a larger one is refused.
const maxInspected = 16 << 20

// Rules of the findings about attachments.
const (
	ruleSymlink    = "symlink"
	ruleAttachment = "attachment"
)

// attached is what the site makes of one file a postmortem links to: the
// file to copy, and the bytes to write when they are not the file's own
// (a sanitised SVG); or why it is not copied.
type attached struct {
	file worktree.File
	data []byte
	rule string // "" when it is copied
	msg  string
}

// attachments caches what checkAttachment found, by repository path, for
// one build: rendering decides whether a link works, writing copies.
type attachmentCache struct{ m sync.Map }

// checkAttachment applies the site's rule to a file a postmortem links to,
// a repository-relative path that is no postmortem of the site: it is
// copied only when the work tree's rule allows it (see package worktree),
// when it is not hidden, excluded, a postmortem left out of the site, too
// large or active content (see package attachment), and, for a build in a
// Git repository, when Git tracks it. `inquest serve` previews what the
// author has not committed yet. A missing file has rule "" and no message.
func (b *Assembly) checkAttachment(p string) *attached {
	if a, ok := b.attached.m.Load(p); ok {
		return a.(*attached)
	}
	a := b.attachment(p)
	b.attached.m.Store(p, a)
	return a
}

func (b *Assembly) attachment(p string) *attached {
	cfg, tree := b.repo.Config, b.repo.Tree
	refuse := func(rule, format string, args ...any) *attached {
		return &attached{rule: rule, msg: fmt.Sprintf(format, args...)}
	}
	if worktree.Hidden(p) {
		return refuse(ruleAttachment, "%s is hidden: hidden files and folders (.git, .env, …) are never published", p)
	}
	if cfg.Excluded(p) {
		return refuse(ruleAttachment, "%s is excluded by exclude in inquest.yaml: it is not published", p)
	}
	if cfg.Match(p) {
		// A postmortem left out of this build (a draft, an internal one):
		// the renderer's "missing" says so.
		return &attached{}
	}
	f, err := tree.Resolve(p)
	var r *worktree.Refusal
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return &attached{}
	case errors.As(err, &r) && r.Linked():
		return refuse(ruleSymlink, "%s is a symbolic link to %s that %s; it is not published", p, r.Target, r.Reason)
	case errors.As(err, &r):
		return refuse(ruleAttachment, "%s %s; it is not published", p, r.Reason)
	case err != nil:
		return refuse(ruleAttachment, "%s cannot be read: %v", p, err)
	case f.Linked && (cfg.Match(f.Real) || cfg.Excluded(f.Real)):
		return refuse(ruleSymlink, "%s is a symbolic link to %s, a postmortem or an excluded file; it is not published", p, f.Real)
	case f.Size > maxAttachment:
		return refuse(ruleAttachment, "%s is %d bytes, larger than the %d MiB limit for an attachment; it is not published", p, f.Size, maxAttachment>>20)
	case tree.Git() && !f.Linked && !b.opts.Serve && !tree.Tracked(f.Real):
		return refuse(ruleAttachment, "%s is not committed: git add it (inquest serve shows it; build publishes only what Git tracks)", p)
	}
	a := &attached{file: f}
	if attachment.KindOf(p) == attachment.Plain || cfg.AllowsActive(attachment.Ext(p)) {
		return a
	}
	if f.Size > maxInspected {
		return refuse(ruleAttachment, "%s is %d bytes, larger than the %d MiB limit for an SVG or XML file, which is checked for script; it is not published", p, f.Size, maxInspected>>20)
	}
	data, err := readAll(tree, f)
	if err != nil {
		return refuse(ruleAttachment, "%s cannot be read: %v", p, err)
	}
	if a.data, err = attachment.Publish(p, data, cfg.AllowsActive); err != nil {
		return refuse(ruleAttachment, "%v", err)
	}
	return a
}

// readAll reads a file the tree allowed.
func readAll(tree *worktree.Tree, f worktree.File) ([]byte, error) {
	fh, err := tree.Open(f)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	return io.ReadAll(io.LimitReader(fh, maxAttachment+1))
}

// CopyAttachments copies images and files linked from postmortems (paths,
// repository-relative) under dir/files/: those checkAttachment let through,
// each opened where it resolved to (see worktree.Tree.Open).
func (b *Assembly) CopyAttachments(dir string, paths []string) error {
	for _, p := range paths {
		a := b.checkAttachment(p)
		if a.rule != "" || a.file.Path == "" {
			continue // reported when the page linking to it was rendered
		}
		dst := filepath.Join(dir, "files", filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		if err := b.copyAttachment(a, dst); err != nil {
			return fmt.Errorf("copy %s: %w", p, err)
		}
	}
	return nil
}

func (b *Assembly) copyAttachment(a *attached, dst string) error {
	if a.data != nil {
		return os.WriteFile(dst, a.data, 0o644)
	}
	src, err := b.repo.Tree.Open(a.file)
	if err != nil {
		return err
	}
	defer src.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	n, err := io.Copy(out, io.LimitReader(src, maxAttachment+1))
	if err == nil && n > maxAttachment {
		err = fmt.Errorf("grew past the %d MiB limit while being copied", maxAttachment>>20)
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	return err
}

// linkFinding is the finding for a problem the renderer reported in an
// incident's Markdown, at line (of the file).
func linkFinding(source string, line int, rule, msg string) postmortem.Finding {
	switch rule {
	case ruleSymlink:
		return postmortem.Finding{File: source, Line: line, Level: postmortem.LevelError, Rule: ruleSymlink, Message: msg}
	case ruleAttachment, markdown.RuleRender:
		return postmortem.Finding{File: source, Line: line, Level: postmortem.LevelWarning, Rule: rule, Message: msg}
	}
	return postmortem.Finding{File: source, Line: line, Level: postmortem.LevelWarning, Rule: "links", Message: msg}
}
