package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/inquest-dev/inquest/pkg/cli"
	"github.com/inquest-dev/inquest/pkg/site"
)

// wasmQueries are full-text queries the static site answers with the
// CLI's search compiled to WebAssembly: a phrase, a field filter with a
// word that is in no title or summary, and a phrase in one section. The
// site indexes only what it publishes and acme's one draft is not
// published, while `inquest search` indexes every postmortem: each query
// leaves drafts out so that both find the same incidents.
var wasmQueries = []string{
	`"connection exhaustion" -status:draft`,
	`+tags:kubernetes evicted -status:draft`,
	`timeline:"rolled back" -status:draft`,
}

// TestWasmSearchPage types full-text queries into the search page of a
// static site and checks that, once the WebAssembly search has loaded, the
// page lists exactly the incidents `inquest search --json` finds on the same
// repository, in the same order, with highlighted fragments; then that
// axe-core finds no violation in those results (checkFullTextA11y).
func TestWasmSearchPage(t *testing.T) {
	t.Parallel()
	ctx := newTab(t)
	ts := serveSite(ctx, t, site.BuildOptions{Dir: acmeDir})
	a11y := axeAvailable()
	if a11y {
		loadAxe(ctx, t, axeSource(t))
	}
	cons := watchConsole(ctx, t)
	open(ctx, t, ts.root+"search/")
	waitFor(ctx, t, "the catalog", `/^(\d+) of \1 incidents$/.test(document.getElementById("search-count").textContent)`)
	marks := 0
	for _, q := range wasmQueries {
		want := cliSearch(ctx, t, acmeDir, q)
		if len(want) == 0 {
			t.Fatalf("inquest search %s finds nothing: choose another query", q)
		}
		typeQuery(ctx, t, q)
		waitFor(ctx, t, "full-text results for "+q, `(a => a.dataset.results === "full-text" && a.dataset.partial === "false" && a.dataset.query === `+strconv.Quote(q)+`)(document.getElementById("search-app"))`)
		var got []string
		for _, h := range evalJS[[]searchResult](ctx, t, searchResultsJS) {
			got = append(got, h.ID)
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: the page lists %v, inquest search %v", q, got, want)
		}
		// Fragments keep only text and <mark>. The browser index stores
		// the summary and the fields a hit shows, so only matches there
		// have fragments; other hits show their summary.
		marks += evalJS[int](ctx, t, `document.querySelectorAll("#search-results .fragment mark").length`)
		if other := evalJS[int](ctx, t, `document.querySelectorAll("#search-results .fragment *:not(mark)").length`); other != 0 {
			t.Errorf("%s: %d elements other than <mark> in the fragments", q, other)
		}
	}
	if marks == 0 {
		t.Error("no query showed a highlighted fragment")
	}
	if got := evalJS[string](ctx, t, `document.getElementById("search-app").dataset.engine`); got != "wasm" {
		t.Errorf("engine = %q, want wasm", got)
	}

	// A query Bleve cannot parse says why, and the catalog answers.
	typeQuery(ctx, t, `"connection`)
	waitFor(ctx, t, "the query error", `!document.getElementById("search-error").hidden && document.getElementById("search-app").dataset.results === "catalog"`)
	if msg := evalJS[string](ctx, t, `document.getElementById("search-error").textContent`); !strings.Contains(msg, "query") {
		t.Errorf("query error shown as %q", msg)
	}
	typeQuery(ctx, t, "dns")
	waitFor(ctx, t, "the error to go", `document.getElementById("search-error").hidden && document.getElementById("search-app").dataset.query === "dns"`)
	cons.checkClean(t, "search page with wasm")

	// The full-text results have no accessibility violation
	// (TestAccessibility checks the search page with the catalog's).
	if a11y {
		waitFor(ctx, t, "full-text results for dns with highlighted fragments", fullTextShownJS)
		checkFullTextA11y(ctx, t)
	}
}

// TestWasmSearchBlocked: when the runtime cannot be fetched, the search
// page says so in data-engine and keeps filtering the catalog.
func TestWasmSearchBlocked(t *testing.T) {
	t.Parallel()
	ctx := newTab(t)
	block := func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasSuffix(r.URL.Path, ".wasm.gz") {
				http.Error(w, "blocked", http.StatusForbidden)
				return
			}
			h.ServeHTTP(w, r)
		})
	}
	cons := openSearch(ctx, t, block)
	catalogFallback(ctx, t, "dns", "403")
	for _, h := range evalJS[[]searchResult](ctx, t, searchResultsJS) {
		if !strings.Contains(strings.ToLower(h.ID+" "+h.Title+" "+h.Summary), "dns") {
			t.Errorf(`catalog result %s %q does not mention "dns"`, h.ID, h.Title)
		}
	}
	// The refused fetch is the only thing the console may show.
	for _, p := range cons.take() {
		if !strings.Contains(p, "403") {
			t.Errorf("console: %s", p)
		}
	}
}

// TestWasmSearchRuntimeFails: when the WebAssembly runtime fails after it
// has answered (here a stand-in for a Go program that exited: its search
// function throws from the query "database" on), the page gives up on it,
// says why in data-engine-error, and filters the catalog for that query
// and the next ones, with no error shown under the box.
func TestWasmSearchRuntimeFails(t *testing.T) {
	t.Parallel()
	ctx := newTab(t)
	const crash = `
;(function () {
  var run = Go.prototype.run;
  Go.prototype.run = function (inst) {
    var p = run.call(this, inst), search = globalThis.inquestSearch, dead = false;
    globalThis.inquestSearch = function (q) {
      if (String(q).indexOf("database") >= 0) dead = true;
      if (dead) throw new Error("Go program has already exited");
      return search.apply(this, arguments);
    };
    return p;
  };
})();
`
	patch := func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !strings.Contains(r.URL.Path, "wasm_exec") {
				h.ServeHTTP(w, r)
				return
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, r)
			w.Header().Set("Content-Type", "text/javascript")
			w.WriteHeader(rec.Code)
			w.Write(append(rec.Body.Bytes(), crash...))
		})
	}
	cons := openSearch(ctx, t, patch)
	typeQuery(ctx, t, "dns")
	waitFor(ctx, t, "full-text results for dns", `(a => a.dataset.results === "full-text" && a.dataset.query === "dns")(document.getElementById("search-app"))`)
	catalogFallback(ctx, t, "database", "already exited")
	catalogFallback(ctx, t, "dns", "already exited")
	if !evalJS[bool](ctx, t, `document.getElementById("search-error").hidden`) {
		t.Errorf("an error is shown under the box: %q", evalJS[string](ctx, t, `document.getElementById("search-error").textContent`))
	}
	cons.checkClean(t, "search page after the runtime failed")
}

// openSearch builds examples/acme, serves it with the file server wrapped
// by wrap, opens the search page, waits for the catalog and watches the
// console from then on.
func openSearch(ctx context.Context, t *testing.T, wrap func(http.Handler) http.Handler) *console {
	t.Helper()
	ts := serveSiteWith(ctx, t, site.BuildOptions{Dir: acmeDir}, wrap)
	cons := watchConsole(ctx, t)
	open(ctx, t, ts.root+"search/")
	waitFor(ctx, t, "the catalog", `/^(\d+) of \1 incidents$/.test(document.getElementById("search-count").textContent)`)
	return cons
}

// catalogFallback types q and waits for the full-text search to give up
// and the catalog filter to answer: some incidents, not all. The reason
// the page records in data-engine-error must contain why.
func catalogFallback(ctx context.Context, t *testing.T, q, why string) {
	t.Helper()
	typeQuery(ctx, t, q)
	waitFor(ctx, t, "the full-text search to give up", `document.getElementById("search-app").dataset.engine === "failed"`)
	if got := evalJS[string](ctx, t, `document.getElementById("search-app").dataset.engineError`); !strings.Contains(got, why) {
		t.Errorf("data-engine-error = %q, want %q in it", got, why)
	}
	waitFor(ctx, t, "catalog results for "+q, `(a => a.dataset.results === "catalog" && a.dataset.query === `+strconv.Quote(q)+`)(document.getElementById("search-app")) && (m => m && +m[1] > 0 && +m[1] < +m[2])(document.getElementById("search-count").textContent.match(/^(\d+) of (\d+) incidents$/))`)
}

// typeQuery empties the search page's box and types q into it.
func typeQuery(ctx context.Context, t *testing.T, q string) {
	t.Helper()
	err := chromedp.Do(ctx,
		chromedp.Evaluate[chromedp.Void](`(b => { b.value = ""; b.dispatchEvent(new Event("input")); })(document.getElementById("search-q"))`),
		chromedp.SendKeys(chromedp.CSS("#search-q"), q))
	if err != nil {
		t.Fatalf("typing %s: %v", q, err)
	}
}

// cliSearch runs `inquest search --json` on dir and returns the ids found,
// best first.
func cliSearch(ctx context.Context, t *testing.T, dir, q string) []string {
	t.Helper()
	var stdout, stderr bytes.Buffer
	if code := cli.Run(ctx, []string{"search", "-C", dir, "--json", "--limit", "1000", q}, strings.NewReader(""), &stdout, &stderr); code != 0 {
		t.Fatalf("inquest search %s: exit %d: %s", q, code, stderr.String())
	}
	var res struct {
		Hits []struct {
			ID string `json:"id"`
		} `json:"hits"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &res); err != nil {
		t.Fatalf("inquest search %s --json: %v", q, err)
	}
	var ids []string
	for _, h := range res.Hits {
		ids = append(ids, h.ID)
	}
	return ids
}

// TestWasmSearchManifestOutside: a search/manifest.json that names a file
// outside the site is refused before anything is fetched, and the catalog
// answers.
func TestWasmSearchManifestOutside(t *testing.T) {
	t.Parallel()
	ctx := newTab(t)
	var mu sync.Mutex
	var outside []string
	tamper := func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !strings.HasPrefix(r.URL.Path, basePath) {
				mu.Lock()
				outside = append(outside, r.URL.Path)
				mu.Unlock()
				http.NotFound(w, r)
				return
			}
			if !strings.HasSuffix(r.URL.Path, "/search/manifest.json") {
				h.ServeHTTP(w, r)
				return
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, r)
			var m map[string]any
			if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			shard := m["shards"].([]any)[0].(map[string]any)
			shard["path"] = fmt.Sprint("../elsewhere/", shard["path"])
			w.Header().Set("Content-Type", "application/json")
			json.NewEncoder(w).Encode(m)
		})
	}
	cons := openSearch(ctx, t, tamper)
	catalogFallback(ctx, t, "dns", "outside the site")
	mu.Lock()
	if len(outside) > 0 {
		t.Errorf("the page asked for %v, outside %s", outside, basePath)
	}
	mu.Unlock()
	cons.checkClean(t, "search page with a manifest naming a file outside the site")
}

// TestSearchFragmentsSanitized: whatever HTML a search answers with, a
// result's fragment keeps only text and bare <mark> elements. The site's
// manifest is replaced by one for a search API (mode server) that answers
// hostile fragments for the first incidents of the catalog.
func TestSearchFragmentsSanitized(t *testing.T) {
	t.Parallel()
	ctx := newTab(t)
	frags := []string{
		`<mark onclick="window.__xss=1" style="color:red" id="m1">pool</mark> ran <b>dry</b>`,
		`</mark><img src=x onerror="window.__xss=2"><mark><mark>nested</mark></mark>`,
		`&lt;img src=x onerror=window.__xss=3&gt; <script>window.__xss=4</script><svg><mark onload="window.__xss=5">s</mark></svg>`,
		`<mark><img src=x onerror="window.__xss=6">inner</mark><!-- c --><a href="javascript:window.__xss=7">link</a><iframe srcdoc="x"></iframe>`,
	}
	api := func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			switch {
			case strings.HasSuffix(r.URL.Path, "/search/manifest.json"):
				w.Header().Set("Content-Type", "application/json")
				w.Write([]byte(`{"mode": "server", "api": "api/search"}`))
			case r.URL.Path == basePath+"api/search":
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, basePath+"search/catalog.json", nil))
				var catalog []struct {
					ID string `json:"i"`
				}
				if err := json.Unmarshal(rec.Body.Bytes(), &catalog); err != nil || len(catalog) < len(frags) {
					http.Error(w, fmt.Sprintf("catalog: %v", err), http.StatusInternalServerError)
					return
				}
				type hit struct {
					ID        string              `json:"id"`
					Fragments map[string][]string `json:"fragments"`
				}
				var hits []hit
				for i, f := range frags {
					hits = append(hits, hit{catalog[i].ID, map[string][]string{"summary": {f}}})
				}
				w.Header().Set("Content-Type", "application/json")
				json.NewEncoder(w).Encode(map[string]any{"hits": hits})
			default:
				h.ServeHTTP(w, r)
			}
		})
	}
	cons := openSearch(ctx, t, api)
	typeQuery(ctx, t, "pool")
	waitFor(ctx, t, "the API's results", `(a => a.dataset.engine === "server" && a.dataset.results === "full-text" && a.dataset.query === "pool")(document.getElementById("search-app")) && document.querySelectorAll("#search-results .fragment").length === `+strconv.Itoa(len(frags)))
	got := evalJS[[]struct {
		Text  string   `json:"text"`
		Marks []string `json:"marks"`
		Other []string `json:"other"`
	}](ctx, t, `[...document.querySelectorAll("#search-results .fragment")].map(p => ({
		text: p.textContent,
		marks: [...p.querySelectorAll("mark")].map(m => m.attributes.length || m.children.length ? "with attributes or children: " + m.outerHTML : m.textContent),
		other: [...p.querySelectorAll("*:not(mark)")].map(e => e.outerHTML),
	}))`)
	want := []struct {
		text  string
		marks []string
	}{
		{"pool ran dry", []string{"pool"}},
		{"nested", []string{"nested"}},
		{"<img src=x onerror=window.__xss=3> window.__xss=4s", nil},
		{"inner c link", []string{"inner"}}, // a comment's text is text
	}
	for i, w := range want {
		if i >= len(got) {
			t.Fatalf("%d fragments shown, want %d", len(got), len(want))
		}
		g := got[i]
		if g.Text != w.text || !slices.Equal(g.Marks, w.marks) || len(g.Other) > 0 {
			t.Errorf("fragment %s shown as %q, marks %q, other elements %q; want %q, marks %q", frags[i], g.Text, g.Marks, g.Other, w.text, w.marks)
		}
	}
	if v := evalJS[string](ctx, t, `String(window.__xss)`); v != "undefined" {
		t.Errorf("a fragment ran script: window.__xss = %s", v)
	}
	// Chromium checks the policy as it parses the fragment's attributes,
	// even in a <template>'s inert content, and reports each as blocked.
	for _, p := range cons.take() {
		if !strings.Contains(p, "Content Security Policy") || !strings.Contains(p, "has been blocked") {
			t.Errorf("search page with hostile fragments: console: %s", p)
		}
	}
}

// TestWasmSearchManyHits: a query matching more incidents than one search
// answers (1,000) counts all of them, and a facet filters all of them.
func TestWasmSearchManyHits(t *testing.T) {
	t.Parallel()
	ctx := newTab(t)
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "inquest.yaml"), "title: Many\n")
	const n, years = 1100, 5
	for i := range n {
		year := 2020 + i%years
		writeFile(t, filepath.Join(dir, fmt.Sprintf("postmortems/%d/widget-%04d.md", year, i)), fmt.Sprintf(
			"---\nid: INC-%d-%04d\ntitle: Outage %d\ndate: %d-01-01\nseverity: SEV%d\nstatus: published\n---\n\n## Summary\n\nThe widget service stopped.\n",
			year, i, i, year, 1+i%4))
	}
	ts := serveSite(ctx, t, site.BuildOptions{Dir: dir, NoHistory: true})
	cons := watchConsole(ctx, t)
	open(ctx, t, ts.root+"search/")
	all := fmt.Sprintf("%d of %d incidents", n, n)
	waitFor(ctx, t, "the catalog", `document.getElementById("search-count").textContent === `+strconv.Quote(all))
	// "widget" is in no title, id or catalog field: only the full text finds it.
	typeQuery(ctx, t, "widget")
	waitFor(ctx, t, "every incident found", `(a => a.dataset.results === "full-text" && a.dataset.partial === "false" && a.dataset.query === "widget")(document.getElementById("search-app")) && document.getElementById("search-count").textContent === `+strconv.Quote(all))
	const y2020 = `#facets input[data-facet="y"][value="2020"]`
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(y2020))); err != nil {
		t.Fatalf("clicking the 2020 facet: %v", err)
	}
	want := fmt.Sprintf("%d of %d incidents", n/years, n)
	waitFor(ctx, t, "the 2020 filter on every match", `document.querySelector('`+y2020+`')?.checked && document.getElementById("search-count").textContent === `+strconv.Quote(want))
	// Back undoes the filter and keeps the full-text query.
	if err := chromedp.Do(ctx, chromedp.NavigateBack()); err != nil {
		t.Fatalf("going back: %v", err)
	}
	waitFor(ctx, t, "the filter undone", `document.querySelector('`+y2020+`')?.checked === false && location.search === "?q=widget" && document.getElementById("search-app").dataset.results === "full-text" && document.getElementById("search-count").textContent === `+strconv.Quote(all))
	cons.checkClean(t, "search page with many matches")
}

// TestWasmSearchUnsupported: in a browser without Worker, WebAssembly or
// DecompressionStream the page fetches nothing of the runtime, says why in
// data-engine-error and keeps filtering the catalog, with nothing in the
// console.
func TestWasmSearchUnsupported(t *testing.T) {
	t.Parallel()
	for _, api := range []string{"Worker", "WebAssembly", "DecompressionStream"} {
		t.Run(api, func(t *testing.T) {
			t.Parallel()
			ctx := newTab(t)
			err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
				_, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: "delete window." + api})
				return err
			}))
			if err != nil {
				t.Fatalf("removing %s: %v", api, err)
			}
			var mu sync.Mutex
			var gz []string
			record := func(h http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if strings.HasSuffix(r.URL.Path, ".gz") {
						mu.Lock()
						gz = append(gz, r.URL.Path)
						mu.Unlock()
					}
					h.ServeHTTP(w, r)
				})
			}
			cons := openSearch(ctx, t, record)
			if got := evalJS[string](ctx, t, "typeof window."+api); got != "undefined" {
				t.Fatalf("window.%s is still a %s", api, got)
			}
			catalogFallback(ctx, t, "dns", "lacks")
			mu.Lock()
			if len(gz) > 0 {
				t.Errorf("fetched %v", gz)
			}
			mu.Unlock()
			cons.checkClean(t, "search page without "+api)
		})
	}
}
