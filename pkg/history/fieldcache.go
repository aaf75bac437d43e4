package history

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/inquest-dev/inquest/pkg/cache"
)

// field is one front-matter field of a file version.
type field struct{ name, value string }

// fieldSet is what Options.Fields returned for one blob, sorted by name so
// that two versions compare by merging. ok is false when Fields returned
// nil: such a version has nothing to compare.
type fieldSet struct {
	ok     bool
	fields []field
}

func newFieldSet(m map[string]string) fieldSet {
	if m == nil {
		return fieldSet{}
	}
	fs := fieldSet{ok: true, fields: make([]field, 0, len(m))}
	for k, v := range m {
		fs.fields = append(fs.fields, field{k, v})
	}
	slices.SortFunc(fs.fields, func(a, b field) int {
		switch {
		case a.name < b.name:
			return -1
		case a.name > b.name:
			return 1
		}
		return 0
	})
	return fs
}

// The fields cache holds the field sets of blobs for one
// Options.FieldsVersion: a blob's content names it, so an entry never goes
// stale, only unused. It is a file of package cache (its framing and
// checksum) named by the key of the version, whose payload is:
//
//	uvarint len, FieldsVersion
//	uvarint n, then n strings (uvarint len, bytes): every name and value once
//	uvarint m, uvarint p: the number of blobs and of their fields, then
//	m blobs in ascending hash order:
//	    20-byte hash, uvarint k+1 (0 when Fields returned nil),
//	    k pairs of uvarint string indexes (name, value), names ascending
//
// Field values repeat across the versions of a file and across files
// (severities, statuses, owners), so interning them keeps the file small. A
// file that fails any check is rebuilt, never trusted.
const (
	// fieldsFormat names the payload's format; change it with the format.
	fieldsFormat = "inquest fields 2"
	fieldsKeep   = 2 // fields cache files kept, newest first
)

// fieldsName names the cache file of a FieldsVersion.
func fieldsName(version string) string {
	return "fields-" + cache.Key(fieldsFormat, version) + ".bin"
}

// fieldsCache is a decoded cache file, kept in its compact form: field sets
// are built on look-up, their strings shared with one string table.
type fieldsCache struct {
	hashes []plumbing.Hash // ascending
	start  []uint32        // blob i's pairs are pairs[start[i]:start[i+1]]
	isNil  []bool
	pairs  []uint32 // name and value string indexes, alternately
	strs   []string
}

func (c *fieldsCache) len() int {
	if c == nil {
		return 0
	}
	return len(c.hashes)
}

// find returns the position of h, or -1.
func (c *fieldsCache) find(h plumbing.Hash) int {
	if c == nil {
		return -1
	}
	i := sort.Search(len(c.hashes), func(i int) bool { return bytes.Compare(c.hashes[i][:], h[:]) >= 0 })
	if i < len(c.hashes) && c.hashes[i] == h {
		return i
	}
	return -1
}

// set returns the field set of blob i, appending its fields to buf.
func (c *fieldsCache) set(i int, buf []field) fieldSet {
	if c.isNil[i] {
		return fieldSet{}
	}
	p := c.pairs[c.start[i]:c.start[i+1]]
	for j := 0; j < len(p); j += 2 {
		buf = append(buf, field{c.strs[p[j]], c.strs[p[j+1]]})
	}
	return fieldSet{ok: true, fields: buf}
}

// fieldsTable collects the field sets one Attach worker parsed, as
// compactly as a decoded file: each distinct name and value is kept once,
// the parser's copies left to the garbage collector.
type fieldsTable struct {
	fieldsCache // hashes in the order parsed
	intern      map[string]uint32
}

func (t *fieldsTable) add(h plumbing.Hash, fs fieldSet) {
	if t.intern == nil {
		t.intern = map[string]uint32{}
		t.start = []uint32{0}
	}
	t.hashes = append(t.hashes, h)
	t.isNil = append(t.isNil, !fs.ok)
	for _, f := range fs.fields {
		t.pairs = append(t.pairs, t.str(f.name), t.str(f.value))
	}
	t.start = append(t.start, uint32(len(t.pairs)))
}

func (t *fieldsTable) str(s string) uint32 {
	i, ok := t.intern[s]
	if !ok {
		i = uint32(len(t.strs))
		t.intern[s] = i
		t.strs = append(t.strs, s)
	}
	return i
}

// readFieldsCache returns the cache of version in dir: nil and no error
// when there is none, nil and an error when the file cannot be used.
// FieldsCached reports whether an earlier Attach with Options.CacheDir dir
// and Options.FieldsVersion version left its fields cache there, so that
// most field changes will be read from it rather than from parsing every
// earlier version: a caller need not prepare for the parsing.
func FieldsCached(dir, version string) bool {
	if dir == "" || version == "" {
		return false
	}
	_, err := os.Stat(filepath.Join(dir, fieldsName(version)))
	return err == nil
}

func readFieldsCache(dir, version string) (*fieldsCache, error) {
	p := filepath.Join(dir, fieldsName(version))
	payload, err := cache.ReadFile(p, fieldsFormat)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	c, err := decodeFields(payload, version)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	cache.Touch(p) // most recently used, for pruning
	return c, nil
}

var errFieldsCorrupt = errors.New("corrupt fields cache")

// decodeFields decodes the payload of a fields cache file of version.
func decodeFields(payload []byte, version string) (*fieldsCache, error) {
	d := decoder{b: payload}
	if v := d.bytes(); string(v) != version {
		return nil, errors.New("written for another fields version")
	}
	// Each blob is at least 21 bytes and each pair 2: counts beyond that
	// are corrupt, and are refused before anything is allocated for them.
	c := &fieldsCache{strs: d.stringTable()}
	if d.err != nil {
		return nil, d.err
	}
	m := d.count(21)
	p := d.count(2)
	c.hashes = make([]plumbing.Hash, m)
	c.pairs = make([]uint32, 0, 2*p)
	c.start = make([]uint32, m+1)
	c.isNil = make([]bool, m)
	for i := range m {
		copy(c.hashes[i][:], d.next(20))
		if i > 0 && bytes.Compare(c.hashes[i-1][:], c.hashes[i][:]) >= 0 {
			return nil, errFieldsCorrupt
		}
		k := d.count(2)
		if k == 0 {
			c.isNil[i] = true
		} else {
			k--
		}
		for j := range k {
			name, value := d.uvarint(), d.uvarint()
			if name >= uint64(len(c.strs)) || value >= uint64(len(c.strs)) || len(c.pairs) == cap(c.pairs) ||
				j > 0 && c.strs[c.pairs[len(c.pairs)-2]] >= c.strs[name] {
				return nil, errFieldsCorrupt
			}
			c.pairs = append(c.pairs, uint32(name), uint32(value))
		}
		if d.err != nil {
			return nil, d.err
		}
		c.start[i+1] = uint32(len(c.pairs))
	}
	if d.err == nil && (d.off != len(payload) || len(c.pairs) != 2*p) {
		return nil, errFieldsCorrupt
	}
	return c, d.err
}

// decoder reads the payload, remembering the first error.
type decoder struct {
	b   []byte
	off int
	err error
}

func (d *decoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b[d.off:])
	if n <= 0 {
		d.err = errFieldsCorrupt
		return 0
	}
	d.off += n
	return v
}

func (d *decoder) next(n int) []byte {
	if d.err != nil || n > len(d.b)-d.off {
		d.err = errFieldsCorrupt
		return nil
	}
	d.off += n
	return d.b[d.off-n : d.off]
}

func (d *decoder) bytes() []byte {
	l := d.uvarint()
	if l > uint64(len(d.b)) {
		d.err = errFieldsCorrupt
		return nil
	}
	return d.next(int(l))
}

// count reads a count of items of at least size bytes each.
func (d *decoder) count(size int) int {
	n := d.uvarint()
	if d.err == nil && n > uint64(len(d.b)-d.off)/uint64(size)+1 {
		d.err = errFieldsCorrupt
	}
	if d.err != nil {
		return 0
	}
	return int(n)
}

// stringTable reads a table of strings: their number, then each as its
// length and bytes. Each is at least its length byte, so a number beyond
// what is left is corrupt and refused before anything is allocated (Err).
// The strings are substrings of one copy of the table.
func (d *decoder) stringTable() []string {
	n := d.count(1)
	tabStart := d.off
	for range n {
		d.bytes()
	}
	if d.err != nil {
		return nil
	}
	tab := string(d.b[tabStart:d.off])
	strs := make([]string, n)
	t := decoder{b: d.b[tabStart:d.off]}
	for i := range strs {
		l := int(t.uvarint())
		strs[i] = tab[t.off : t.off+l]
		t.off += l
	}
	return strs
}

// fieldsWriter encodes a cache file; blobs must be added in ascending hash
// order.
type fieldsWriter struct {
	intern map[string]uint64
	strs   bytes.Buffer
	nstrs  int
	blobs  bytes.Buffer
	nblobs int
	npairs int
	last   plumbing.Hash
}

func newFieldsWriter() *fieldsWriter {
	return &fieldsWriter{intern: map[string]uint64{}}
}

func (w *fieldsWriter) add(h plumbing.Hash, fs fieldSet) {
	if w.nblobs > 0 && bytes.Compare(w.last[:], h[:]) >= 0 {
		panic("fieldsWriter: blobs out of order")
	}
	w.last = h
	w.nblobs++
	w.blobs.Write(h[:])
	if !fs.ok {
		w.blobs.WriteByte(0)
		return
	}
	w.blobs.Write(binary.AppendUvarint(nil, uint64(len(fs.fields))+1))
	w.npairs += len(fs.fields)
	var buf [2 * binary.MaxVarintLen64]byte
	for _, f := range fs.fields {
		b := binary.AppendUvarint(buf[:0], w.str(f.name))
		b = binary.AppendUvarint(b, w.str(f.value))
		w.blobs.Write(b)
	}
}

func (w *fieldsWriter) str(s string) uint64 {
	if i, ok := w.intern[s]; ok {
		return i
	}
	i := uint64(w.nstrs)
	w.intern[s] = i
	w.nstrs++
	w.strs.Write(binary.AppendUvarint(nil, uint64(len(s))))
	w.strs.WriteString(s)
	return i
}

// write stores the cache of version in dir whole (see cache.WriteFile).
// Files of other versions beyond fieldsKeep are removed.
func (w *fieldsWriter) write(dir, version string) error {
	payload := make([]byte, 0, 4*binary.MaxVarintLen64+len(version)+w.strs.Len()+w.blobs.Len())
	payload = binary.AppendUvarint(payload, uint64(len(version)))
	payload = append(payload, version...)
	payload = binary.AppendUvarint(payload, uint64(w.nstrs))
	payload = append(payload, w.strs.Bytes()...)
	payload = binary.AppendUvarint(payload, uint64(w.nblobs))
	payload = binary.AppendUvarint(payload, uint64(w.npairs))
	payload = append(payload, w.blobs.Bytes()...)
	if err := cache.WriteFile(filepath.Join(dir, fieldsName(version)), fieldsFormat, payload); err != nil {
		return err
	}
	cache.Prune(dir, "fields-*.bin", fieldsKeep)
	return nil
}
