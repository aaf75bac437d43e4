package site_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/inquest-dev/inquest/pkg/internal/repotest"
	"github.com/inquest-dev/inquest/pkg/site"
)

const activeRepo = `
-- postmortems/2024/2024-07-09-cdn.md --
---
id: INC-2024-030
title: CDN purge storm
date: 2024-07-09
severity: SEV2
status: published
---
## Summary

Purges saturated the origin. [report](evil.html) [loader](evil.js) ![graph](graph.svg)
[raw data](data.xml) [styled](styled.xml) ![photo](photo.png)
-- postmortems/2024/evil.html --
<script>alert('HTML-PAYLOAD')</script>
-- postmortems/2024/evil.js --
alert('JS-PAYLOAD')
-- postmortems/2024/graph.svg --
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><script>alert('SVG-PAYLOAD')</script><rect onclick="alert('SVG-HANDLER')" width="4" height="3"/><text y="9">origin rps</text></svg>
-- postmortems/2024/data.xml --
<?xml version="1.0"?><purges><minute at="10:02">1840</minute></purges>
-- postmortems/2024/styled.xml --
<?xml-stylesheet type="text/xsl" href="evil.xsl"?><purges/>
-- postmortems/2024/photo.png --
PNG-BYTES
-- $ commit --
Add the CDN postmortem
`

// TestActiveAttachments: HTML, JavaScript and XML with a stylesheet are
// not published and are reported; an SVG is published sanitised; plain
// files and plain XML as written. attachments.allow, and markdown.unsafe,
// let the repository publish its active content as written.
func TestActiveAttachments(t *testing.T) {
	t.Parallel()
	for _, mode := range []string{"default", "allow", "unsafe"} {
		t.Run(mode, func(t *testing.T) {
			dir := repotest.Write(t, activeRepo)
			cfg := map[string]string{"default": "", "allow": "attachments:\n  allow: [html, svg]\n", "unsafe": "markdown:\n  unsafe: true\n"}[mode]
			if err := os.WriteFile(filepath.Join(dir, "inquest.yaml"), []byte(cfg), 0o644); err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(t.TempDir(), "public")
			res := build(t, site.BuildOptions{Dir: dir, Out: out})
			files := filepath.Join(out, "files", "postmortems", "2024")
			published := func(name string) string {
				data, err := os.ReadFile(filepath.Join(files, name))
				if err != nil {
					return ""
				}
				return string(data)
			}
			const src = "postmortems/2024/2024-07-09-cdn.md"
			want := map[string]bool{ // published as written
				"default": false, "allow": true, "unsafe": true,
			}[mode]
			for _, name := range []string{"evil.html", "evil.js", "styled.xml"} {
				trusted := mode == "unsafe" || mode == "allow" && name == "evil.html"
				got := published(name) != ""
				if got != trusted {
					t.Errorf("%s published: %v, want %v", name, got, trusted)
				}
				if reported := hasFinding(res.Findings, src, "attachment", name); reported == trusted {
					t.Errorf("%s reported: %v, want %v (%v)", name, reported, !trusted, res.Findings)
				}
			}
			svg := published("graph.svg")
			if svg == "" || !strings.Contains(svg, "origin rps") {
				t.Fatalf("graph.svg not published: %q", svg)
			}
			if hasPayload := strings.Contains(svg, "SVG-PAYLOAD") || strings.Contains(svg, "SVG-HANDLER"); hasPayload != want {
				t.Errorf("graph.svg script kept: %v, want %v:\n%s", hasPayload, want, svg)
			}
			if published("data.xml") == "" || published("photo.png") != "PNG-BYTES\n" {
				t.Errorf("plain attachments: data.xml %q, photo.png %q", published("data.xml"), published("photo.png"))
			}
		})
	}
}
