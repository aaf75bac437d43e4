package replay_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"golang.org/x/tools/txtar"

	"github.com/inquest-dev/inquest/pkg/internal/replay"
)

func needGit(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("the git binary is not installed")
	}
}

// TestFinal: "$ final" writes files and folders of Options.Final, and the
// step callback hears every Git step.
func TestFinal(t *testing.T) {
	t.Parallel()
	needGit(t)
	final := fstest.MapFS{
		"inquest.yaml":          {Data: []byte("title: Final\n")},
		"postmortems/2024/a.md": {Data: []byte("# A, final\n")},
		"postmortems/2024/b.md": {Data: []byte("# B, final\n")},
	}
	dir := t.TempDir()
	var steps []string
	r, err := replay.Init(context.Background(), dir, replay.Options{Final: final, Step: func(done, total int) {
		steps = append(steps, strings.Repeat("+", done)+strings.Repeat(".", total-done))
	}})
	if err != nil {
		t.Fatal(err)
	}
	ar := txtar.Parse([]byte(`-- postmortems/2024/a.md --
# A, draft
-- $ commit --
Draft A
-- $ final inquest.yaml postmortems --
-- $ commit --
Final
`))
	if err := r.Apply(context.Background(), "test.txtar", ar); err != nil {
		t.Fatal(err)
	}
	for name, f := range final {
		got, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
		if err != nil || string(got) != string(f.Data) {
			t.Errorf("%s = %q, %v; want %q", name, got, err, f.Data)
		}
	}
	if r.Commits() != 2 {
		t.Errorf("Commits = %d, want 2", r.Commits())
	}
	if want := []string{"+..", "++.", "+++"}; strings.Join(steps, " ") != strings.Join(want, " ") {
		t.Errorf("steps %q, want %q", steps, want)
	}
	out, err := r.Git(context.Background(), "show", "HEAD~1:postmortems/2024/a.md")
	if err != nil || out != "# A, draft" {
		t.Errorf("first commit's a.md = %q, %v", out, err)
	}
}

// TestErrorsNameTheSection: a failing step is reported with the archive's
// name, the section's number and its text, and git's message.
func TestErrorsNameTheSection(t *testing.T) {
	t.Parallel()
	needGit(t)
	for _, tc := range []struct {
		name, archive, want string
	}{
		{"unknown step", "-- $ frobnicate --\n", `h.txtar: section 1 ("$ frobnicate"): unknown step "frobnicate"`},
		{"missing branch", "-- a.md --\nA\n-- $ commit --\none\n-- $ merge nope --\n", `h.txtar: section 3 ("$ merge nope"): git merge`},
		{"bad date", "-- $ commit --\nDate: yesterday\n\nx\n", `h.txtar: section 1 ("$ commit"): Date "yesterday"`},
		{"final without a tree", "-- $ final a.md --\n", "no final tree was given"},
		{"final of a missing file", "-- $ final nope.md --\n", "nope.md"},
		{"wrong arguments", "-- $ mv a --\n", `"mv a" takes 2 arguments`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			opts := replay.Options{}
			if strings.Contains(tc.name, "missing file") {
				opts.Final = fstest.MapFS{}
			}
			r, err := replay.Init(context.Background(), t.TempDir(), opts)
			if err != nil {
				t.Fatal(err)
			}
			err = r.Apply(context.Background(), "h.txtar", txtar.Parse([]byte(tc.archive)))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

// TestCancel: a cancelled context stops the replay with its error.
func TestCancel(t *testing.T) {
	t.Parallel()
	needGit(t)
	r, err := replay.Init(context.Background(), t.TempDir(), replay.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := r.Apply(ctx, "h.txtar", txtar.Parse([]byte("-- a.md --\nA\n-- $ commit --\none\n"))); err != context.Canceled {
		t.Errorf("error %v, want context.Canceled", err)
	}
}

// TestCommitHashes: Commit and Merge return the hash git rev-parse gives
// for HEAD, on a branch and after a merge, and on a detached HEAD too.
func TestCommitHashes(t *testing.T) {
	t.Parallel()
	needGit(t)
	ctx := context.Background()
	r, err := replay.Init(ctx, t.TempDir(), replay.Options{})
	if err != nil {
		t.Fatal(err)
	}
	check := func(what, got string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		want, err := r.Git(ctx, "rev-parse", "HEAD")
		if err != nil || got != want || len(got) != 40 {
			t.Fatalf("%s returned %q, HEAD is %q (%v)", what, got, want, err)
		}
	}
	if err := r.WriteFile("a.md", []byte("# A\n")); err != nil {
		t.Fatal(err)
	}
	h, err := r.Commit(ctx, "First")
	check("Commit", h, err)
	if _, err := r.Git(ctx, "checkout", "-q", "-b", "review"); err != nil {
		t.Fatal(err)
	}
	if err := r.WriteFile("a.md", []byte("# A, reviewed\n")); err != nil {
		t.Fatal(err)
	}
	h, err = r.Commit(ctx, "Review")
	check("Commit on a branch", h, err)
	if _, err := r.Git(ctx, "checkout", "-q", "main"); err != nil {
		t.Fatal(err)
	}
	h, err = r.Merge(ctx, "review", "Merge review")
	check("Merge", h, err)
	if _, err := r.Git(ctx, "checkout", "-q", "--detach"); err != nil {
		t.Fatal(err)
	}
	h, err = r.Commit(ctx, "Detached")
	check("Commit on a detached HEAD", h, err)
}
