package cli_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/inquest-dev/inquest/pkg/cli"
	"github.com/inquest-dev/inquest/pkg/internal/repotest"
	"github.com/inquest-dev/inquest/pkg/postmortem"
	"github.com/inquest-dev/inquest/pkg/search"
	"github.com/inquest-dev/inquest/pkg/serve"
	"github.com/inquest-dev/inquest/pkg/site"
)

// fakeToken stands for the credentials CI leaves in a work tree: the token
// actions/checkout persists in .git/config, a .env file, and the key file
// google-github-actions/auth writes at the root.
const fakeToken = "ghs_FAKE7token7SHOULD7NEVER7LEAVE7THE7REPO"

// tokenRepo is a repository with the token in .git/config, in an untracked
// .env and gha-creds-x.json, and in a file outside the repository, and
// symbolic links of every kind pointing at them: postmortems, attachment
// files, attachment folders, theme files and theme folders.
const tokenRepo = `
-- inquest.yaml --
title: Token test
-- postmortems/2024/2024-03-01-db.md --
---
id: INC-2024-001
title: Checkout errors, database pool exhausted
date: 2024-03-01
severity: SEV2
status: published
tags: [database]
---
## Summary

The checkout database ran out of connections.

![config](img/cfg.txt) ![env](img/env.txt) ![creds](img/creds.json) ![outside](img/outside.txt)
[git folder](img/g/config) [root folder](img/root/gha-creds-x.json) [root env](img/root/.env)
[direct config](../../.git/config) [direct env](../../.env) [chart](img/chart.txt)

## Timeline

All times UTC.

- 09:19 — pool exhausted (started)
- 09:41 — rolled back (mitigated)
-- postmortems/2024/img/chart.txt --
p99 latency 812 ms at 09:30
-- theme/static/extra.css --
body { color: #222; }
-- $ ln -s ../../.git/config postmortems/2024/leak-config.md --
-- $ ln -s ../../.env postmortems/2024/leak-env.md --
-- $ ln -s ../../gha-creds-x.json postmortems/2024/leak-creds.md --
-- $ ln -s ../../../.git/config postmortems/2024/img/cfg.txt --
-- $ ln -s ../../../.env postmortems/2024/img/env.txt --
-- $ ln -s ../../../gha-creds-x.json postmortems/2024/img/creds.json --
-- $ ln -s ../../../.git postmortems/2024/img/g --
-- $ ln -s ../../.. postmortems/2024/img/root --
-- $ ln -s ../../.git/config theme/static/leak.txt --
-- $ ln -s ../../gha-creds-x.json theme/static/creds.css --
-- $ ln -s ../../../.env theme/templates/partials/leak.html --
-- $ ln -s ../../.git theme/static/gitdir --
-- $ commit --
Add the database postmortem

`

// writeTokenRepo writes tokenRepo, adds the token to .git/config, writes the
// untracked .env and gha-creds-x.json, and links to a file outside the
// repository; it returns the repository.
func writeTokenRepo(t *testing.T) string {
	t.Helper()
	dir := repotest.Write(t, tokenRepo)
	cfg := filepath.Join(dir, ".git", "config")
	data, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	data = append(data, "[http \"https://github.com/\"]\n\textraheader = AUTHORIZATION: basic "+fakeToken+"\n"...)
	outside := filepath.Join(t.TempDir(), "token.md")
	for name, content := range map[string]string{
		".git/config":      string(data),
		".env":             "GITHUB_TOKEN=" + fakeToken + "\n",
		"gha-creds-x.json": `{"type": "external_account", "token": "` + fakeToken + `"}` + "\n",
	} {
		if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(name)), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(outside, []byte("---\ntitle: Outside\n---\n"+fakeToken+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for link, target := range map[string]string{
		"postmortems/2024/leak-outside.md": outside,
		"postmortems/2024/img/outside.txt": outside,
	} {
		if err := os.Symlink(target, filepath.Join(dir, filepath.FromSlash(link))); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// noToken fails when data holds the token, gunzipping .gz files first.
func noToken(t *testing.T, what string, data []byte) {
	t.Helper()
	if bytes.HasPrefix(data, []byte{0x1f, 0x8b}) {
		if zr, err := gzip.NewReader(bytes.NewReader(data)); err == nil {
			if plain, err := io.ReadAll(zr); err == nil {
				data = plain
			}
		}
	}
	if bytes.Contains(data, []byte(fakeToken)) || bytes.Contains(data, []byte("FAKE7token7")) {
		t.Errorf("%s holds the token", what)
	}
}

// noTokenInTree checks every file under dir.
func noTokenInTree(t *testing.T, dir string) int {
	t.Helper()
	n := 0
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if d.Type()&fs.ModeSymlink != 0 {
			t.Errorf("%s is a symbolic link", p)
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		n++
		noToken(t, p, data)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestTokenNeverLeaves: whatever symbolic links say, the token in
// .git/config, .env, gha-creds-x.json and a file outside the repository
// reaches neither the site, nor the export, nor the search index (read
// through Bleve and through inquest search), nor any response of inquest
// serve; every link is reported with a symlink finding naming its target,
// and build --strict fails.
func TestTokenNeverLeaves(t *testing.T) {
	dir := writeTokenRepo(t)
	cache := t.TempDir()
	t.Setenv("INQUEST_CACHE_DIR", cache)
	ctx := context.Background()

	out := filepath.Join(t.TempDir(), "public")
	res, err := site.Build(ctx, site.BuildOptions{Dir: dir, Out: out})
	if err != nil {
		t.Fatal(err)
	}
	if res.Incidents != 1 {
		t.Errorf("built %d incidents, want 1", res.Incidents)
	}
	if n := noTokenInTree(t, out); n < 20 {
		t.Errorf("only %d files in the site", n)
	}
	if _, err := os.Stat(filepath.Join(out, "files/postmortems/2024/img/chart.txt")); err != nil {
		t.Errorf("the committed attachment was not copied: %v", err)
	}
	// Every link is a symlink error naming the file and its target.
	for file, target := range map[string]string{
		"postmortems/2024/leak-config.md":    ".git/config",
		"postmortems/2024/leak-env.md":       ".env",
		"postmortems/2024/leak-creds.md":     "gha-creds-x.json",
		"postmortems/2024/leak-outside.md":   "token.md",
		"theme/static/leak.txt":              ".git/config",
		"theme/static/creds.css":             "gha-creds-x.json",
		"theme/static/gitdir":                ".git",
		"theme/templates/partials/leak.html": ".env",
	} {
		if !slices.ContainsFunc(res.Findings, func(f postmortem.Finding) bool {
			return f.File == file && f.Rule == "symlink" && f.Level == postmortem.LevelError && strings.Contains(f.Message, target)
		}) {
			t.Errorf("%s: no symlink error naming %s", file, target)
		}
	}
	for _, att := range []string{"img/cfg.txt", "img/env.txt", "img/creds.json", "img/outside.txt", "img/g/config", "img/root/gha-creds-x.json"} {
		if !slices.ContainsFunc(res.Findings, func(f postmortem.Finding) bool {
			return f.File == "postmortems/2024/2024-03-01-db.md" && f.Rule == "symlink" && f.Level == postmortem.LevelError &&
				strings.Contains(f.Message, "postmortems/2024/"+att) && f.Line > 1
		}) {
			t.Errorf("attachment %s: no symlink error with its line in %v", att, res.Findings)
		}
	}
	if _, err := site.Build(ctx, site.BuildOptions{Dir: dir, Out: filepath.Join(t.TempDir(), "strict"), FailOnErrors: true}); !errors.Is(err, site.ErrFindings) {
		t.Errorf("build --strict: %v, want %v", err, site.ErrFindings)
	}

	// The export, through the CLI.
	var stdout, stderr bytes.Buffer
	if code := cli.Run(ctx, []string{"export", dir}, nil, &stdout, &stderr); code != 0 {
		t.Fatalf("export: exit %d: %s", code, stderr.String())
	}
	noToken(t, "inquest export", stdout.Bytes())
	noToken(t, "inquest export's messages", stderr.Bytes())

	// The search index: through Bleve, then the CLI, then its files.
	ix, err := search.Open(res.IndexDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{fakeToken, strings.ToLower(fakeToken), "extraheader", "GITHUB_TOKEN", "external_account", ""} {
		sr, err := ix.Search(ctx, search.Request{Query: q, Limit: 100, Highlight: true})
		if err != nil {
			t.Fatal(err)
		}
		if q != "" && sr.Total != 0 {
			t.Errorf("search %q: %d hits", q, sr.Total)
		}
		if q == "" && sr.Total != 1 {
			t.Errorf("the index holds %d incidents, want 1", sr.Total)
		}
		j, _ := json.Marshal(sr)
		noToken(t, "search result for "+q, j)
	}
	ix.Close()
	noTokenInTree(t, res.IndexDir)
	stdout.Reset()
	stderr.Reset()
	if code := cli.Run(ctx, []string{"search", "-C", dir, "--json", "--limit", "100", "extraheader"}, nil, &stdout, &stderr); code != 0 {
		t.Fatalf("search: exit %d: %s", code, stderr.String())
	}
	var sj search.Result
	if err := json.Unmarshal(stdout.Bytes(), &sj); err != nil || sj.Total != 0 {
		t.Errorf("inquest search extraheader: %v, %+v", err, sj)
	}
	noToken(t, "inquest search", stdout.Bytes())

	crawlServe(t, dir)
}

// crawlServe runs inquest serve on the repository and fetches every page
// and file its pages link to, the search API, and the paths the links would
// have had; no response may hold the token.
func crawlServe(t *testing.T, dir string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	addr := make(chan string, 1)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		if err := serve.Run(ctx, serve.Options{Dir: dir, Addr: "127.0.0.1:0", Ready: func(a string) { addr <- a }}); err != nil {
			t.Errorf("serve: %v", err)
		}
	}()
	defer func() { cancel(); wg.Wait() }()
	var base string
	select {
	case a := <-addr:
		base = "http://" + a
	case <-time.After(60 * time.Second):
		t.Fatal("serve did not start")
	}
	client := &http.Client{Timeout: 10 * time.Second}
	seen := map[string]bool{}
	queue := []string{"/", "/api/search?q=" + url.QueryEscape(fakeToken), "/api/search?q=extraheader", "/api/search?q=&size=100",
		"/files/postmortems/2024/img/cfg.txt", "/files/postmortems/2024/img/g/config", "/files/postmortems/2024/img/root/.env",
		"/files/postmortems/2024/img/root/gha-creds-x.json", "/files/postmortems/2024/img/creds.json", "/files/.git/config",
		"/files/.env", "/files/gha-creds-x.json", "/.git/config", "/.env", "/gha-creds-x.json", "/assets/leak.txt", "/assets/creds.css"}
	pages := 0
	for len(queue) > 0 && len(seen) < 2000 {
		u := queue[0]
		queue = queue[1:]
		if seen[u] {
			continue
		}
		seen[u] = true
		resp, err := client.Get(base + u)
		if err != nil {
			t.Fatalf("GET %s: %v", u, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		noToken(t, "serve "+u, body)
		if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") && resp.StatusCode == http.StatusOK {
			pages++
			queue = append(queue, sameSiteLinks(base, u, body)...)
		}
	}
	if pages < 10 {
		t.Errorf("crawled only %d pages", pages)
	}
}

// sameSiteLinks returns the paths (with query) of the href and src
// attributes of an HTML page that stay on the site.
func sameSiteLinks(base, page string, body []byte) []string {
	doc, err := html.Parse(bytes.NewReader(body))
	if err != nil {
		return nil
	}
	from, _ := url.Parse(base + page)
	var out []string
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			for _, a := range n.Attr {
				if a.Key != "href" && a.Key != "src" {
					continue
				}
				u, err := from.Parse(a.Val)
				if err != nil || u.Host != from.Host {
					continue
				}
				p := u.EscapedPath()
				if u.RawQuery != "" {
					p += "?" + u.RawQuery
				}
				out = append(out, p)
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return out
}
