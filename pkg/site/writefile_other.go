//go:build !unix

package site

import "os"

// writeBytes writes data to the file p, made or truncated.
func writeBytes(p string, data []byte) error { return os.WriteFile(p, data, 0o644) }
