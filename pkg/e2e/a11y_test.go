package e2e

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

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
func TestAccessibility(t *testing.T) {
	axe := axeSource(t)
	ctx := newTabFor(t, 5*testTimeout)
	ts := serveSite(ctx, t, site.BuildOptions{Dir: acmeDir, Now: time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)})
	for _, width := range []int64{desktopWidth, phoneWidth} {
		for _, dark := range []bool{false, true} {
			setViewport(ctx, t, width)
			setScheme(ctx, t, dark)
			for _, p := range a11yPages {
				where := fmt.Sprintf("%s (%s, %d px, %s)", p.name, "/"+p.path, width, map[bool]string{false: "light", true: "dark"}[dark])
				for _, v := range runAxe(ctx, t, ts.root+p.path, axe) {
					var nodes []string
					for _, n := range v.Nodes {
						nodes = append(nodes, fmt.Sprintf("\n\t\t%v: %s", n.Target, strings.ReplaceAll(n.Summary, "\n", "; ")))
					}
					t.Errorf("%s: %s (%s): %s%s", where, v.ID, v.Impact, v.Help, strings.Join(nodes, ""))
				}
			}
		}
	}
}

// runAxe opens addr, waits for its scripts to settle (a search page draws
// its results), and returns what axe-core finds.
func runAxe(ctx context.Context, t *testing.T, addr, axe string) []axeViolation {
	t.Helper()
	open(ctx, t, addr)
	waitFor(ctx, t, "the page to load", `document.readyState === "complete" && (!document.getElementById("search-count") || document.getElementById("search-count").textContent !== "")`)
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](axe)); err != nil {
		t.Fatalf("%s: loading axe-core: %v", addr, err)
	}
	run := `axe.run(document, {runOnly: {type: "tag", values: ` + axeTags + `}, resultTypes: ["violations"]}).then(r => r.violations)`
	v, err := chromedp.Run(ctx, chromedp.Evaluate[[]axeViolation](run, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("%s: running axe-core: %v", addr, err)
	}
	return v
}
