package history

import (
	"bytes"
	"encoding/gob"
	"path/filepath"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/inquest-dev/inquest/pkg/cache"
)

// The items cache holds the action items (their keys and whether each is
// done) of the versions earlier builds read, by blob, for one
// Options.ItemsVersion, so that a build parses only versions it has not
// seen, as the fields cache does for fields. It is a file of package cache
// (its framing and checksum) named by the key of the version, holding a
// gob-encoded map; a file that fails any check costs only time.
const (
	// itemsFormat names the payload and how keys are made (itemKey);
	// change it with either.
	itemsFormat = "inquest history items 1"
	itemsKeep   = 2 // items cache files kept, newest first
)

// itemsCache maps a version to its items; an empty list is a version
// without any.
type itemsCache map[plumbing.Hash][]itemState

func itemsName(version string) string {
	return "items-" + cache.Key(itemsFormat, version) + ".gob"
}

// readItemsCache reads the cache of version in dir; any problem gives
// none.
func readItemsCache(dir, version string) itemsCache {
	if dir == "" || version == "" {
		return nil
	}
	p := filepath.Join(dir, itemsName(version))
	data, err := cache.ReadFile(p, itemsFormat)
	if err != nil {
		return nil
	}
	var c itemsCache
	if gob.NewDecoder(bytes.NewReader(data)).Decode(&c) != nil {
		return nil
	}
	cache.Touch(p) // most recently used, for pruning
	return c
}

// writeItems rewrites the cache with the old entries and the new, less
// those of versions no file's history at HEAD holds any more.
func (r *Repo) writeItems(dir, version string, old itemsCache, added []itemsCache) error {
	used := itemsCache{}
	keep := func(h plumbing.Hash) {
		if _, ok := used[h]; ok || h.IsZero() {
			return
		}
		if s, ok := old[h]; ok {
			used[h] = s
			return
		}
		for _, a := range added {
			if s, ok := a[h]; ok {
				used[h] = s
				return
			}
		}
	}
	for _, m := range []map[string]*lineage{r.live, r.dead} {
		for _, lin := range m {
			for _, rv := range lin.revs {
				keep(rv.blob)
			}
		}
	}
	if err := writeGob(dir, itemsName(version), itemsFormat, used); err != nil {
		return err
	}
	cache.Prune(dir, "items-*.gob", itemsKeep)
	return nil
}
