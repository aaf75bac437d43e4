package e2e

import (
	"context"
	"errors"
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

// newTab opens a tab in the test binary's shared headless Chromium (see
// sharedBrowser). Everything the test does with it is bounded by
// testTimeout; the tab is closed when the test ends.
//
// The tabs share the browser's default context: each test serves its site
// from a server of its own (serveSiteWith), so its pages have an origin of
// their own, and what the browser keeps per origin or per URL (storage,
// the HTTP cache, compiled WebAssembly) never crosses tests; the theme
// sets no cookie. A browser context per tab cost about 0.6 CPU-s more per
// tab, in the browser's processes (ten tabs opened and closed: 20.6
// against 15.1 CPU-s, perf stat's task-clock), and the package 135.2
// against 117.3 CPU-s.
func newTab(t testing.TB) context.Context {
	t.Helper()
	return newTabFor(t, testTimeout)
}

// newTabFor is newTab with another bound, for measurements on large sites.
func newTabFor(t testing.TB, timeout time.Duration) context.Context {
	t.Helper()
	exe := findChrome(t, testBrowsers)
	browserCtx, err := chrome.get(exe)
	if err != nil {
		t.Fatalf("starting %s: %v", exe, err)
	}
	tabCtx, cancelTab := chromedp.NewContext(browserCtx)
	t.Cleanup(cancelTab)
	ctx, cancel := context.WithTimeout(tabCtx, timeout)
	t.Cleanup(cancel)
	// The first Do opens the tab, so a tab that cannot open is reported
	// here and not by the first page.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("opening a tab in %s: %v", exe, err)
	}
	return ctx
}

// newBrowserFor starts a headless Chromium of its own with a fresh profile,
// for the benchmarks that measure a cold start, and returns a chromedp
// context for its first tab, bounded by timeout. The browser is closed when
// the benchmark ends.
func newBrowserFor(t testing.TB, timeout time.Duration) context.Context {
	t.Helper()
	exe := findChrome(t, readerBrowsers)
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	t.Cleanup(cancel)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, chromeOptions(exe, t.TempDir())...)
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

// chromeOptions are the flags every browser of the tests starts with: exe
// headless, with the profile in profile, resolving siteHost to the test
// servers.
func chromeOptions(exe, profile string) []chromedp.ExecAllocatorOption {
	return append(chromedp.DefaultExecAllocatorOptions[:],
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
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1280, 900),
	)
}

// sharedBrowser is the one Chromium the tests of a test binary share:
// starting one costs a second or more of the two cores the suite runs on,
// and each test has a tab and an origin of its own anyway (see newTab). The
// first test that asks starts it; TestMain stops it after the last.
type sharedBrowser struct {
	once    sync.Once
	ctx     context.Context // the browser's first tab, the parent of every test's
	err     error
	stop    func()
	profile string
}

// sharedBrowserFlags are the shared browser's flags beyond chromeOptions:
//   - each page composites on its main thread instead of a thread of its
//     own, which draws the same pages for less CPU (the package's tests but
//     the WebAssembly ones, perf stat's task-clock with the browser's
//     processes, in turns: 118.7 and 110.2 CPU-s with the threads, 101.6
//     and 98.7 without);
//   - V8 runs WebAssembly with its baseline compiler only (Liftoff), never
//     compiling the search runtime's hot functions again with TurboFan:
//     each test loads the runtime from an origin of its own, and the
//     second compiler's work was wasted on a few queries (the TestWasm
//     tests, task-clock in turns on a shared machine: 64.0, 56.8, 53.7
//     and 58.5 CPU-s without the flag, 46.1, 54.3, 45.6 and 52.3 with it;
//     the whole package 173.4 against 137.4 CPU-s);
//   - V8 runs JavaScript in its interpreter and its baseline compiler
//     (Sparkplug) only, never optimising it with Maglev or TurboFan: every
//     page a test opens evaluates axe-core's half a megabyte again
//     (loadAxe), and the optimising compilers' work on it, on the
//     browser's worker threads, was lost with the page (with the headless
//     shell, the test binary in turns, idle: TestAccessibility 35.3 and
//     30.5 CPU-s with them, 19.1 and 19.3 without; the package 60.4 and
//     55.2 against 46.3 and 43.2).
//
// Nothing the tests check depends on the thread that composites or on the
// compiler tier; the benchmarks' browsers (newBrowserFor) keep Chromium's
// defaults, as readers' browsers have them.
var sharedBrowserFlags = []chromedp.ExecAllocatorOption{
	chromedp.Flag("disable-threaded-compositing", true),
	chromedp.Flag("disable-threaded-scrolling", true),
	chromedp.Flag("js-flags", "--liftoff-only --max-opt=1"),
}

// chrome is the test binary's shared browser, owned by TestMain, which
// closes it. It and sites are the package's only variables with state.
var chrome sharedBrowser

// get starts the browser exe on the first call and returns the context
// tabs are opened from; a browser that did not start fails every caller.
func (b *sharedBrowser) get(exe string) (context.Context, error) {
	b.once.Do(func() {
		b.profile, b.err = os.MkdirTemp("", "inquest-e2e-chromium-")
		if b.err != nil {
			return
		}
		opts := append(chromeOptions(exe, b.profile), sharedBrowserFlags...)
		allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
		ctx, cancel := chromedp.NewContext(allocCtx)
		b.ctx, b.stop = ctx, func() { cancel(); cancelAlloc() }
		// The browser lives as long as the context of its first Do, so
		// that one has no bound; go test's -timeout bounds a start that
		// hangs.
		b.err = chromedp.Do(ctx)
	})
	return b.ctx, b.err
}

// close stops the browser, if one started, and removes its profile.
func (b *sharedBrowser) close() {
	if b.stop != nil {
		b.stop()
	}
	if b.profile != "" {
		os.RemoveAll(b.profile)
	}
}

// findChrome returns the browser to drive: $INQUEST_CHROME, else the first
// of browsers on PATH. Without one the test is skipped, except in CI, which
// must run it.
func findChrome(t testing.TB, browsers []string) string {
	t.Helper()
	if p := chromePath(browsers); p != "" {
		return p
	}
	if os.Getenv("CI") != "" {
		t.Fatal(noChrome)
	}
	t.Skip(noChrome)
	return ""
}

// noChrome says why browser tests are skipped, and what to do about it.
const noChrome = "chromium not installed: apt-get install -y chromium-headless-shell chromium (or set INQUEST_CHROME to a browser)"

// testBrowsers are the browsers the tests look for, in order. Chromium's
// headless shell comes first: it is the same Blink and V8 without the
// browser's user interface, and it ran the package's tests for about half
// the CPU (perf stat's task-clock with the browser's processes, the test
// binary in turns on an idle machine: 57.6 and 54.6 CPU-s against 115.7 and
// 107.2 with Debian's chromium, 2026-12-06).
var testBrowsers = []string{"chromium-headless-shell", "chromium", "chromium-browser", "google-chrome"}

// readerBrowsers are the browsers the benchmarks look for, in order: a
// benchmark measures what a reader's browser does, so the full browser
// comes first.
var readerBrowsers = []string{"chromium", "chromium-browser", "google-chrome", "chromium-headless-shell"}

// chromePath is the first of browsers on PATH, or $INQUEST_CHROME when it is
// set, "" when there is none.
func chromePath(browsers []string) string {
	if p := os.Getenv("INQUEST_CHROME"); p != "" {
		return p
	}
	for _, name := range browsers {
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
// (once per test binary, see builtSites) and serves the output with
// net/http's file server, not inquest's own serve, as a static host would.
func serveSite(ctx context.Context, t testing.TB, opts site.BuildOptions) testSite {
	t.Helper()
	return serveSiteWith(ctx, t, opts, nil)
}

// serveSiteWith is serveSite with the file server wrapped by wrap, when not
// nil: to count or refuse requests as a host or a proxy might.
func serveSiteWith(ctx context.Context, t testing.TB, opts site.BuildOptions, wrap func(http.Handler) http.Handler) testSite {
	t.Helper()
	out := sites.build(ctx, t, opts)
	var h http.Handler = http.StripPrefix(basePath, http.FileServer(http.Dir(out)))
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

// builtSites builds each site the tests serve once per test binary: most
// tests browse examples/acme built the same way, the tests only read the
// output, and each test serves it from a server of its own (its own
// origin, so nothing cached in a browser crosses tests).
type builtSites struct {
	mu    sync.Mutex
	dir   string // holds every output and cache; TestMain removes it
	sites map[site.BuildOptions]*builtSite
}

// builtSite is one build of builtSites, done by the first test that asks.
type builtSite struct {
	once sync.Once
	out  string
	err  error
}

// sites is the test binary's built sites, owned by TestMain, which removes
// them.
var sites builtSites

// build returns the output folder of opts built for the base path /sub/,
// building it if no test has; Out, CacheDir and BaseURL are the helper's.
// A build that failed fails every test that asks for it.
func (s *builtSites) build(ctx context.Context, t testing.TB, opts site.BuildOptions) string {
	t.Helper()
	opts.Out, opts.CacheDir, opts.BaseURL = "", "", basePath
	s.mu.Lock()
	if s.sites == nil {
		s.sites = map[site.BuildOptions]*builtSite{}
	}
	b := s.sites[opts]
	if b == nil {
		b = &builtSite{}
		s.sites[opts] = b
	}
	if s.dir == "" {
		d, err := os.MkdirTemp("", "inquest-e2e-sites-")
		if err != nil {
			s.mu.Unlock()
			t.Fatal(err)
		}
		s.dir = d
	}
	dir := s.dir
	s.mu.Unlock()
	b.once.Do(func() {
		var tmp string
		if tmp, b.err = os.MkdirTemp(dir, "site-"); b.err != nil {
			return
		}
		opts.Out = filepath.Join(tmp, "public")
		opts.CacheDir = filepath.Join(tmp, "cache")
		res, err := site.Build(ctx, opts)
		switch {
		case err != nil:
			b.err = err
		case res.Incidents == 0:
			b.err = errors.New("no incidents in the site")
		default:
			b.out = opts.Out
		}
	})
	if b.err != nil {
		t.Fatalf("building %s: %v", opts.Dir, b.err)
	}
	return b.out
}

// removeAll removes every site built.
func (s *builtSites) removeAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.dir != "" {
		os.RemoveAll(s.dir)
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
