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

func TestClipWords(t *testing.T) {
	long := strings.Repeat("a", 300)
	for in, want := range map[string]string{
		"short words stay":          "short words stay",
		long:                        long[:maxWord],
		"x " + long + "\ny":         "x " + long[:maxWord] + "\ny",
		strings.Repeat("é", 200):    strings.Repeat("é", maxWord/2),
		"a\t" + long + " " + long:   "a\t" + long[:maxWord] + " " + long[:maxWord],
		strings.Repeat("ab ", 1000): strings.Repeat("ab ", 1000),
	} {
		if got := clipWords(in); got != want {
			t.Errorf("clipWords(%.20q…) = %.20q… (%d bytes), want %d bytes", in, got, len(got), len(want))
		}
	}
}
