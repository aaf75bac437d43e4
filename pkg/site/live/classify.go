package live

import (
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/inquest-dev/inquest/pkg/config"
	"github.com/inquest-dev/inquest/pkg/insight"
	"github.com/inquest-dev/inquest/pkg/site"
)

// changes are the changed paths that concern the site.
type changes struct {
	edited, added, removed []string // postmortems
	git                    bool     // something inside .git
}

// overridesTemplates says whether the repository's theme folder has
// templates of its own.
func overridesTemplates(opts site.BuildOptions) bool {
	dir := site.ThemeDir(opts)
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
func (st *keptBuild) classify(opts site.BuildOptions, changed []string) (c changes, why string) {
	theme := ""
	if rel, err := filepath.Rel(opts.Dir, site.ThemeDir(opts)); err == nil && !strings.HasPrefix(rel, "..") {
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
		_, known := st.positions[p]
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
func (st *keptBuild) rediscovers(p string) bool {
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

func (st *keptBuild) lookedUnder(dir string) bool {
	for p := range st.looked {
		if strings.HasPrefix(p, dir+"/") {
			return true
		}
	}
	return false
}

func (st *keptBuild) knownUnder(dir string) bool {
	for p := range st.positions {
		if strings.HasPrefix(p, dir+"/") {
			return true
		}
	}
	return false
}
