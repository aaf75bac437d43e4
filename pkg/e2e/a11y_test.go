package e2e

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/inquest-dev/inquest/pkg/site"
)

// axePaths are where npm puts axe-core when installed globally (npm
// install -g axe-core): Debian's npm, and a Node.js of its own.
var axePaths = []string{
	"/usr/lib/node_modules/axe-core/axe.min.js",
	"/usr/local/lib/node_modules/axe-core/axe.min.js",
}

// axeSource returns axe-core's script: the file $INQUEST_AXE names, else
// the first of axePaths. Without it the test is skipped, except in CI,
// which must run it (.ci/webtools.sh installs it).
func axeSource(t *testing.T) string {
	t.Helper()
	paths := axePaths
	if p := os.Getenv("INQUEST_AXE"); p != "" {
		paths = []string{p}
	}
	for _, p := range paths {
		if data, err := os.ReadFile(p); err == nil {
			return string(data)
		}
	}
	msg := "axe-core not found (npm install -g axe-core, or INQUEST_AXE=.../axe.min.js): " + strings.Join(paths, ", ")
	if os.Getenv("CI") != "" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// axeTags are the rule sets checked: WCAG 2.0, 2.1 and 2.2 at levels A and
// AA, and axe's best practices (unique landmarks, heading order).
const axeTags = `["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]`

// axeViolation is one rule a page breaks, with the elements that break it.
type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target  []any  `json:"target"`
		Summary string `json:"failureSummary"`
	} `json:"nodes"`
}

// a11yPages are the example site's page types, as the reader reaches them.
var a11yPages = []struct{ name, path string }{
	{"home", ""},
	{"incident", "incidents/INC-2024-001/"},
	{"timeline", "timeline/"},
	{"metrics", "metrics/"},
	{"action items", "actions/"},
	{"lessons", "lessons/"},
	{"lessons of a tag", "lessons/database/"},
	{"search", "search/?q=checkout"},
	{"tag", "tags/database/"},
	{"tags", "tags/"},
	{"digest", "digest/"},
	{"service", "services/payments-gateway/"},
	{"recurring themes", "themes/"},
	{"contributing factor", "factors/dependency/"},
	{"near misses", "kinds/near-miss/"},
	{"not found", "404.html"},
}

// TestAccessibility runs axe-core in every page type of the example site,
// in light and dark mode, on a laptop's and a phone's width: no violation.
// On the phone's width it also checks that nothing makes the page scroll
// sideways (overflowJS), on the page as loaded for axe-core: TestPhoneLayout
// checks the rest of the phone layout. Each width is a parallel subtest
// with a tab of its own, on the one site built. Each page is loaded once per width and checked in light mode,
// then in dark mode: the theme's dark mode is its stylesheet's
// prefers-color-scheme rules alone, which apply to a loaded page when the
// scheme changes (setDarkLoaded checks that they did), and a page load
// costs the browser about as much as an axe-core run.
//
// The site is served as catalogOnly serves it: the search page lists the
// catalog filter's results, which axe-core checks, and does not load the
// WebAssembly search runtime, whose load and compile in each tab (about
// 2 CPU-s of the browser's) would only race the axe-core runs, which saw
// the catalog's results or the full-text ones depending on which came
// first. TestWasmSearchPage, which has the runtime loaded anyway, checks
// the full-text results, with their highlighted fragments, at both widths
// and in both schemes (checkFullTextA11y).
func TestAccessibility(t *testing.T) {
	t.Parallel()
	axe := axeSource(t)
	opts := site.BuildOptions{Dir: acmeDir, Now: time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)}
	for _, width := range []int64{desktopWidth, phoneWidth} {
		t.Run(fmt.Sprintf("%d px", width), func(t *testing.T) {
			t.Parallel()
			ctx := newTabFor(t, 2*testTimeout)
			ts := serveSiteWith(ctx, t, opts, catalogOnly)
			loadAxe(ctx, t, axe)
			setViewport(ctx, t, width)
			for _, p := range a11yPages {
				setScheme(ctx, t, false)
				open(ctx, t, ts.root+p.path)
				waitFor(ctx, t, "the page to load", pageSettledJS)
				if width == phoneWidth {
					if out := evalJS[[]string](ctx, t, overflowJS); len(out) > 0 {
						t.Errorf("%s (/%s) at %d px scrolls sideways: %v", p.name, p.path, width, out)
					}
				}
				checkLightAndDark(ctx, t, fmt.Sprintf("%s (/%s, %d px", p.name, p.path, width))
			}
		})
	}
	// The control: axe-core loaded as the subtests load it finds a
	// violation planted in a page, or they could pass without looking.
	t.Run("control", func(t *testing.T) {
		t.Parallel()
		ctx := newTab(t)
		ts := serveSite(ctx, t, opts)
		loadAxe(ctx, t, axe)
		open(ctx, t, ts.root+"404.html")
		waitFor(ctx, t, "the page to load", `document.readyState === "complete"`)
		evalJS[bool](ctx, t, `(() => { const img = document.createElement("img"); img.src = "planted.png"; document.querySelector("main").append(img); return true; })()`)
		var ids []string
		for _, v := range axeViolations(ctx, t, "404.html with a planted <img> without alt") {
			ids = append(ids, v.ID)
		}
		if !slices.Contains(ids, "image-alt") {
			t.Errorf("axe-core found %q on a page with an <img> without alt, want image-alt", ids)
		}
	})
}

// checkLightAndDark runs axe-core on the page as it is, in light mode,
// then switches it to dark mode (setDarkLoaded) and runs axe-core again,
// and reports every violation of each run. where names the page and view,
// without the closing parenthesis: the scheme follows.
func checkLightAndDark(ctx context.Context, t *testing.T, where string) {
	t.Helper()
	for _, dark := range []bool{false, true} {
		scheme := map[bool]string{false: "light", true: "dark"}[dark]
		where := where + ", " + scheme + ")"
		if dark {
			setDarkLoaded(ctx, t, where)
		}
		for _, v := range axeViolations(ctx, t, where) {
			var nodes []string
			for _, n := range v.Nodes {
				nodes = append(nodes, fmt.Sprintf("\n\t\t%v: %s", n.Target, strings.ReplaceAll(n.Summary, "\n", "; ")))
			}
			t.Errorf("%s: %s (%s): %s%s", where, v.ID, v.Impact, v.Help, strings.Join(nodes, ""))
		}
	}
}

// loadAxe makes the tab evaluate axe-core's script in every page it opens
// from then on, before the page's own scripts: compiled once per page as
// before, but without sending its half a megabyte over the DevTools
// protocol for each page. TestAccessibility's control shows that axe-core
// loaded this way still finds violations.
func loadAxe(ctx context.Context, t *testing.T, axe string) {
	t.Helper()
	err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: axe})
		return err
	}))
	if err != nil {
		t.Fatalf("loading axe-core in every page: %v", err)
	}
}

// setDarkLoaded switches the loaded page to the dark scheme and waits
// until the page has it: the media query matches, the root's background is
// no longer the light one, and no CSS transition is still between the two.
func setDarkLoaded(ctx context.Context, t *testing.T, where string) {
	t.Helper()
	setSchemeLoaded(ctx, t, where, true)
}

// setSchemeLoaded is setDarkLoaded for either scheme: the loaded page,
// which has the other one, takes the dark scheme or the light one.
func setSchemeLoaded(ctx context.Context, t *testing.T, where string, dark bool) {
	t.Helper()
	scheme := map[bool]string{false: "light", true: "dark"}[dark]
	before := evalJS[string](ctx, t, `getComputedStyle(document.documentElement).getPropertyValue("--bg")`)
	setScheme(ctx, t, dark)
	js := `(async () => {
		await Promise.all(document.getAnimations().filter(a => a instanceof CSSTransition).map(a => a.finished));
		return matchMedia("(prefers-color-scheme: ` + scheme + `)").matches && getComputedStyle(document.documentElement).getPropertyValue("--bg") !== ` + strconv.Quote(before) + `;
	})()`
	ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](js, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("%s: switching to the %s scheme: %v", where, scheme, err)
	}
	if !ok {
		t.Fatalf("%s: the page did not take the %s scheme (its --bg stayed %s)", where, scheme, before)
	}
}

// pageSettledJS is true once the page has loaded and its scripts have
// settled: a search page has drawn its results.
const pageSettledJS = `document.readyState === "complete" && (!document.getElementById("search-count") || document.getElementById("search-count").textContent !== "")`

// runAxe opens addr in a tab that loadAxe prepared, waits for its scripts
// to settle (a search page draws its results), and returns what axe-core
// finds.
func runAxe(ctx context.Context, t *testing.T, addr string) []axeViolation {
	t.Helper()
	open(ctx, t, addr)
	waitFor(ctx, t, "the page to load", pageSettledJS)
	return axeViolations(ctx, t, addr)
}

// axeViolations runs axe-core, which loadAxe loaded, on the page as it is.
func axeViolations(ctx context.Context, t *testing.T, where string) []axeViolation {
	t.Helper()
	if !evalJS[bool](ctx, t, `typeof axe === "object" && typeof axe.run === "function"`) {
		t.Fatalf("%s: axe-core is not loaded in the page", where)
	}
	run := `axe.run(document, {runOnly: {type: "tag", values: ` + axeTags + `}, resultTypes: ["violations"]}).then(r => r.violations)`
	v, err := chromedp.Run(ctx, chromedp.Evaluate[[]axeViolation](run, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("%s: running axe-core: %v", where, err)
	}
	return v
}

// axeAvailable is whether axeSource finds axe-core, or must: in CI a
// missing axe-core fails the test that asks for it.
func axeAvailable() bool {
	return os.Getenv("INQUEST_AXE") != "" || os.Getenv("CI") != "" || fileExists(axePaths)
}

// checkFullTextA11y runs axe-core, which loadAxe loaded, on the search
// page showing full-text results with highlighted fragments, as
// TestAccessibility checks the other pages: at a laptop's and a phone's
// width, in light and dark mode, with no sideways scrolling on the phone.
// The page is left in light mode at a laptop's width.
func checkFullTextA11y(ctx context.Context, t *testing.T) {
	t.Helper()
	q := evalJS[string](ctx, t, `document.getElementById("search-app").dataset.query`)
	for _, width := range []int64{desktopWidth, phoneWidth} {
		setViewport(ctx, t, width)
		where := fmt.Sprintf("search page with full-text results for %s (%d px", q, width)
		if width == phoneWidth {
			setSchemeLoaded(ctx, t, where+")", false)
			if out := evalJS[[]string](ctx, t, overflowJS); len(out) > 0 {
				t.Errorf("%s) scrolls sideways: %v", where, out)
			}
		}
		if !evalJS[bool](ctx, t, fullTextShownJS) {
			t.Fatalf("%s): the page no longer shows full-text results with highlighted fragments", where)
		}
		checkLightAndDark(ctx, t, where)
	}
	setViewport(ctx, t, desktopWidth)
	setSchemeLoaded(ctx, t, "search page after axe-core", false)
}

// fullTextShownJS is true when the search page lists full-text results,
// complete, with at least one highlighted fragment.
const fullTextShownJS = `(a => a.dataset.results === "full-text" && a.dataset.partial === "false")(document.getElementById("search-app")) && document.querySelector("#search-results .fragment mark") !== null`
