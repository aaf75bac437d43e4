package cli

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// TestExampleTreeIsExamplesAcme checks that the example's replayed history
// ends in exactly the files of examples/acme, committed: what serve
// --example shows is what the tests, pkg/wasm/test.sh and CI use.
func TestExampleTreeIsExamplesAcme(t *testing.T) {
	t.Parallel()
	dir := replayedAcme.get(t)
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

// replayedExample is the example repository with its history replayed,
// written once per test binary for the tests that read it (its hundred
// git commands are the longest part of those tests). No test writes into
// it: TestHelpExamplesRun copies it for each example.
type replayedExample struct {
	once sync.Once
	dir  string
	err  error
}

// replayedAcme is the test binary's replayed example; cli_test's TestMain
// removes it after the tests (RemoveTestFixtures).
var replayedAcme replayedExample

// get returns the replayed repository's folder, replaying it on the first
// call; a replay that failed fails every caller.
func (r *replayedExample) get(t *testing.T) string {
	t.Helper()
	r.once.Do(func() {
		if r.dir, r.err = os.MkdirTemp("", "inquest-cli-example-"); r.err != nil {
			return
		}
		_, r.err = writeExample(context.Background(), r.dir, nil)
	})
	if r.err != nil {
		t.Fatalf("replaying the example: %v", r.err)
	}
	return r.dir
}

// RemoveTestFixtures removes what the package's tests share across the
// test binary (the replayed example). The external test package's TestMain
// calls it after the tests.
func RemoveTestFixtures() {
	if replayedAcme.dir != "" {
		os.RemoveAll(replayedAcme.dir)
	}
}
