package postmortem

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/inquest-dev/inquest/pkg/config"
	"github.com/inquest-dev/inquest/pkg/worktree"
)

// TestDiscoverThroughLinkedRoot: a repository reached through a symbolic
// link (a linked home folder, macOS's /tmp) is read like the folder itself.
func TestDiscoverThroughLinkedRoot(t *testing.T) {
	dir := t.TempDir()
	repo := filepath.Join(dir, "repo")
	file := filepath.Join(repo, "postmortems", "2024", "db.md")
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, []byte("---\ntitle: Database outage\n---\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link")
	if err := os.Symlink(repo, link); err != nil {
		t.Skip(err)
	}
	cfg, err := config.Load(link)
	if err != nil {
		t.Fatal(err)
	}
	for _, root := range []string{repo, link} {
		tree, err := worktree.New(root, worktree.Options{})
		if err != nil {
			t.Fatal(err)
		}
		paths, findings, err := Discover(context.Background(), tree, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{"postmortems/2024/db.md"}; !slices.Equal(paths, want) || len(findings) > 0 {
			t.Errorf("Discover(%s) = %q, %v; want %q", root, paths, findings, want)
		}
	}
	set, err := Load(context.Background(), link, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Incidents) != 1 || set.Incidents[0].Title != "Database outage" {
		t.Errorf("Load through the link: %+v", set.Incidents)
	}
}

// TestReadLimited: a file is read into a buffer of its own size (Body keeps
// it), and one larger than MaxFileSize only one byte past the limit.
func TestReadLimited(t *testing.T) {
	dir := t.TempDir()
	tree, err := worktree.New(dir, worktree.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{0, 1, 511, 512, 4097, 100_000, MaxFileSize, MaxFileSize + 10_000} {
		name := filepath.Join(dir, "f.md")
		if err := os.WriteFile(name, bytes.Repeat([]byte("x"), n), 0o644); err != nil {
			t.Fatal(err)
		}
		f, err := tree.Resolve("f.md")
		if err != nil {
			t.Fatal(err)
		}
		data, err := readLimited(tree, f)
		if err != nil {
			t.Fatal(err)
		}
		if want := min(n, MaxFileSize+1); len(data) != want {
			t.Errorf("%d bytes: read %d, want %d", n, len(data), want)
		}
		if n <= MaxFileSize && cap(data) > n+1 {
			t.Errorf("%d bytes: buffer of %d", n, cap(data))
		}
	}
}

// TestLoadReportsRealSize: a file over the limit is reported with its own
// size, not the limit plus one byte that was read of it.
func TestLoadReportsRealSize(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "postmortems", "2024", "huge.md")
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	const size = 6_000_123
	if err := os.WriteFile(name, bytes.Repeat([]byte("a"), size), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(dir) // no inquest.yaml: postmortems/ is found
	if err != nil {
		t.Fatal(err)
	}
	set, err := Load(context.Background(), dir, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Incidents) != 1 || !set.Incidents[0].Broken {
		t.Fatalf("incidents: %+v", set.Incidents)
	}
	f := set.Incidents[0].Findings[0]
	if !strings.Contains(f.Message, "6000123 bytes") || !strings.Contains(f.Message, "5.7 MiB") {
		t.Errorf("finding %q does not give the file's size", f.Message)
	}
}
