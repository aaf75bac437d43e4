package testtmp

import "syscall"

// tmpfsMagic is the f_type statfs(2) gives for tmpfs.
const tmpfsMagic = 0x01021994

// isMemFS reports whether dir is on a tmpfs.
func isMemFS(dir string) bool {
	var st syscall.Statfs_t
	return syscall.Statfs(dir, &st) == nil && st.Type == tmpfsMagic
}
