//go:build linux || darwin

package cache

import (
	"fmt"
	"os"
	"syscall"
)

// mapFile maps the file name into memory, read-only; an empty file is
// nil.
func mapFile(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	size := st.Size()
	if size == 0 {
		return nil, nil
	}
	if int64(int(size)) != size {
		return nil, fmt.Errorf("%s: too large to map (%d bytes)", name, size)
	}
	data, err := syscall.Mmap(int(f.Fd()), 0, int(size), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return data, nil
}

// unmap undoes mapFile.
func unmap(data []byte) {
	if data != nil {
		_ = syscall.Munmap(data)
	}
}
