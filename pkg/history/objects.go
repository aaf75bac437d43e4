package history

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/storer"
	"github.com/klauspost/compress/flate"
)

// Object types as numbered in pack files.
const (
	objCommit   = 1
	objTree     = 2
	objBlob     = 3
	objTag      = 4
	objOfsDelta = 6
	objRefDelta = 7
)

var errNotFound = errors.New("object not found")

// maxObjectSize bounds what a corrupt size field can make the reader
// allocate; postmortems and their folders are far smaller.
const maxObjectSize = 1 << 30

// objects reads Git objects straight from pack and loose files. go-git's
// storer decodes every deltified tree again on each access and serialises
// all readers; history needs each of ~100,000 tree versions once, from two
// goroutines, so the hot path reads packs itself. Anything it does not
// understand (alternates, SHA-256 repositories) goes to go-git's storer.
// objects is safe for concurrent use; each goroutine reads through its own
// reader.
type objects struct {
	dir     string // the objects directory
	packs   []*packFile
	skipped []string // why packs were left to the fallback, for errors

	fbMu     sync.Mutex
	fallback storer.EncodedObjectStorer
}

type packFile struct {
	name   string // file name of the .pack, for errors
	data   []byte // the whole .pack, mapped
	unmap  func() error
	fanout [256]uint32
	names  []byte // sorted 20-byte hashes
	off32  []byte
	off64  []byte
}

func openObjects(objectsDir string, fallback storer.EncodedObjectStorer) (*objects, error) {
	o := &objects{dir: objectsDir, fallback: fallback}
	idxs, _ := filepath.Glob(filepath.Join(objectsDir, "pack", "pack-*.idx"))
	sort.Strings(idxs)
	for _, idx := range idxs {
		p, err := openPack(idx)
		if err != nil {
			// An unreadable pack is go-git's to handle through the fallback.
			o.skipped = append(o.skipped, err.Error())
			continue
		}
		o.packs = append(o.packs, p)
	}
	return o, nil
}

func openPack(idxPath string) (*packFile, error) {
	idx, err := os.ReadFile(idxPath)
	if err != nil {
		return nil, err
	}
	if len(idx) < 8+256*4 || !bytes.Equal(idx[:4], []byte{0xff, 't', 'O', 'c'}) || binary.BigEndian.Uint32(idx[4:]) != 2 {
		return nil, fmt.Errorf("%s: not a version 2 pack index", idxPath)
	}
	p := &packFile{}
	for i := range p.fanout {
		p.fanout[i] = binary.BigEndian.Uint32(idx[8+4*i:])
		// find trusts the fan-out to bound its search.
		if i > 0 && p.fanout[i] < p.fanout[i-1] {
			return nil, fmt.Errorf("%s: pack index fan-out out of order", idxPath)
		}
	}
	n := int(p.fanout[255])
	pos := 8 + 256*4
	if len(idx) < pos+n*(20+4+4)+40 {
		return nil, fmt.Errorf("%s: truncated pack index", idxPath)
	}
	p.names = idx[pos : pos+20*n]
	pos += 20 * n
	pos += 4 * n // CRC32s
	p.off32 = idx[pos : pos+4*n]
	pos += 4 * n
	p.off64 = idx[pos : len(idx)-40]

	packPath := idxPath[:len(idxPath)-len(".idx")] + ".pack"
	data, unmap, err := mapFile(packPath)
	if err != nil {
		return nil, err
	}
	if len(data) < 12 || string(data[:4]) != "PACK" {
		_ = unmap()
		return nil, fmt.Errorf("%s: not a pack file", packPath)
	}
	p.data, p.unmap, p.name = data, unmap, filepath.Base(packPath)
	return p, nil
}

// find returns the offset of h in the pack, or -1.
func (p *packFile) find(h plumbing.Hash) int64 {
	lo := 0
	if h[0] > 0 {
		lo = int(p.fanout[h[0]-1])
	}
	hi := int(p.fanout[h[0]])
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		c := bytes.Compare(p.names[20*mid:20*mid+20], h[:])
		switch {
		case c == 0:
			off := binary.BigEndian.Uint32(p.off32[4*mid:])
			if off&0x80000000 == 0 {
				return int64(off)
			}
			i := int(off&0x7fffffff) * 8
			if i+8 > len(p.off64) {
				return -1
			}
			return int64(binary.BigEndian.Uint64(p.off64[i:]))
		case c < 0:
			lo = mid + 1
		default:
			hi = mid
		}
	}
	return -1
}

func (o *objects) close() {
	for _, p := range o.packs {
		if p.unmap != nil {
			_ = p.unmap()
		}
	}
	o.packs = nil
}

// reader reads objects for one goroutine, with its own cache of recently
// inflated objects. Git packs store each tree version as a delta against a
// neighbouring version, so a walk that visits versions in order resolves each
// one with a single delta application when its base is still cached.
type reader struct {
	o     *objects
	cache lru
	fr    io.ReadCloser
	br    bytes.Reader
	chain []chainLink
	// scratch holds a delta while it is applied.
	scratch []byte
	depth   int // nesting of REF_DELTA bases, bounded against cycles
	// inflated counts objects inflated from disk; tests use it to prove a
	// cached load reads no history.
	inflated int
}

type chainLink struct {
	key   uint64
	pack  *packFile
	off   int64 // start of the delta's zlib stream
	size  int
	isRef bool
}

func (o *objects) newReader(cacheBytes int) *reader {
	return &reader{o: o, cache: lru{max: cacheBytes, m: make(map[uint64]*lruNode)}}
}

// read returns the type and content of object h. The content may be shared
// with the cache and must not be modified.
func (r *reader) read(h plumbing.Hash) (int, []byte, error) {
	for i, p := range r.o.packs {
		if off := p.find(h); off >= 0 {
			typ, data, err := r.readPacked(i, p, off)
			if err != nil {
				return 0, nil, fmt.Errorf("object %s in %s: %w", h, p.name, err)
			}
			return typ, data, nil
		}
	}
	if typ, data, err := r.readLoose(h); err == nil {
		return typ, data, nil
	} else if !errors.Is(err, errNotFound) {
		return 0, nil, err
	}
	return r.readFallback(h)
}

func packKey(i int, off int64) uint64 { return uint64(i)<<48 | uint64(off) }

func (r *reader) readPacked(pi int, p *packFile, off int64) (int, []byte, error) {
	key := packKey(pi, off)
	if n := r.cache.get(key); n != nil {
		return n.typ, n.data, nil
	}
	// Follow the delta chain down to a cached or whole object, then apply
	// the deltas back up, caching each step: the steps are the neighbouring
	// versions the walk is about to ask for.
	r.chain = r.chain[:0]
	var (
		baseTyp  int
		baseData []byte
	)
	for {
		typ, size, dataOff, baseRef, baseOff, err := parseHeader(p.data, off)
		if err != nil {
			return 0, nil, err
		}
		switch typ {
		case objCommit, objTree, objBlob, objTag:
			data, err := r.inflate(p.data, dataOff, size, r.cache.alloc(size))
			if err != nil {
				return 0, nil, fmt.Errorf("object at %d: %w", off, err)
			}
			baseTyp, baseData = typ, data
			r.cache.put(key, typ, data)
		case objOfsDelta:
			r.chain = append(r.chain, chainLink{key: key, pack: p, off: dataOff, size: size})
			off = baseOff
			key = packKey(pi, off)
			if n := r.cache.get(key); n != nil {
				baseTyp, baseData = n.typ, n.data
				break
			}
			continue
		case objRefDelta:
			r.chain = append(r.chain, chainLink{key: key, pack: p, off: dataOff, size: size, isRef: true})
			links := append([]chainLink(nil), r.chain...)
			if r.depth >= 1000 {
				return 0, nil, fmt.Errorf("object at %d: delta chain too deep", off)
			}
			r.depth++
			bt, bd, err := r.read(baseRef)
			r.depth--
			if err != nil {
				return 0, nil, fmt.Errorf("delta base %s: %w", baseRef, err)
			}
			r.chain = append(r.chain[:0], links...)
			baseTyp, baseData = bt, bd
		default:
			return 0, nil, fmt.Errorf("object at %d: unknown pack type %d", off, typ)
		}
		break
	}
	for i := len(r.chain) - 1; i >= 0; i-- {
		l := r.chain[i]
		// The delta itself is only needed until it is applied.
		if cap(r.scratch) < l.size {
			r.scratch = make([]byte, l.size)
		}
		delta, err := r.inflate(l.pack.data, l.off, l.size, r.scratch)
		if err != nil {
			return 0, nil, err
		}
		out, err := applyDelta(baseData, delta, r.cache.alloc)
		if err != nil {
			return 0, nil, err
		}
		baseData = out
		r.cache.put(l.key, baseTyp, out)
	}
	return baseTyp, baseData, nil
}

// parseHeader decodes the pack object header at off.
func parseHeader(data []byte, off int64) (typ, size int, dataOff int64, ref plumbing.Hash, baseOff int64, err error) {
	if off < 12 || off >= int64(len(data)) {
		return 0, 0, 0, ref, 0, fmt.Errorf("offset %d outside pack", off)
	}
	i := off
	c := data[i]
	i++
	typ = int(c>>4) & 7
	size = int(c & 15)
	shift := 4
	for c&0x80 != 0 {
		if i >= int64(len(data)) || shift > 56 {
			return 0, 0, 0, ref, 0, fmt.Errorf("object at %d: bad header", off)
		}
		c = data[i]
		i++
		size |= int(c&0x7f) << shift
		shift += 7
	}
	switch typ {
	case objOfsDelta:
		if i >= int64(len(data)) {
			return 0, 0, 0, ref, 0, fmt.Errorf("object at %d: bad delta offset", off)
		}
		c = data[i]
		i++
		rel := int64(c & 0x7f)
		for c&0x80 != 0 {
			if i >= int64(len(data)) || rel > 1<<55 {
				return 0, 0, 0, ref, 0, fmt.Errorf("object at %d: bad delta offset", off)
			}
			c = data[i]
			i++
			rel = (rel+1)<<7 | int64(c&0x7f)
		}
		baseOff = off - rel
		if baseOff < 12 || baseOff >= off {
			return 0, 0, 0, ref, 0, fmt.Errorf("object at %d: delta base outside pack", off)
		}
	case objRefDelta:
		if i+20 > int64(len(data)) {
			return 0, 0, 0, ref, 0, fmt.Errorf("object at %d: truncated", off)
		}
		copy(ref[:], data[i:i+20])
		i += 20
	}
	return typ, size, i, ref, baseOff, nil
}

// inflate decompresses the zlib stream at off, which must hold size bytes,
// into buf when it is large enough.
func (r *reader) inflate(data []byte, off int64, size int, buf []byte) ([]byte, error) {
	r.inflated++
	if size < 0 || size > maxObjectSize {
		return nil, fmt.Errorf("object size %d out of range", size)
	}
	// Skip the two-byte zlib header: raw DEFLATE is faster to read than
	// zlib, and the pack's own checksums already cover the data.
	if off+2 > int64(len(data)) {
		return nil, io.ErrUnexpectedEOF
	}
	r.br.Reset(data[off+2:])
	if r.fr == nil {
		r.fr = flate.NewReader(&r.br)
	} else if err := r.fr.(flate.Resetter).Reset(&r.br, nil); err != nil {
		return nil, err
	}
	out := buf[:0]
	if cap(out) < size {
		out = make([]byte, size)
	}
	out = out[:size]
	if _, err := io.ReadFull(r.fr, out); err != nil {
		return nil, fmt.Errorf("inflate: %w", err)
	}
	return out, nil
}

func (r *reader) readLoose(h plumbing.Hash) (int, []byte, error) {
	hex := h.String()
	raw, err := os.ReadFile(filepath.Join(r.o.dir, hex[:2], hex[2:]))
	if err != nil {
		if os.IsNotExist(err) {
			return 0, nil, errNotFound
		}
		return 0, nil, err
	}
	r.inflated++
	if len(raw) < 2 {
		return 0, nil, fmt.Errorf("loose object %s: truncated", hex)
	}
	r.br.Reset(raw[2:])
	if r.fr == nil {
		r.fr = flate.NewReader(&r.br)
	} else if err := r.fr.(flate.Resetter).Reset(&r.br, nil); err != nil {
		return 0, nil, err
	}
	all, err := io.ReadAll(r.fr)
	if err != nil {
		return 0, nil, fmt.Errorf("loose object %s: %w", hex, err)
	}
	nul := bytes.IndexByte(all, 0)
	if nul < 0 {
		return 0, nil, fmt.Errorf("loose object %s: bad header", hex)
	}
	hdr := string(all[:nul])
	sp := bytes.IndexByte(all[:nul], ' ')
	if sp < 0 {
		return 0, nil, fmt.Errorf("loose object %s: bad header %q", hex, hdr)
	}
	typ, err := typeFromName(hdr[:sp])
	if err != nil {
		return 0, nil, fmt.Errorf("loose object %s: %w", hex, err)
	}
	if n, err := strconv.Atoi(hdr[sp+1:]); err != nil || n != len(all)-nul-1 {
		return 0, nil, fmt.Errorf("loose object %s: size mismatch", hex)
	}
	return typ, all[nul+1:], nil
}

func typeFromName(s string) (int, error) {
	switch s {
	case "commit":
		return objCommit, nil
	case "tree":
		return objTree, nil
	case "blob":
		return objBlob, nil
	case "tag":
		return objTag, nil
	}
	return 0, fmt.Errorf("unknown object type %q", s)
}

func (r *reader) readFallback(h plumbing.Hash) (int, []byte, error) {
	if r.o.fallback == nil {
		return 0, nil, fmt.Errorf("%s: %w", h, errNotFound)
	}
	r.o.fbMu.Lock()
	defer r.o.fbMu.Unlock()
	obj, err := r.o.fallback.EncodedObject(plumbing.AnyObject, h)
	if err != nil {
		if errors.Is(err, plumbing.ErrObjectNotFound) {
			err = errNotFound
		}
		if len(r.o.skipped) > 0 {
			// go-git's errors do not say which file they are about.
			return 0, nil, fmt.Errorf("object %s: %w (%s)", h, err, strings.Join(r.o.skipped, "; "))
		}
		return 0, nil, fmt.Errorf("object %s: %w", h, err)
	}
	rc, err := obj.Reader()
	if err != nil {
		return 0, nil, err
	}
	defer rc.Close()
	data, err := io.ReadAll(rc)
	if err != nil {
		return 0, nil, err
	}
	r.inflated++
	var typ int
	switch obj.Type() {
	case plumbing.CommitObject:
		typ = objCommit
	case plumbing.TreeObject:
		typ = objTree
	case plumbing.BlobObject:
		typ = objBlob
	case plumbing.TagObject:
		typ = objTag
	default:
		return 0, nil, fmt.Errorf("%s: unexpected type %s", h, obj.Type())
	}
	return typ, data, nil
}

// readType reads h and checks that it has type want.
func (r *reader) readType(h plumbing.Hash, want int) ([]byte, error) {
	typ, data, err := r.read(h)
	if err != nil {
		return nil, err
	}
	if typ != want {
		return nil, fmt.Errorf("%s: is a %s, not a %s", h, typeName(typ), typeName(want))
	}
	return data, nil
}

func typeName(t int) string {
	switch t {
	case objCommit:
		return "commit"
	case objTree:
		return "tree"
	case objBlob:
		return "blob"
	case objTag:
		return "tag"
	}
	return "object type " + strconv.Itoa(t)
}

// applyDelta applies a Git delta to base, writing into a buffer from alloc
// (nil allocates).
func applyDelta(base, delta []byte, alloc func(int) []byte) ([]byte, error) {
	srcSize, n := binary.Uvarint(delta)
	if n <= 0 || srcSize != uint64(len(base)) {
		return nil, errors.New("delta: base size mismatch")
	}
	delta = delta[n:]
	dstSize, n := binary.Uvarint(delta)
	if n <= 0 || dstSize > maxObjectSize {
		return nil, errors.New("delta: bad result size")
	}
	delta = delta[n:]
	var out []byte
	if alloc != nil {
		out = alloc(int(dstSize))[:0]
	} else {
		out = make([]byte, 0, dstSize)
	}
	for len(delta) > 0 {
		op := delta[0]
		delta = delta[1:]
		switch {
		case op&0x80 != 0:
			var off, size uint32
			for i := uint(0); i < 4; i++ {
				if op&(1<<i) != 0 {
					if len(delta) == 0 {
						return nil, errors.New("delta: truncated copy")
					}
					off |= uint32(delta[0]) << (8 * i)
					delta = delta[1:]
				}
			}
			for i := uint(0); i < 3; i++ {
				if op&(0x10<<i) != 0 {
					if len(delta) == 0 {
						return nil, errors.New("delta: truncated copy")
					}
					size |= uint32(delta[0]) << (8 * i)
					delta = delta[1:]
				}
			}
			if size == 0 {
				size = 0x10000
			}
			end := uint64(off) + uint64(size)
			if end > uint64(len(base)) || uint64(len(out))+uint64(size) > dstSize {
				return nil, errors.New("delta: copy out of range")
			}
			out = append(out, base[off:end]...)
		case op != 0:
			if int(op) > len(delta) || uint64(len(out))+uint64(op) > dstSize {
				return nil, errors.New("delta: truncated insert")
			}
			out = append(out, delta[:op]...)
			delta = delta[op:]
		default:
			return nil, errors.New("delta: reserved opcode")
		}
	}
	if uint64(len(out)) != dstSize {
		return nil, errors.New("delta: result size mismatch")
	}
	return out, nil
}

// lru is a byte-bounded least-recently-used cache of inflated objects.
//
// The diff walk allocates a new buffer for every version of every directory
// it reads (2.5 GB on the 10,000-postmortem corpus), so evicted buffers are
// reused. An evicted buffer may still be in use by its reader, so it only
// becomes reusable at a point where the reader holds no object: recycle,
// which the walk calls between commits.
type lru struct {
	max, size  int
	m          map[uint64]*lruNode
	head, tail *lruNode // head is the most recent
	evicted    [][]byte // evicted since the last recycle
	free       [][]byte // reusable
}

// maxFree bounds the reusable buffers kept.
const maxFree = 64

// recycle makes the buffers evicted so far reusable. Only call it when no
// object read from the cache is still in use.
func (c *lru) recycle() {
	for _, b := range c.evicted {
		if len(c.free) == maxFree {
			// Keep the most recent: they fit what the walk reads next.
			copy(c.free, c.free[1:])
			c.free[maxFree-1] = nil
			c.free = c.free[:maxFree-1]
		}
		c.free = append(c.free, b)
	}
	clear(c.evicted)
	c.evicted = c.evicted[:0]
}

// alloc returns a buffer of length n, reusing the smallest free one that is
// big enough. Small objects are cheaper to allocate than to look up.
func (c *lru) alloc(n int) []byte {
	best := -1
	if n >= 4096 {
		for i, b := range c.free {
			if cap(b) >= n && (best < 0 || cap(b) < cap(c.free[best])) {
				best = i
			}
		}
	}
	if best < 0 {
		return make([]byte, n)
	}
	b := c.free[best]
	last := len(c.free) - 1
	copy(c.free[best:], c.free[best+1:])
	c.free[last] = nil
	c.free = c.free[:last]
	return b[:n]
}

type lruNode struct {
	key        uint64
	typ        int
	data       []byte
	prev, next *lruNode
}

func (c *lru) get(k uint64) *lruNode {
	n := c.m[k]
	if n != nil && n != c.head {
		c.unlink(n)
		c.pushFront(n)
	}
	return n
}

func (c *lru) put(k uint64, typ int, data []byte) {
	if c.max <= 0 || len(data) > c.max/4 {
		return
	}
	if n := c.m[k]; n != nil {
		return
	}
	n := &lruNode{key: k, typ: typ, data: data}
	c.m[k] = n
	c.pushFront(n)
	// Count capacity: a reused buffer may be larger than its object.
	c.size += cap(data)
	for c.size > c.max && c.tail != nil {
		old := c.tail
		c.unlink(old)
		delete(c.m, old.key)
		c.size -= cap(old.data)
		if cap(old.data) >= 4096 && len(c.evicted) < maxFree {
			c.evicted = append(c.evicted, old.data)
		}
	}
}

func (c *lru) pushFront(n *lruNode) {
	n.prev, n.next = nil, c.head
	if c.head != nil {
		c.head.prev = n
	}
	c.head = n
	if c.tail == nil {
		c.tail = n
	}
}

func (c *lru) unlink(n *lruNode) {
	if n.prev != nil {
		n.prev.next = n.next
	} else {
		c.head = n.next
	}
	if n.next != nil {
		n.next.prev = n.prev
	} else {
		c.tail = n.prev
	}
	n.prev, n.next = nil, nil
}
