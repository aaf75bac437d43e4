package e2e

import (
	"os"
	"testing"

	"github.com/inquest-dev/inquest/pkg/site"
)

// TestStaticSearchLarge measures the static search page on a large site:
// INQUEST_E2E_CORPUS=/tmp/c10k go test ./pkg/e2e -run Large -v. It builds
// the corpus (no history, to keep it short), then times the page's own
// filtering and rendering for each keystroke of a query, in the browser.
func TestStaticSearchLarge(t *testing.T) {
	dir := os.Getenv("INQUEST_E2E_CORPUS")
	if dir == "" {
		t.Skip("set INQUEST_E2E_CORPUS to a generated corpus to measure the search page on it")
	}
	ctx := newTab(t)
	ts := serveSite(ctx, t, site.BuildOptions{Dir: dir, NoHistory: true})
	open(ctx, t, ts.root+"search/")
	waitFor(ctx, t, "the catalog", `/^(\d+) of \1 incidents$/.test(document.getElementById("search-count").textContent)`)
	waitFor(ctx, t, "the summaries", `document.querySelector("#search-results .summary") !== null`)
	const typeJS = `(() => {
	  const box = document.getElementById("search-q"), times = [];
	  let q = "";
	  for (const c of "connection pool") {
	    q += c;
	    const t0 = performance.now();
	    box.value = q;
	    box.dispatchEvent(new Event("input"));
	    times.push(performance.now() - t0);
	  }
	  times.sort((a, b) => a - b);
	  return [times[Math.floor(times.length / 2)], times[times.length - 1], document.getElementById("search-count").textContent];
	})()`
	res := evalJS[[]any](ctx, t, typeJS)
	t.Logf("per keystroke (filter + render, in the page): median %.1f ms, max %.1f ms; %v", res[0], res[1], res[2])
	if res[1].(float64) > 500 {
		t.Errorf("a keystroke took %.0f ms", res[1])
	}
}
