package indexer

import (
	"strings"
	"testing"

	"github.com/inquest-dev/inquest/pkg/postmortem"
	"github.com/inquest-dev/inquest/pkg/search"
	"github.com/inquest-dev/inquest/pkg/search/internal/searchtest"
)

// FuzzPlainText checks plainText against the rune-by-rune removal of
// emphasis and code markers it replaced for valid UTF-8.
func FuzzPlainText(f *testing.F) {
	f.Add("Some **bold** and `code` text\n\n| a | b |\n|---|---|\n")
	f.Add("*\xff* `é`\n```go\nx\n```\n<!-- hint -->[link](http://x) ![img](y)")
	f.Fuzz(func(t *testing.T, md string) {
		got := plainText(md)
		want := plainTextByRune(md)
		if got != want {
			t.Fatalf("plainText(%q) = %q, want %q", md, got, want)
		}
	})
}

// plainTextByRune is plainText as first written.
func plainTextByRune(md string) string {
	if strings.Contains(md, "<!--") {
		md = htmlCommentRE.ReplaceAllString(md, "")
	}
	if strings.Contains(md, "](") {
		md = mdImageOrLinkRE.ReplaceAllString(md, "$1")
	}
	var b strings.Builder
	blank := true
	for line := range strings.Lines(md) {
		t := strings.TrimSpace(line)
		if t == "" || strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~") || strings.Trim(t, "-=*_|: ") == "" {
			if !blank {
				b.WriteByte('\n')
				blank = true
			}
			continue
		}
		t = strings.TrimSpace(strings.Trim(t, "|"))
		for _, r := range t {
			if r != '*' && r != '`' {
				b.WriteRune(r)
			}
		}
		b.WriteByte('\n')
		blank = false
	}
	return strings.TrimSpace(b.String())
}

func TestSectionTexts(t *testing.T) {
	t.Parallel()
	inc := searchtest.Parse(t, "x.md", `---
title: T
---
Intro line.

# Wrapper

Wrapper text.

## Timeline

- 10:00 UTC — start

### Database

replica lag

## Five whys

why one

Setext heading
--------------

setext text
`)
	got := sectionTexts(inc, postmortem.NewTextReader())
	want := map[string]string{
		search.FieldBody:     "Intro line.\n\nWrapper\n\nWrapper text.\n\nSetext heading\n\nsetext text",
		search.FieldTimeline: "- 10:00 UTC — start\n\nDatabase\n\nreplica lag",
		search.FieldFactors:  "why one",
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s: got %q, want %q", k, got[k], w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("fields %v", got)
	}
}
