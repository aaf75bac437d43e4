//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package history

import "os"

// mapFile reads a whole file where memory mapping is not available.
func mapFile(path string) ([]byte, func() error, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	return data, func() error { return nil }, nil
}
