package gitdb

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/objfile"
	"github.com/go-git/go-git/v5/plumbing/storer"
)

// Objects is a repository's object database: its pack files, mapped, its
// loose objects, and go-git's storer for anything else. It is safe for
// concurrent use; each goroutine reads through its own Reader.
type Objects struct {
	dir     string // the objects folder
	packs   []*pack
	skipped []string // why packs were left to the fallback, for errors

	fbMu     sync.Mutex
	fallback storer.EncodedObjectStorer

	inflated atomic.Int64
}

func openObjects(dir string, fallback storer.EncodedObjectStorer) *Objects {
	o := &Objects{dir: dir, fallback: fallback}
	if dir == "" {
		return o
	}
	idxs, _ := filepath.Glob(filepath.Join(dir, "pack", "pack-*.idx"))
	sort.Strings(idxs)
	for _, idx := range idxs {
		p, err := openPack(idx)
		if err != nil {
			// An unreadable pack is go-git's to handle through the
			// fallback, whose errors do not name the file: keep why.
			o.skipped = append(o.skipped, err.Error())
			continue
		}
		o.packs = append(o.packs, p)
	}
	return o
}

// Close unmaps the pack files. Nothing read from the Objects may be used
// afterwards.
func (o *Objects) Close() error {
	var errs []error
	for _, p := range o.packs {
		errs = append(errs, p.close())
	}
	o.packs = nil
	return errors.Join(errs...)
}

// Inflated returns how many objects the readers of o have read from disk
// rather than from their caches; tests use it to prove that nothing was
// read.
func (o *Objects) Inflated() int { return int(o.inflated.Load()) }

// Reader reads objects for one goroutine, with its own cache of recently
// inflated objects. Git packs store each version of a tree or file as a
// delta against a neighbouring version, so reading versions in order
// resolves each one with a single delta application while its base is
// still cached.
//
// What a Reader returns is shared with its cache: it must not be modified,
// and is valid until the next call to Recycle.
type Reader struct {
	o     *Objects
	cache lru
	fr    io.ReadCloser
	br    bytes.Reader
	chain []chainLink
	// scratch holds a delta while it is applied.
	scratch []byte
	depth   int // nesting of REF_DELTA bases, bounded against cycles
}

type chainLink struct {
	key   uint64
	pack  *pack
	off   int64 // start of the delta's zlib stream
	size  int
	isRef bool
}

// NewReader returns a Reader whose cache holds about cacheBytes of
// inflated objects.
func (o *Objects) NewReader(cacheBytes int) *Reader {
	return &Reader{o: o, cache: lru{max: cacheBytes, m: make(map[uint64]*lruNode)}}
}

// Recycle lets the Reader reuse the memory of objects it read before:
// call it only when none of them is in use any more. A walk over many
// versions of a large folder allocates gigabytes without it.
func (r *Reader) Recycle() { r.cache.recycle() }

// Read returns the type and content of object h; plumbing.ErrObjectNotFound
// (wrapped) when the repository does not have it.
func (r *Reader) Read(h plumbing.Hash) (plumbing.ObjectType, []byte, error) {
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
	} else if !errors.Is(err, plumbing.ErrObjectNotFound) {
		return 0, nil, err
	}
	return r.readFallback(h)
}

// Blob returns the content of blob h.
func (r *Reader) Blob(h plumbing.Hash) ([]byte, error) {
	return r.readType(h, plumbing.BlobObject)
}

// readType reads h and checks that it has type want.
func (r *Reader) readType(h plumbing.Hash, want plumbing.ObjectType) ([]byte, error) {
	typ, data, err := r.Read(h)
	if err != nil {
		return nil, err
	}
	if typ != want {
		return nil, fmt.Errorf("%s: is a %s, not a %s", h, typ, want)
	}
	return data, nil
}

func packKey(i int, off int64) uint64 { return uint64(i)<<48 | uint64(off) }

func (r *Reader) readPacked(pi int, p *pack, off int64) (plumbing.ObjectType, []byte, error) {
	key := packKey(pi, off)
	if n := r.cache.get(key); n != nil {
		return n.typ, n.data, nil
	}
	// Follow the delta chain down to a cached or whole object, then apply
	// the deltas back up, caching each step: the steps are the neighbouring
	// versions a walk is about to ask for.
	r.chain = r.chain[:0]
	var (
		baseTyp  plumbing.ObjectType
		baseData []byte
	)
	for {
		typ, size, dataOff, baseRef, baseOff, err := parseHeader(p.data, off)
		if err != nil {
			return 0, nil, err
		}
		switch typ {
		case plumbing.CommitObject, plumbing.TreeObject, plumbing.BlobObject, plumbing.TagObject:
			data, err := r.inflate(p.data, dataOff, size, r.cache.alloc(size))
			if err != nil {
				return 0, nil, fmt.Errorf("object at %d: %w", off, err)
			}
			baseTyp, baseData = typ, data
			r.cache.put(key, typ, data)
		case plumbing.OFSDeltaObject:
			r.chain = append(r.chain, chainLink{key: key, pack: p, off: dataOff, size: size})
			off = baseOff
			key = packKey(pi, off)
			if n := r.cache.get(key); n != nil {
				baseTyp, baseData = n.typ, n.data
				break
			}
			continue
		case plumbing.REFDeltaObject:
			r.chain = append(r.chain, chainLink{key: key, pack: p, off: dataOff, size: size, isRef: true})
			links := append([]chainLink(nil), r.chain...)
			if r.depth >= 1000 {
				return 0, nil, fmt.Errorf("object at %d: delta chain too deep", off)
			}
			r.depth++
			bt, bd, err := r.Read(baseRef)
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

// readLoose reads a loose object with go-git's reader.
func (r *Reader) readLoose(h plumbing.Hash) (plumbing.ObjectType, []byte, error) {
	if r.o.dir == "" {
		return 0, nil, plumbing.ErrObjectNotFound
	}
	hex := h.String()
	f, err := os.Open(filepath.Join(r.o.dir, hex[:2], hex[2:]))
	if err != nil {
		if os.IsNotExist(err) {
			return 0, nil, plumbing.ErrObjectNotFound
		}
		return 0, nil, err
	}
	defer f.Close()
	r.o.inflated.Add(1)
	or, err := objfile.NewReader(f)
	if err != nil {
		return 0, nil, fmt.Errorf("loose object %s: %w", hex, err)
	}
	defer or.Close()
	typ, size, err := or.Header()
	if err != nil {
		return 0, nil, fmt.Errorf("loose object %s: %w", hex, err)
	}
	if size < 0 || size > maxObjectSize {
		return 0, nil, fmt.Errorf("loose object %s: size %d out of range", hex, size)
	}
	data := make([]byte, size)
	if _, err := io.ReadFull(or, data); err != nil {
		return 0, nil, fmt.Errorf("loose object %s: %w", hex, err)
	}
	return typ, data, nil
}

// readFallback reads h through go-git's storer.
func (r *Reader) readFallback(h plumbing.Hash) (plumbing.ObjectType, []byte, error) {
	if r.o.fallback == nil {
		return 0, nil, fmt.Errorf("object %s: %w", h, plumbing.ErrObjectNotFound)
	}
	r.o.fbMu.Lock()
	defer r.o.fbMu.Unlock()
	obj, err := r.o.fallback.EncodedObject(plumbing.AnyObject, h)
	if err != nil {
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
	r.o.inflated.Add(1)
	return obj.Type(), data, nil
}
