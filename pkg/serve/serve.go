// Package serve is the development server: it builds the site into a
// temporary folder, serves it on loopback, rebuilds when the repository
// changes and tells open pages to reload.
package serve

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/inquest-dev/inquest/pkg/repo"
	"github.com/inquest-dev/inquest/pkg/search"
	"github.com/inquest-dev/inquest/pkg/site"
)

// Options are the options of `inquest serve`.
type Options struct {
	Dir         string
	Addr        string // default 127.0.0.1:8080
	AllowRemote bool   // permit binding to a non-loopback address
	Drafts      bool
	NoHistory   bool
	Log         io.Writer
	// Ready, when set, receives the listening address once serving.
	Ready func(addr string)
}

// Server serves one repository's site and rebuilds it on change.
type Server struct {
	opts Options
	tmp  string

	mu      sync.RWMutex
	root    string // folder of the current site
	version int
	lastErr string
	waiters []chan struct{}

	// ixMu guards ix, the search index of the current build; it is closed
	// while a build updates it.
	ixMu sync.RWMutex
	ix   *search.Index
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
	tmp, err := os.MkdirTemp("", "inquest-serve-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	s := &Server{opts: opts, tmp: tmp}
	ln, err := net.Listen("tcp", opts.Addr)
	if err != nil {
		return err
	}
	s.rebuild(ctx)
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

// rebuild builds into a fresh folder and switches to it on success; on
// failure the previous site stays and the error is shown in the pages.
func (s *Server) rebuild(ctx context.Context) {
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
	res, err := site.Build(ctx, site.BuildOptions{Dir: s.opts.Dir, Out: out, BaseURL: "/", Drafts: s.opts.Drafts, NoHistory: s.opts.NoHistory, Serve: true})
	s.openIndex(res)
	s.mu.Lock()
	old := s.root
	if err != nil {
		s.lastErr = err.Error()
		fmt.Fprintf(s.opts.Log, "build failed: %v\n", err)
	} else {
		s.lastErr = ""
		s.root = out
		fmt.Fprintf(s.opts.Log, "built %d incidents in %s\n", res.Incidents, time.Since(start).Round(time.Millisecond))
	}
	s.version = v
	for _, w := range s.waiters {
		close(w)
	}
	s.waiters = nil
	s.mu.Unlock()
	if err == nil && old != "" {
		// Give requests in flight a moment before removing the old tree.
		time.AfterFunc(5*time.Second, func() { os.RemoveAll(old) })
	}
}

// openIndex opens the search index the last build used (after a failed
// build, the one of the build before).
func (s *Server) openIndex(res *site.Result) {
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
	s.ixMu.Lock()
	s.ix = ix
	s.ixMu.Unlock()
}

// watch watches every folder of the repository except .git and output.
func (s *Server) watch() (*fsnotify.Watcher, error) {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, err
	}
	err = filepath.WalkDir(s.opts.Dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return nil
		}
		name := d.Name()
		if p != s.opts.Dir && (strings.HasPrefix(name, ".") || name == "public" || name == "node_modules") {
			return filepath.SkipDir
		}
		return w.Add(p)
	})
	if err != nil {
		w.Close()
		return nil, err
	}
	return w, nil
}

func (s *Server) loop(ctx context.Context, w *fsnotify.Watcher) {
	var timer *time.Timer
	fire := make(chan struct{}, 1)
	for {
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-w.Events:
			if !ok {
				return
			}
			if ev.Op&fsnotify.Create != 0 {
				if st, err := os.Stat(ev.Name); err == nil && st.IsDir() {
					_ = w.Add(ev.Name)
				}
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
			s.rebuild(ctx)
		case err, ok := <-w.Errors:
			if !ok {
				return
			}
			fmt.Fprintf(s.opts.Log, "watch: %v\n", err)
		}
	}
}

// ServeHTTP serves the current site, the reload channel and build errors.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	switch r.URL.Path {
	case "/_inquest/events":
		s.events(w, r)
		return
	case "/api/search":
		s.handleSearch(w, r)
		return
	}
	s.mu.RLock()
	root, lastErr := s.root, s.lastErr
	s.mu.RUnlock()
	if root == "" {
		http.Error(w, "build failed: "+lastErr, http.StatusInternalServerError)
		return
	}
	serveFile(w, r, root)
}

// serveFile serves a file strictly inside root: the cleaned URL path is
// joined to root, symbolic links are not followed, folders serve their
// index.html, and anything else is the site's 404 page.
func serveFile(w http.ResponseWriter, r *http.Request, root string) {
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

func notFound(w http.ResponseWriter, root string) {
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
