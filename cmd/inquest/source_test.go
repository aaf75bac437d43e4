package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

// maxFuncLines is the longest a function outside the tests may be without
// saying why in its doc comment (the house style, shared/STYLE.md).
const maxFuncLines = 100

// longReason is what the doc comment of a longer function says, with its
// reason after it, as attachment.SanitizeSVG's does.
const longReason = "over 100 lines on purpose"

// TestNoLongFunctions walks the module's Go files but the tests and the
// generated ones, and fails for each function over maxFuncLines whose doc
// comment does not say why (longReason): a long function is split, or
// explains itself.
func TestNoLongFunctions(t *testing.T) {
	t.Parallel()
	fset := token.NewFileSet()
	root := filepath.Join("..", "..")
	var files int
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != root && (strings.HasPrefix(name, ".") || name == "testdata" || name == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ParseComments)
		if err != nil {
			return err
		}
		if ast.IsGenerated(f) {
			return nil
		}
		files++
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Body == nil {
				continue
			}
			start, end := fset.Position(fn.Pos()), fset.Position(fn.End())
			lines := end.Line - start.Line + 1
			if lines > maxFuncLines && !strings.Contains(fn.Doc.Text(), longReason) {
				t.Errorf("%s: %s is %d lines: split it, or say in its doc comment why it is %s", start, fn.Name.Name, lines, longReason)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 100 {
		t.Fatalf("read %d Go files under %s, want the whole module", files, root)
	}
}
