package site_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/tools/txtar"

	"github.com/inquest-dev/inquest/pkg/postmortem"
	"github.com/inquest-dev/inquest/pkg/search"
	"github.com/inquest-dev/inquest/pkg/site"
)

// The files security_test.go adds to the hostile corpus: they cannot live in
// a text archive. Each must be reported as an error and left out.
var hostileBroken = map[string][]byte{
	"postmortems/2024/2024-06-01-binary.md":  append([]byte("---\nid: INC-BIN\ntitle: Binary\n---\n"), 0, 1, 2, 0xff, 0, '<', 's', 'c', 'r', 'i', 'p', 't', '>'),
	"postmortems/2024/2024-06-02-invalid.md": []byte("---\nid: INC-UTF\ntitle: \xff\xfe<script>alert(1)</script>\ndate: 2024-06-02\n---\n## Summary\n\xc3\x28 \xa0\xa1\n"),
	"postmortems/2024/2024-06-03-huge.md": func() []byte {
		b := []byte("---\nid: INC-HUGE\ntitle: Huge\ndate: 2024-06-03\nseverity: SEV3\nstatus: published\n---\n## Summary\n\n")
		line := []byte("<script>alert(1)</script> A very long postmortem line of text.\n")
		for len(b) < 5<<20 {
			b = append(b, line...)
		}
		return b
	}(),
	"postmortems/2024/2024-05-06-badfm.md": nil, // in the archive
}

// writeHostileRepo writes the hostile archive into a Git repository and adds
// the binary, invalid UTF-8 and oversized files; unsafe turns on
// markdown.unsafe.
func writeHostileRepo(t *testing.T, unsafe bool) string {
	t.Helper()
	dir := writeRepo(t, "hostile.txtar")
	for name, data := range hostileBroken {
		if data == nil {
			continue
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(name)), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if unsafe {
		cfg := filepath.Join(dir, "inquest.yaml")
		data, _ := os.ReadFile(cfg)
		if err := os.WriteFile(cfg, append(data, "markdown:\n  unsafe: true\n"...), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestSecurityHostileCorpus(t *testing.T) {
	t.Parallel()
	for _, unsafe := range []bool{false, true} {
		t.Run(map[bool]string{false: "escaped", true: "unsafe"}[unsafe], func(t *testing.T) {
			dir := writeHostileRepo(t, unsafe)
			parent := t.TempDir()
			out := filepath.Join(parent, "public")
			res := build(t, site.BuildOptions{Dir: dir, Out: out, Now: time.Date(2024, 7, 1, 0, 0, 0, 0, time.UTC)})

			// Every broken file is reported as an error with its file, and
			// every other postmortem is published.
			mds := 0
			filepath.WalkDir(filepath.Join(dir, "postmortems"), func(p string, d fs.DirEntry, err error) error {
				if err == nil && !d.IsDir() && strings.HasSuffix(p, ".md") {
					mds++
				}
				return nil
			})
			for name := range hostileBroken {
				if !slices.ContainsFunc(res.Findings, func(f postmortem.Finding) bool {
					return f.File == name && f.Level == postmortem.LevelError
				}) {
					t.Errorf("%s: no error finding", name)
				}
			}
			// Front matter that is never closed is an error, but the file is
			// still published (as text): only unreadable files are left out.
			if !slices.ContainsFunc(res.Findings, func(f postmortem.Finding) bool {
				return f.File == "postmortems/2024/2024-05-07-nofm.md" && f.Level == postmortem.LevelError
			}) {
				t.Error("unclosed front matter not reported")
			}
			broken := len(hostileBroken)
			if res.Incidents != mds-broken || res.Skipped != broken {
				t.Errorf("built %d incidents, skipped %d; want %d and %d (findings: %v)", res.Incidents, res.Skipped, mds-broken, broken, res.Findings)
			}
			pages, _ := filepath.Glob(filepath.Join(out, "incidents", "*", "index.html"))
			if len(pages) != res.Incidents {
				t.Errorf("%d incident pages for %d incidents: %v", len(pages), res.Incidents, pages)
			}
			for _, id := range []string{"INC-2024-666", "INC-2024-100"} {
				if _, err := os.Stat(filepath.Join(out, "incidents", id, "index.html")); err != nil {
					t.Errorf("incident %s not built", id)
				}
			}
			for _, id := range []string{"INC-BIN", "INC-UTF", "INC-HUGE", "INC-BAD"} {
				if _, err := os.Stat(filepath.Join(out, "incidents", id)); err == nil {
					t.Errorf("broken incident %s was published", id)
				}
			}

			// Nothing outside the output folder: its parent holds only it,
			// the repository gained nothing but the output-free build.
			entries, _ := os.ReadDir(parent)
			for _, e := range entries {
				if e.Name() != "public" {
					t.Errorf("build wrote %s next to the output", e.Name())
				}
			}
			scanSite(t, out, unsafe)

			if !unsafe {
				// The payloads are shown as text, not dropped.
				doc := parseHTML(t, filepath.Join(out, "incidents/INC-2024-666/index.html"))
				if h1 := find(doc, "h1", ""); len(h1) == 0 || !strings.Contains(text(h1[0]), "<script>alert(1)</script>") {
					t.Error("the title's payload is not shown as text in the <h1>")
				}
			}
		})
	}
}

var (
	themeScriptRE = regexp.MustCompile(`^(/[^"]*)?/assets/site\.[A-Za-z0-9._-]*\.js$`)
	// URL-valued attributes (keys as golang.org/x/net/html reports them;
	// xlink:href has Namespace "xlink" and Key "href").
	urlAttrs = []string{"href", "src", "action", "formaction", "poster", "data", "cite", "background", "srcset", "ping", "codebase", "manifest"}
)

// dangerousURL reports whether a (entity-decoded) URL attribute runs code or
// loads active content: what a browser sees after it strips leading C0
// controls and spaces and every tab and newline, case-insensitively.
func dangerousURL(v string) bool {
	v = strings.Map(func(r rune) rune {
		if r <= 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, v)
	v = strings.ToLower(v)
	for _, s := range []string{"javascript:", "vbscript:", "file:", "data:"} {
		if strings.HasPrefix(v, s) {
			return !strings.HasPrefix(v, "data:image/") || strings.HasPrefix(v, "data:image/svg")
		}
	}
	return false
}

// scanSite checks every file of a built site: paths stay inside out; HTML
// pages have the CSP and no script but the theme's, no event handler
// attribute and no dangerous URL; XML parses and JSON is valid, neither
// carrying raw markup. With unsafe (raw HTML trusted) only the URLs that
// did not come from raw HTML (marked "raw") are checked.
func scanSite(t *testing.T, out string, unsafe bool) {
	t.Helper()
	realOut, err := filepath.EvalSymlinks(out)
	if err != nil {
		t.Fatal(err)
	}
	htmlFiles := 0
	err = filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(out, p)
		relSlash := filepath.ToSlash(rel)
		for _, seg := range strings.Split(relSlash, "/") {
			if seg == ".." || (seg == "." && rel != ".") || strings.ContainsAny(seg, "\\\x00") {
				t.Errorf("output path %q has a bad segment %q", relSlash, seg)
			}
		}
		if d.Type()&fs.ModeSymlink != 0 {
			t.Errorf("output %s is a symbolic link", relSlash)
			return nil
		}
		real, err := filepath.EvalSymlinks(p)
		if err != nil || (real != realOut && !strings.HasPrefix(real, realOut+string(filepath.Separator))) {
			t.Errorf("output %s resolves outside the output folder (%s)", relSlash, real)
		}
		if d.IsDir() {
			return nil
		}
		if strings.HasPrefix(relSlash, "files/") {
			t.Errorf("unexpected attachment %s copied into the site", relSlash)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		switch {
		case strings.HasSuffix(p, ".html"):
			htmlFiles++
			scanHTML(t.Errorf, relSlash, data, unsafe)
		case strings.HasSuffix(p, ".xml"):
			dec := xml.NewDecoder(bytes.NewReader(data))
			for {
				if _, err := dec.Token(); err == io.EOF {
					break
				} else if err != nil {
					t.Errorf("%s: invalid XML: %v", relSlash, err)
					break
				}
			}
			checkNoRawMarkup(t, relSlash, data)
		case strings.HasSuffix(p, ".json"):
			if !json.Valid(data) {
				t.Errorf("%s: invalid JSON", relSlash)
			}
			checkNoRawMarkup(t, relSlash, data)
		case strings.HasSuffix(p, ".js") && strings.HasPrefix(relSlash, "assets/"):
		case strings.HasSuffix(p, ".js"):
			t.Errorf("%s: a script outside the theme's assets", relSlash)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"feed.xml", "sitemap.xml", "api/incidents.json", "search/catalog.json", "search/summaries.json"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("missing %s", f)
		}
	}
	if htmlFiles < 20 {
		t.Errorf("only %d HTML pages scanned", htmlFiles)
	}
}

func checkNoRawMarkup(t *testing.T, rel string, data []byte) {
	t.Helper()
	low := bytes.ToLower(data)
	for _, s := range []string{"<script", "<svg", "<img", "<iframe", "<![cdata["} {
		if bytes.Contains(low, []byte(s)) {
			t.Errorf("%s: raw %q in the bytes", rel, s)
		}
	}
}

func scanHTML(errorf func(string, ...any), rel string, data []byte, unsafe bool) {
	doc, err := html.Parse(bytes.NewReader(data))
	if err != nil {
		errorf("%s: %v", rel, err)
		return
	}
	csp := 0
	scripts := 0
	var cspPins []string
	var integrities []string
	walk(doc, func(n *html.Node) {
		if n.Type != html.ElementNode {
			return
		}
		switch n.Data {
		case "meta":
			if strings.EqualFold(attr(n, "http-equiv"), "Content-Security-Policy") {
				c := attr(n, "content")
				if pins := scriptPins(c); len(pins) > 0 && !strings.Contains(c, "unsafe-inline") && strings.Contains(c, "object-src 'none'") {
					csp++
					cspPins = pins
				} else {
					errorf("%s: weak CSP %q", rel, c)
				}
			}
			if strings.EqualFold(attr(n, "http-equiv"), "refresh") {
				errorf("%s: meta refresh %q", rel, attr(n, "content"))
			}
		case "base":
			errorf("%s: a <base> element", rel)
		}
		if unsafe {
			// Raw HTML is trusted: only URLs not written as raw HTML.
			for _, a := range n.Attr {
				if (slices.Contains(urlAttrs, a.Key) || a.Key == "href") && dangerousURL(a.Val) && !strings.Contains(a.Val, "raw") {
					errorf("%s: <%s %s=%q> from Markdown kept a dangerous URL", rel, n.Data, a.Key, a.Val)
				}
			}
			return
		}
		switch n.Data {
		case "script":
			scripts++
			if !themeScriptRE.MatchString(attr(n, "src")) || !hasAttr(n, "defer") || n.FirstChild != nil {
				errorf("%s: <script src=%q> is not the theme's script (text %q)", rel, attr(n, "src"), text(n))
			}
			integrities = append(integrities, attr(n, "integrity"))
		case "iframe", "frame", "object", "embed", "applet":
			errorf("%s: <%s> element", rel, n.Data)
		}
		for _, a := range n.Attr {
			k := strings.ToLower(a.Key)
			switch {
			case strings.HasPrefix(k, "on"):
				errorf("%s: <%s %s=%q> event handler", rel, n.Data, a.Key, a.Val)
			case k == "srcdoc":
				errorf("%s: <%s srcdoc=%q>", rel, n.Data, a.Val)
			case slices.Contains(urlAttrs, k) && dangerousURL(a.Val):
				errorf("%s: <%s %s%s=%q> dangerous URL", rel, n.Data, nsPrefix(a.Namespace), a.Key, a.Val)
			case k == "style" && strings.Contains(strings.ToLower(a.Val), "javascript:"):
				errorf("%s: <%s style=%q>", rel, n.Data, a.Val)
			}
		}
	})
	if csp != 1 {
		errorf("%s: %d Content-Security-Policy metas, want 1", rel, csp)
	}
	for _, in := range integrities {
		if !slices.Contains(cspPins, in) {
			errorf("%s: a script's integrity %q is not one the CSP allows (%v)", rel, in, cspPins)
		}
	}
	if !unsafe && scripts > 1 {
		errorf("%s: %d scripts, want at most the theme's", rel, scripts)
	}
}

// scriptPins returns the hashes a policy's script-src allows, or nil when
// it allows anything else: 'self', a host, a scheme, 'unsafe-inline',
// 'unsafe-eval' or 'strict-dynamic' would let an attachment under files/,
// or markup, run.
func scriptPins(policy string) []string {
	for _, d := range strings.Split(policy, ";") {
		f := strings.Fields(d)
		if len(f) == 0 || f[0] != "script-src" {
			continue
		}
		var pins []string
		for _, src := range f[1:] {
			if !strings.HasPrefix(src, "'sha384-") || !strings.HasSuffix(src, "'") {
				return nil
			}
			pins = append(pins, strings.Trim(src, "'"))
		}
		return pins
	}
	return nil
}

func nsPrefix(ns string) string {
	if ns == "" {
		return ""
	}
	return ns + ":"
}

func hasAttr(n *html.Node, key string) bool {
	return slices.ContainsFunc(n.Attr, func(a html.Attribute) bool { return a.Key == key })
}

// readTree returns every file of a folder by slash path.
func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	m := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		data, err := os.ReadFile(p)
		m[filepath.ToSlash(rel)] = data
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func diffTrees(t *testing.T, what string, a, b map[string][]byte) {
	t.Helper()
	n := 0
	for k, v := range a {
		w, ok := b[k]
		if !ok {
			t.Errorf("%s: %s missing from the second tree", what, k)
		} else if !bytes.Equal(v, w) {
			t.Errorf("%s: %s differs", what, k)
		} else {
			continue
		}
		if n++; n > 10 {
			t.Fatal("too many differences")
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			t.Errorf("%s: %s only in the second tree", what, k)
		}
	}
}

// TestCorruptCaches overwrites every file of the cache folder (history
// cache, search index, fingerprint and build records) with garbage, then
// with nothing, and rebuilds: the build must succeed with the same pages
// and leave a search index that opens.
func TestCorruptCaches(t *testing.T) {
	t.Parallel()
	dir := writeRepo(t, "basic.txtar")
	cache := t.TempDir()
	now := time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)
	first := filepath.Join(t.TempDir(), "public")
	if _, err := site.Build(context.Background(), site.BuildOptions{Dir: dir, Out: first, CacheDir: cache, Now: now}); err != nil {
		t.Fatal(err)
	}
	want := readTree(t, first)
	for _, mode := range []string{"garbage", "empty", "json-garbage"} {
		t.Run(mode, func(t *testing.T) {
			n := 0
			filepath.WalkDir(cache, func(p string, d fs.DirEntry, err error) error {
				// LAYOUT is left: a damaged one empties the whole folder
				// (package cache's tests), and each file's own checks
				// are what this test is for.
				if err != nil || d.IsDir() || d.Name() == "LAYOUT" {
					return err
				}
				var data []byte
				switch mode {
				case "garbage":
					data = bytes.Repeat([]byte("\x00\xffgarbage\x13\x37"), 97)
				case "json-garbage":
					data = []byte(`{"stamp": 12, "incidents": "x", "fingerprint": [1,2,3]`)
				}
				n++
				return os.WriteFile(p, data, 0o644)
			})
			if n < 3 {
				t.Fatalf("only %d cache files to corrupt", n)
			}
			out := filepath.Join(t.TempDir(), "public")
			res, err := site.Build(context.Background(), site.BuildOptions{Dir: dir, Out: out, CacheDir: cache, Now: now, Force: true})
			if err != nil {
				t.Fatalf("build over a corrupted cache (%d files): %v", n, err)
			}
			diffTrees(t, "rebuild over a "+mode+" cache", want, readTree(t, out))
			ix, err := search.Open(res.IndexDir)
			if err != nil {
				t.Fatalf("search.Open after the rebuild: %v", err)
			}
			defer ix.Close()
			sr, err := ix.Search(context.Background(), search.Request{Query: "tags:database"})
			if err != nil || sr.Total != 2 {
				t.Errorf("search after the rebuild: %v, %+v", err, sr)
			}
			// A build without --force over a corrupted record of what
			// the output was built from must not trust it either.
			others, _ := filepath.Glob(filepath.Join(cache, "builds", "*.json"))
			if _, err := site.Build(context.Background(), site.BuildOptions{Dir: dir, Out: out, CacheDir: cache, Now: now}); err != nil {
				t.Fatal(err)
			}
			records, _ := filepath.Glob(filepath.Join(cache, "builds", "*.json"))
			records = slices.DeleteFunc(records, func(p string) bool { return slices.Contains(others, p) })
			if len(records) != 1 {
				t.Fatalf("new build records: %q, want the one of %s", records, out)
			}
			if err := os.WriteFile(records[0], []byte("garbage"), 0o644); err != nil {
				t.Fatal(err)
			}
			if res, err := site.Build(context.Background(), site.BuildOptions{Dir: dir, Out: out, CacheDir: cache, Now: now}); err != nil || res.UpToDate {
				t.Errorf("build over a garbage record: up to date %v, %v", res != nil && res.UpToDate, err)
			}
			diffTrees(t, "build over a garbage stamp", want, readTree(t, out))
		})
	}
}

// TestSymlinks: outside a Git repository, a postmortem that links to a
// file outside the repository, a folder link leaving it, and a link to a
// file that is no postmortem are reported and not read; a link to another
// postmortem inside the repository is followed. Links in Markdown to files
// reached through a symbolic link leaving the repository are not copied.
func TestSymlinks(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	outside := t.TempDir()
	secret := "---\nid: SECRET\ntitle: Outside secret\ndate: 2024-01-01\nseverity: SEV1\nstatus: published\n---\n## Summary\nTOP SECRET\n"
	writeFiles(t, outside, map[string]string{
		"secret.md":     secret,
		"dir/secret.md": secret,
		"secret.txt":    "TOP SECRET ATTACHMENT\n",
	})
	real := "---\nid: INC-LINKED\ntitle: Linked inside\ndate: 2024-02-02\nseverity: SEV3\nstatus: published\n---\n## Summary\n" +
		"Attachments: [a](../postmortems/att/secret.txt) [b](../postmortems/attdir/secret.txt) ![c](../postmortems/attdir/secret.txt)\n"
	writeFiles(t, dir, map[string]string{
		"inquest.yaml":      "title: Links\n",
		"shared/notes.md":   strings.Replace(real, "INC-LINKED", "INC-NOTES", 1),
		"incidents/real.md": real,
		"postmortems/2024/plain.md": "---\nid: INC-PLAIN\ntitle: Plain\ndate: 2024-02-03\nseverity: SEV3\nstatus: published\n---\n## Summary\n" +
			"Attachments: [a](../att/secret.txt) [b](../attdir/secret.txt) ![c](../attdir/secret.txt)\n",
	})
	for link, target := range map[string]string{
		"postmortems/outside.md":     filepath.Join(outside, "secret.md"),
		"postmortems/outdir":         filepath.Join(outside, "dir"),
		"postmortems/linked.md":      filepath.Join("..", "incidents", "real.md"),
		"postmortems/notes.md":       filepath.Join("..", "shared", "notes.md"),
		"postmortems/att/secret.txt": filepath.Join(outside, "secret.txt"),
		"postmortems/attdir":         outside,
	} {
		p := filepath.Join(dir, filepath.FromSlash(link))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.Symlink(target, p); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(t.TempDir(), "public")
	res := build(t, site.BuildOptions{Dir: dir, Out: out, NoHistory: true})
	for _, f := range []string{"postmortems/outside.md", "postmortems/outdir", "postmortems/notes.md"} {
		if !slices.ContainsFunc(res.Findings, func(x postmortem.Finding) bool { return x.File == f && x.Rule == "symlink" }) {
			t.Errorf("%s: no symlink finding in %v", f, res.Findings)
		}
	}
	// The plain one, the real one, and the link to it (a second copy,
	// reported as a duplicate id).
	if res.Incidents != 3 {
		t.Errorf("built %d incidents, want 3 (the plain one, the linked one and the link to it)", res.Incidents)
	}
	if _, err := os.Stat(filepath.Join(out, "incidents/INC-NOTES")); err == nil {
		t.Error("the link to a file that is no postmortem was followed")
	}
	filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, _ := os.ReadFile(p)
		if bytes.Contains(data, []byte("TOP SECRET")) {
			rel, _ := filepath.Rel(out, p)
			t.Errorf("%s holds content read through a symbolic link leaving the repository", filepath.ToSlash(rel))
		}
		return nil
	})
}

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestReproducibleWithoutGit: in a folder that is no Git repository, two
// builds with SOURCE_DATE_EPOCH set write byte-identical trees.
func TestReproducibleWithoutGit(t *testing.T) {
	t.Setenv("SOURCE_DATE_EPOCH", "1717200000") // 2024-06-01
	ar, err := txtar.ParseFile(filepath.Join("testdata", "basic.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	files := map[string]string{}
	for _, f := range ar.Files {
		files[f.Name] = string(f.Data)
	}
	writeFiles(t, dir, files)
	a, b := filepath.Join(t.TempDir(), "a"), filepath.Join(t.TempDir(), "b")
	build(t, site.BuildOptions{Dir: dir, Out: a})
	// Let the clock move on, and touch every file: neither may show.
	time.Sleep(1100 * time.Millisecond)
	later := time.Now().Add(time.Hour)
	for name := range files {
		os.Chtimes(filepath.Join(dir, filepath.FromSlash(name)), later, later)
	}
	build(t, site.BuildOptions{Dir: dir, Out: b})
	ta, tb := readTree(t, a), readTree(t, b)
	diffTrees(t, "two builds without Git", ta, tb)
	if len(ta) < 20 {
		t.Errorf("only %d files built", len(ta))
	}
	if !bytes.Contains(ta["feed.xml"], []byte("2024-")) {
		t.Errorf("feed.xml does not use SOURCE_DATE_EPOCH: %.300s", ta["feed.xml"])
	}
}

// TestSecurityScannerCatches checks the page scanner itself on a page with
// one of each problem it must find.
func TestSecurityScannerCatches(t *testing.T) {
	t.Parallel()
	page := `<!doctype html><html><head><script src="/assets/site.1234.js" defer></script><script>alert(1)</script></head><body>
<a href=" JaVa&#x09;Script:alert(1)">a</a><img src="data:text/html,x"><img src="data:image/png;base64,AA==">
<div onclick="x()"></div><iframe srcdoc="x"></iframe><form action="vbscript:x"><button formaction="javascript:x">b</button></form>
<svg><a xlink:href="javascript:x">s</a></svg></body></html>`
	var got []string
	scanHTML(func(f string, args ...any) { got = append(got, fmt.Sprintf(f, args...)) }, "page.html", []byte(page), false)
	for _, want := range []string{"Content-Security-Policy", "<script src=\"\">", "<a href=", "<img src=\"data:text/html", "onclick", "<iframe>", "srcdoc", "<form action", "formaction", "xlink:href", "2 scripts"} {
		if !slices.ContainsFunc(got, func(s string) bool { return strings.Contains(s, want) }) {
			t.Errorf("scanner missed %s; it reported:\n%s", want, strings.Join(got, "\n"))
		}
	}
	if slices.ContainsFunc(got, func(s string) bool { return strings.Contains(s, "data:image/png") }) {
		t.Error("scanner flagged a data:image/png URL")
	}
	got = nil
	scanHTML(func(f string, args ...any) { got = append(got, fmt.Sprintf(f, args...)) }, "page.html", []byte(page), true)
	if !slices.ContainsFunc(got, func(s string) bool { return strings.Contains(s, "from Markdown") }) {
		t.Errorf("unsafe-mode scanner missed the javascript: link: %v", got)
	}
}

// TestSecurityGitInternalsNotPublished: a Markdown link to a file under
// .git (whose config holds CI credentials, e.g. the token actions/checkout
// persists as http.extraheader) must not copy it into the site.
func TestSecurityGitInternalsNotPublished(t *testing.T) {
	t.Parallel()
	dir := writeRepo(t, "basic.txtar")
	cfg := filepath.Join(dir, ".git", "config")
	data, _ := os.ReadFile(cfg)
	data = append(data, "[http \"https://github.com/\"]\n\textraheader = AUTHORIZATION: basic SECRETTOKEN\n"...)
	if err := os.WriteFile(cfg, data, 0o644); err != nil {
		t.Fatal(err)
	}
	writeFiles(t, dir, map[string]string{"postmortems/2024/2024-07-01-git.md": "---\nid: INC-GIT\ntitle: Git\ndate: 2024-07-01\nseverity: SEV3\nstatus: published\n---\n## Summary\n" +
		"[config](../../.git/config) ![head](../../.git/HEAD) [hooks](../../.git/hooks/pre-commit.sample)\n" +
		// Site-root paths are read from the repository root, under the same rules.
		"[root config](/.git/config) ![root head](/../.git/HEAD) [root up](/../../.git/config)\n"})
	out := filepath.Join(t.TempDir(), "public")
	build(t, site.BuildOptions{Dir: dir, Out: out})
	if _, err := os.Stat(filepath.Join(out, "files", ".git")); err == nil {
		t.Error("files/.git was published")
	}
	filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if b, _ := os.ReadFile(p); bytes.Contains(b, []byte("SECRETTOKEN")) {
				t.Errorf("%s holds the .git/config credentials", p)
			}
		}
		return nil
	})
}
