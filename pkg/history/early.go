package history

import "sync"

// early is a value read in the background from Load on, for the first
// call that wants it: Load starts reading the caches of a whole load's
// field changes, diffs and action items (readEarly) while the caller
// parses the work tree beside it, rather than AttachChanges and
// AttachSinceApproval reading them in turn once it has. Read so, one
// after the other, they held a warm 10,000-postmortem build's load stage
// for 0.25-0.7 s (timed in single builds).
type early[T any] struct {
	done chan struct{}
	v    T
}

// readEarly starts read in the background.
func readEarly[T any](read func() T) *early[T] {
	e := &early[T]{done: make(chan struct{})}
	go func() {
		defer close(e.done)
		e.v = read()
	}()
	return e
}

// take waits for the value *e reads and hands it over, once: *e is nil
// afterwards, and ok is false for a nil *e, whose caller reads the value
// itself. mu guards *e.
func take[T any](mu *sync.Mutex, e **early[T]) (v T, ok bool) {
	mu.Lock()
	got := *e
	*e = nil
	mu.Unlock()
	if got == nil {
		return v, false
	}
	<-got.done
	return got.v, true
}

// earlyReads are the caches Load reads early for a whole load (one with
// Options.CacheDir and Options.FieldsVersion).
type earlyReads struct {
	mu     sync.Mutex
	fields *early[*fieldsCache]
	diffs  *early[diffEntries]
	items  *early[itemsCache]
	since  *early[map[pair]walkedSince]
}

// readCachesEarly starts reading the caches AttachChanges and
// AttachSinceApproval read, when r's options keep them.
func (r *Repo) readCachesEarly() {
	dir, version := r.opts.CacheDir, r.opts.FieldsVersion
	if dir == "" || version == "" {
		return
	}
	// A load of a folder that an earlier load's AttachChanges is
	// writing into reads what it wrote.
	waitWrites(dir)
	e := &r.early
	e.fields = readEarly(func() *fieldsCache {
		c, _ := readFieldsCache(dir, version) // one that cannot be used is rebuilt
		return c
	})
	e.diffs = readEarly(func() diffEntries { return r.readDiffCache(r.diffCacheDir()) })
	e.items = readEarly(func() itemsCache { return readItemsCache(dir, r.opts.ItemsVersion) })
	e.since = readEarly(func() map[pair]walkedSince { return r.readSinceCache(r.diffCacheDir()) })
}
