package site

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"math"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/inquest-dev/inquest/pkg/markdown"
	"github.com/inquest-dev/inquest/pkg/postmortem"
	"github.com/inquest-dev/inquest/theme"
)

// trustedHTML marks the Markdown renderer's output as safe: it escapes raw
// HTML and neutralises dangerous URLs unless the repository opted in.
func trustedHTML(b []byte) template.HTML { return template.HTML(b) } //nolint:gosec // see doc comment

// pageJob is one page to execute and write. An incident page renders its
// Markdown first and lets go of the HTML once written.
type pageJob struct {
	tmpl string
	page *Page
}

func (b *builder) execute(t *template.Template, j pageJob, buf *bytes.Buffer) error {
	if j.page.Kind == "incident" {
		v := j.page.Incident
		if err := b.renderBody(v); err != nil {
			return err
		}
		defer func() { v.Content = "" }()
	}
	if err := t.ExecuteTemplate(buf, "layout", j.page); err != nil {
		return fmt.Errorf("theme: %s: %w", j.tmpl, err)
	}
	return nil
}

// write renders every page, feed and asset into dir.
func (b *builder) write(ctx context.Context, dir string) error {
	themeDir := b.opts.ThemeDir
	if themeDir == "" {
		themeDir = filepath.Join(b.opts.Dir, "theme")
	}
	tfs := theme.Overlay(themeDir)
	if err := b.writeAssets(tfs, dir); err != nil {
		return err
	}
	tmpls, err := b.parseTemplates(tfs)
	if err != nil {
		return err
	}
	jobs := b.pageJobs()
	b.pages = len(jobs)
	var written atomic.Int64
	bufs := sync.Pool{New: func() any { return new(bytes.Buffer) }}
	err = parallel(ctx, len(jobs), func(i int) error {
		j := jobs[i]
		t := tmpls[j.tmpl]
		if t == nil {
			return fmt.Errorf("theme: no template %q", j.tmpl)
		}
		buf := bufs.Get().(*bytes.Buffer)
		defer bufs.Put(buf)
		buf.Reset()
		if err := b.execute(t, j, buf); err != nil {
			return err
		}
		if err := writeFile(dir, fileFor(j.page.Path), buf.Bytes()); err != nil {
			return err
		}
		if n := written.Add(1); b.opts.Progress != nil && n%2000 == 0 {
			progress(b.opts.Progress, "wrote %d of %d pages", n, len(jobs))
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, f := range []func(string) error{b.writeFeed, b.writeSitemap, b.writeAPI, b.writeRobots, b.writeCatalog, b.copyAttachments} {
		if err := f(dir); err != nil {
			return err
		}
	}
	return nil
}

func sendErr(c chan error, err error) {
	select {
	case c <- err:
	default:
	}
}

func writeFile(dir, rel string, data []byte) error {
	p := filepath.Join(dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	return os.WriteFile(p, data, 0o644)
}

// writeAssets copies the theme's static files with content-hashed names.
func (b *builder) writeAssets(tfs fs.FS, dir string) error {
	b.site.Assets = map[string]string{}
	var css bytes.Buffer
	err := fs.WalkDir(tfs, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(tfs, p)
		if err != nil {
			return err
		}
		name := strings.TrimPrefix(p, "static/")
		if name == "style.css" {
			// Code highlighting styles follow the theme's stylesheet.
			css.Write(data)
			css.WriteString("\n")
			hl, err := markdown.HighlightCSS("github", "github-dark")
			if err != nil {
				return err
			}
			css.Write(hl)
			data = css.Bytes()
		}
		sum := sha256.Sum256(data)
		ext := path.Ext(name)
		hashed := "assets/" + strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:4]) + ext
		b.site.Assets[name] = hashed
		return writeFile(dir, hashed, data)
	})
	if err != nil {
		return fmt.Errorf("theme: %w", err)
	}
	return nil
}

func (b *builder) parseTemplates(tfs fs.FS) (map[string]*template.Template, error) {
	s := b.site
	funcs := template.FuncMap{
		"url": func(p string) string { return s.BasePath + strings.TrimPrefix(p, "/") },
		"asset": func(name string) string {
			return s.BasePath + s.Assets[name]
		},
		"date": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.Format("2006-01-02")
		},
		"datetime": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.UTC().Format("2006-01-02 15:04 UTC")
		},
		"iso": func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		"dur": func(d time.Duration) string {
			if d == 0 {
				return ""
			}
			return humanDuration(d)
		},
		"sevclass": func(sev string) string {
			for i, x := range s.Severities {
				if strings.EqualFold(x, sev) {
					return "sev sev-" + itoa(min(i+1, 5))
				}
			}
			return "sev sev-unknown"
		},
		"tagurl":     func(t string) string { return s.BasePath + termPath(pathTags, t) },
		"serviceurl": func(t string) string { return s.BasePath + termPath(pathServices, t) },
		"severityurl": func(t string) string {
			return s.BasePath + termPath(pathSeverity, t)
		},
		"statusurl": func(t string) string { return s.BasePath + termPath(pathStatus, t) },
		"yearurl":   func(y int) string { return s.BasePath + termPath(pathYears, itoa(y)) },
		"join":      strings.Join,
		"pct":       func(f float64) string { return fmt.Sprintf("%.2f%%", f) },
		"overdue":   func(a postmortem.ActionItem) bool { return a.Overdue(s.Now) },
		"short": func(h string) string {
			if len(h) > 8 {
				return h[:8]
			}
			return h
		},
		"impact": func(m map[string]any) []string {
			var out []string
			keys := make([]string, 0, len(m))
			for k := range m {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				out = append(out, strings.ReplaceAll(k, "_", " ")+": "+fmt.Sprint(m[k]))
			}
			return out
		},
		"add":    func(a, b int) int { return a + b },
		"inline": inlineHTML,
		"svgx":   func(pct float64) float64 { return 10 + pct*9.8 },
		"durwidth": func(d time.Duration) string {
			return fmt.Sprintf("%.1f", 300*math.Sqrt(min(d.Minutes(), 1440)/1440))
		},
		"year": func(t time.Time) int { return t.Year() },
	}
	layout, err := fs.ReadFile(tfs, "templates/layout.html")
	if err != nil {
		return nil, fmt.Errorf("theme: %w", err)
	}
	base, err := template.New("layout").Funcs(funcs).Parse(string(layout))
	if err != nil {
		return nil, fmt.Errorf("theme: templates/layout.html: %w", err)
	}
	if partials, _ := fs.Glob(tfs, "templates/partials/*.html"); len(partials) > 0 {
		for _, p := range partials {
			data, err := fs.ReadFile(tfs, p)
			if err != nil {
				return nil, err
			}
			if _, err := base.New(path.Base(p)).Parse(string(data)); err != nil {
				return nil, fmt.Errorf("theme: %s: %w", p, err)
			}
		}
	}
	out := map[string]*template.Template{}
	pages, _ := fs.Glob(tfs, "templates/*.html")
	for _, p := range pages {
		name := strings.TrimSuffix(path.Base(p), ".html")
		if name == "layout" {
			continue
		}
		data, err := fs.ReadFile(tfs, p)
		if err != nil {
			return nil, err
		}
		t, err := template.Must(base.Clone()).Parse(string(data))
		if err != nil {
			return nil, fmt.Errorf("theme: %s: %w", p, err)
		}
		out[name] = t
	}
	return out, nil
}

// writeAPI writes api/incidents.json with the export encoder plus URLs,
// one incident at a time (80 MB at 10,000 incidents with history).
func (b *builder) writeAPI(dir string) error {
	if err := os.MkdirAll(filepath.Join(dir, "api"), 0o755); err != nil {
		return err
	}
	f, err := os.Create(filepath.Join(dir, "api", "incidents.json"))
	if err != nil {
		return err
	}
	i := 0
	err = postmortem.EncodeExport(f, func() (postmortem.JSONIncident, bool) {
		if i >= len(b.site.Incidents) {
			return postmortem.JSONIncident{}, false
		}
		v := b.site.Incidents[i]
		i++
		j := v.ToJSON()
		j.URL = b.absURL(v.Path)
		return j, true
	})
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// absURL is a page's absolute URL when base_url is set, else its path.
func (b *builder) absURL(p string) string {
	if b.site.BaseURL != "" {
		return b.site.BaseURL + p
	}
	return b.site.BasePath + p
}

func (b *builder) writeRobots(dir string) error {
	body := "User-agent: *\nDisallow: /\n"
	if !b.site.NoIndex {
		body = "User-agent: *\nAllow: /\n"
	}
	return writeFile(dir, "robots.txt", []byte(body))
}

// copyAttachments copies images and files linked from postmortems.
func (b *builder) copyAttachments(dir string) error {
	paths := make([]string, 0, len(b.attachments))
	for p := range b.attachments {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	// os.Root refuses any path that leaves the repository, links included.
	root, err := os.OpenRoot(b.repo.Root)
	if err != nil {
		return err
	}
	defer root.Close()
	for _, p := range paths {
		src, err := root.Open(filepath.FromSlash(p))
		if err != nil {
			return fmt.Errorf("copy %s: %w", p, err)
		}
		dst := filepath.Join(dir, "files", filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			src.Close()
			return err
		}
		out, err := os.Create(dst)
		if err == nil {
			_, err = io.Copy(out, io.LimitReader(src, 64<<20))
			if cerr := out.Close(); err == nil {
				err = cerr
			}
		}
		src.Close()
		if err != nil {
			return fmt.Errorf("copy %s: %w", p, err)
		}
	}
	return nil
}

func writeJSONCompact(dir, rel string, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return writeFile(dir, rel, data)
}
