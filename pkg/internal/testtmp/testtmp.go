// Package testtmp gives a test binary its temporary folders (t.TempDir,
// os.MkdirTemp("", …)) on a memory file system when the machine has one
// at /dev/shm: the tests write whole sites, search indexes and Git
// repositories, and on a disk behind a virtual machine each of those files
// costs system calls that took a third of the suite's CPU time. The code
// under test runs the same; only where its files land changes.
//
// TMPDIR, when set, is left as it is: `TMPDIR=/tmp go test ./...` runs
// the tests on disk.
package testtmp

import (
	"fmt"
	"os"
	"runtime/debug"
)

// shm is where Linux mounts a memory file system for every user.
const shm = "/dev/shm"

// Use points TMPDIR at a new folder under /dev/shm when TMPDIR is not set
// and /dev/shm is a memory file system the process can write to, and
// returns the function that removes that folder (and sets TMPDIR back);
// otherwise it changes nothing and returns a function that does nothing.
// Call it in TestMain before anything makes a temporary folder.
func Use() (undo func()) {
	if os.Getenv("TMPDIR") != "" || !isMemFS(shm) {
		return func() {}
	}
	dir, err := os.MkdirTemp(shm, "inquest-test-")
	if err != nil {
		return func() {}
	}
	if err := os.Setenv("TMPDIR", dir); err != nil {
		os.Remove(dir)
		return func() {}
	}
	return func() {
		os.Unsetenv("TMPDIR")
		if err := os.RemoveAll(dir); err != nil {
			fmt.Fprintf(os.Stderr, "testtmp: %v\n", err)
		}
	}
}

// Main runs m's tests with Use around them and the collector set by GC,
// and returns their exit code, for a TestMain: os.Exit(testtmp.Main(m)).
func Main(m interface{ Run() int }) int {
	undo := Use()
	defer undo()
	GC()
	return m.Run()
}

// GCPercent and MemoryLimit are the garbage collector's settings in a
// test binary that calls GC.
const (
	GCPercent   = 400
	MemoryLimit = 4 << 30
)

// GC lets the heap grow to five times what is live before the garbage
// collector runs (GOGC=400), under a soft limit of 4 GiB: the tests build
// many small sites, each a few megabytes of short-lived garbage, and at
// the default GOGC=100 collecting it was a good part of their CPU time.
// The code under test runs the same; only when memory is reclaimed
// changes. GOGC or GOMEMLIMIT, when set, are left as they are:
// `GOGC=100 go test ./...` runs the tests with the default collector.
func GC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(GCPercent)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(MemoryLimit)
	}
}
