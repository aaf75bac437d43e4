package indexer

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Two builds of the same documents give Bleve index files that differ in
// three ways, found by comparing them (TestWriteBrowserReproducible). The
// documents of one batch are numbered in map order, which orderedZap
// fixes by numbering them by id. And in two places:
//
//   - store/root.bolt holds the wall-clock time the snapshot was persisted
//     (scorch's meta key "timeStamp", read only to choose which old
//     snapshots a writer keeps);
//   - each zap v17 segment lists, per field, its (section type, address)
//     pairs in Go map order (zapx persistFieldsSection), and so its CRC.
//
// reproducibleIndex rewrites both in place: the time becomes the build's
// reference time and the pairs are sorted by type, which readers load into
// a map. Other files are left as they are; a segment of another zap
// version is an error (segment.go writes v17 only). patched_test.go holds
// the module versions this was written for and fails when go.mod moves.
func reproducibleIndex(dir string, ref time.Time) error {
	return filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		var fix func([]byte, time.Time) (bool, error)
		switch {
		case d.Name() == "root.bolt":
			fix = fixBoltTime
		case strings.HasSuffix(d.Name(), ".zap"):
			fix = func(b []byte, _ time.Time) (bool, error) { return sortZapSections(b) }
		default:
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		changed, err := fix(data, ref)
		if err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		if !changed {
			return nil
		}
		return os.WriteFile(p, data, 0o644)
	})
}

// boltTimeKey is scorch's key (util.BoltMetaDataTimeStamp) for the time.
var boltTimeKey = []byte("timeStamp")

// boltTime is ref as fixBoltTime writes it: to the second, in UTC, with
// nine fraction digits, 30 bytes whatever the clock and the zone of the
// machine.
func boltTime(ref time.Time) []byte {
	return []byte(ref.Truncate(time.Second).UTC().Format("2006-01-02T15:04:05.000000000Z07:00"))
}

// fixBoltTime sets every scorch timestamp in a bbolt file to boltTime(ref).
// Scorch writes time.Now().MarshalText(): local zone, trailing zeros of the
// fraction dropped, and only six or seven digits where the clock counts in
// microseconds (macOS) or 100 ns (Windows); so the text's length varies too.
func fixBoltTime(data []byte, ref time.Time) (bool, error) {
	return setBoltTime(data, boltTime(ref))
}

// bbolt's on-disk format, as far as setBoltTime reads it.
const (
	boltMagic      = 0xED0CDAED
	boltHeader     = 16 // page: id u64, flags u16, count u16, overflow u32
	boltElement    = 16 // leaf: flags, pos, ksize, vsize u32; branch: pos, ksize u32, page u64
	boltBranchPage = 0x01
	boltLeafPage   = 0x02
	boltBucketLeaf = 0x01 // a leaf element whose value is a bucket
	boltMaxDepth   = 64
)

var errBadBolt = errors.New("bad bbolt file")

// setBoltTime sets the value of every key "timeStamp" in the inline buckets
// of the bbolt file data to text. Scorch's meta bucket is small and has no
// buckets in it, so bbolt stores it inline: in its parent's leaf page, as a
// bucket header and a page of its own. When text has another length than
// the old value, setBoltTime moves the rest of that leaf page and corrects
// the positions and sizes bbolt keeps, giving the page bbolt would have
// written with text; the file keeps its length. bbolt checksums only its
// meta pages, which do not change.
func setBoltTime(data, text []byte) (bool, error) {
	le := binary.LittleEndian
	if len(data) < boltHeader+64 || le.Uint32(data[boltHeader:]) != boltMagic {
		return false, errBadBolt
	}
	w := boltWalker{data: data, ps: int(le.Uint32(data[boltHeader+8:])), text: text, seen: map[uint64]bool{}}
	if w.ps < 512 || w.ps > 1<<20 {
		return false, errBadBolt
	}
	// The meta page with the newer transaction names the current root.
	var root, txid uint64
	for i := range 2 {
		m := i*w.ps + boltHeader
		if m+64 > len(data) || le.Uint32(data[m:]) != boltMagic {
			continue
		}
		if tx := le.Uint64(data[m+48:]); root == 0 || tx > txid {
			root, txid = le.Uint64(data[m+16:]), tx
		}
	}
	if root == 0 {
		return false, errBadBolt
	}
	if err := w.page(root, 0); err != nil {
		return false, err
	}
	return w.changed, nil
}

// boltWalker walks the pages of a bbolt file for setBoltTime.
type boltWalker struct {
	data    []byte
	ps      int // page size
	text    []byte
	changed bool
	seen    map[uint64]bool // pages visited: a damaged file may loop
}

// elem returns the four 32-bit fields of the element header at e.
func (w *boltWalker) elem(e int) (flags, pos, ksize, vsize int) {
	le := binary.LittleEndian
	return int(le.Uint32(w.data[e:])), int(le.Uint32(w.data[e+4:])), int(le.Uint32(w.data[e+8:])), int(le.Uint32(w.data[e+12:]))
}

// page visits the page id and the pages and inline buckets below it.
func (w *boltWalker) page(id uint64, depth int) error {
	le := binary.LittleEndian
	if depth > boltMaxDepth || id >= uint64(len(w.data)/w.ps) || w.seen[id] {
		return errBadBolt
	}
	w.seen[id] = true
	start := int(id) * w.ps
	flags, count := le.Uint16(w.data[start+8:]), int(le.Uint16(w.data[start+10:]))
	end := start + (int(le.Uint32(w.data[start+12:]))+1)*w.ps
	if end > len(w.data) || start+boltHeader+count*boltElement > end {
		return errBadBolt
	}
	for i := range count {
		e := start + boltHeader + i*boltElement
		if flags&boltBranchPage != 0 {
			if err := w.page(le.Uint64(w.data[e+8:]), depth+1); err != nil {
				return err
			}
			continue
		}
		if flags&boltLeafPage == 0 {
			return errBadBolt
		}
		// Read each header only now: setTime may have moved this one.
		eflags, pos, ksize, vsize := w.elem(e)
		v := e + pos + ksize
		if v+vsize > end {
			return errBadBolt
		}
		if eflags&boltBucketLeaf == 0 {
			continue
		}
		if vsize < 16 {
			return errBadBolt
		}
		if sub := le.Uint64(w.data[v:]); sub != 0 {
			if err := w.page(sub, depth+1); err != nil {
				return err
			}
			continue
		}
		if err := w.inline(start, end, count, e, v+16, v+vsize); err != nil {
			return err
		}
	}
	return nil
}

// inline sets the timestamps of the inline bucket page [ip, ipEnd), the
// value of element e of the leaf page [start, end) with count elements.
func (w *boltWalker) inline(start, end, count, e, ip, ipEnd int) error {
	if ip+boltHeader > ipEnd {
		return errBadBolt
	}
	n := int(binary.LittleEndian.Uint16(w.data[ip+10:]))
	for j := range n {
		ie := ip + boltHeader + j*boltElement
		if ie+boltElement > ipEnd {
			return errBadBolt
		}
		_, pos, ksize, vsize := w.elem(ie)
		k := ie + pos
		if k+ksize+vsize > ipEnd {
			return errBadBolt
		}
		if !bytes.Equal(w.data[k:k+ksize], boltTimeKey) {
			continue
		}
		v := k + ksize
		if d := len(w.text) - vsize; d != 0 {
			from := v + vsize
			// The page's data ends with its last element's value.
			used := from
			for i := range count {
				h := start + boltHeader + i*boltElement
				_, p, ks, vs := w.elem(h)
				used = max(used, h+p+ks+vs)
			}
			if used+d > end {
				return fmt.Errorf("no room in page %d for the time", start/w.ps)
			}
			copy(w.data[from+d:used+d], w.data[from:used])
			if d < 0 {
				clear(w.data[used+d : used])
			}
			// Keys after the value moved by d, and both the timestamp
			// and the bucket that holds it changed size by d.
			w.move(ip+boltHeader, n, from, d)
			w.move(start+boltHeader, count, from, d)
			w.grow(ie, d)
			w.grow(e, d)
			ipEnd += d
			w.changed = true
		}
		if !bytes.Equal(w.data[v:v+len(w.text)], w.text) {
			copy(w.data[v:], w.text)
			w.changed = true
		}
	}
	return nil
}

// move adds d to the pos of the n leaf elements from h whose key starts at
// or after from.
func (w *boltWalker) move(h, n, from, d int) {
	for i := range n {
		e := h + i*boltElement
		if _, pos, _, _ := w.elem(e); e+pos >= from {
			binary.LittleEndian.PutUint32(w.data[e+4:], uint32(pos+d))
		}
	}
}

// grow adds d to the vsize of the leaf element at e.
func (w *boltWalker) grow(e, d int) {
	_, _, _, vsize := w.elem(e)
	binary.LittleEndian.PutUint32(w.data[e+12:], uint32(vsize+d))
}

// zapFooter is the size of a zap v17 footer without its writer id: number
// of documents, stored-fields and sections index offsets (8 bytes each),
// writer id length, chunk mode, version and CRC (4 bytes each).
const zapFooter = 8*3 + 4*4

// zapVersion is the one version of zap's file format sortZapSections
// reads: the one zapx/v17 writes, which is what segment.go registers.
const zapVersion = 17

// sortZapSections sorts each field's (section type, address) pairs in a
// zap v17 segment and writes the CRC again. A segment of another version
// is an error: its layout is not the one read here, and leaving it alone
// would make builds differ without a word.
func sortZapSections(data []byte) (bool, error) {
	return orderZapSections(data, func(a, b [10]byte) int { return bytes.Compare(a[:2], b[:2]) })
}

// orderZapSections puts each field's (section type, address) pairs of a
// zap v17 segment in the order cmp gives and writes the CRC again when
// that changed anything.
func orderZapSections(data []byte, cmp func(a, b [10]byte) int) (bool, error) {
	n := len(data)
	if n < zapFooter {
		return false, errors.New("too short for a zap segment")
	}
	be := binary.BigEndian
	if v := be.Uint32(data[n-8:]); v != zapVersion {
		return false, fmt.Errorf("zap segment version %d: only version %d can be made reproducible", v, zapVersion)
	}
	idLen := int(be.Uint32(data[n-zapFooter:]))
	mem := n - zapFooter - idLen
	if idLen < 0 || mem < 0 {
		return false, errors.New("bad zap footer")
	}
	bad := errors.New("bad zap sections index")
	pos := be.Uint64(data[n-20:])
	if pos >= uint64(mem) {
		return false, bad
	}
	numFields, sz := binary.Uvarint(data[pos:mem])
	if sz <= 0 || numFields > uint64(mem) {
		return false, bad
	}
	pos += uint64(sz)
	changed := false
	for f := range numFields {
		at := pos + 8*f
		if at+8 > uint64(mem) {
			return false, bad
		}
		p := be.Uint64(data[at:])
		// name length, name, options, number of sections, then pairs
		for k := range 3 {
			if p >= uint64(mem) {
				return false, bad
			}
			v, sz := binary.Uvarint(data[p:mem])
			if sz <= 0 {
				return false, bad
			}
			p += uint64(sz)
			switch k {
			case 0:
				p += v
			case 2:
				// v first, so that 10*v cannot wrap around.
				if v > uint64(mem)/10 || p+10*v > uint64(mem) {
					return false, bad
				}
				pairs := make([][10]byte, v)
				for i := range pairs {
					copy(pairs[i][:], data[p+10*uint64(i):])
				}
				sorted := slices.Clone(pairs)
				slices.SortFunc(sorted, cmp)
				if !slices.Equal(pairs, sorted) {
					changed = true
					for i, pr := range sorted {
						copy(data[p+10*uint64(i):], pr[:])
					}
				}
			}
		}
	}
	if changed {
		be.PutUint32(data[n-4:], crc32.ChecksumIEEE(data[:n-4]))
	}
	return changed, nil
}
