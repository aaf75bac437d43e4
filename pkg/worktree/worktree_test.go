package worktree_test

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/inquest-dev/inquest/pkg/worktree"
)

// layout writes files and links under a new folder: a value starting with
// "-> " is a link to the rest.
func layout(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, v := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		var err error
		if target, ok := strings.CutPrefix(v, "-> "); ok {
			err = os.Symlink(target, p)
		} else if v == "/" {
			err = os.MkdirAll(p, 0o755)
		} else {
			err = os.WriteFile(p, []byte(v), 0o644)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestResolve(t *testing.T) {
	t.Parallel()
	outside := t.TempDir()
	if err := os.WriteFile(filepath.Join(outside, "secret.txt"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := layout(t, map[string]string{
		"docs/a.md":          "a",
		"docs/untracked.md":  "u",
		"docs/link.md":       "-> a.md",
		"docs/to-untracked":  "-> untracked.md",
		"docs/to-git":        "-> ../.git/config",
		"docs/to-env":        "-> ../.env",
		"docs/to-outside":    "-> " + filepath.Join(outside, "secret.txt"),
		"docs/to-dir":        "-> ../img",
		"docs/broken":        "-> nowhere",
		"docs/loop":          "-> loop",
		"docs/dirlink":       "-> ../img",
		"img/chart.png":      "png",
		".git/config":        "token",
		".env":               "token",
		"docs/.hidden.md":    "h",
		"linked-git":         "-> .git",
		"docs/via-parent.md": "-> ../linked-git/config",
	})
	tracked := map[string]bool{"docs/a.md": true, "img/chart.png": true}
	tree, err := worktree.New(dir, worktree.Options{Tracked: func(rel string) bool { return tracked[rel] }})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path   string
		real   string // "" when refused or missing
		target string // a refusal's target ("" for none)
		reason string
	}{
		{path: "docs/a.md", real: "docs/a.md"},
		{path: "docs/untracked.md", real: "docs/untracked.md"}, // no link: Git's say is the caller's
		{path: "docs/link.md", real: "docs/a.md"},
		{path: "img/chart.png", real: "img/chart.png"},
		{path: "docs/dirlink/chart.png", real: "img/chart.png"},
		{path: "docs/to-untracked", target: "docs/untracked.md", reason: "Git does not track"},
		{path: "docs/to-git", target: ".git/config", reason: "hidden"},
		{path: "docs/to-env", target: ".env", reason: "hidden"},
		{path: "docs/via-parent.md", target: ".git/config", reason: "hidden"},
		{path: "linked-git/config", target: ".git/config", reason: "hidden"},
		{path: "docs/to-outside", target: filepath.Join(outside, "secret.txt"), reason: "outside the repository"},
		{path: "docs/to-dir", target: "img", reason: "folder"},
		{path: "docs/broken", target: "nowhere", reason: "broken"},
		{path: "docs/loop", target: "loop", reason: "broken"},
		{path: ".git/config", reason: "hidden"},
		{path: "docs/.hidden.md", reason: "hidden"},
		{path: "../x", reason: "not a path inside"},
		{path: "docs/../img/chart.png", reason: "not a path inside"},
		{path: "/etc/passwd", reason: "not a path inside"},
		{path: "docs", reason: "folder"},
		{path: "docs/missing.md"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			f, err := tree.Resolve(tt.path)
			var r *worktree.Refusal
			switch {
			case tt.real != "":
				if err != nil || f.Real != tt.real || f.Linked != (tt.real != tt.path) {
					t.Errorf("= %+v, %v; want real %s", f, err, tt.real)
				}
			case tt.reason == "":
				if !errors.Is(err, fs.ErrNotExist) {
					t.Errorf("= %+v, %v; want not found", f, err)
				}
			case !errors.As(err, &r):
				t.Errorf("= %+v, %v; want a refusal", f, err)
			default:
				if r.Target != tt.target || !strings.Contains(r.Reason, tt.reason) {
					t.Errorf("refusal %q (target %q); want target %q and %q", r.Reason, r.Target, tt.target, tt.reason)
				}
				if r.Target != "" && !strings.Contains(r.Error(), r.Target) {
					t.Errorf("the error does not name the target: %v", r)
				}
			}
		})
	}
	// Outside Git, a link to an untracked file is followed.
	noGit, err := worktree.New(dir, worktree.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if f, err := noGit.Resolve("docs/to-untracked"); err != nil || f.Real != "docs/untracked.md" {
		t.Errorf("outside Git: %+v, %v", f, err)
	}
}

func ExampleTree_Resolve() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	os.WriteFile(filepath.Join(dir, ".env"), []byte("TOKEN=x\n"), 0o600)
	os.Symlink(".env", filepath.Join(dir, "notes.md"))
	tree, _ := worktree.New(dir, worktree.Options{})
	_, err := tree.Resolve("notes.md")
	fmt.Println(err)
	// Output: notes.md -> .env: leads to a hidden file
}
