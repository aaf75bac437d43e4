package repo

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/inquest-dev/inquest/pkg/internal/repotest"
)

// TestTracked: a file counts as tracked when it is in the index or in
// HEAD's tree, seen from the repository root or from a folder inside the
// work tree; a link, a folder and an untracked file do not count.
func TestTracked(t *testing.T) {
	r := repotest.New(t)
	r.WriteFile("site/postmortems/a.md", []byte("a"))
	r.WriteFile("site/img/removed.png", []byte("r"))
	r.WriteFile("site/img/kept.png", []byte("k"))
	r.Commit("Add files\n")
	r.Git("rm", "-q", "--cached", "site/img/removed.png") // in HEAD, not in the index
	r.WriteFile("site/img/staged.png", []byte("s"))
	r.Git("add", "site/img/staged.png") // in the index, not in HEAD
	r.WriteFile("site/img/untracked.png", []byte("u"))
	if err := os.Symlink("kept.png", filepath.Join(r.Dir, "site", "img", "link.png")); err != nil {
		t.Fatal(err)
	}
	r.Git("add", "site/img/link.png")
	for _, root := range []string{r.Dir, filepath.Join(r.Dir, "site")} {
		prefix := "site/"
		if root != r.Dir {
			prefix = ""
		}
		tr, err := trackedFiles(root)
		if err != nil || tr == nil {
			t.Fatalf("%s: %v, %v", root, tr, err)
		}
		for rel, want := range map[string]bool{
			"postmortems/a.md": true, "img/kept.png": true, "img/removed.png": true, "img/staged.png": true,
			"img/untracked.png": false, "img/link.png": false, "img": false, "img/missing.png": false,
		} {
			if got := tr.has(prefix + rel); got != want {
				t.Errorf("%s: %s tracked = %v, want %v", root, prefix+rel, got, want)
			}
		}
	}
	// Not a repository: nothing to ask Git.
	if tr, err := trackedFiles(t.TempDir()); tr != nil || err != nil {
		t.Errorf("outside Git: %v, %v", tr, err)
	}
}
