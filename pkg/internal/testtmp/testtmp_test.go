package testtmp

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"
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

// TestSweep: sweep removes the folders of test binaries that are gone
// and old folders named before the process ID was in the name; it keeps
// a running binary's folder, a recent folder named the old way and any
// folder not Use's.
func TestSweep(t *testing.T) {
	dir := t.TempDir()
	gone := exec.Command(os.Args[0], "-test.run=^$")
	if err := gone.Run(); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	folders := map[string]bool{ // name → kept
		prefix + strconv.Itoa(gone.Process.Pid) + "-1":   false,
		prefix + strconv.Itoa(os.Getpid()) + "-2":        true,
		prefix + "393645140":                             false, // two days old
		prefix + "448633122":                             true,
		"other-" + strconv.Itoa(gone.Process.Pid) + "-3": true,
	}
	for name := range folders {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Join(p, "TestX"), 0o755); err != nil {
			t.Fatal(err)
		}
		if name == prefix+"393645140" {
			old := now.Add(-48 * time.Hour)
			if err := os.Chtimes(p, old, old); err != nil {
				t.Fatal(err)
			}
		}
	}
	sweep(dir, now)
	for name, kept := range folders {
		_, err := os.Stat(filepath.Join(dir, name))
		if got := err == nil; got != kept {
			t.Errorf("%s: kept %v, want %v (%v)", name, got, kept, err)
		}
	}
}
