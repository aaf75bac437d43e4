//go:build unix

package site

import (
	"io"
	"io/fs"
	"syscall"
)

// writeBytes writes data to the file p, made or truncated, as
// os.WriteFile(p, data, 0o644) does, with three system calls: open,
// write and close. os.OpenFile also offers each file to the poller
// (on Linux two fcntl to make it non-blocking, an epoll_ctl that a
// regular file refuses, and two fcntl to make it blocking again), which
// for a site's 36,000 pages is most of the calls made to write them.
func writeBytes(p string, data []byte) error {
	var fd int
	var err error
	for {
		fd, err = syscall.Open(p, syscall.O_WRONLY|syscall.O_CREAT|syscall.O_TRUNC|syscall.O_CLOEXEC, 0o644)
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		return &fs.PathError{Op: "open", Path: p, Err: err}
	}
	for len(data) > 0 {
		n, err := syscall.Write(fd, data)
		if err == syscall.EINTR {
			continue
		}
		if err == nil && n <= 0 {
			err = io.ErrShortWrite
		}
		if err != nil {
			_ = syscall.Close(fd)
			return &fs.PathError{Op: "write", Path: p, Err: err}
		}
		data = data[n:]
	}
	if err := syscall.Close(fd); err != nil {
		return &fs.PathError{Op: "close", Path: p, Err: err}
	}
	return nil
}
