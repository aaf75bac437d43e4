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
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// shm is where Linux mounts a memory file system for every user.
const shm = "/dev/shm"

// Use points TMPDIR at a new folder under /dev/shm when TMPDIR is not set
// and /dev/shm is a memory file system the process can write to, and
// returns the function that removes that folder (and sets TMPDIR back);
// otherwise it changes nothing and returns a function that does nothing.
// Call it in TestMain before anything makes a temporary folder.
//
// The folder's name has the test binary's process ID (prefix, the ID, a
// dash): a binary killed before undo (a test timeout, a fuzz run
// stopped, kill -9) leaves its folder, in memory, and the next Use
// removes the folders of processes that are gone (sweep).
func Use() (undo func()) {
	if os.Getenv("TMPDIR") != "" || !isMemFS(shm) {
		return func() {}
	}
	sweep(shm, time.Now())
	dir, err := os.MkdirTemp(shm, prefix+strconv.Itoa(os.Getpid())+"-")
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

// prefix starts the name of every folder Use makes.
const prefix = "inquest-test-"

// sweep removes what killed test binaries left in dir: the folders Use
// made for processes that are no longer running, and folders named
// without a process ID (as Use named them before) a day old or more.
// A process ID reused since is taken for the binary, and its folder kept.
func sweep(dir string, now time.Time) {
	matches, _ := filepath.Glob(filepath.Join(dir, prefix+"*"))
	for _, m := range matches {
		rest := strings.TrimPrefix(filepath.Base(m), prefix)
		id, _, named := strings.Cut(rest, "-")
		pid, err := strconv.Atoi(id)
		if named && err == nil && pid > 0 {
			if running(pid) {
				continue
			}
		} else if fi, err := os.Stat(m); err != nil || now.Sub(fi.ModTime()) < 24*time.Hour {
			continue
		}
		_ = os.RemoveAll(m)
	}
}

// running reports whether the process pid exists: signal 0 checks
// without sending anything. A process of another user (EPERM) exists.
func running(pid int) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	err = p.Signal(syscall.Signal(0))
	return err == nil || errors.Is(err, syscall.EPERM)
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
