package serve

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestCheckAddr(t *testing.T) {
	t.Parallel()
	tests := []struct {
		addr   string
		remote bool
		ok     bool
	}{
		{"127.0.0.1:8080", false, true},
		{"localhost:8080", false, true},
		{"[::1]:8080", false, true},
		{"127.0.0.2:0", false, true},
		{"0.0.0.0:8080", false, false},
		{":8080", false, false},
		{"192.168.1.2:8080", false, false},
		{"0.0.0.0:8080", true, true},
		{"nonsense", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.addr, func(t *testing.T) {
			err := CheckAddr(tt.addr, tt.remote)
			if (err == nil) != tt.ok {
				t.Errorf("CheckAddr(%q, %v) = %v, want ok=%v", tt.addr, tt.remote, err, tt.ok)
			}
		})
	}
}

// TestServeFileStaysInRoot asks for files outside the site folder in every
// way a URL can spell it; each must get the site's 404 page.
func TestServeFileStaysInRoot(t *testing.T) {
	t.Parallel()
	parent := t.TempDir()
	root := filepath.Join(parent, "site")
	os.MkdirAll(filepath.Join(root, "incidents/a"), 0o755)
	os.WriteFile(filepath.Join(root, "index.html"), []byte("home"), 0o644)
	os.WriteFile(filepath.Join(root, "404.html"), []byte("not here"), 0o644)
	os.WriteFile(filepath.Join(root, "incidents/a/index.html"), []byte("incident a"), 0o644)
	os.WriteFile(filepath.Join(parent, "secret.txt"), []byte("SECRET"), 0o644)
	if err := os.Symlink(filepath.Join(parent, "secret.txt"), filepath.Join(root, "link.txt")); err != nil {
		t.Fatal(err)
	}
	s := &Server{root: root}
	srv := httptest.NewServer(s)
	defer srv.Close()
	get := func(path string) (int, string) {
		req, _ := http.NewRequest("GET", srv.URL+"/", nil)
		req.URL.Opaque = path // send the path exactly as written
		client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	for _, p := range []string{"/../secret.txt", "/%2e%2e/secret.txt", "/..%2fsecret.txt", "/incidents/../../secret.txt", "/link.txt", "/..\\secret.txt", "/%00"} {
		code, body := get(p)
		if strings.Contains(body, "SECRET") {
			t.Errorf("%s leaked a file outside the root", p)
		}
		if code != http.StatusNotFound && code != http.StatusBadRequest && code != http.StatusMovedPermanently {
			t.Errorf("%s: status %d", p, code)
		}
	}
	if code, body := get("/incidents/a/"); code != 200 || body != "incident a" {
		t.Errorf("incident page: %d %q", code, body)
	}
	if code, _ := get("/incidents/a"); code != http.StatusMovedPermanently {
		t.Errorf("folder without slash: %d, want a redirect", code)
	}
	if code, body := get("/nope/"); code != 404 || body != "not here" {
		t.Errorf("missing page: %d %q", code, body)
	}
}

// TestRunRebuildsAndReloads serves a repository, edits a postmortem and
// waits for the reload event and the new text; then breaks the config and
// waits for the error event while the last good site stays up.
func TestRunRebuildsAndReloads(t *testing.T) {
	dir := t.TempDir()
	pm := filepath.Join(dir, "postmortems/2024-01-02-db.md")
	os.MkdirAll(filepath.Dir(pm), 0o755)
	os.WriteFile(pm, []byte("---\nid: INC-1\ntitle: First title\ndate: 2024-01-02\nseverity: SEV2\n---\n## Summary\nx\n"), 0o644)
	t.Setenv("INQUEST_CACHE_DIR", t.TempDir())
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	base, done := startServer(ctx, t, Options{Dir: dir, NoHistory: true})
	body := func(p string) string { return getBody(t, base+p) }
	if !strings.Contains(body("/incidents/INC-1/"), "First title") {
		t.Fatal("first build not served")
	}
	resp, err := http.Get(base + "/_inquest/events")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	events := bufio.NewReader(resp.Body)
	next := func() string {
		for {
			line, err := events.ReadString('\n')
			if err != nil {
				t.Fatalf("event stream: %v", err)
			}
			if strings.HasPrefix(line, "event: ") {
				return strings.TrimSpace(strings.TrimPrefix(line, "event: "))
			}
		}
	}
	// Wait until the stream is connected before editing.
	for {
		line, _ := events.ReadString('\n')
		if strings.HasPrefix(line, ": connected") {
			break
		}
	}
	os.WriteFile(pm, []byte("---\nid: INC-1\ntitle: Second title\ndate: 2024-01-02\nseverity: SEV2\n---\n## Summary\nx\n"), 0o644)
	if ev := next(); ev != "reload" {
		t.Fatalf("event %q, want reload", ev)
	}
	if !strings.Contains(body("/incidents/INC-1/"), "Second title") {
		t.Error("edit not served after reload")
	}
	// The search API answers from the rebuilt index.
	if got := body("/api/search?q=second&facets=1"); !strings.Contains(got, `"id":"INC-1"`) || !strings.Contains(got, `"total":1`) || !strings.Contains(got, `"severity":[{"term":"SEV2","count":1}]`) {
		t.Errorf("search API: %s", got)
	}
	if got := body("/api/search?q=first"); !strings.Contains(got, `"total":0`) {
		t.Errorf("stale index: %s", got)
	}
	if got := body("/api/search?q=tags:(oops"); !strings.Contains(got, `"error"`) {
		t.Errorf("query error not reported: %s", got)
	}
	if got := body("/api/search?q=" + strings.Repeat("a", 2000)); !strings.Contains(got, "longer than 1024") {
		t.Errorf("long query accepted: %s", got)
	}
	os.WriteFile(filepath.Join(dir, "inquest.yaml"), []byte("bogus_key: 1\n"), 0o644)
	if ev := next(); ev != "error" {
		t.Fatalf("event %q, want error", ev)
	}
	if !strings.Contains(body("/incidents/INC-1/"), "Second title") {
		t.Error("last good site not kept after a failed build")
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run: %v", err)
	}
}

// TestReloadsThroughLinkedRoot: a repository reached through a symbolic
// link is watched at the link's target. filepath.WalkDir does not follow
// a root that is a link, so no folder was watched and an edit never
// reached the page (serve's benchmark, whose corpus is such a link, waited
// for its first reload until it was stopped).
func TestReloadsThroughLinkedRoot(t *testing.T) {
	real := t.TempDir()
	pm := filepath.Join(real, "postmortems", "2024-01-02-db.md")
	if err := os.MkdirAll(filepath.Dir(pm), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(pm, []byte("---\nid: INC-1\ntitle: First title\ndate: 2024-01-02\nseverity: SEV2\n---\n## Summary\nx\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "repo")
	if err := os.Symlink(real, dir); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	t.Setenv("INQUEST_CACHE_DIR", t.TempDir())
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	base, done := startServer(ctx, t, Options{Dir: dir, NoHistory: true})
	resp, err := http.Get(base + "/_inquest/events")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	events := bufio.NewReader(resp.Body)
	for {
		line, err := events.ReadString('\n')
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasPrefix(line, ": connected") {
			break
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "postmortems", "2024-01-02-db.md"), []byte("---\nid: INC-1\ntitle: Second title\ndate: 2024-01-02\nseverity: SEV2\n---\n## Summary\nx\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	got := make(chan string, 1)
	go func() {
		for {
			line, err := events.ReadString('\n')
			if err != nil {
				got <- err.Error()
				return
			}
			if strings.HasPrefix(line, "event: ") {
				got <- strings.TrimSpace(strings.TrimPrefix(line, "event: "))
				return
			}
		}
	}()
	select {
	case ev := <-got:
		if ev != "reload" {
			t.Fatalf("event %q, want reload", ev)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("no event 20 s after an edit through the link")
	}
	if !strings.Contains(getBody(t, base+"/incidents/INC-1/"), "Second title") {
		t.Error("edit not served after reload")
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run: %v", err)
	}
}
