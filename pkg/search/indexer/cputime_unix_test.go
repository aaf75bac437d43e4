//go:build unix

package indexer

import (
	"syscall"
	"time"
)

// cpuTime returns the user and system CPU time of the process so far, which
// says more than wall time on a machine shared with other work.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
