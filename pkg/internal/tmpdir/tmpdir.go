// Package tmpdir makes temporary folders that a later run can tell apart
// from folders in use. Each holds a lock file, locked for as long as the
// process that made it runs: a folder left behind by a killed process
// (kill -9, a power cut, a full disk that failed the clean-up) is found and
// removed by the next run's Sweep, and one that another process is using
// is left alone.
package tmpdir

import (
	"errors"
	"os"
	"path/filepath"
	"time"
)

// lockName is the lock file in each folder.
const lockName = ".inquest-lock"

// unlockedAge is how old a matching folder without a lock file (made by an
// inquest that did not lock, or caught between its creation and its lock)
// must be before Sweep takes it for stale.
const unlockedAge = time.Hour

// Dir is a temporary folder this process holds.
type Dir struct {
	// Path is the folder.
	Path string
	lock *os.File
}

// Make creates a folder in parent named by pattern as os.MkdirTemp does
// (the last "*" is replaced by a random string), and locks it.
func Make(parent, pattern string) (*Dir, error) {
	p, err := os.MkdirTemp(parent, pattern)
	if err != nil {
		return nil, err
	}
	f, err := os.OpenFile(filepath.Join(p, lockName), os.O_CREATE|os.O_RDWR, 0o600)
	if err == nil {
		if err = lock(f, true); err != nil {
			f.Close()
		}
	}
	if err != nil {
		os.RemoveAll(p)
		return nil, err
	}
	return &Dir{Path: p, lock: f}, nil
}

// Keep removes the lock file and lets go of the lock, leaving the folder
// and everything else in it: for a folder about to be renamed into place.
// A Sweep that runs between the two sees a young folder without a lock
// and leaves it.
func (d *Dir) Keep() error {
	if d.lock == nil {
		return nil
	}
	err := os.Remove(filepath.Join(d.Path, lockName))
	d.lock.Close()
	d.lock = nil
	return err
}

// Remove removes the folder and lets go of the lock. It may be called
// after Keep, and more than once.
func (d *Dir) Remove() error {
	err := os.RemoveAll(d.Path)
	if d.lock != nil {
		d.lock.Close()
		d.lock = nil
	}
	return err
}

// Sweep removes the folders in parent matching pattern (as given to Make)
// that no running process holds: those whose lock it can take, and those
// without a lock file older than an hour. It returns the folders removed.
// Folders it cannot judge are left.
func Sweep(parent, pattern string) []string {
	matches, _ := filepath.Glob(filepath.Join(parent, pattern))
	var removed []string
	for _, p := range matches {
		st, err := os.Lstat(p)
		if err != nil || !st.IsDir() {
			continue
		}
		f, err := os.OpenFile(filepath.Join(p, lockName), os.O_RDWR, 0)
		switch {
		case errors.Is(err, os.ErrNotExist):
			if time.Since(st.ModTime()) < unlockedAge {
				continue
			}
		case err != nil:
			continue
		default:
			locked := lock(f, false) == nil
			if locked {
				// Held while removing: a process cannot take it back.
				err = os.RemoveAll(p)
			}
			f.Close()
			if locked && err == nil {
				removed = append(removed, p)
			}
			continue
		}
		if os.RemoveAll(p) == nil {
			removed = append(removed, p)
		}
	}
	return removed
}
