package history

import (
	"errors"
	"fmt"
	"sync"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/inquest-dev/inquest/pkg/history/internal/gitdb"
)

// Versions reads what postmortems said at their revisions, from Git, for
// one goroutine. Reading the versions of one file newest first, as
// Revisions lists them, is cheapest: Git stores each version as a delta
// against a neighbour, and the last ones read are kept.
type Versions struct {
	r    *Repo
	objs *gitdb.Objects // closed by Close when own
	own  bool
	rd   *gitdb.Reader
}

// errNoHistory is returned by Versions for a Repo without history.
var errNoHistory = errors.New("no Git history was read")

// Versions opens the object database for reading versions of files. Close
// it when done.
func (r *Repo) Versions() (*Versions, error) {
	if !r.readable() {
		if r != nil && r.readErr != nil {
			return nil, r.readErr
		}
		return nil, errNoHistory
	}
	o := r.git.OpenObjects()
	return &Versions{r: r, objs: o, own: true, rd: o.NewReader(versionCacheBytes)}, nil
}

// versionCacheBytes is the cache budget of one Versions: enough for the
// delta chains of one file's versions.
const versionCacheBytes = 16 << 20

// Read returns the content of the file at path (relative to the directory
// given to Load, as for Revisions) after its i-th revision, newest first as
// Revisions lists them, and before it: before is nil when that revision
// created the file, after is nil when it deleted it. What Read returns must
// not be modified, and is valid until the next Read.
func (v *Versions) Read(path string, i int) (before, after []byte, err error) {
	lin := v.r.lineage(path)
	if lin == nil || i < 0 || i >= len(lin.revs) {
		return nil, nil, fmt.Errorf("%s: no revision %d", path, i)
	}
	v.rd.Recycle()
	rv := lin.revs[i]
	if after, err = v.blob(rv.blob); err != nil {
		return nil, nil, fmt.Errorf("%s at %s: %w", path, v.r.commits[rv.c].Hash, err)
	}
	if before, err = v.blob(rv.prev); err != nil {
		return nil, nil, fmt.Errorf("%s before %s: %w", path, v.r.commits[rv.c].Hash, err)
	}
	return before, after, nil
}

// blob reads the content h names; nil for a zero hash.
func (v *Versions) blob(h plumbing.Hash) ([]byte, error) {
	if h.IsZero() {
		return nil, nil
	}
	return v.rd.Blob(h)
}

// Close releases the object database.
func (v *Versions) Close() error {
	if v.own {
		return v.objs.Close()
	}
	return nil
}

// lazyObjects opens the object database on first use, for several
// goroutines: a load whose every version is cached never opens it.
type lazyObjects struct {
	g  *gitdb.Repository
	mu sync.Mutex
	o  *gitdb.Objects
}

func (l *lazyObjects) get() *gitdb.Objects {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.o == nil {
		l.o = l.g.OpenObjects()
	}
	return l.o
}

// versions returns a Versions for one goroutine over the shared database.
func (l *lazyObjects) versions(r *Repo) *Versions {
	o := l.get()
	return &Versions{r: r, objs: o, rd: o.NewReader(versionCacheBytes)}
}

func (l *lazyObjects) close() {
	if l.o != nil {
		_ = l.o.Close()
	}
}
