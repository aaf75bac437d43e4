package e2e

import (
	"os"
	"testing"

	"github.com/inquest-dev/inquest/pkg/site"
)

// BenchmarkStaticSearchLarge measures the static search page on a large
// site: INQUEST_E2E_CORPUS=/tmp/c10k go test ./pkg/e2e -run '^$' -bench
// StaticSearchLarge -benchtime 3x. It builds the corpus (no history, to
// keep it short), then times the page's own filtering and rendering for
// each keystroke of a query, in the browser, and reports the largest
// median keystroke of the runs and the slowest keystroke of all.
func BenchmarkStaticSearchLarge(b *testing.B) {
	dir := os.Getenv("INQUEST_E2E_CORPUS")
	if dir == "" {
		b.Skip("set INQUEST_E2E_CORPUS to a generated corpus to measure the search page on it")
	}
	ctx := newTab(b)
	ts := serveSite(ctx, b, site.BuildOptions{Dir: dir, NoHistory: true})
	open(ctx, b, ts.root+"search/")
	waitFor(ctx, b, "the catalog", `/^(\d+) of \1 incidents$/.test(document.getElementById("search-count").textContent)`)
	waitFor(ctx, b, "the summaries", `document.querySelector("#search-results .summary") !== null`)
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
	var median, slowest float64
	for b.Loop() {
		res := evalJS[[]any](ctx, b, typeJS)
		median, slowest = max(median, res[0].(float64)), max(slowest, res[1].(float64))
	}
	b.ReportMetric(median, "ms/keystroke-p50")
	b.ReportMetric(slowest, "ms/keystroke-max")
}
