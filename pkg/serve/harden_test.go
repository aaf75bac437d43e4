package serve

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/inquest-dev/inquest/pkg/search"
)

// get returns a response's status, headers and body; host, when set,
// replaces the Host header.
func get(t *testing.T, u, host string) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest("GET", u, nil)
	if err != nil {
		t.Fatal(err)
	}
	if host != "" {
		req.Host = host
	}
	client := &http.Client{Timeout: 20 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

// TestSearchAPIHardened: a from past the end (it panicked inside Bleve
// while the index's read lock was held, so the next edit blocked forever),
// a regular expression too complex to compile and a date Bleve cannot hold
// are 400s that say why; after them an edit is still applied and served
// and the search answers; sixteen expensive searches at once are answered
// or refused, none hangs.
func TestSearchAPIHardened(t *testing.T) {
	dir := t.TempDir()
	pm := filepath.Join(dir, "postmortems/2024-03-02-dns.md")
	os.MkdirAll(filepath.Dir(pm), 0o755)
	os.WriteFile(pm, []byte(postmortemText("INC-2", "Resolver outage", "dns")), 0o644)
	t.Setenv("INQUEST_CACHE_DIR", t.TempDir())
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	base, done := startServer(ctx, t, Options{Dir: dir, NoHistory: true})
	for _, tc := range []struct{ q, want string }{
		{"q=resolver&from=9223372036854775807", "from"},
		{"q=resolver&from=-5", "from"},
		{"q=resolver&size=abc", "size"},
		{"q=" + url.QueryEscape("/.{0,1000}/"), "cannot be searched"},
		{"q=" + url.QueryEscape(`date:<="9999-12-31"`), "dates in a range"},
		{"q=" + url.QueryEscape(strings.Repeat("*a* ", 62)), "at most 32 clauses"},
	} {
		code, h, body := get(t, base+"/api/search?"+tc.q, "")
		if code != http.StatusBadRequest || !strings.Contains(body, tc.want) {
			t.Errorf("%s: %d %s, want 400 with %q", tc.q, code, body, tc.want)
		}
		if h.Get("Content-Security-Policy") == "" {
			t.Errorf("%s: no Content-Security-Policy", tc.q)
		}
	}
	// The server still applies an edit and answers.
	resp, err := http.Get(base + "/_inquest/events")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	events := bufio.NewReader(resp.Body)
	for line, _ := events.ReadString('\n'); !strings.HasPrefix(line, ": connected"); line, _ = events.ReadString('\n') {
	}
	os.WriteFile(pm, []byte(postmortemText("INC-2", "Resolver cache poisoning", "dns")), 0o644)
	for {
		line, err := events.ReadString('\n')
		if err != nil {
			t.Fatalf("no reload after the edit: %v", err)
		}
		if strings.HasPrefix(line, "event: reload") {
			break
		}
	}
	var res search.Result
	deadline := time.Now().Add(20 * time.Second)
	for {
		code, _, body := get(t, base+"/api/search?q=poisoning", "")
		if code == http.StatusOK && json.Unmarshal([]byte(body), &res) == nil && res.Total == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("search after the edit: %d %s", code, body)
		}
		time.Sleep(50 * time.Millisecond)
	}
	var wg sync.WaitGroup
	codes := make([]int, 16)
	for i := range codes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes[i], _, _ = get(t, base+"/api/search?q="+url.QueryEscape("*e* *o* res~2 /r.*/"), "")
		}()
	}
	wg.Wait()
	for i, c := range codes {
		if c != http.StatusOK && c != http.StatusServiceUnavailable && c != http.StatusBadRequest {
			t.Errorf("expensive search %d: status %d", i, c)
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run: %v", err)
	}
}

// TestServeHeadersAndHost: every response carries the site's response
// headers (the pages' pinned policy, the attachments' sandbox); a request
// for another host name (DNS rebinding) is refused.
func TestServeHeadersAndHost(t *testing.T) {
	dir := t.TempDir()
	pm := filepath.Join(dir, "postmortems/2024-03-02-dns.md")
	os.MkdirAll(filepath.Dir(pm), 0o755)
	os.WriteFile(pm, []byte(postmortemText("INC-2", "Resolver outage", "dns")+"\n![chart](chart.txt)\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "postmortems/chart.txt"), []byte("queries per second\n"), 0o644)
	t.Setenv("INQUEST_CACHE_DIR", t.TempDir())
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	base, done := startServer(ctx, t, Options{Dir: dir, NoHistory: true})
	u, _ := url.Parse(base)
	port := u.Port()
	for _, p := range []string{"/", "/incidents/INC-2/", "/tags/", "/404.html", "/nowhere", "/api/search?q=dns", "/feed.xml", "/files/postmortems/chart.txt"} {
		code, h, _ := get(t, base+p, "")
		csp := h.Get("Content-Security-Policy")
		switch {
		case code >= 500:
			t.Errorf("%s: %d", p, code)
		case !strings.Contains(csp, "frame-ancestors 'none'") || h.Get("X-Content-Type-Options") != "nosniff":
			t.Errorf("%s: headers %v", p, h)
		case strings.HasPrefix(p, "/files/") && !strings.Contains(csp, "sandbox"):
			t.Errorf("%s: no sandbox: %q", p, csp)
		case (p == "/" || strings.HasSuffix(p, "/") || p == "/nowhere" || p == "/404.html") && !strings.Contains(csp, "script-src 'sha384-"):
			t.Errorf("%s: page policy %q", p, csp)
		}
	}
	for host, ok := range map[string]bool{
		"127.0.0.1:" + port: true, "localhost:" + port: true, "[::1]:" + port: true, "app.localhost:" + port: true,
		"attacker.example:" + port: false, "attacker.example": false, "127.0.0.1.nip.io:" + port: false, "10.0.0.5:" + port: false,
	} {
		code, h, body := get(t, base+"/api/search?q=dns", host)
		if got := code == http.StatusOK; got != ok {
			t.Errorf("Host %s: %d %s", host, code, body)
		}
		if !ok && (strings.Contains(body, "INC-2") || h.Get("Content-Security-Policy") == "") {
			t.Errorf("Host %s: answered %q (headers %v)", host, body, h)
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run: %v", fmt.Sprint(err))
	}
}
