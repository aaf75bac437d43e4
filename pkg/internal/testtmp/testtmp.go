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

// Main runs m's tests with Use around them and returns their exit code,
// for a TestMain: os.Exit(testtmp.Main(m)).
func Main(m interface{ Run() int }) int {
	undo := Use()
	defer undo()
	return m.Run()
}
