package site

import (
	"crypto/sha256"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestBinarySumsReadOnce: the sum of a file is read once per stamp. A file
// rewritten with the same size and modification time (so the same stamp)
// keeps the sum first read; a new stamp is read again.
func TestBinarySumsReadOnce(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "inquest")
	mtime := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	write := func(content string) {
		t.Helper()
		if err := os.WriteFile(path, []byte(content), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(path, mtime, mtime); err != nil {
			t.Fatal(err)
		}
	}
	var b binarySums
	write("binary one")
	first, err := b.sum(path, "stamp 1")
	if err != nil {
		t.Fatal(err)
	}
	if first != sha256.Sum256([]byte("binary one")) {
		t.Fatalf("sum = %x, want the file's SHA-256", first)
	}
	write("binary two") // the same size and time: the same stamp
	if got, _ := b.sum(path, "stamp 1"); got != first {
		t.Errorf("the same stamp read the file again: %x, want the remembered %x", got, first)
	}
	if got, _ := b.sum(path, "stamp 2"); got != sha256.Sum256([]byte("binary two")) {
		t.Errorf("a new stamp gave %x, want the new file's SHA-256", got)
	}
	if got, _ := b.sum(filepath.Join(filepath.Dir(path), "missing"), "stamp 2"); got != ([sha256.Size]byte{}) {
		t.Errorf("another path with the same stamp gave %x, want it read (and fail)", got)
	}
	if _, err := b.sum(filepath.Join(filepath.Dir(path), "missing"), "stamp 2"); err == nil {
		t.Error("a missing file gave no error")
	}
}
