package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/inquest-dev/inquest/pkg/internal/repotest"
	"github.com/inquest-dev/inquest/pkg/site"
)

// shardedRepo is a repository whose browser index ships in two shards:
// the newest two incidents, 2025's, first, then the other four. Four of
// the six postmortems mention the replica database, in several shapes
// teams write.
const shardedRepo = `
-- inquest.yaml --
title: Sharded search
search:
  browser_shard_size: 2
-- postmortems/2025/replica-failover.md --
---
title: Replica failover took the orders database down
date: 2025-03-04
severity: SEV2
tags: [database]
---
## Summary

A replica failover left the orders database read-only for twelve minutes.
-- postmortems/2025/cdn-purge.md --
# CDN purge emptied the edge cache

**Date:** 2025-01-20
**Severity:** SEV3

## Summary

A purge of every path sent all traffic to the origin for an hour.
-- postmortems/2024/replica-lag.md --
---
title: Replica lag on the billing database
date: 2024-11-02
severity: SEV3
---
## Summary

The billing database replica fell ten minutes behind during a batch import.
-- postmortems/2023/dns-ttl.md --
# 14/06/2023 DNS records expired early

## Summary

A low TTL and a resolver outage made the checkout hosts unreachable.
-- postmortems/2022/database-disk.md --
---
title: Database disk filled with audit logs
date: 2022-08-09
severity: SEV1
---
## Summary

Audit logs filled the primary database disk; writes failed for forty minutes.
-- postmortems/2021/database-upgrade.md --
# Database upgrade stalled the job queue

Date: March 3, 2021

## Summary

The database upgrade held a lock that stalled the job queue.
`

// TestWasmSearchShards: on a site whose browser index is in shards, the
// page answers from the newest shard while the others are held back,
// says so in its live region ("Searching 2 of 6 incidents…"), and once
// they arrive lists exactly what `inquest search` lists, in its order,
// and the status goes quiet.
func TestWasmSearchShards(t *testing.T) {
	t.Parallel()
	dir := repotest.Write(t, shardedRepo)
	ctx := newTab(t)
	release := make(chan struct{})
	gate := &bundleGate{hold: func(_ string, n int) <-chan struct{} {
		if n == 1 {
			return nil
		}
		return release
	}}
	ts := serveSiteWith(ctx, t, site.BuildOptions{Dir: dir}, gate.wrap)
	defer func() {
		select {
		case <-release:
		default:
			close(release)
		}
	}()
	cons := watchConsole(ctx, t)
	open(ctx, t, ts.root+"search/")
	waitFor(ctx, t, "the catalog", `/^6 of 6 incidents$/.test(document.getElementById("search-count").textContent)`)
	const q = "database"
	want := cliSearch(ctx, t, dir, q)
	if len(want) != 4 {
		t.Fatalf("inquest search %s: %v, want four incidents", q, want)
	}
	typeQuery(ctx, t, q)
	results := `(a => a.dataset.results === "full-text" && a.dataset.query === ` + strconv.Quote(q) + ` && a.dataset.searched === %s)(document.getElementById("search-app"))`
	waitFor(ctx, t, "results from the first shard", strings.Replace(results, "%s", `"2"`, 1))
	status := evalJS[string](ctx, t, `(s => s.hidden ? "(hidden)" : s.textContent)(document.getElementById("search-status"))`)
	if status != "Searching 2 of 6 incidents…" {
		t.Errorf("status while one shard of two is in: %q", status)
	}
	if live := evalJS[string](ctx, t, `document.getElementById("search-status").closest("[aria-live]")?.getAttribute("aria-live") ?? ""`); live != "polite" {
		t.Errorf("the status is in no polite live region (aria-live %q)", live)
	}
	var partial []string
	for _, h := range evalJS[[]searchResult](ctx, t, searchResultsJS) {
		partial = append(partial, h.ID)
	}
	// The newest shard holds one of the four: the 2025 failover.
	if len(partial) != 1 || !slices.Contains(want, partial[0]) || !strings.Contains(partial[0], "2025") && !strings.Contains(partial[0], "failover") {
		t.Errorf("from the first shard: %v, want one of %v", partial, want)
	}

	close(release)
	waitFor(ctx, t, "results from every shard", strings.Replace(results, "%s", `"6"`, 1)+` && document.getElementById("search-app").dataset.partial === "false"`)
	var got []string
	for _, h := range evalJS[[]searchResult](ctx, t, searchResultsJS) {
		got = append(got, h.ID)
	}
	if !slices.Equal(got, want) {
		t.Errorf("every shard in: %v\ninquest search:   %v", got, want)
	}
	if hidden := evalJS[bool](ctx, t, `document.getElementById("search-status").hidden`); !hidden {
		t.Errorf("status still shown once complete: %q", evalJS[string](ctx, t, `document.getElementById("search-status").textContent`))
	}
	cons.checkClean(t, "search page loading shards")
}

// TestWasmSearchShardsArriveTogether: shards that arrive close together
// are opened together, so the page's query runs once more, not once per
// shard. The site has 13 incidents in shards of 1, 6 and 6; the last two
// are held back, then the second is let go and the third 100 ms later
// (the worker waits up to a second for more), and the page must go from
// the first shard's results straight to every incident's, as `inquest
// search` lists them.
func TestWasmSearchShardsArriveTogether(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("-- inquest.yaml --\ntitle: Shards together\nsearch:\n  browser_shard_size: 1\n")
	services := []string{"billing", "checkout", "search", "login"}
	for i := range 13 {
		fmt.Fprintf(&b, "-- postmortems/2024/outage-%02d.md --\n# %s database slow, day %d\n\n**Date:** 2024-%02d-%02d\n\n## Summary\n\nThe %s database answered slowly for %d minutes after a deploy.\n",
			i, services[i%4], i+1, 1+i%12, 1+i, services[i%4], 5*(i+1))
	}
	dir := repotest.Write(t, b.String())
	ctx := newTab(t)
	// release[k] lets the bundle of the manifest's shard k go.
	release := map[string]chan struct{}{}
	gate := &bundleGate{hold: func(name string, _ int) <-chan struct{} { return release[name] }}
	ts := serveSiteWith(ctx, t, site.BuildOptions{Dir: dir}, gate.wrap)
	resp, err := ts.client.Get(ts.root + "search/manifest.json")
	if err != nil {
		t.Fatal(err)
	}
	var m struct{ Shards []struct{ Path string } }
	err = json.NewDecoder(resp.Body).Decode(&m)
	resp.Body.Close()
	if err != nil || len(m.Shards) != 3 {
		t.Fatalf("search/manifest.json: %v, %d shards, want 3", err, len(m.Shards))
	}
	second, third := make(chan struct{}), make(chan struct{})
	gate.mu.Lock()
	release[path.Base(m.Shards[1].Path)], release[path.Base(m.Shards[2].Path)] = second, third
	gate.mu.Unlock()
	let := func(c chan struct{}) {
		select {
		case <-c:
		default:
			close(c)
		}
	}
	defer let(second)
	defer let(third)
	cons := watchConsole(ctx, t)
	open(ctx, t, ts.root+"search/")
	waitFor(ctx, t, "the catalog", `/^13 of 13 incidents$/.test(document.getElementById("search-count").textContent)`)
	// Every number of incidents the results came from, as the page shows them.
	evalJS[bool](ctx, t, `(() => {
	  const app = document.getElementById("search-app");
	  window.__searched = [];
	  new MutationObserver(() => {
	    const s = app.dataset.searched;
	    if (app.dataset.results === "full-text" && s && window.__searched.at(-1) !== s) window.__searched.push(s);
	  }).observe(app, {attributes: true});
	  return true;
	})()`)
	const q = "database"
	want := cliSearch(ctx, t, dir, q)
	if len(want) != 13 {
		t.Fatalf("inquest search %s: %v, want all 13", q, want)
	}
	typeQuery(ctx, t, q)
	results := `(a => a.dataset.results === "full-text" && a.dataset.query === ` + strconv.Quote(q) + ` && a.dataset.searched === %s)(document.getElementById("search-app"))`
	waitFor(ctx, t, "results from the first shard", strings.Replace(results, "%s", `"1"`, 1))
	// Both held shards asked for: the worker has three downloads at once.
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		gate.mu.Lock()
		n := gate.asked
		gate.mu.Unlock()
		if n == 3 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d bundles asked for, want 3", n)
		}
	}
	let(second)
	time.Sleep(100 * time.Millisecond)
	let(third)
	waitFor(ctx, t, "results from every shard", strings.Replace(results, "%s", `"13"`, 1)+` && document.getElementById("search-app").dataset.partial === "false"`)
	if seen := evalJS[[]string](ctx, t, `window.__searched`); !slices.Equal(seen, []string{"1", "13"}) {
		t.Errorf("results from %v incidents in turn, want the first shard's 1 and then all 13 (the two shards that arrived 100 ms apart opened together)", seen)
	}
	var got []string
	for _, h := range evalJS[[]searchResult](ctx, t, searchResultsJS) {
		got = append(got, h.ID)
	}
	if !slices.Equal(got, want) {
		t.Errorf("every shard in: %v\ninquest search:   %v", got, want)
	}
	cons.checkClean(t, "search page loading shards that arrive together")
}

// bundleGate holds a site's shard bundles until a test lets them go: each
// request for one waits for the channel hold gives for it (none when nil),
// or for the request to end.
type bundleGate struct {
	mu    sync.Mutex
	asked int // bundle requests so far
	// hold is called under mu with the bundle's name and its request's
	// number, counting from 1.
	hold func(name string, n int) <-chan struct{}
}

// wrap is the gate as a handler in front of h.
func (g *bundleGate) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, ".bundle.gz") {
			g.mu.Lock()
			g.asked++
			hold := g.hold(path.Base(r.URL.Path), g.asked)
			g.mu.Unlock()
			if hold != nil {
				select {
				case <-hold:
				case <-r.Context().Done():
					return
				}
			}
		}
		h.ServeHTTP(w, r)
	})
}
