package serve

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/inquest-dev/inquest/pkg/internal/repotest"
)

// syncBuffer is a log the server and the test share.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// startServer runs the server on a free loopback port until ctx is done
// and returns its base URL and Run's result.
func startServer(ctx context.Context, t testing.TB, opts Options) (string, <-chan error) {
	t.Helper()
	ready := make(chan string, 1)
	done := make(chan error, 1)
	opts.Addr = "127.0.0.1:0"
	opts.Ready = func(a string) { ready <- a }
	go func() { done <- Run(ctx, opts) }()
	select {
	case a := <-ready:
		return "http://" + a, done
	case err := <-done:
		t.Fatalf("Run: %v", err)
	case <-ctx.Done():
		t.Fatal("server did not start")
	}
	return "", nil
}

// getBody returns the body of a GET.
func getBody(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// postmortemText is a postmortem with the given id, title and tag.
func postmortemText(id, title, tag string) string {
	return fmt.Sprintf("---\nid: %s\ntitle: %s\ndate: 2024-01-0%s\nseverity: SEV2\nstatus: published\ntags: [%s]\n---\n## Summary\nThe %s went wrong.\n",
		id, title, id[len(id)-1:], tag, strings.ToLower(title))
}

// TestRunUpdatesInPlace serves a Git repository of three postmortems,
// edits one and waits for the reload: the edit is served on its own page
// and on the pages that list it, found by the search API, and the log says
// the site was updated in place with the time of each stage. A file the
// build does not read sends no reload; a commit builds the site again;
// a postmortem made unreadable is reported in the log and leaves the site.
func TestRunUpdatesInPlace(t *testing.T) {
	r := repotest.New(t)
	dir := r.Dir
	for _, id := range []string{"INC-1", "INC-2", "INC-3"} {
		r.WriteFile("postmortems/"+strings.ToLower(id)+".md", []byte(postmortemText(id, "Outage "+id, "database")))
	}
	r.Commit("Date: 2024-05-01T12:00:00Z\n\nAdd postmortems")
	t.Setenv("INQUEST_CACHE_DIR", t.TempDir())
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	log := &syncBuffer{}
	base, done := startServer(ctx, t, Options{Dir: dir, Verbose: true, Log: log})
	get := func(p string) string { return getBody(t, base+p) }
	resp, err := http.Get(base + "/_inquest/events")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	events := make(chan string, 16)
	go func() {
		rd := bufio.NewReader(resp.Body)
		for {
			line, err := rd.ReadString('\n')
			if err != nil {
				close(events)
				return
			}
			if strings.HasPrefix(line, ": connected") || strings.HasPrefix(line, "event: ") {
				events <- strings.TrimSpace(strings.TrimPrefix(line, "event: "))
			}
		}
	}()
	waitEvent := func(want string, within time.Duration) {
		t.Helper()
		select {
		case ev := <-events:
			if ev != want {
				t.Fatalf("event %q, want %q; log:\n%s", ev, want, log)
			}
		case <-time.After(within):
			t.Fatalf("no %q event within %s; log:\n%s", want, within, log)
		}
	}
	waitEvent(": connected", 10*time.Second)

	edit := filepath.Join(dir, "postmortems", "inc-2.md")
	if err := os.WriteFile(edit, []byte(postmortemText("INC-2", "Renamed outage", "database")), 0o644); err != nil {
		t.Fatal(err)
	}
	waitEvent("reload", 30*time.Second)
	for _, p := range []string{"/incidents/INC-2/", "/incidents/", "/tags/database/", "/incidents/INC-1/"} {
		if page := get(p); !strings.Contains(page, "Renamed outage") {
			t.Errorf("%s does not show the new title", p)
		}
	}
	if got := get("/api/search?q=renamed"); !strings.Contains(got, `"id":"INC-2"`) {
		t.Errorf("search API does not find the edit: %s", got)
	}
	if l := log.String(); !strings.Contains(l, "updated ") || !strings.Contains(l, "  parse ") || !strings.Contains(l, "  index ") {
		t.Errorf("log does not show an update in place with its stages:\n%s", l)
	}

	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("not a postmortem\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	select {
	case ev := <-events:
		t.Fatalf("event %q after a change the site does not read", ev)
	case <-time.After(time.Second):
	}

	if page := get("/incidents/INC-2/"); !strings.Contains(page, "uncommitted changes") {
		t.Error("the edited page does not say it has uncommitted changes")
	}
	// notes.txt is committed too: the site does not read it.
	r.Commit("Date: 2024-05-01T13:00:00Z\n\nRename the outage")
	waitEvent("reload", 30*time.Second)
	if page := get("/incidents/INC-2/"); strings.Contains(page, "uncommitted changes") || !strings.Contains(page, "Rename the outage") {
		t.Error("the committed page does not show its new revision")
	}
	if l := log.String(); !strings.Contains(l, "(HEAD moved)") {
		t.Errorf("a commit did not build the site again:\n%s", l)
	}

	if err := os.WriteFile(edit, []byte("---\ntitle: [unclosed\n---\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	waitEvent("reload", 30*time.Second)
	if page := get("/incidents/"); strings.Contains(page, "Renamed outage") {
		t.Error("a broken postmortem is still listed")
	}
	if l := log.String(); !strings.Contains(l, "postmortems/inc-2.md:") || !strings.Contains(l, ": error: ") {
		t.Errorf("broken postmortem not reported:\n%s", l)
	}

	// A tree of folders moved in at once (mv, a checkout) is watched all
	// the way down: a postmortem written in the innermost one is published.
	stage := t.TempDir()
	if err := os.MkdirAll(filepath.Join(stage, "2025", "q1"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(stage, "2025"), filepath.Join(dir, "postmortems", "2025")); err != nil {
		t.Fatal(err)
	}
	nested := filepath.Join(dir, "postmortems", "2025", "q1")
	select { // the new folders may build the site again
	case <-events:
	case <-time.After(3 * time.Second):
	}
	if err := os.WriteFile(filepath.Join(nested, "inc-4.md"), []byte(postmortemText("INC-4", "Nested outage", "network")), 0o644); err != nil {
		t.Fatal(err)
	}
	waitEvent("reload", 30*time.Second)
	if page := get("/incidents/INC-4/"); !strings.Contains(page, "Nested outage") {
		t.Error("a postmortem in a folder made with its parent is not served")
	}

	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run: %v", err)
	}
}
