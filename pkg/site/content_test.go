package site_test

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"golang.org/x/net/html"

	"github.com/inquest-dev/inquest/pkg/config"
	"github.com/inquest-dev/inquest/pkg/internal/repotest"
	"github.com/inquest-dev/inquest/pkg/postmortem"
	"github.com/inquest-dev/inquest/pkg/site"
)

// TestPagesKeepContent builds every fixture of testdata/content and checks
// that each incident page shows everything its Markdown body holds:
// every paragraph, heading, list item, code block, table and image that
// goldmark itself renders from the body is on the page, either as written
// or, for a list the drawn view stands in for, word for word in one row
// of the drawn view.
func TestPagesKeepContent(t *testing.T) {
	t.Parallel()
	fixtures, _ := filepath.Glob("testdata/content/*.txtar")
	if len(fixtures) == 0 {
		t.Fatal("no fixtures")
	}
	for _, fx := range fixtures {
		t.Run(filepath.Base(fx), func(t *testing.T) {
			t.Parallel()
			dir := repotest.WriteFile(t, fx)
			out := filepath.Join(t.TempDir(), "public")
			res := build(t, site.BuildOptions{Dir: dir, Out: out, Now: time.Date(2024, 9, 1, 0, 0, 0, 0, time.UTC)})
			if res.Incidents == 0 {
				t.Fatal("no incidents built")
			}
			pages := 0
			err := filepath.WalkDir(filepath.Join(dir, "postmortems"), func(p string, d os.DirEntry, err error) error {
				if err != nil || d.IsDir() || !strings.HasSuffix(p, ".md") {
					return err
				}
				pages++
				checkPageKeepsContent(t, out, p)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if pages != res.Incidents {
				t.Errorf("checked %d pages of %d incidents", pages, res.Incidents)
			}
		})
	}
}

// checkPageKeepsContent checks the page of the postmortem in file.
func checkPageKeepsContent(t *testing.T, out, file string) {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	inc := postmortem.NewParser(config.Default()).Parse(filepath.Base(file), data)
	page := parseHTML(t, filepath.Join(out, "incidents", inc.ID, "index.html"))
	src := goldmarkHTML(t, inc.Body)
	if missing := missingContent(src, page); len(missing) > 0 {
		t.Errorf("%s: the page lacks:\n  %s", filepath.Base(file), strings.Join(missing, "\n  "))
	}
	// Every in-page link reaches an element of the page, and no link or
	// image was given up as "#".
	ids := map[string]bool{}
	walk(page, func(n *html.Node) {
		if id := attr(n, "id"); n.Type == html.ElementNode && id != "" {
			ids[id] = true
		}
	})
	walk(find(page, "section", "body")[0], func(n *html.Node) {
		if n.Type != html.ElementNode {
			return
		}
		for _, key := range []string{"href", "src"} {
			u := attr(n, key)
			if u == "#" {
				t.Errorf("%s: <%s %s=\"#\"> (%s)", filepath.Base(file), n.Data, key, text(n)+attr(n, "alt"))
			} else if frag, ok := strings.CutPrefix(u, "#"); ok && !ids[frag] {
				t.Errorf("%s: in-page link %q reaches no element", filepath.Base(file), u)
			}
		}
	})
	// The check would see a paragraph and an image go missing.
	for _, tag := range []string{"p", "img"} {
		if removeFirst(find(page, "section", "body")[0], tag) && len(missingContent(src, page)) == 0 {
			t.Errorf("%s: removing the first <%s> of the body went unnoticed", filepath.Base(file), tag)
		}
	}
}

// goldmarkHTML is goldmark's own rendering of a body, with the extensions
// the site enables, parsed.
func goldmarkHTML(t *testing.T, body []byte) *html.Node {
	t.Helper()
	md := goldmark.New(goldmark.WithExtensions(extension.GFM, extension.Footnote))
	var b bytes.Buffer
	if err := md.Convert(body, &b); err != nil {
		t.Fatal(err)
	}
	doc, err := html.Parse(&b)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// missingContent lists what of src, goldmark's rendering of a body, the
// incident page does not show: the text of each paragraph, heading, list
// item, code block and table, and each image by its alt text and file name.
func missingContent(src, page *html.Node) []string {
	body := find(page, "section", "body")
	if len(body) != 1 {
		return []string{"section.body"}
	}
	// The page header shows the title an H1 of the body may repeat.
	shown := norm(text(body[0]))
	if h := find(page, "h1", ""); len(h) > 0 {
		shown = norm(text(h[0])) + " " + shown
	}
	var rows []string // the rows of the drawn views
	for _, sel := range [][2]string{{"section", "timeline-visual"}, {"section", "actions"}} {
		for _, s := range find(body[0], sel[0], sel[1]) {
			for _, r := range find(s, "li", "") {
				rows = append(rows, text(r))
			}
			for _, r := range find(s, "tr", "") {
				// Cells apart, as a browser shows them: "latency" and
				// the owner "jane" are two words.
				var cells []string
				for _, c := range append(find(r, "td", ""), find(r, "th", "")...) {
					cells = append(cells, text(c))
				}
				rows = append(rows, strings.Join(cells, " "))
			}
		}
	}
	var imgs []string
	walk(body[0], func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "img" {
			imgs = append(imgs, attr(n, "alt")+"|"+filepath.Base(attr(n, "src")))
		}
	})
	var missing []string
	walk(src, func(n *html.Node) {
		if n.Type != html.ElementNode {
			return
		}
		switch n.Data {
		case "p", "li", "pre", "table", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote":
			s := norm(text(n))
			if s == "" || strings.Contains(shown, s) || inList(n) && inRow(s, rows) {
				return
			}
			missing = append(missing, n.Data+": "+s)
		case "img":
			want := attr(n, "alt") + "|" + filepath.Base(attr(n, "src"))
			found := false
			for _, i := range imgs {
				found = found || i == want
			}
			if !found {
				missing = append(missing, "img: "+want)
			}
		}
	})
	return missing
}

// inList reports whether n is or is inside a list item.
func inList(n *html.Node) bool {
	for ; n != nil; n = n.Parent {
		if n.Type == html.ElementNode && n.Data == "li" {
			return true
		}
	}
	return false
}

// inRow reports whether every word of s is in one row of a drawn view.
func inRow(s string, rows []string) bool {
	for _, r := range rows {
		have := map[string]int{}
		for _, w := range wordsOf(r) {
			have[w]++
		}
		ok := true
		for _, w := range wordsOf(s) {
			if have[w] == 0 {
				ok = false
				break
			}
			have[w]--
		}
		if ok {
			return true
		}
	}
	return false
}

func wordsOf(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

var spaces = regexp.MustCompile(`\s+`)

func norm(s string) string { return strings.TrimSpace(spaces.ReplaceAllString(s, " ")) }

// removeFirst removes the first element named tag inside n, outside the
// drawn views, and reports whether there was one.
func removeFirst(n *html.Node, tag string) bool {
	var first *html.Node
	walk(n, func(c *html.Node) {
		if first == nil && c.Type == html.ElementNode && c.Data == tag && !inDrawn(c) {
			first = c
		}
	})
	if first == nil {
		return false
	}
	first.Parent.RemoveChild(first)
	return true
}

// inDrawn reports whether n is inside a drawn view.
func inDrawn(n *html.Node) bool {
	for ; n != nil; n = n.Parent {
		if n.Type == html.ElementNode && n.Data == "section" && (attr(n, "class") == "timeline-visual" || attr(n, "class") == "actions") {
			return true
		}
	}
	return false
}

// TestSummariesArePlainText: the summary of an incident whose Summary
// section is a list with a citation link and bold text reaches every place
// that shows it as plain text.
func TestSummariesArePlainText(t *testing.T) {
	t.Parallel()
	dir := repotest.WriteFile(t, "testdata/content/media.txtar")
	out := filepath.Join(t.TempDir(), "public")
	build(t, site.BuildOptions{Dir: dir, Out: out, BaseURL: "https://pm.example.com/", SearchIndex: true})
	const want = "Orders waited up to 40 minutes to be processed after a consumer deploy. No order was lost; all were processed by 15:02 UTC."
	for _, page := range []string{"index.html", "incidents/index.html", "tags/queue/index.html"} {
		got := find(parseHTML(t, filepath.Join(out, page)), "p", "summary")
		if len(got) != 1 || text(got[0]) != want {
			t.Errorf("%s: summaries %v, want one %q", page, got, want)
		}
	}
	if d := find(parseHTML(t, filepath.Join(out, "incidents/INC-2024-041/index.html")), "meta", ""); !slices.ContainsFunc(d, func(n *html.Node) bool {
		return attr(n, "name") == "description" && attr(n, "content") == want
	}) {
		t.Errorf("incident page: no <meta name=description> with the summary")
	}
	// The feed (XML), the JSON API and the search page's summaries escape
	// text their own way; the plain text is in each as it is encoded there.
	for file, enc := range map[string]string{
		"feed.xml":              want,
		"api/incidents.json":    `"summary": "` + want + `"`,
		"search/summaries.json": `"` + want + `"`,
	} {
		data, err := os.ReadFile(filepath.Join(out, file))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(data, []byte(enc)) {
			t.Errorf("%s lacks %q", file, enc)
		}
		for _, raw := range []string{"[[1]]", "](#", "**", "- Orders"} {
			if bytes.Contains(data, []byte(raw)) {
				t.Errorf("%s holds raw Markdown %q", file, raw)
			}
		}
	}
}
