package site

import (
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/inquest-dev/inquest/pkg/postmortem"
	"github.com/inquest-dev/inquest/pkg/worktree"
	"github.com/inquest-dev/inquest/theme"
)

// maxThemeFile is the largest theme file read.
const maxThemeFile = 16 << 20

// ThemeDir is the folder of the repository's own theme files.
func ThemeDir(opts BuildOptions) string {
	if opts.ThemeDir != "" {
		return opts.ThemeDir
	}
	return filepath.Join(opts.Dir, "theme")
}

// themeFiles reads the repository's theme (its static and templates
// folders) under the work tree's rule, as postmortems and attachments are:
// a file there that is a symbolic link is read only when it leads to a
// regular file inside the repository that is not hidden, that Git tracks
// and that is no postmortem (nor excluded, unless it is inside the theme
// folder); a link to a folder is not followed. Each file left out is a
// finding, never a failed build. It returns nil when there is no theme
// folder.
func (b *Assembly) themeFiles() (fs.FS, []postmortem.Finding) {
	dir := ThemeDir(b.opts)
	tree, prefix := b.repo.Tree, ""
	absRoot, err1 := filepath.Abs(b.opts.Dir)
	absDir, err2 := filepath.Abs(dir)
	rel, err3 := filepath.Rel(absRoot, absDir)
	if err1 != nil || err2 != nil || err3 != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || tree == nil {
		// A theme folder given outside the repository is a tree of its own.
		t, err := worktree.New(dir, worktree.Options{})
		if err != nil {
			return nil, nil
		}
		tree = t
	} else if rel != "." {
		prefix = filepath.ToSlash(rel) + "/"
	}
	top := filepath.Join(tree.Root(), filepath.FromSlash(prefix))
	var findings []postmortem.Finding
	if st, err := os.Lstat(top); err != nil {
		return nil, nil
	} else if st.Mode()&fs.ModeSymlink != 0 {
		return nil, []postmortem.Finding{postmortem.LinkFinding(strings.TrimSuffix(prefix, "/"),
			&worktree.Refusal{Path: prefix, Target: linkTarget(top), Reason: "is the theme folder, and a link to a folder is not followed: the default theme is used"})}
	} else if !st.IsDir() {
		return nil, nil
	}
	files := map[string][]byte{}
	for _, sub := range []string{"static", "templates"} {
		_ = filepath.WalkDir(filepath.Join(top, sub), func(p string, d fs.DirEntry, err error) error {
			r, _ := filepath.Rel(top, p)
			name := filepath.ToSlash(r) // inside the theme folder
			repoPath := prefix + name
			if err != nil {
				if !os.IsNotExist(err) {
					findings = append(findings, postmortem.LinkFinding(repoPath, err))
				}
				return nil
			}
			if strings.HasPrefix(d.Name(), ".") {
				if d.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			if d.IsDir() {
				return nil
			}
			f, err := tree.Resolve(repoPath)
			if err == nil && f.Linked && (b.repo.Config.Match(f.Real) || b.repo.Config.Excluded(f.Real) && !strings.HasPrefix(f.Real, prefix)) {
				err = &worktree.Refusal{Path: repoPath, Target: f.Real, Reason: "leads to a postmortem or an excluded file"}
			}
			if err == nil && f.Size > maxThemeFile {
				err = &worktree.Refusal{Path: repoPath, Reason: "is larger than the 16 MiB limit for a theme file"}
			}
			var data []byte
			if err == nil {
				data, err = tree.ReadFile(repoPath, maxThemeFile)
			}
			if err != nil {
				findings = append(findings, postmortem.LinkFinding(repoPath, err))
				return nil
			}
			files[path.Clean(name)] = data
			return nil
		})
	}
	if len(files) == 0 {
		return nil, findings
	}
	return theme.Files(files), findings
}

// linkTarget is what the link at p says.
func linkTarget(p string) string {
	if s, err := os.Readlink(p); err == nil {
		return s
	}
	return "?"
}
