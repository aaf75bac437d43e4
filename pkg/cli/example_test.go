package cli

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestExampleTreeIsExamplesAcme checks that the example's replayed history
// ends in exactly the files of examples/acme, committed: what serve
// --example shows is what the tests, pkg/wasm/test.sh and CI use.
func TestExampleTreeIsExamplesAcme(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if _, err := writeExample(context.Background(), dir, nil); err != nil {
		t.Fatal(err)
	}
	want := treeFiles(t, filepath.Join("..", "..", "examples", "acme"))
	got := treeFiles(t, dir)
	for name, data := range want {
		g, ok := got[name]
		switch {
		case !ok:
			t.Errorf("%s: missing from the replayed tree", name)
		case !bytes.Equal(g, data):
			t.Errorf("%s: replayed content differs from examples/acme", name)
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			t.Errorf("%s: in the replayed tree, not in examples/acme", name)
		}
	}
	if st := gitOut(t, dir, "status", "--porcelain"); st != "" {
		t.Errorf("replayed work tree not clean:\n%s", st)
	}
}

// treeFiles reads every file under root but .git and public/ (a build's
// output, ignored by Git).
func treeFiles(t *testing.T, root string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		if d.IsDir() && (rel == ".git" || rel == "public") {
			return filepath.SkipDir
		}
		if d.IsDir() {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		files[filepath.ToSlash(rel)] = data
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func gitOut(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}
