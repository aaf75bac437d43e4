//go:build unix

package tmpdir

import (
	"os"
	"syscall"
)

// lock takes an exclusive lock on f, waiting for it when wait is set and
// failing at once otherwise. The lock goes with the process.
func lock(f *os.File, wait bool) error {
	how := syscall.LOCK_EX
	if !wait {
		how |= syscall.LOCK_NB
	}
	return syscall.Flock(int(f.Fd()), how)
}
