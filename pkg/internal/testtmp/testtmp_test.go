package testtmp

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestUse: with TMPDIR unset on a machine with a memory /dev/shm, Use
// points TMPDIR at a new folder there, and undo removes it and unsets
// TMPDIR; with TMPDIR set, Use leaves it alone.
func TestUse(t *testing.T) {
	t.Run("TMPDIR set", func(t *testing.T) {
		dir := t.TempDir()
		t.Setenv("TMPDIR", dir)
		undo := Use()
		if got := os.Getenv("TMPDIR"); got != dir {
			t.Errorf("TMPDIR = %q, want %q left as it was", got, dir)
		}
		undo()
		if got := os.Getenv("TMPDIR"); got != dir {
			t.Errorf("after undo, TMPDIR = %q, want %q", got, dir)
		}
	})
	t.Run("TMPDIR unset", func(t *testing.T) {
		if !isMemFS(shm) {
			t.Skipf("%s is not a memory file system here", shm)
		}
		t.Setenv("TMPDIR", "")
		os.Unsetenv("TMPDIR")
		undo := Use()
		dir := os.Getenv("TMPDIR")
		if filepath.Dir(dir) != shm || !strings.HasPrefix(filepath.Base(dir), "inquest-test-") {
			t.Fatalf("TMPDIR = %q, want a new folder in %s", dir, shm)
		}
		if got := os.TempDir(); got != dir {
			t.Errorf("os.TempDir() = %q, want %q", got, dir)
		}
		if err := os.WriteFile(filepath.Join(dir, "f"), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
		undo()
		if _, err := os.Stat(dir); !os.IsNotExist(err) {
			t.Errorf("undo left %s: %v", dir, err)
		}
		if v, ok := os.LookupEnv("TMPDIR"); ok {
			t.Errorf("undo left TMPDIR = %q", v)
		}
	})
}

// TestIsMemFS: a folder under /dev/shm is on a memory file system when
// /dev/shm is one, and the test's own disk folder is not when it is on
// disk.
func TestIsMemFS(t *testing.T) {
	if !isMemFS(shm) {
		t.Skipf("%s is not a memory file system here", shm)
	}
	if isMemFS(filepath.Join(shm, "no-such-folder-"+t.Name())) {
		t.Error("a missing folder is reported as a memory file system")
	}
	if wd, _ := os.Getwd(); isMemFS(wd) {
		t.Logf("the package folder %s is on a memory file system too", wd)
	}
}
