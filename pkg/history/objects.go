package history

import (
	"sync"

	"github.com/inquest-dev/inquest/pkg/history/internal/gitdb"
)

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

func (l *lazyObjects) close() {
	if l.o != nil {
		_ = l.o.Close()
	}
}
