package site

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"math"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/inquest-dev/inquest/pkg/markdown"
	"github.com/inquest-dev/inquest/pkg/postmortem"
	"github.com/inquest-dev/inquest/theme"
)

// trustedHTML marks the Markdown renderer's output as safe: it escapes raw
// HTML and neutralises dangerous URLs unless the repository opted in.
func trustedHTML(b []byte) template.HTML { return template.HTML(b) } //nolint:gosec // see doc comment

// PageJob is one page to execute and write. An incident page renders its
// Markdown first and lets go of the HTML once written.
type PageJob struct {
	// Template is the page kind whose template renders it.
	Template string
	Page     *Page
}

func (b *Assembly) execute(t *template.Template, j PageJob, buf *bytes.Buffer) error {
	if j.Page.Kind == "incident" {
		v := j.Page.Incident
		// Only the incident's own page draws its body and timeline: they
		// are made for it and dropped after. The body is planned around
		// the events.
		v.Events = buildEvents(v.Incident)
		v.AxisTicks, v.AxisBreaks = eventScale(v.Events).marks()
		defer func() { v.Content, v.Parts, v.Events, v.AxisTicks, v.AxisBreaks = "", nil, nil, nil, nil }()
		if err := b.renderBody(v); err != nil {
			return err
		}
	}
	if err := t.ExecuteTemplate(buf, "layout", j.Page); err != nil {
		return fmt.Errorf("theme: %s: %w", j.Template, err)
	}
	return nil
}

// write renders every page, feed and asset into dir.
func (b *Assembly) write(ctx context.Context, dir string) error {
	tfs := theme.Overlay(b.themeTop)
	if err := b.writeAssets(tfs, dir); err != nil {
		return err
	}
	tmpls, err := b.parseTemplates(tfs)
	if err != nil {
		return err
	}
	b.frags.m.Clear()
	jobs := b.PageJobs()
	b.pages = len(jobs)
	b.jobs, b.tmpls = jobs, tmpls
	defer begin(b.opts.Progress, StageWrite, len(jobs))()
	bufs := &sync.Pool{New: func() any { return new(bytes.Buffer) }}
	err = parallel(ctx, len(jobs), func(i int) error {
		if err := b.writePage(dir, jobs[i], bufs); err != nil {
			return err
		}
		if b.opts.Progress != nil {
			b.opts.Progress.Advance(StageWrite, 1)
		}
		return nil
	})
	if err != nil {
		return err
	}
	files, err := b.extraFiles(true)
	if err != nil {
		return err
	}
	b.sums = make(map[string][sha256.Size]byte, len(files))
	for _, f := range files {
		b.sums[f.rel] = sha256.Sum256(f.data)
		if err := writeFile(dir, f.rel, f.data); err != nil {
			return err
		}
	}
	if err := b.writeAPI(ctx, dir); err != nil {
		return err
	}
	if err := writeFile(dir, headersFile, b.headers()); err != nil {
		return err
	}
	return b.CopyAttachments(dir, b.Attachments())
}

// outFile is one file of the site and its content.
type outFile struct {
	rel  string
	data []byte
}

// extraFiles are the files beside the pages that are made from the whole
// list of incidents, small enough to make again on every live.Site.Update:
// feed, sitemap, robots.txt, api/metrics.json and, with catalog, the search
// page's catalog.
func (b *Assembly) extraFiles(catalog bool) ([]outFile, error) {
	var out []outFile
	makers := []func() ([]outFile, error){b.feed, b.sitemap, b.robots, b.metricsJSON}
	if catalog {
		makers = append(makers, b.catalog)
	}
	for _, f := range makers {
		fs, err := f()
		if err != nil {
			return nil, err
		}
		out = append(out, fs...)
	}
	return out, nil
}

// writePage renders one page into dir with a buffer from bufs.
func (b *Assembly) writePage(dir string, j PageJob, bufs *sync.Pool) error {
	t := b.tmpls[j.Template]
	if t == nil {
		return fmt.Errorf("theme: no template %q", j.Template)
	}
	buf := bufs.Get().(*bytes.Buffer)
	defer bufs.Put(buf)
	buf.Reset()
	if err := b.execute(t, j, buf); err != nil {
		return err
	}
	page := buf.Bytes()
	if v := j.Page.Incident; j.Page.Kind == "incident" && v != nil && v.audit != nil && bytes.Contains(page, []byte(slotMark)) {
		// The diffs' HTML goes where the template put their markers
		// (PackedDiffView.Slot).
		placed := bufs.Get().(*bytes.Buffer)
		defer bufs.Put(placed)
		placed.Reset()
		page = placeDiffs(placed.AvailableBuffer(), page, v)
		// The pool keeps what the page grew into, for the next.
		*placed = *bytes.NewBuffer(page)
	}
	return writeFile(dir, PageFile(j.Page.Path), page)
}

func sendErr(c chan error, err error) {
	select {
	case c <- err:
	default:
	}
}

func writeFile(dir, rel string, data []byte) error {
	p := filepath.Join(dir, filepath.FromSlash(rel))
	if err := makeDir(filepath.Dir(p)); err != nil {
		return err
	}
	return writeBytes(p, data)
}

// makeDir makes the folder p and any missing parents. Most pages' folders
// are new and their parent is there, so one mkdir does; os.MkdirAll, the
// fallback, looks at the folder and then each parent first. When the
// parent is missing, it is made the same way and p after it: three mkdir
// where os.MkdirAll would look at each folder first.
func makeDir(p string) error {
	err := os.Mkdir(p, 0o755)
	if err == nil {
		return nil
	}
	if errors.Is(err, fs.ErrNotExist) {
		if parent := filepath.Dir(p); parent != p && makeDir(parent) == nil && os.Mkdir(p, 0o755) == nil {
			return nil
		}
	}
	return os.MkdirAll(p, 0o755)
}

// writeAssets copies the theme's static files with content-hashed names.
func (b *Assembly) writeAssets(tfs fs.FS, dir string) error {
	b.site.Assets = map[string]string{}
	b.site.Integrity = map[string]string{}
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
		if ext == ".js" {
			b.site.Integrity[name] = integrity(data)
		}
		return writeFile(dir, hashed, data)
	})
	if err != nil {
		return fmt.Errorf("theme: %w", err)
	}
	return nil
}

// templateFuncs are the functions the theme's templates call.
func (b *Assembly) templateFuncs() template.FuncMap {
	s := b.site
	return template.FuncMap{
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
		// when is an incident's date as precise as it is known: "2021-05"
		// for one known to the month (a folder named it).
		"when": func(t time.Time, precision string) string {
			switch {
			case t.IsZero():
				return ""
			case precision == postmortem.DateMonth:
				return t.Format("2006-01")
			}
			return t.Format("2006-01-02")
		},
		"datetime": dateTime,
		"iso":      isoTime,
		"dur": func(d time.Duration) string {
			if d == 0 {
				return ""
			}
			return humanDuration(d)
		},
		"sevclass": func(sev string) string {
			if i, ok := b.repo.Config.SeverityRank(sev); ok {
				return "sev sev-" + itoa(min(i+1, 5))
			}
			return "sev sev-unknown"
		},
		// sevname is a severity as the scale spells it ("SEV1" for "Sev 1"
		// on a learned scale), so that the timeline's filter finds it.
		"sevname": b.repo.Config.Severity,
		// rated says whether the repository rates incidents at all: one
		// that does not gets no "unrated" badges.
		"rated":      func() bool { return len(s.Severities) > 0 },
		"tagurl":     func(t string) string { return s.BasePath + termPath(pathTags, t) },
		"serviceurl": func(t string) string { return s.BasePath + termPath(pathServices, t) },
		"severityurl": func(t string) string {
			return s.BasePath + termPath(pathSeverity, t)
		},
		"statusurl": func(t string) string { return s.BasePath + termPath(pathStatus, t) },
		"factorurl": func(f string) string { return s.BasePath + b.factorPath(f) },
		"kindurl":   func(k string) string { return s.BasePath + termPath(pathKinds, k) },
		"yearurl":   func(y int) string { return s.BasePath + termPath(pathYears, itoa(y)) },
		"join":      strings.Join,
		"pct":       func(f float64) string { return fmt.Sprintf("%.2f%%", f) },
		"overdue":   func(a postmortem.ActionItem) bool { return a.Overdue(s.Now) },
		"itemdates": func(v *Incident, k int) ItemDates { return itemDates(v.Incident, k, s.Now) },
		"short": func(h string) string {
			if len(h) > 8 {
				return h[:8]
			}
			return h
		},
		"impact":    impactFacts,
		"tracker":   trackerText,
		"detail":    detailLines,
		"toc":       toc,
		"integrity": func(name string) string { return s.Integrity[name] },
		"csp":       func() string { return pageCSP(s.Integrity) },
		"add":       func(a, b int) int { return a + b },
		"sub":       func(a, b int) int { return a - b },
		"inline":    inlineHTML,
		"svgx":      svgX,
		"durwidth": func(d time.Duration) string {
			return fmt.Sprintf("%.1f", 300*math.Sqrt(min(d.Minutes(), 1440)/1440))
		},
		"year": func(t time.Time) int { return t.Year() },
		// kindname is a kind of record as a sentence says it: "near miss".
		"kindname": kindName,
		"anchor":   postmortem.Slug,
		"dict":     dict,
		"navfor":   navFor,
		// Replaced in each page template; this one is for parsing.
		"cached": func(string, any) (template.HTML, error) { return "", errors.New("cached: no page template") },
	}
}

// parseTemplates parses the theme's layout and partials, and each page
// template on a clone of them: one template per page kind.
func (b *Assembly) parseTemplates(tfs fs.FS) (map[string]*template.Template, error) {
	funcs := b.templateFuncs()
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
		// A clone has its own functions: cached keys on the page
		// template, which may define a fragment of its own.
		t.Funcs(template.FuncMap{"cached": b.cached(name, t)})
		out[name] = t
	}
	return out, nil
}

// fragments holds the output of the theme's cached fragments for one
// render pass, keyed by fragmentKey.
type fragments struct{ m sync.Map }

type fragmentKey struct {
	page, name string
	data       any
}

// cached is the template function "cached NAME DATA" of page template
// page: it executes the template NAME with DATA once per render pass and
// reuses the output, for fragments such as an incident's entry in a list,
// drawn on many pages. A fragment sees only DATA and the site's functions,
// so its output cannot depend on the page it is drawn on. DATA must be
// comparable (an incident is a pointer).
func (b *Assembly) cached(page string, t *template.Template) func(string, any) (template.HTML, error) {
	return func(name string, data any) (template.HTML, error) {
		if data != nil && !reflect.ValueOf(data).Comparable() {
			return "", fmt.Errorf("cached %q: a %T cannot be a cache key", name, data)
		}
		key := fragmentKey{page, name, data}
		if h, ok := b.frags.m.Load(key); ok {
			return h.(template.HTML), nil
		}
		var buf strings.Builder
		if err := t.ExecuteTemplate(&buf, name, data); err != nil {
			return "", err
		}
		h := template.HTML(buf.String())
		b.frags.m.Store(key, h)
		return h, nil
	}
}

// apiFile is the JSON API: the export document plus URLs.
const apiFile = "api/incidents.json"

// The framing of the incidents in api/incidents.json, byte for byte that
// of postmortem.EncodeExport (TestAPIMatchesExport holds them to it). The
// site writes it itself to know where each incident is, so that
// live.Site.Update rewrites one incident and copies the rest.
const (
	apiHead  = "{\n  \"incidents\": [\n    "
	apiSep   = ",\n    "
	apiTail  = "\n  ]\n}\n"
	apiEmpty = "{\n  \"incidents\": []\n}\n"
)

// apiEntry is one incident's part of api/incidents.json: as
// json.MarshalIndent(j, "    ", "  ") writes it, indented by indentJSON.
func (b *Assembly) apiEntry(v *Incident) ([]byte, error) {
	var buf apiBuf
	return b.apiEntryIn(&buf, v)
}

// apiBuf is where apiEntryIn makes entries, one after another: the
// compact encoding and the indented entry, each kept for the next entry
// rather than made anew (the entries of api/incidents.json are 130 MB at
// 10,000 postmortems with the audit trail).
type apiBuf struct {
	compact bytes.Buffer
	enc     *json.Encoder
	out     []byte
}

// apiEntryIn is apiEntry made in buf, good until buf's next entry.
func (b *Assembly) apiEntryIn(buf *apiBuf, v *Incident) ([]byte, error) {
	j := v.ToJSON()
	j.URL = b.absURL(v.Path)
	if buf.enc == nil {
		// As json.Marshal encodes (HTML escaped), with a newline after.
		buf.enc = json.NewEncoder(&buf.compact)
	}
	buf.compact.Reset()
	if err := buf.enc.Encode(j); err != nil {
		return nil, fmt.Errorf("%s: %w", v.Source, err)
	}
	data := bytes.TrimSuffix(buf.compact.Bytes(), []byte("\n"))
	buf.out = indentJSON(buf.out[:0], data, "    ", "  ")
	return buf.out, nil
}

// apiBatch is how many incidents' entries writeAPI makes at once, in
// parallel, before writing them in order.
const apiBatch = 256

// writeAPI writes api/incidents.json a batch of incidents at a time (127
// MB at 10,000 incidents with history) and notes where each one is. Each
// batch's entries are made in parallel, then written in the incidents'
// order while the next batch is made: written after it, the file's
// writes kept one core idle for a quarter of a second of a 10k build.
// Two sets of buffers take turns, so that a batch's entries stay whole
// until they are written.
func (b *Assembly) writeAPI(ctx context.Context, dir string) error {
	name := filepath.Join(dir, filepath.FromSlash(apiFile))
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return err
	}
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	w := &apiWriter{w: bufio.NewWriterSize(f, 1<<16)}
	incs := b.site.Incidents
	type set struct {
		batch [][]byte
		bufs  []apiBuf
	}
	var sets [2]set
	for k := range sets {
		sets[k] = set{make([][]byte, min(apiBatch, len(incs))), make([]apiBuf, min(apiBatch, len(incs)))}
	}
	// fill makes the entries of the batch from lo in s.
	fill := func(s *set, lo int) error {
		part := incs[lo:min(lo+apiBatch, len(incs))]
		return parallel(ctx, len(part), func(i int) error {
			var err error
			s.batch[i], err = b.apiEntryIn(&s.bufs[i], part[i])
			return err
		})
	}
	if len(incs) > 0 {
		err = fill(&sets[0], 0)
	}
	for lo, k := 0, 0; lo < len(incs) && err == nil; lo, k = lo+apiBatch, k+1 {
		next := make(chan error, 1)
		if lo+apiBatch < len(incs) {
			go func() { next <- fill(&sets[(k+1)%2], lo+apiBatch) }()
		} else {
			next <- nil
		}
		s := &sets[k%2]
		for i, v := range incs[lo:min(lo+apiBatch, len(incs))] {
			v.api = w.entry(lo+i, s.batch[i])
			s.batch[i] = nil
		}
		err = <-next
	}
	if err == nil {
		err = w.close(len(b.site.Incidents))
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// apiWriter writes the framing of api/incidents.json around the entries
// and counts the bytes, so that each entry's span is known.
type apiWriter struct {
	w   *bufio.Writer
	off int64
}

func (a *apiWriter) put(s string) {
	n, _ := a.w.WriteString(s) // a failed write is reported by Flush
	a.off += int64(n)
}

// entry writes the i-th entry and returns its span.
func (a *apiWriter) entry(i int, data []byte) span {
	a.sep(i)
	n, _ := a.w.Write(data)
	sp := span{a.off, int64(n)}
	a.off += int64(n)
	return sp
}

// sep writes what comes before the i-th entry.
func (a *apiWriter) sep(i int) {
	if i == 0 {
		a.put(apiHead)
	} else {
		a.put(apiSep)
	}
}

// close ends a file of n entries.
func (a *apiWriter) close(n int) error {
	if n == 0 {
		a.put(apiEmpty)
	} else {
		a.put(apiTail)
	}
	return a.w.Flush()
}

// absURL is a page's absolute URL when base_url is set, else its path.
func (b *Assembly) absURL(p string) string {
	if b.site.BaseURL != "" {
		return b.site.BaseURL + p
	}
	return b.site.BasePath + p
}

// robots writes robots.txt when the site is at the root of its host, the
// only place crawlers read it (robotsNote says so otherwise).
func (b *Assembly) robots() ([]outFile, error) {
	if b.site.BasePath != "/" {
		return nil, nil
	}
	body := "User-agent: *\nDisallow: /\n"
	if !b.site.NoIndex {
		body = "User-agent: *\nAllow: /\n"
	}
	return []outFile{{"robots.txt", []byte(body)}}, nil
}

// Attachments are the repository files the rendered Markdown links to,
// sorted.
func (b *Assembly) Attachments() []string {
	var out []string
	for _, v := range b.site.Incidents {
		out = append(out, v.lessonLinks.files...)
		out = append(out, v.bodyLinks.files...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func jsonFile(rel string, v any) (outFile, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return outFile{}, fmt.Errorf("%s: %w", rel, err)
	}
	return outFile{rel, data}, nil
}
