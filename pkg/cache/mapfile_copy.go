//go:build !(linux || darwin)

package cache

import "os"

// mapFile reads the file name: this system is not one MapFile maps on.
func mapFile(name string) ([]byte, error) { return os.ReadFile(name) }

// unmap undoes mapFile: nothing to undo.
func unmap([]byte) {}
