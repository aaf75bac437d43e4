package testtmp

import (
	"os"
	"path/filepath"
	"runtime/debug"
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

// TestGC: with GOGC and GOMEMLIMIT unset, GC sets the collector to
// GCPercent and MemoryLimit; with them set, it leaves it alone.
func TestGC(t *testing.T) {
	const percent, limit = 77, 3 << 20 // neither GC's nor the default
	settings := func() (int, int64) {
		p := debug.SetGCPercent(percent)
		debug.SetGCPercent(p)
		return p, debug.SetMemoryLimit(-1)
	}
	oldPercent, oldLimit := settings()
	t.Cleanup(func() {
		debug.SetGCPercent(oldPercent)
		debug.SetMemoryLimit(oldLimit)
	})
	for _, set := range []bool{false, true} {
		debug.SetGCPercent(percent)
		debug.SetMemoryLimit(limit)
		wantPercent, wantLimit := GCPercent, int64(MemoryLimit)
		if set {
			t.Setenv("GOGC", "100")
			t.Setenv("GOMEMLIMIT", "off")
			wantPercent, wantLimit = percent, limit
		} else {
			t.Setenv("GOGC", "")
			t.Setenv("GOMEMLIMIT", "")
		}
		GC()
		if p, l := settings(); p != wantPercent || l != wantLimit {
			t.Errorf("GOGC and GOMEMLIMIT set %v: GC percent %d, memory limit %d; want %d, %d", set, p, l, wantPercent, wantLimit)
		}
	}
}
