package mdtext_test

import (
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"

	"github.com/inquest-dev/inquest/pkg/internal/mdtext"
)

func TestLeaf(t *testing.T) {
	src := []byte("A \\* B &amp; `x  y` *em*\nnext")
	doc := goldmark.New().Parser().Parse(text.NewReader(src))
	var b strings.Builder
	var others []string
	for c := doc.FirstChild().FirstChild(); c != nil; c = c.NextSibling() {
		if !mdtext.Leaf(&b, src, c) {
			others = append(others, c.Kind().String())
		}
	}
	if got, want := b.String(), "A * B & x  y  next"; got != want {
		t.Errorf("text %q, want %q", got, want)
	}
	if strings.Join(others, " ") != ast.KindEmphasis.String() {
		t.Errorf("left to the caller: %v, want the emphasis", others)
	}
}
