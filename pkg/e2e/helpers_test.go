package e2e

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/inquest-dev/inquest/pkg/site"
)

// testTimeout bounds each test, browser start included: a hung page or a
// wait for a condition that never comes fails the test instead of the whole
// run.
const testTimeout = 60 * time.Second

// basePath is the sub-path the sites are built for and served under, so that
// a link that forgets the base path 404s as it would on a project site.
const basePath = "/sub/"

// acmeDir is the example repository the tests browse.
const acmeDir = "../../examples/acme"

// siteHost is the host name the browser reaches the test server by,
// resolved to 127.0.0.1 by the browser: a published site is never on
// localhost, and site.js treats pages from localhost as served by
// `inquest serve` and opens its live-reload stream.
const siteHost = "inquest.test"

// newTab starts a headless Chromium with a fresh profile and returns a
// chromedp context for its first tab. Everything the test does with it is
// bounded by testTimeout; the browser is closed when the test ends.
func newTab(t testing.TB) context.Context {
	t.Helper()
	return newTabFor(t, testTimeout)
}

// newTabFor is newTab with another bound, for measurements on large sites.
func newTabFor(t testing.TB, timeout time.Duration) context.Context {
	t.Helper()
	exe := findChrome(t)
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	t.Cleanup(cancel)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("host-resolver-rules", "MAP "+siteHost+" 127.0.0.1"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(cancelAlloc)
	tabCtx, cancelTab := chromedp.NewContext(allocCtx)
	t.Cleanup(cancelTab)
	// The first Do starts the browser, so a browser that cannot start is
	// reported here, with its path, and not by the first page.
	if err := chromedp.Do(tabCtx); err != nil {
		t.Fatalf("starting %s: %v", exe, err)
	}
	return tabCtx
}

// findChrome returns the browser to drive: $INQUEST_CHROME, else the first
// of chromium, chromium-browser and google-chrome on PATH. Without one the
// test is skipped, except in CI, which must run it.
func findChrome(t testing.TB) string {
	t.Helper()
	if p := chromePath(); p != "" {
		return p
	}
	if os.Getenv("CI") != "" {
		t.Fatal(noChrome)
	}
	t.Skip(noChrome)
	return ""
}

// noChrome says why browser tests are skipped, and what to do about it.
const noChrome = "chromium not installed: apt-get install -y chromium (or set INQUEST_CHROME to a browser)"

// chromePath is the browser findChrome drives, "" when there is none.
func chromePath() string {
	if p := os.Getenv("INQUEST_CHROME"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// testSite is a built site being served.
type testSite struct {
	// root is the site's URL as the browser sees it, ending in /sub/.
	root string
	// client reaches the server for any URL under root.
	client *http.Client
}

// serveSite builds opts.Dir with the real build for the base path /sub/
// into a temporary folder and serves the output with net/http's file
// server, not inquest's own serve, as a static host would.
func serveSite(ctx context.Context, t testing.TB, opts site.BuildOptions) testSite {
	t.Helper()
	return serveSiteWith(ctx, t, opts, nil)
}

// serveSiteWith is serveSite with the file server wrapped by wrap, when not
// nil: to count or refuse requests as a host or a proxy might.
func serveSiteWith(ctx context.Context, t testing.TB, opts site.BuildOptions, wrap func(http.Handler) http.Handler) testSite {
	t.Helper()
	opts.Out = filepath.Join(t.TempDir(), "public")
	opts.BaseURL = basePath
	opts.CacheDir = t.TempDir()
	res, err := site.Build(ctx, opts)
	if err != nil {
		t.Fatalf("building %s: %v", opts.Dir, err)
	}
	if res.Incidents == 0 {
		t.Fatalf("building %s: no incidents in the site", opts.Dir)
	}
	var h http.Handler = http.StripPrefix(basePath, http.FileServer(http.Dir(opts.Out)))
	if wrap != nil {
		h = wrap(h)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	tr := srv.Client().Transport.(*http.Transport).Clone()
	tr.DialContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
		return new(net.Dialer).DialContext(ctx, network, srv.Listener.Addr().String())
	}
	port := srv.Listener.Addr().(*net.TCPAddr).Port
	return testSite{
		root:   fmt.Sprintf("http://%s:%d%s", siteHost, port, basePath),
		client: &http.Client{Transport: tr},
	}
}

// catalogOnly serves search/manifest.json as a site with search.browser:
// catalog has it, for tests of the catalog filter alone: full-text results
// would replace the filter's as soon as the runtime has loaded.
func catalogOnly(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/search/manifest.json") {
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{"mode": "catalog"}`))
			return
		}
		h.ServeHTTP(w, r)
	})
}

// open loads addr in the tab and fails the test unless it answers 200.
func open(ctx context.Context, t testing.TB, addr string) {
	t.Helper()
	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(addr))
	if err != nil {
		t.Fatalf("opening %s: %v", addr, err)
	}
	if resp.Status != http.StatusOK {
		t.Fatalf("opening %s: status %d", addr, resp.Status)
	}
}

// follow clicks the first element matching the CSS selector sel, waits for
// the page it leads to and fails the test unless that page answers 200 and
// lies under the base path. It returns the new page's path.
func follow(ctx context.Context, t testing.TB, sel string) string {
	t.Helper()
	from := evalJS[string](ctx, t, "location.pathname")
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("on %s, following %s: %v", from, sel, err)
	}
	to := evalJS[string](ctx, t, "location.pathname")
	if resp.Status != http.StatusOK {
		t.Fatalf("on %s, following %s: %s answered %d", from, sel, resp.URL, resp.Status)
	}
	if !strings.HasPrefix(to, basePath) {
		t.Fatalf("on %s, following %s led to %s, outside %s", from, sel, to, basePath)
	}
	return to
}

// evalJS evaluates a JavaScript expression in the page and decodes its
// value into T.
func evalJS[T any](ctx context.Context, t testing.TB, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("evaluating %s: %v", expr, err)
	}
	return v
}

// waitFor polls the JavaScript predicate expr in the page until it is
// truthy; what names the condition in the failure.
func waitFor(ctx context.Context, t testing.TB, what, expr string) {
	t.Helper()
	_, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](expr,
		chromedp.WithPollingInterval(20*time.Millisecond),
		chromedp.WithPollingTimeout(20*time.Second)))
	if err != nil {
		t.Fatalf("waiting for %s (%s) on %s: %v", what, expr, evalJS[string](ctx, t, "location.href"), err)
	}
}

// console records what a reader would see as red in the developer tools:
// uncaught exceptions, console.error calls and error-level browser log
// entries, which include Content-Security-Policy violations and failed
// loads.
type console struct {
	mu       sync.Mutex
	problems []string
}

// watchConsole starts recording the tab's console problems. chromedp
// enables the Runtime and Log domains when it attaches the tab, and Listen
// sees each event before the reply to any later command, so a check after an
// action sees the problems that action caused.
func watchConsole(ctx context.Context, t *testing.T) *console {
	t.Helper()
	c := &console{}
	err := chromedp.Listen(ctx, func(ev any) {
		var p string
		switch ev := ev.(type) {
		case *runtime.EventExceptionThrown:
			d := ev.ExceptionDetails
			p = "exception: " + d.Text
			if d.Exception != nil && d.Exception.Description != "" {
				p += " " + d.Exception.Description
			}
			p += fmt.Sprintf(" at %s:%d", d.URL, d.LineNumber+1)
		case *runtime.EventConsoleAPICalled:
			if ev.Type != runtime.ConsoleAPICalledTypeError && ev.Type != runtime.ConsoleAPICalledTypeAssert {
				return
			}
			var args []string
			for _, a := range ev.Args {
				if a.Value != nil {
					args = append(args, string(a.Value))
				} else {
					args = append(args, a.Description)
				}
			}
			p = "console." + string(ev.Type) + ": " + strings.Join(args, " ")
		case *log.EventEntryAdded:
			e := ev.Entry
			if e.Level != log.EntryLevelError && e.Source != log.EntrySourceSecurity {
				return
			}
			p = fmt.Sprintf("%s %s: %s (%s)", e.Source, e.Level, e.Text, e.URL)
		default:
			return
		}
		c.mu.Lock()
		c.problems = append(c.problems, p)
		c.mu.Unlock()
	})
	if err != nil {
		t.Fatalf("listening to the console: %v", err)
	}
	return c
}

// take returns the problems recorded so far and forgets them.
func (c *console) take() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	p := c.problems
	c.problems = nil
	return p
}

// knownProblems are console problems of the theme that are reported and
// not yet fixed; checkClean logs them instead of failing. Remove an entry
// when its fix lands, so that it cannot come back.
var knownProblems = []string{}

// checkClean fails the test if the console recorded any problem since the
// last take; where names the pages visited.
func (c *console) checkClean(t *testing.T, where string) {
	t.Helper()
	for _, p := range c.take() {
		if slices.ContainsFunc(knownProblems, func(k string) bool { return strings.Contains(p, k) }) {
			t.Logf("%s: console (known, reported): %s", where, p)
			continue
		}
		t.Errorf("%s: console: %s", where, p)
	}
}

// pressKey presses and releases a printable key the way a keyboard does:
// the key-down carries the text, so a page that cancels the key-down gets no
// character typed. chromedp.KeyEvent sends the character as an event of its
// own, which a cancelled key-down does not stop.
func pressKey(key, code string, keyCode int64) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		for _, typ := range []input.DispatchKeyEventType{input.DispatchKeyEventTypeKeyDown, input.DispatchKeyEventTypeKeyUp} {
			p := input.DispatchKeyEventParams{Type: typ, Key: key, Code: code, WindowsVirtualKeyCode: keyCode, NativeVirtualKeyCode: keyCode}
			if typ == input.DispatchKeyEventTypeKeyDown {
				p.Text, p.UnmodifiedText = key, key
			}
			if _, err := cdp.Call(ctx, t, input.DispatchKeyEvent, p); err != nil {
				return fmt.Errorf("pressing %q: %w", key, err)
			}
		}
		return nil
	})
}

// linkChecker fetches every same-origin link, stylesheet, script and image
// of the pages it is shown, once each, and reports links that leave the base
// path or do not answer 200: what a reader clicking around would hit.
type linkChecker struct {
	client *http.Client
	seen   map[string]bool
}

// check collects the current page's URLs and fetches the new ones.
func (lc *linkChecker) check(ctx context.Context, t *testing.T) {
	t.Helper()
	page := evalJS[string](ctx, t, "location.pathname")
	urls := evalJS[[]string](ctx, t, `(() => {
		const out = [];
		for (const el of document.querySelectorAll("a[href], link[href], script[src], img[src]")) {
			const u = new URL(el.getAttribute("href") ?? el.getAttribute("src"), location.href);
			if (u.origin === location.origin) { u.hash = ""; out.push(u.href); }
		}
		return out;
	})()`)
	if lc.seen == nil {
		lc.seen = map[string]bool{}
	}
	for _, u := range urls {
		if lc.seen[u] {
			continue
		}
		lc.seen[u] = true
		if pu, err := url.Parse(u); err != nil || !strings.HasPrefix(pu.Path, basePath) {
			t.Errorf("%s links to %s, outside %s", page, u, basePath)
			continue
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := lc.client.Do(req)
		if err != nil {
			t.Fatalf("%s links to %s: %v", page, u, err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("%s links to %s: status %d", page, u, resp.StatusCode)
		}
	}
}
