package site_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/tools/txtar"

	"github.com/inquest-dev/inquest/pkg/internal/repotest"
	"github.com/inquest-dev/inquest/pkg/site"
)

// writeRepo writes a txtar archive from testdata into a new Git
// repository, committing it in one commit with a fixed author and date so
// builds are reproducible.
func writeRepo(t *testing.T, archive string) string {
	t.Helper()
	ar, err := txtar.ParseFile(filepath.Join("testdata", archive))
	if err != nil {
		t.Fatal(err)
	}
	r := repotest.New(t)
	for _, f := range ar.Files {
		r.WriteFile(f.Name, f.Data)
	}
	r.Commit("Author: Jane Doe <jane@example.com>\nDate: 2024-05-01T12:00:00Z\n\nAdd postmortems\n\nReviewed-by: Mei Chen <mei@example.com>\n")
	return r.Dir
}

func build(t *testing.T, opts site.BuildOptions) *site.Result {
	t.Helper()
	opts.CacheDir = t.TempDir()
	res, err := site.Build(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func parseHTML(t *testing.T, file string) *html.Node {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := html.Parse(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func walk(n *html.Node, f func(*html.Node)) {
	f(n)
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		walk(c, f)
	}
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func text(n *html.Node) string {
	var b strings.Builder
	walk(n, func(c *html.Node) {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
	})
	return strings.Join(strings.Fields(b.String()), " ")
}

// find returns the elements matching tag and, if class is set, that class.
func find(doc *html.Node, tag, class string) []*html.Node {
	var out []*html.Node
	walk(doc, func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == tag && (class == "" || strings.Contains(" "+attr(n, "class")+" ", " "+class+" ")) {
			out = append(out, n)
		}
	})
	return out
}

// checkLinks follows every internal href and src of every HTML page and
// fails on any that does not resolve to a file of the output, or whose
// #fragment names no id of the page it links to.
func checkLinks(t *testing.T, out, base string) int {
	t.Helper()
	n := 0
	ids := map[string]map[string]bool{} // by HTML file
	hasID := func(file, id string) bool {
		if ids[file] == nil {
			ids[file] = map[string]bool{}
			walk(parseHTML(t, file), func(el *html.Node) {
				if v := attr(el, "id"); el.Type == html.ElementNode && v != "" {
					ids[file][v] = true
				}
			})
		}
		return ids[file][id]
	}
	err := filepath.WalkDir(out, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".html") {
			return err
		}
		doc := parseHTML(t, p)
		walk(doc, func(el *html.Node) {
			if el.Type != html.ElementNode {
				return
			}
			for _, key := range []string{"href", "src", "data-catalog", "data-summaries"} {
				u := attr(el, key)
				rel, _ := filepath.Rel(out, p)
				if frag, ok := strings.CutPrefix(u, "#"); ok && frag != "" && key == "href" && !hasID(p, frag) {
					t.Errorf("%s: link %q names no id of the page", rel, u)
				}
				if u == "" || strings.HasPrefix(u, "http") || strings.HasPrefix(u, "#") || strings.HasPrefix(u, "mailto:") {
					continue
				}
				n++
				if !strings.HasPrefix(u, base) {
					t.Errorf("%s: link %q does not start with the base path %q", p, u, base)
					continue
				}
				target, frag, _ := strings.Cut(strings.TrimPrefix(u, base), "#")
				target = strings.SplitN(target, "?", 2)[0]
				file := filepath.Join(out, filepath.FromSlash(target))
				if target == "" || strings.HasSuffix(target, "/") {
					file = filepath.Join(file, "index.html")
				}
				if _, err := os.Stat(file); err != nil {
					t.Errorf("%s: dangling link %q", rel, u)
				} else if frag != "" && strings.HasSuffix(file, ".html") && !hasID(file, frag) {
					t.Errorf("%s: link %q names no id of %s", rel, u, target)
				}
			}
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestBuildSite(t *testing.T) {
	t.Parallel()
	dir := writeRepo(t, "basic.txtar")
	out := filepath.Join(t.TempDir(), "public")
	res := build(t, site.BuildOptions{Dir: dir, Out: out, Now: time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)})
	if res.Incidents != 3 {
		t.Fatalf("built %d incidents, want 3 (the draft left out)", res.Incidents)
	}
	if n := checkLinks(t, out, "/"); n < 100 {
		t.Errorf("only %d internal links checked", n)
	}

	// The tag page lists exactly the incidents with that tag, newest first.
	doc := parseHTML(t, filepath.Join(out, "tags/database/index.html"))
	var titles []string
	for _, a := range find(doc, "a", "title") {
		titles = append(titles, text(a))
	}
	if got := strings.Join(titles, " | "); got != "Checkout DB pool exhausted | Replica lag" {
		t.Errorf("database tag page lists %q", got)
	}

	// The incident page: header facts, a drawn timeline with milestones and
	// offsets, action items with the overdue one marked, history, escaping.
	doc = parseHTML(t, filepath.Join(out, "incidents/INC-2024-001/index.html"))
	if h1 := find(doc, "h1", ""); len(h1) != 1 || text(h1[0]) != "Checkout DB pool exhausted" {
		t.Errorf("h1 = %v", h1)
	}
	if got := len(find(doc, "circle", "")); got != 4 {
		t.Errorf("timeline axis has %d dots, want 4", got)
	}
	events := find(doc, "ol", "events")
	if len(events) != 1 || !strings.Contains(text(events[0]), "+8 min detected alert fired") {
		t.Errorf("timeline list = %q", text(events[0]))
	}
	if od := find(doc, "tr", "is-overdue"); len(od) != 1 || !strings.Contains(text(od[0]), "Cap the pool") {
		t.Errorf("overdue rows = %d", len(od))
	}
	if rev := find(doc, "ol", "revisions"); len(rev) != 1 || !strings.Contains(text(rev[0]), "Add postmortems") {
		t.Error("revision history missing")
	}
	if len(find(doc, "script", "")) != 1 {
		t.Error("the page must load exactly one script, the theme's")
	}
	body := find(doc, "section", "body")[0]
	if !strings.Contains(text(body), "<script>alert(1)</script>") {
		t.Error("raw HTML in Markdown must be shown escaped")
	}
	// The relative link to another postmortem points at its page; the image was copied.
	var hrefs []string
	walk(body, func(n *html.Node) {
		if n.Type == html.ElementNode && (n.Data == "a" || n.Data == "img") {
			hrefs = append(hrefs, attr(n, "href")+attr(n, "src"))
		}
	})
	joined := strings.Join(hrefs, " ")
	if !strings.Contains(joined, "/incidents/INC-2023-002/") || !strings.Contains(joined, "/files/postmortems/2024/img/chart.svg") {
		t.Errorf("rewritten links = %v", hrefs)
	}
	// The link to a missing file is a warning with its line.
	found := false
	for _, f := range res.Findings {
		if f.Rule == "links" && f.File == "postmortems/2024/2024-03-01-db.md" && f.Line == 21 {
			found = true
		}
	}
	if !found {
		t.Errorf("no links warning at line 21 in %+v", res.Findings)
	}

	// Lessons: an index of tags, and each tag's lessons with their incident.
	lessons := parseHTML(t, filepath.Join(out, "lessons/database/index.html"))
	if l := find(lessons, "article", "lesson"); len(l) != 1 || !strings.Contains(text(l[0]), "Pools need limits") {
		t.Errorf("lessons/database lists %d lessons", len(l))
	}

	// Machine output.
	for _, f := range []string{"feed.xml", "sitemap.xml", "api/incidents.json", "search/catalog.json", "404.html", "robots.txt", "metrics/index.html", "actions/index.html", "lessons/index.html", "digest/index.html", "timeline/index.html"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("missing %s", f)
		}
	}
	api, _ := os.ReadFile(filepath.Join(out, "api/incidents.json"))
	if !bytes.Contains(api, []byte(`"url": "/incidents/INC-2024-001/"`)) || !bytes.Contains(api, []byte(`"history": {`)) {
		t.Error("api/incidents.json lacks url or history")
	}
}

func TestBuildSubPathDraftsAudience(t *testing.T) {
	t.Parallel()
	dir := writeRepo(t, "basic.txtar")
	out := filepath.Join(t.TempDir(), "public")
	res := build(t, site.BuildOptions{Dir: dir, Out: out, BaseURL: "https://org.github.io/pm/", Drafts: true, Audience: "public"})
	// The internal incident is out, the draft is in.
	if res.Incidents != 3 {
		t.Fatalf("built %d incidents, want 3", res.Incidents)
	}
	if _, err := os.Stat(filepath.Join(out, "incidents/INC-2024-009")); err != nil {
		t.Error("draft missing with --drafts")
	}
	if _, err := os.Stat(filepath.Join(out, "incidents/INC-2023-002")); err == nil {
		t.Error("internal incident published to a public audience")
	}
	checkLinks(t, out, "/pm/")
	feed, _ := os.ReadFile(filepath.Join(out, "feed.xml"))
	if !bytes.Contains(feed, []byte("https://org.github.io/pm/incidents/INC-2024-001/")) {
		t.Error("feed links are not absolute under the base URL")
	}
}

func TestThemeOverride(t *testing.T) {
	t.Parallel()
	dir := writeRepo(t, "basic.txtar")
	if err := os.MkdirAll(filepath.Join(dir, "theme/templates"), 0o755); err != nil {
		t.Fatal(err)
	}
	override := `{{define "content"}}<h1 class="custom">Custom 404 for {{.Site.Title}}</h1>{{end}}`
	if err := os.WriteFile(filepath.Join(dir, "theme/templates/404.html"), []byte(override), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "public")
	build(t, site.BuildOptions{Dir: dir, Out: out})
	doc := parseHTML(t, filepath.Join(out, "404.html"))
	if h := find(doc, "h1", "custom"); len(h) != 1 || text(h[0]) != "Custom 404 for Test postmortems" {
		t.Error("theme override not used")
	}
	// Other templates still come from the embedded theme.
	if len(find(parseHTML(t, filepath.Join(out, "index.html")), "section", "cards")) != 1 {
		t.Error("embedded home template not used")
	}
}

// TestThemeCachedFragments: "cached" keys a fragment's output on the page
// template too, so a template that defines the fragment its own way gets
// its own; data that cannot be a map key fails the build with the reason.
func TestThemeCachedFragments(t *testing.T) {
	t.Parallel()
	dir := writeRepo(t, "basic.txtar")
	if err := os.MkdirAll(filepath.Join(dir, "theme/templates"), 0o755); err != nil {
		t.Fatal(err)
	}
	home := `{{define "content"}}{{template "incident-list" .Home.Latest}}{{end}}` +
		`{{define "incident-row"}}<li class="home-row">{{.ID}}</li>{{end}}`
	if err := os.WriteFile(filepath.Join(dir, "theme/templates/home.html"), []byte(home), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "public")
	build(t, site.BuildOptions{Dir: dir, Out: out})
	rows := find(parseHTML(t, filepath.Join(out, "index.html")), "li", "home-row")
	if len(rows) == 0 {
		t.Error("home page: the theme's own incident-row not used")
	}
	for _, r := range rows {
		if !strings.HasPrefix(text(r), "INC-") {
			t.Errorf("home row %q, want an incident id", text(r))
		}
	}
	list := parseHTML(t, filepath.Join(out, "incidents", "index.html"))
	if n := len(find(list, "li", "home-row")); n != 0 {
		t.Errorf("incident list shows %d of the home page's rows", n)
	}
	if len(find(list, "a", "title")) != len(rows) {
		t.Errorf("incident list: %d default rows, want %d", len(find(list, "a", "title")), len(rows))
	}

	bad := `{{define "content"}}{{cached "incident-row" .Incidents}}{{end}}`
	if err := os.WriteFile(filepath.Join(dir, "theme/templates/list.html"), []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := site.Build(context.Background(), site.BuildOptions{Dir: dir, Out: out, CacheDir: t.TempDir()})
	if err == nil || !strings.Contains(err.Error(), "cannot be a cache key") {
		t.Errorf("cached with a slice: got %v, want a cache key error", err)
	}
}

// TestLayoutFragmentsPerPage checks the layout's cached parts: the nav
// marks the page of a nav link as the current one on that page alone, and
// every page's footer is the same and counts nothing: an added postmortem
// leaves the pages it does not show byte for byte as they were. The home
// page counts the incidents.
func TestLayoutFragmentsPerPage(t *testing.T) {
	t.Parallel()
	dir := writeRepo(t, "basic.txtar")
	out := filepath.Join(t.TempDir(), "public")
	res := build(t, site.BuildOptions{Dir: dir, Out: out})
	current := func(page string) []string {
		var got []string
		walk(parseHTML(t, filepath.Join(out, page)), func(n *html.Node) {
			if n.Type == html.ElementNode && n.Data == "a" && attr(n, "aria-current") != "" {
				got = append(got, text(n)+"="+attr(n, "aria-current"))
			}
		})
		return got
	}
	for page, want := range map[string]string{
		"incidents/index.html":              "Incidents=page",
		"timeline/index.html":               "Timeline=page",
		"tags/index.html":                   "Tags=page",
		"index.html":                        "",
		"incidents/INC-2024-001/index.html": "",
		"tags/database/index.html":          "",
	} {
		if got := strings.Join(current(page), ", "); got != want {
			t.Errorf("%s: links marked current %q, want %q", page, got, want)
		}
		foot := find(parseHTML(t, filepath.Join(out, page)), "footer", "site-footer")
		if len(foot) != 1 || text(foot[0]) != "Built by inquest · Atom feed · JSON" {
			t.Errorf("%s: footer %v, want one that counts nothing", page, foot)
		}
	}
	cards := find(parseHTML(t, filepath.Join(out, "index.html")), "a", "card")
	if len(cards) == 0 || !strings.HasPrefix(text(cards[0]), fmt.Sprintf("%d incidents", res.Incidents)) {
		t.Errorf("home page: no card counting %d incidents", res.Incidents)
	}
}

func TestFailedBuildKeepsPreviousSite(t *testing.T) {
	t.Parallel()
	dir := writeRepo(t, "basic.txtar")
	out := filepath.Join(t.TempDir(), "public")
	build(t, site.BuildOptions{Dir: dir, Out: out})
	before, _ := os.ReadFile(filepath.Join(out, "index.html"))
	// A broken theme template fails the build.
	os.MkdirAll(filepath.Join(dir, "theme/templates"), 0o755)
	os.WriteFile(filepath.Join(dir, "theme/templates/home.html"), []byte(`{{define "content"}}{{.Nope.Missing}}{{end}}`), 0o644)
	_, err := site.Build(context.Background(), site.BuildOptions{Dir: dir, Out: out, CacheDir: t.TempDir()})
	if err == nil {
		t.Fatal("build with a broken template succeeded")
	}
	after, _ := os.ReadFile(filepath.Join(out, "index.html"))
	if !bytes.Equal(before, after) {
		t.Error("failed build changed the previous site")
	}
	entries, _ := os.ReadDir(filepath.Dir(out))
	for _, e := range entries {
		if e.Name() != path.Base(out) {
			t.Errorf("left behind %s", e.Name())
		}
	}
}

func TestReproducible(t *testing.T) {
	t.Parallel()
	dir := writeRepo(t, "basic.txtar")
	a, b := filepath.Join(t.TempDir(), "a"), filepath.Join(t.TempDir(), "b")
	build(t, site.BuildOptions{Dir: dir, Out: a})
	build(t, site.BuildOptions{Dir: dir, Out: b})
	err := filepath.WalkDir(a, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(a, p)
		x, _ := os.ReadFile(p)
		y, err := os.ReadFile(filepath.Join(b, rel))
		if err != nil || !bytes.Equal(x, y) {
			t.Errorf("%s differs between two builds of one commit", rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestUncommittedChangesReported(t *testing.T) {
	t.Parallel()
	dir := writeRepo(t, "basic.txtar")
	p := filepath.Join(dir, "postmortems/2022/2022-07-07-dns.md")
	data, _ := os.ReadFile(p)
	if err := os.WriteFile(p, append(data, []byte("\nEdited after the commit.\n")...), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "public")
	res := build(t, site.BuildOptions{Dir: dir, Out: out})
	if res.Uncommitted != 1 {
		t.Errorf("Uncommitted = %d, want 1", res.Uncommitted)
	}
	doc := parseHTML(t, filepath.Join(out, "incidents/INC-2022-003/index.html"))
	if len(find(doc, "span", "uncommitted")) != 1 {
		t.Error("incident page does not show its uncommitted changes")
	}
}

// TestLinkCheckOutput runs the link checker over a site built elsewhere,
// e.g. the 10k benchmark corpus: INQUEST_CHECK_OUT=/tmp/c10k-out
// INQUEST_CHECK_BASE=/pm/ go test ./pkg/site -run LinkCheckOutput.
func TestLinkCheckOutput(t *testing.T) {
	out := os.Getenv("INQUEST_CHECK_OUT")
	if out == "" {
		t.Skip("set INQUEST_CHECK_OUT (and INQUEST_CHECK_BASE) to check a built site")
	}
	base := os.Getenv("INQUEST_CHECK_BASE")
	if base == "" {
		base = "/"
	}
	n := checkLinks(t, out, base)
	t.Logf("%d internal links checked", n)
}

func TestRelatedOrder(t *testing.T) {
	t.Parallel()
	dir := writeRepo(t, "basic.txtar")
	out := filepath.Join(t.TempDir(), "public")
	build(t, site.BuildOptions{Dir: dir, Out: out, Drafts: true})
	// INC-2024-001 shares a service with INC-2022-003 (weight 2) and a tag
	// with INC-2023-002 (weight 1); the draft shares nothing.
	doc := parseHTML(t, filepath.Join(out, "incidents/INC-2024-001/index.html"))
	aside := find(doc, "aside", "related")
	if len(aside) != 1 {
		t.Fatal("no related incidents")
	}
	var titles []string
	for _, a := range find(aside[0], "a", "title") {
		titles = append(titles, text(a))
	}
	if got := strings.Join(titles, " | "); got != "DNS timeouts | Replica lag" {
		t.Errorf("related = %q", got)
	}
}

func TestRelatedBySimilarText(t *testing.T) {
	t.Parallel()
	dir := writeRepo(t, "related.txtar")
	out := filepath.Join(t.TempDir(), "public")
	build(t, site.BuildOptions{Dir: dir, Out: out})
	aside := find(parseHTML(t, filepath.Join(out, "incidents/A/index.html")), "aside", "related")
	if len(aside) != 1 {
		t.Fatal("A has no related incidents")
	}
	titles := find(aside[0], "a", "title")
	if len(titles) == 0 || text(titles[0]) != "Ledger cache cold start caused a thundering herd" {
		t.Errorf("A's first related incident is not B: %v", text(aside[0]))
	}
}

func TestNoChangeRebuildIsSkipped(t *testing.T) {
	t.Parallel()
	dir := writeRepo(t, "basic.txtar")
	out := filepath.Join(t.TempDir(), "public")
	cache := t.TempDir()
	first, err := site.Build(context.Background(), site.BuildOptions{Dir: dir, Out: out, CacheDir: cache})
	if err != nil {
		t.Fatal(err)
	}
	second, err := site.Build(context.Background(), site.BuildOptions{Dir: dir, Out: out, CacheDir: cache})
	if err != nil {
		t.Fatal(err)
	}
	if !second.UpToDate || second.Pages != first.Pages || len(second.Findings) != len(first.Findings) {
		t.Errorf("second build: up to date %v, %d pages, %d findings; want the first build's %d pages, %d findings",
			second.UpToDate, second.Pages, len(second.Findings), first.Pages, len(first.Findings))
	}
	// Any change to a file of the repository, or to an option, builds again.
	p := filepath.Join(dir, "postmortems/2022/2022-07-07-dns.md")
	data, _ := os.ReadFile(p)
	os.WriteFile(p, bytes.Replace(data, []byte("DNS timeouts"), []byte("DNS resolver timeouts"), 1), 0o644)
	third, err := site.Build(context.Background(), site.BuildOptions{Dir: dir, Out: out, CacheDir: cache})
	if err != nil {
		t.Fatal(err)
	}
	if third.UpToDate {
		t.Fatal("edited repository not rebuilt")
	}
	page, _ := os.ReadFile(filepath.Join(out, "incidents/INC-2022-003/index.html"))
	if !bytes.Contains(page, []byte("DNS resolver timeouts")) {
		t.Error("edit not in the rebuilt page")
	}
	fourth, err := site.Build(context.Background(), site.BuildOptions{Dir: dir, Out: out, CacheDir: cache, Drafts: true})
	if err != nil || fourth.UpToDate {
		t.Errorf("changed options not rebuilt: %v", err)
	}
}
