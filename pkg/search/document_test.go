package search

import (
	"strings"
	"testing"
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
