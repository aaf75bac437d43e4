package e2e

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/inquest-dev/inquest/pkg/site"
)

// countRE is #search-count once the catalog has loaded: "3 of 15 incidents".
var countRE = regexp.MustCompile(`^(\d+) of (\d+) incidents$`)

// searchResult is one visible row of #search-results.
type searchResult struct {
	ID       string `json:"id"`
	Title    string `json:"title"`
	Summary  string `json:"summary"`
	Severity string `json:"severity"`
}

const searchResultsJS = `[...document.querySelectorAll("#search-results li")].filter(li => li.offsetParent !== null).map(li => ({
	id: li.dataset.id ?? "",
	title: li.querySelector("a.title")?.textContent ?? "",
	summary: li.querySelector(".summary, .fragment")?.textContent ?? "",
	severity: li.querySelector(".sev")?.textContent ?? "",
}))`

// TestStaticSearchPage drives the search page as served by a static host,
// where it filters search/catalog.json in the browser: typing, facets, the
// URL that records both, and the back button. The full-text search is off
// (catalogOnly); TestWasmSearchPage tests it.
func TestStaticSearchPage(t *testing.T) {
	t.Parallel()
	ctx := newTab(t)
	ts := serveSiteWith(ctx, t, site.BuildOptions{Dir: acmeDir}, catalogOnly)
	cons := watchConsole(ctx, t)

	open(ctx, t, ts.root+"search/")
	waitFor(ctx, t, "the catalog", `/^(\d+) of \1 incidents$/.test(document.getElementById("search-count").textContent)`)
	if total := catalogSize(t, evalJS[string](ctx, t, `document.getElementById("search-count").textContent`)); total < 2 {
		t.Fatalf("the catalog has %d incidents", total)
	}

	// Typing filters the results and records the query in the URL.
	if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS("#search-q"), "dns")); err != nil {
		t.Fatal(err)
	}
	waitFor(ctx, t, "fewer results", `(m => m && +m[1] < +m[2])(document.getElementById("search-count").textContent.match(/^(\d+) of (\d+) incidents$/))`)
	hits := evalJS[[]searchResult](ctx, t, searchResultsJS)
	if len(hits) == 0 {
		t.Fatal(`no results for "dns"`)
	}
	for _, h := range hits {
		if !strings.Contains(strings.ToLower(h.ID+" "+h.Title+" "+h.Summary), "dns") {
			t.Errorf(`result %s %q does not mention "dns": %q`, h.ID, h.Title, h.Summary)
		}
	}
	if got := evalJS[string](ctx, t, "location.search"); !strings.Contains(got, "q=dns") {
		t.Errorf(`after typing "dns" the URL query is %q, want q=dns`, got)
	}

	// Emptying the box shows every incident again and drops q from the URL.
	if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS("#search-q"), strings.Repeat(kb.Backspace, 3))); err != nil {
		t.Fatal(err)
	}
	waitFor(ctx, t, "every incident again", `/^(\d+) of \1 incidents$/.test(document.getElementById("search-count").textContent) && !location.search.includes("q=")`)

	// A facet narrows the results and is a history entry of its own.
	const sev2 = `#facets input[data-facet="s"][value="SEV2"]`
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(sev2))); err != nil {
		t.Fatalf("clicking the SEV2 facet: %v", err)
	}
	waitFor(ctx, t, "the SEV2 filter", `location.search.includes("s=SEV2") && document.querySelector('`+sev2+`')?.checked && (m => m && +m[1] < +m[2])(document.getElementById("search-count").textContent.match(/^(\d+) of (\d+) incidents$/))`)
	hits = evalJS[[]searchResult](ctx, t, searchResultsJS)
	if len(hits) == 0 {
		t.Fatal("no SEV2 results")
	}
	for _, h := range hits {
		if h.Severity != "SEV2" {
			t.Errorf("with the SEV2 facet, result %s shows %q", h.ID, h.Severity)
		}
	}

	if err := chromedp.Do(ctx, chromedp.NavigateBack()); err != nil {
		t.Fatalf("going back: %v", err)
	}
	waitFor(ctx, t, "the SEV2 filter to be undone", `!location.search.includes("s=SEV2") && document.querySelector('`+sev2+`')?.checked === false && /^(\d+) of \1 incidents$/.test(document.getElementById("search-count").textContent)`)
	cons.checkClean(t, "search page")

	// "/" on any page focuses the search box: the home page's own (it has
	// no header box), else the header's, which submits to the search page,
	// under the base path, which takes the query up.
	slash := pressKey("/", "Slash", 191)
	open(ctx, t, ts.root)
	if err := chromedp.Do(ctx, slash); err != nil {
		t.Fatal(err)
	}
	waitFor(ctx, t, `"/" to focus the home page's search box`, `document.activeElement?.id === "home-q" && !document.getElementById("q")`)
	open(ctx, t, ts.root+"timeline/")
	if err := chromedp.Do(ctx, slash); err != nil {
		t.Fatal(err)
	}
	waitFor(ctx, t, `"/" to focus the header search box`, `document.activeElement?.id === "q"`)
	if got := evalJS[string](ctx, t, `document.activeElement.value`); got != "" {
		t.Errorf(`pressing "/" typed %q into the search box`, got)
	}
	if _, err := chromedp.RunResponse(ctx, chromedp.KeyEvent("dns"+kb.Enter)); err != nil {
		t.Fatalf("submitting the header search: %v", err)
	}
	if got := evalJS[string](ctx, t, "location.pathname + location.search"); got != "/sub/search/?q=dns" {
		t.Errorf("the header search led to %s, want /sub/search/?q=dns", got)
	}
	waitFor(ctx, t, "the query from the URL", `document.getElementById("search-q").value === "dns" && (m => m && +m[1] < +m[2])(document.getElementById("search-count").textContent.match(/^(\d+) of (\d+) incidents$/))`)
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`document.activeElement.blur()`), slash); err != nil {
		t.Fatal(err)
	}
	waitFor(ctx, t, `"/" to focus the search page's box`, `document.activeElement?.id === "search-q"`)
	cons.checkClean(t, "home page search")
}

// catalogSize reads the number of incidents in the catalog from
// #search-count.
func catalogSize(t *testing.T, s string) int {
	t.Helper()
	m := countRE.FindStringSubmatch(s)
	if m == nil {
		t.Fatalf("#search-count = %q, want like 3 of 15 incidents", s)
	}
	n, _ := strconv.Atoi(m[2])
	return n
}
