// Package serve is the development server: it builds the site into a
// temporary folder, serves it on loopback, updates it when the repository
// changes and tells open pages to reload. An edit to a postmortem updates
// the pages that show it in place (see package site/live); other changes build
// the whole site into a fresh folder.
package serve

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/inquest-dev/inquest/pkg/internal/tmpdir"
	"github.com/inquest-dev/inquest/pkg/postmortem"
	"github.com/inquest-dev/inquest/pkg/repo"
	"github.com/inquest-dev/inquest/pkg/search"
	"github.com/inquest-dev/inquest/pkg/site"
	"github.com/inquest-dev/inquest/pkg/site/live"
)

// Options are the options of `inquest serve`.
type Options struct {
	Dir         string
	Addr        string // default 127.0.0.1:8080
	AllowRemote bool   // permit binding to a non-loopback address
	Drafts      bool
	NoHistory   bool
	// Verbose logs the time each stage of a build or update took.
	Verbose bool
	Log     io.Writer
	// Ready, when set, receives the listening address once serving.
	Ready func(addr string)
}

// Server serves one repository's site and rebuilds it on change.
type Server struct {
	opts Options
	tmp  string
	live *live.Site

	mu      sync.RWMutex
	root    string // folder of the current site
	version int
	lastErr string
	waiters []chan struct{}

	// ixMu guards ix, the search index of the current build; it is closed
	// while a build updates it.
	ixMu sync.RWMutex
	ix   *search.Index

	headers headerRules
}

// CheckAddr refuses non-loopback addresses unless allowRemote: postmortems
// are usually internal, so exposing them is an explicit decision.
func CheckAddr(addr string, allowRemote bool) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("--addr %q: %w", addr, err)
	}
	if allowRemote {
		return nil
	}
	if host == "localhost" {
		return nil
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("--addr %q is not a loopback address; pass --allow-remote to serve postmortems to other machines", addr)
	}
	return nil
}

// Run builds the site, serves it until ctx is done, and rebuilds on change.
func Run(ctx context.Context, opts Options) error {
	if opts.Addr == "" {
		opts.Addr = "127.0.0.1:8080"
	}
	if opts.Log == nil {
		opts.Log = io.Discard
	}
	if err := CheckAddr(opts.Addr, opts.AllowRemote); err != nil {
		return err
	}
	// A server killed part way (kill -9) leaves its folder behind: the
	// next one removes it; a folder another server uses is left alone.
	tmpdir.Sweep(os.TempDir(), "inquest-serve-*")
	td, err := tmpdir.Make("", "inquest-serve-*")
	if err != nil {
		return err
	}
	defer td.Remove()
	tmp := td.Path
	s := &Server{opts: opts, tmp: tmp, live: live.New(site.BuildOptions{
		Dir: opts.Dir, BaseURL: "/", Drafts: opts.Drafts, NoHistory: opts.NoHistory, Serve: true,
	})}
	// Before the folder goes: a build's history read may still be running.
	defer s.live.Wait()
	ln, err := net.Listen("tcp", opts.Addr)
	if err != nil {
		return err
	}
	s.update(ctx, nil)
	watcher, err := s.watch()
	if err != nil {
		fmt.Fprintf(opts.Log, "warning: not watching for changes: %v\n", err)
	} else {
		defer watcher.Close()
		go s.loop(ctx, watcher)
	}
	srv := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second, IdleTimeout: 2 * time.Minute}
	go func() {
		<-ctx.Done()
		shut, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = srv.Shutdown(shut)
	}()
	fmt.Fprintf(opts.Log, "serving %s on http://%s/ (Ctrl+C to stop)\n", opts.Dir, ln.Addr())
	if opts.Ready != nil {
		opts.Ready(ln.Addr().String())
	}
	err = srv.Serve(ln)
	s.ixMu.Lock()
	if s.ix != nil {
		s.ix.Close()
	}
	s.ixMu.Unlock()
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// update brings the site up to date after the files in changed
// (repository-relative) changed: in place when only postmortems were
// edited, else by building into a fresh folder and switching to it. On
// failure the previous site stays and the error is shown in the pages.
// Open pages reload once the pages are ready; search requests wait from
// then until the index has the edits too.
func (s *Server) update(ctx context.Context, changed []string) {
	if changed != nil && !s.live.Concerns(changed) {
		return // the search index stays open
	}
	s.mu.RLock()
	v := s.version + 1
	s.mu.RUnlock()
	out := filepath.Join(s.tmp, fmt.Sprintf("site-%d", v))
	start := time.Now()
	s.ixMu.Lock()
	if s.ix != nil {
		s.ix.Close()
		s.ix = nil
	}
	s.ixMu.Unlock()
	res, err := s.live.Update(ctx, changed, out)
	if err == nil && res.UpToDate {
		s.openIndex(res)
		return
	}
	took := time.Since(start)
	s.ixMu.Lock()
	defer s.ixMu.Unlock()
	s.mu.Lock()
	old := s.root
	if err != nil {
		s.lastErr = err.Error()
		fmt.Fprintf(s.opts.Log, "build failed: %v\n", err)
	} else {
		s.lastErr = ""
		s.root = res.Out
		s.report(res, took)
	}
	s.version = v
	for _, w := range s.waiters {
		close(w)
	}
	s.waiters = nil
	s.mu.Unlock()
	if err == nil && old != "" && old != res.Out {
		// Give requests in flight a moment before removing the old tree.
		time.AfterFunc(5*time.Second, func() { os.RemoveAll(old) })
	}
	if err == nil {
		t0 := time.Now()
		if err := s.live.UpdateIndex(ctx); err != nil {
			fmt.Fprintf(s.opts.Log, "search index not updated: %v\n", err)
		} else if s.opts.Verbose && res.InPlace {
			fmt.Fprintf(s.opts.Log, "  index     %s\n", time.Since(t0).Round(time.Millisecond))
		}
	}
	s.openIndexLocked(res)
}

// report logs what a build or update did and the errors in postmortems.
func (s *Server) report(res *site.Result, took time.Duration) {
	w := s.opts.Log
	switch {
	case res.InPlace:
		fmt.Fprintf(w, "updated %s in %s\n", count(res.Written+res.Removed, "file"), took.Round(time.Millisecond))
	case res.Rebuilt != "":
		fmt.Fprintf(w, "built %s in %s (%s)\n", count(res.Incidents, "incident"), took.Round(time.Millisecond), res.Rebuilt)
	default:
		fmt.Fprintf(w, "built %s in %s\n", count(res.Incidents, "incident"), took.Round(time.Millisecond))
	}
	if s.opts.Verbose {
		for _, st := range res.Stages {
			fmt.Fprintf(w, "  %-9s %s\n", st.Name, st.Elapsed.Round(time.Millisecond))
		}
	}
	// A postmortem that cannot be read is left out of the site: say so.
	for _, f := range res.Findings {
		if f.Level == postmortem.LevelError {
			fmt.Fprintf(w, "%s:%d: %s: %s [%s]\n", f.File, f.Line, f.Level, f.Message, f.Rule)
		}
	}
}

// count is "1 file" or "2 files".
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// openIndex opens the search index the last build used (after a failed
// build, the one of the build before).
func (s *Server) openIndex(res *site.Result) {
	s.ixMu.Lock()
	defer s.ixMu.Unlock()
	s.openIndexLocked(res)
}

// openIndexLocked is openIndex with ixMu held.
func (s *Server) openIndexLocked(res *site.Result) {
	dir := ""
	if res != nil {
		dir = res.IndexDir
	} else {
		dir = repo.IndexDir(repo.CacheDir(s.opts.Dir))
	}
	ix, err := search.Open(dir)
	if err != nil {
		fmt.Fprintf(s.opts.Log, "search API unavailable: %v\n", err)
		return
	}
	s.ix = ix
}

// watch watches every folder of the repository except hidden ones and
// output, and of .git the folder itself (HEAD) and refs/heads, where a
// commit or a checkout moves HEAD.
func (s *Server) watch() (*fsnotify.Watcher, error) {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, err
	}
	err = s.watchTree(w, s.opts.Dir)
	gitDir := filepath.Join(s.opts.Dir, ".git")
	if st, serr := os.Stat(gitDir); err == nil && serr == nil && st.IsDir() {
		err = filepath.WalkDir(filepath.Join(gitDir, "refs", "heads"), func(p string, d os.DirEntry, err error) error {
			if err != nil || !d.IsDir() {
				return nil
			}
			return w.Add(p)
		})
		if err == nil {
			err = w.Add(gitDir)
		}
	}
	if err != nil {
		w.Close()
		return nil, err
	}
	return w, nil
}

// watchTree watches the folder root and every folder below it, except
// hidden ones, public and node_modules below the repository root. A root
// that is a symbolic link is walked at its target (WalkDir would not
// follow it and watch nothing); the folders are watched under root's own
// path, so that events name the files as the build does.
func (s *Server) watchTree(w *fsnotify.Watcher, root string) error {
	walk := root
	if r, err := filepath.EvalSymlinks(root); err == nil {
		walk = r
	}
	return filepath.WalkDir(walk, func(p string, d os.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return nil
		}
		if rel, err := filepath.Rel(walk, p); err == nil && rel != "." {
			p = filepath.Join(root, rel)
		} else if err == nil {
			p = root
		}
		name := d.Name()
		if p != s.opts.Dir && (strings.HasPrefix(name, ".") || name == "public" || name == "node_modules") {
			return filepath.SkipDir
		}
		return w.Add(p)
	})
}

// loop collects the paths of file events until none has come for 150 ms,
// then updates the site for them.
func (s *Server) loop(ctx context.Context, w *fsnotify.Watcher) {
	var timer *time.Timer
	fire := make(chan struct{}, 1)
	changed := map[string]bool{}
	for {
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-w.Events:
			if !ok {
				return
			}
			if ev.Op&fsnotify.Create != 0 {
				// A folder that arrives with folders in it (mv, cp -r, a
				// checkout): those are watched too.
				if st, err := os.Stat(ev.Name); err == nil && st.IsDir() {
					_ = s.watchTree(w, ev.Name)
				}
			}
			if rel, err := filepath.Rel(s.opts.Dir, ev.Name); err == nil {
				changed[filepath.ToSlash(rel)] = true
			}
			if timer != nil {
				timer.Stop()
			}
			timer = time.AfterFunc(150*time.Millisecond, func() {
				select {
				case fire <- struct{}{}:
				default:
				}
			})
		case <-fire:
			paths := slices.Sorted(maps.Keys(changed))
			clear(changed)
			s.update(ctx, paths)
		case err, ok := <-w.Errors:
			if !ok {
				return
			}
			// Events may have been lost (a full queue): build everything.
			fmt.Fprintf(s.opts.Log, "watch: %v\n", err)
			s.live.Forget()
			select {
			case fire <- struct{}{}:
			default:
			}
		}
	}
}

// ServeHTTP serves the current site, the reload channel and build errors,
// with the response headers the site's _headers file names (a
// Content-Security-Policy on every response). A request whose Host is not
// this server's is refused (see allowedHost); one that panics is a 500,
// and the server goes on.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer func() {
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler {
				panic(p)
			}
			fmt.Fprintf(s.opts.Log, "internal error serving %s: %v\n", r.URL.Path, p)
			http.Error(w, "internal error", http.StatusInternalServerError)
		}
	}()
	if !s.allowedHost(r.Host) {
		fallbackHeaders(w)
		http.Error(w, "this server answers only to its own address (localhost, 127.0.0.1); it refuses other host names", http.StatusMisdirectedRequest)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		fallbackHeaders(w)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	s.mu.RLock()
	root, lastErr := s.root, s.lastErr
	s.mu.RUnlock()
	if root == "" {
		fallbackHeaders(w)
	} else {
		s.headers.set(w, root, r.URL.Path)
	}
	switch r.URL.Path {
	case "/_inquest/events":
		s.events(w, r)
		return
	case "/api/search":
		s.handleSearch(w, r)
		return
	}
	if root == "" {
		http.Error(w, "build failed: "+lastErr, http.StatusInternalServerError)
		return
	}
	serveFile(w, r, root, &s.headers)
}

// serveFile serves a file strictly inside root: the cleaned URL path is
// joined to root, symbolic links are not followed, folders serve their
// index.html, and anything else is the site's 404 page.
func serveFile(w http.ResponseWriter, r *http.Request, root string, h *headerRules) {
	notFound := func(w http.ResponseWriter, root string) {
		h.set(w, root, "/404.html")
		notFoundPage(w, root)
	}
	clean := path.Clean("/" + r.URL.Path)
	if strings.ContainsRune(clean, 0) || strings.Contains(clean, "\\") {
		notFound(w, root)
		return
	}
	p := filepath.Join(root, filepath.FromSlash(clean))
	if p != root && !strings.HasPrefix(p, root+string(filepath.Separator)) {
		notFound(w, root)
		return
	}
	st, err := os.Lstat(p)
	if err == nil && st.IsDir() {
		if !strings.HasSuffix(r.URL.Path, "/") {
			http.Redirect(w, r, r.URL.Path+"/", http.StatusMovedPermanently)
			return
		}
		p = filepath.Join(p, "index.html")
		st, err = os.Lstat(p)
	}
	if err != nil || !st.Mode().IsRegular() {
		notFound(w, root)
		return
	}
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "no-cache")
	http.ServeFile(w, r, p)
}

func notFoundPage(w http.ResponseWriter, root string) {
	data, err := os.ReadFile(filepath.Join(root, "404.html"))
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusNotFound)
	if err == nil {
		_, _ = w.Write(data)
	}
}

// events is a server-sent event stream: one "reload" event each time a
// build finishes, carrying the build error when it failed.
func (s *Server) events(w http.ResponseWriter, r *http.Request) {
	fl, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	s.mu.RLock()
	lastErr := s.lastErr
	s.mu.RUnlock()
	if lastErr != "" {
		fmt.Fprintf(w, "event: error\ndata: %s\n\n", oneLine(lastErr))
	}
	fmt.Fprint(w, ": connected\n\n")
	fl.Flush()
	for {
		ch := make(chan struct{})
		s.mu.Lock()
		s.waiters = append(s.waiters, ch)
		s.mu.Unlock()
		select {
		case <-r.Context().Done():
			return
		case <-time.After(30 * time.Second):
			fmt.Fprint(w, ": ping\n\n")
			fl.Flush()
		case <-ch:
			s.mu.RLock()
			lastErr := s.lastErr
			s.mu.RUnlock()
			if lastErr != "" {
				fmt.Fprintf(w, "event: error\ndata: %s\n\n", oneLine(lastErr))
			} else {
				fmt.Fprint(w, "event: reload\ndata: ok\n\n")
			}
			fl.Flush()
		}
	}
}

func oneLine(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r", " "), "\n", " | ")
}
