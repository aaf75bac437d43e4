package site_test

import (
	"bufio"
	"bytes"
	"crypto/sha512"
	"encoding/base64"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/inquest-dev/inquest/pkg/internal/repotest"
	"github.com/inquest-dev/inquest/pkg/site"
)

const unsafeScriptRepo = `
-- inquest.yaml --
markdown:
  unsafe: true
-- postmortems/2024/2024-08-20-auth.md --
---
id: INC-2024-040
title: Login failures after a certificate rotation
date: 2024-08-20
severity: SEV1
status: published
---
## Summary

Logins failed for 25 minutes, see [the helper](helper.js).
<script src="/files/postmortems/2024/helper.js"></script>
-- postmortems/2024/helper.js --
document.title = 'UNSAFE-SCRIPT-RAN';
-- $ commit --
Add the auth postmortem
`

// headerRules parses a _headers file into its rules, in order.
func headerRules(t *testing.T, data []byte) (paths []string, headers []map[string]string) {
	t.Helper()
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "#") || strings.TrimSpace(line) == "":
		case strings.HasPrefix(line, "/"):
			paths = append(paths, line)
			headers = append(headers, map[string]string{})
		case strings.HasPrefix(line, "  ") && len(headers) > 0:
			k, v, ok := strings.Cut(strings.TrimSpace(line), ": ")
			if !ok {
				t.Fatalf("_headers: %q", line)
			}
			headers[len(headers)-1][k] = v
		default:
			t.Fatalf("_headers: %q", line)
		}
	}
	return paths, headers
}

// matchRule reports whether a _headers path (a literal, or a prefix ending
// in *) matches the URL path p.
func matchRule(rule, p string) bool {
	if prefix, ok := strings.CutSuffix(rule, "*"); ok {
		return strings.HasPrefix(p, prefix)
	}
	return rule == p
}

// TestScriptsPinned: in markdown.unsafe mode a page may name a script the
// site copied as an attachment; the pages' policy allows only the theme's
// scripts, by hash, so it does not run. Every page's script carries the
// integrity of its file, and _headers sends every page the same policy
// (with frame-ancestors), attachments a sandbox, everything nosniff.
func TestScriptsPinned(t *testing.T) {
	t.Parallel()
	dir := repotest.Write(t, unsafeScriptRepo)
	out := filepath.Join(t.TempDir(), "public")
	build(t, site.BuildOptions{Dir: dir, Out: out})
	helper, err := os.ReadFile(filepath.Join(out, "files/postmortems/2024/helper.js"))
	if err != nil {
		t.Fatalf("unsafe mode copies the script: %v", err)
	}
	helperPin := sri(helper)
	page, err := os.ReadFile(filepath.Join(out, "incidents/INC-2024-040/index.html"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(page, []byte(`<script src="/files/postmortems/2024/helper.js">`)) {
		t.Fatalf("the raw script tag is not in the page (the test needs it there)")
	}
	doc := parseHTML(t, filepath.Join(out, "incidents/INC-2024-040/index.html"))
	var policy string
	for _, m := range find(doc, "meta", "") {
		if strings.EqualFold(attr(m, "http-equiv"), "Content-Security-Policy") {
			policy = attr(m, "content")
		}
	}
	pins := scriptPins(policy)
	if len(pins) == 0 || slices.Contains(pins, helperPin) {
		t.Fatalf("the page's policy lets the attachment run: %q", policy)
	}
	for _, s := range find(doc, "script", "") {
		src := attr(s, "src")
		if !strings.HasPrefix(src, "/assets/") {
			continue
		}
		data, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(strings.TrimPrefix(src, "/"))))
		if err != nil {
			t.Fatal(err)
		}
		if in := attr(s, "integrity"); in != sri(data) || !slices.Contains(pins, in) {
			t.Errorf("%s: integrity %q, file %q, policy %v", src, in, sri(data), pins)
		}
	}

	data, err := os.ReadFile(filepath.Join(out, "_headers"))
	if err != nil {
		t.Fatal(err)
	}
	rules, headers := headerRules(t, data)
	// What a host that lets the later rule win sends for a path.
	sent := func(p string) map[string]string {
		h := map[string]string{}
		for i, r := range rules {
			if matchRule(r, p) {
				for k, v := range headers[i] {
					h[k] = v
				}
			}
		}
		return h
	}
	pages := 0
	filepath.WalkDir(out, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".html") {
			return err
		}
		pages++
		rel, _ := filepath.Rel(out, p)
		u := "/" + filepath.ToSlash(rel)
		for _, urlPath := range []string{u, strings.TrimSuffix(u, "index.html")} {
			h := sent(urlPath)
			if h["Content-Security-Policy"] != policy+"; frame-ancestors 'none'" || h["X-Content-Type-Options"] != "nosniff" {
				t.Errorf("%s: headers %v", urlPath, h)
			}
		}
		return nil
	})
	if pages < 10 {
		t.Errorf("only %d pages", pages)
	}
	if h := sent("/files/postmortems/2024/helper.js"); !strings.Contains(h["Content-Security-Policy"], "sandbox") || !strings.Contains(h["Content-Security-Policy"], "default-src 'none'") {
		t.Errorf("attachments: %v", h)
	}
	for _, p := range []string{"/assets/" + path.Base(find(doc, "script", "")[0].Attr[0].Val), "/api/incidents.json", "/feed.xml"} {
		h := sent(p)
		if !strings.Contains(h["Content-Security-Policy"], "frame-ancestors 'none'") || strings.Contains(h["Content-Security-Policy"], "script-src") {
			t.Errorf("%s: %v (the search worker takes its response's policy: it must not pin scripts)", p, h)
		}
	}
}

func sri(data []byte) string {
	sum := sha512.Sum384(data)
	return "sha384-" + base64.StdEncoding.EncodeToString(sum[:])
}
