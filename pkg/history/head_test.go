package history

import (
	"path/filepath"
	"testing"

	"github.com/inquest-dev/inquest/pkg/internal/repotest"
)

// TestHead: HEAD as the git binary names it, from the work tree, a folder
// inside it and a linked work tree; "" outside a repository and before the
// first commit.
func TestHead(t *testing.T) {
	t.Parallel()
	empty := repotest.New(t)
	r := repotest.New(t)
	r.WriteFile("postmortems/a.md", []byte("# A\n"))
	first := r.Commit("Add A\n")
	linked := filepath.Join(t.TempDir(), "linked")
	r.Git("worktree", "add", "-q", "-b", "review", linked)
	r.WriteFile("postmortems/b.md", []byte("# B\n"))
	second := r.Commit("Add B\n")
	for _, tc := range []struct {
		name, dir, want string
	}{
		{"no repository", t.TempDir(), ""},
		{"no commits", empty.Dir, ""},
		{"work tree", r.Dir, second},
		{"folder inside", filepath.Join(r.Dir, "postmortems"), second},
		{"linked work tree", linked, first},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Head(tc.dir)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("Head = %q, want %q", got, tc.want)
			}
		})
	}
}
