package history

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"slices"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/inquest-dev/inquest/pkg/cache"
)

// The items cache holds the action items (their keys, tickets and whether
// each is done) of the versions earlier builds read, by blob, for one
// Options.ItemsVersion, so that a build parses only versions it has not
// seen, as the fields cache does for fields. It is a file of package cache
// (its framing and checksum) named by the key of the version, whose
// payload is
//
//	uvarint n, then n strings (uvarint len, bytes): every key and ticket once
//	uvarint m, uvarint p: the number of versions and of their items, then
//	m versions in ascending hash order:
//	    20-byte hash, uvarint k, then k items:
//	        uvarint key (a string's index),
//	        uvarint ticket<<1 | done (the ticket's index)
//
// A file that fails any check costs only time. Format 1 was the map
// gob-encoded: decoding it was 0.07 CPU-s of a warm 10,000-postmortem
// history pass (BenchmarkTrail), and the format no more than 0.01 s.
const (
	// itemsFormat names the payload and how keys are made (itemKey);
	// change it with either.
	itemsFormat = "inquest history items 2"
	itemsKeep   = 2 // items cache files kept, newest first
	// itemsEarlier matches the files of format 1, which no build reads
	// again.
	itemsEarlier = "items-*.gob"
)

// itemsCache maps a version to its items; an empty list is a version
// without any.
type itemsCache map[plumbing.Hash][]itemState

func itemsName(version string) string {
	return "items-" + cache.Key(itemsFormat, version) + ".bin"
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
	c, err := decodeItems(data)
	if err != nil {
		return nil
	}
	cache.Touch(p) // most recently used, for pruning
	return c
}

var errItemsCorrupt = errors.New("corrupt items cache")

// decodeItems decodes the payload of an items cache file. The items of
// all versions are one array, each version's list a slice of it capped
// at its end, and the keys and tickets substrings of one string.
func decodeItems(payload []byte) (itemsCache, error) {
	d := decoder{b: payload}
	// Each version is at least 21 bytes and each item 2: counts beyond
	// that are corrupt, and are refused before anything is allocated for
	// them.
	strs := d.stringTable()
	if d.err != nil {
		return nil, d.err
	}
	m := d.count(21)
	p := d.count(2)
	if d.err != nil {
		return nil, d.err
	}
	c := make(itemsCache, m)
	all := make([]itemState, 0, p)
	var last plumbing.Hash
	for i := range m {
		var h plumbing.Hash
		copy(h[:], d.next(20))
		k := d.count(2)
		if d.err != nil {
			return nil, d.err
		}
		if i > 0 && bytes.Compare(last[:], h[:]) >= 0 || k > cap(all)-len(all) {
			return nil, errItemsCorrupt
		}
		last = h
		at := len(all)
		for range k {
			key, tick := d.uvarint(), d.uvarint()
			if key >= uint64(len(strs)) || tick>>1 >= uint64(len(strs)) {
				return nil, errItemsCorrupt
			}
			all = append(all, itemState{Key: strs[key], Ticket: strs[tick>>1], Done: tick&1 == 1})
		}
		c[h] = all[at:len(all):len(all)]
	}
	if d.err == nil && (d.off != len(payload) || len(all) != p) {
		return nil, errItemsCorrupt
	}
	return c, d.err
}

// encodeItems lays c out as decodeItems reads it.
func encodeItems(c itemsCache) []byte {
	hashes := make([]plumbing.Hash, 0, len(c))
	for h := range c {
		hashes = append(hashes, h)
	}
	slices.SortFunc(hashes, func(a, b plumbing.Hash) int { return bytes.Compare(a[:], b[:]) })
	intern := map[string]uint64{}
	var strs, body []byte
	str := func(s string) uint64 {
		i, ok := intern[s]
		if !ok {
			i = uint64(len(intern))
			intern[s] = i
			strs = binary.AppendUvarint(strs, uint64(len(s)))
			strs = append(strs, s...)
		}
		return i
	}
	items := 0
	for _, h := range hashes {
		body = append(body, h[:]...)
		body = binary.AppendUvarint(body, uint64(len(c[h])))
		for _, it := range c[h] {
			tick := str(it.Ticket) << 1
			if it.Done {
				tick |= 1
			}
			body = binary.AppendUvarint(body, str(it.Key))
			body = binary.AppendUvarint(body, tick)
		}
		items += len(c[h])
	}
	out := binary.AppendUvarint(nil, uint64(len(intern)))
	out = append(out, strs...)
	out = binary.AppendUvarint(out, uint64(len(hashes)))
	out = binary.AppendUvarint(out, uint64(items))
	return append(out, body...)
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
	if err := writeCacheFile(dir, itemsName(version), itemsFormat, encodeItems(used), ""); err != nil {
		return err
	}
	cache.Prune(dir, "items-*.bin", itemsKeep)
	old1, _ := filepath.Glob(filepath.Join(dir, itemsEarlier))
	for _, p := range old1 {
		_ = os.Remove(p)
	}
	return nil
}
