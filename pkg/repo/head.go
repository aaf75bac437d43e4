package repo

import "github.com/inquest-dev/inquest/pkg/history"

// Head is the commit HEAD names in the Git repository holding root, ""
// when there is none (no repository, no commit yet) or HEAD cannot be read.
// It is the one HEAD reader above package history, which reads HEAD the
// same way: the build's stamp, serve's updates and what Git tracks agree on
// it, in a linked work tree too.
func Head(root string) string {
	h, err := history.Head(root)
	if err != nil {
		return ""
	}
	return h
}
