//go:build !linux

package testtmp

// isMemFS reports false: only Linux has /dev/shm for every user.
func isMemFS(string) bool { return false }
