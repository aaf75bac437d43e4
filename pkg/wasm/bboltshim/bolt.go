// Package bbolt is a read-only reader of bbolt database files, providing the
// subset of go.etcd.io/bbolt's API that Bleve uses. The file is read into
// memory once when it is opened; every write returns ErrDatabaseReadOnly or
// ErrTxNotWritable.
//
// On-disk format (bbolt version 2, native byte order, which is little-endian
// on every platform this runs on):
//
//   - The file is an array of pages of PageSize bytes. Every page starts with
//     a 16-byte header: id uint64, flags uint16, count uint16, overflow
//     uint32 (the number of further pages the page spans).
//   - Pages 0 and 1 are meta pages (flag 0x04). After the header: magic
//     uint32 (0xED0CDAED), version uint32 (2), pageSize uint32, flags uint32,
//     root bucket (root pgid uint64, sequence uint64), freelist pgid uint64,
//     high-water pgid uint64, txid uint64, checksum uint64 (FNV-1a 64 of the
//     preceding 56 bytes). The valid meta with the higher txid is current.
//   - Branch pages (flag 0x01) hold count 16-byte elements: pos uint32,
//     ksize uint32, pgid uint64; the key is ksize bytes at pos bytes from the
//     element itself, and pgid is the child page holding keys >= that key.
//   - Leaf pages (flag 0x02) hold count 16-byte elements: flags uint32, pos
//     uint32, ksize uint32, vsize uint32; the key is at pos bytes from the
//     element and the value follows it. Element flag 0x01 marks a nested
//     bucket, whose value is a bucket header (root pgid uint64, sequence
//     uint64); a zero root means an inline bucket, whose page (header and
//     elements) follows the header in the value.
package bbolt

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"sort"
	"time"
)

// Errors, with the names bbolt gives them.
var (
	ErrDatabaseNotOpen    = errors.New("database not open")
	ErrInvalid            = errors.New("invalid database")
	ErrVersionMismatch    = errors.New("version mismatch")
	ErrChecksum           = errors.New("checksum error")
	ErrDatabaseReadOnly   = errors.New("database is in read-only mode")
	ErrTxNotWritable      = errors.New("tx not writable")
	ErrTxClosed           = errors.New("tx closed")
	ErrBucketNotFound     = errors.New("bucket not found")
	ErrBucketExists       = errors.New("bucket already exists")
	ErrBucketNameRequired = errors.New("bucket name required")
	ErrIncompatibleValue  = errors.New("incompatible value")
)

// Fill percentages, for API compatibility only.
const (
	MinFillPercent     = 0.1
	MaxFillPercent     = 1.0
	DefaultFillPercent = 0.5
)

const (
	magic         = 0xED0CDAED
	version       = 2
	pageHeaderLen = 16
	elemLen       = 16
	metaLen       = 64 // up to and including the checksum

	branchPageFlag = 0x01
	leafPageFlag   = 0x02
	metaPageFlag   = 0x04

	bucketLeafFlag  = 0x01
	bucketHeaderLen = 16
)

var le = binary.LittleEndian

// Options configures Open. Only ReadOnly and OpenFile matter here; the
// others are accepted for compatibility.
type Options struct {
	Timeout         time.Duration
	NoGrowSync      bool
	NoFreelistSync  bool
	PreLoadFreelist bool
	FreelistType    string
	ReadOnly        bool
	MmapFlags       int
	InitialMmapSize int
	PageSize        int
	NoSync          bool
	Mlock           bool
	// OpenFile, when set, opens the file instead of os.OpenFile.
	OpenFile func(string, int, os.FileMode) (*os.File, error)
}

// DefaultOptions are the options used when Open is given nil.
var DefaultOptions = &Options{Timeout: 0, NoGrowSync: false}

// Stats is returned by DB.Stats; it is always zero here.
type Stats struct {
	FreePageN     int
	PendingPageN  int
	FreeAlloc     int
	FreelistInuse int
	TxN           int
	OpenTxN       int
	TxStats       TxStats
}

// TxStats is part of Stats.
type TxStats struct{}

// DB is an open, read-only database.
type DB struct {
	// Fields set by callers of bbolt; ignored.
	StrictMode     bool
	NoSync         bool
	NoGrowSync     bool
	MmapFlags      int
	MaxBatchSize   int
	MaxBatchDelay  time.Duration
	AllocSize      int
	NoFreelistSync bool

	path     string
	data     []byte
	pageSize int
	root     uint64 // root bucket's page
	closed   bool
}

// Open reads the database at path. Only read-only use is supported: a
// missing file is an error, and Begin(true) and Update fail.
func Open(path string, mode os.FileMode, options *Options) (*DB, error) {
	if options == nil {
		options = DefaultOptions
	}
	open := os.OpenFile
	if options.OpenFile != nil {
		open = options.OpenFile
	}
	f, err := open(path, os.O_RDONLY, mode)
	if err != nil {
		return nil, err
	}
	data, err := io.ReadAll(f)
	_ = f.Close()
	if err != nil {
		return nil, err
	}
	db, err := load(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	db.path = path
	return db, nil
}

// load validates the meta pages of data and picks the current one.
func load(data []byte) (*DB, error) {
	if len(data) < pageHeaderLen+metaLen {
		return nil, ErrInvalid
	}
	// The page size is in the first meta page; if that one is damaged,
	// bbolt tries the second at the usual page sizes.
	ps := int(le.Uint32(data[pageHeaderLen+8:]))
	var best []byte
	var bestTx uint64
	var firstErr error
	for i := 0; i < 2; i++ {
		off := i * ps
		if ps <= 0 || off+pageHeaderLen+metaLen > len(data) {
			break
		}
		m := data[off+pageHeaderLen : off+pageHeaderLen+metaLen]
		if err := validMeta(m); err != nil {
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		if tx := le.Uint64(m[48:]); best == nil || tx > bestTx {
			best, bestTx = m, tx
		}
	}
	if best == nil {
		if firstErr == nil {
			firstErr = ErrInvalid
		}
		return nil, firstErr
	}
	return &DB{data: data, pageSize: int(le.Uint32(best[8:])), root: le.Uint64(best[16:])}, nil
}

func validMeta(m []byte) error {
	if le.Uint32(m[0:]) != magic {
		return ErrInvalid
	}
	if le.Uint32(m[4:]) != version {
		return ErrVersionMismatch
	}
	h := fnv.New64a()
	h.Write(m[:56])
	if h.Sum64() != le.Uint64(m[56:]) {
		return ErrChecksum
	}
	return nil
}

// Path returns the file the database was read from.
func (db *DB) Path() string { return db.path }

// GoString and String describe the database.
func (db *DB) String() string { return fmt.Sprintf("DB<%q>", db.path) }

// IsReadOnly is always true.
func (db *DB) IsReadOnly() bool { return true }

// Close releases the database.
func (db *DB) Close() error {
	db.closed = true
	db.data = nil
	return nil
}

// Sync does nothing.
func (db *DB) Sync() error { return nil }

// Stats returns zero statistics.
func (db *DB) Stats() Stats { return Stats{} }

// Begin starts a read-only transaction; writable ones fail.
func (db *DB) Begin(writable bool) (*Tx, error) {
	if db.closed {
		return nil, ErrDatabaseNotOpen
	}
	if writable {
		return nil, ErrDatabaseReadOnly
	}
	return &Tx{db: db, root: Bucket{tx: nil, rootPage: db.root}}, nil
}

// View runs fn in a read-only transaction.
func (db *DB) View(fn func(*Tx) error) error {
	tx, err := db.Begin(false)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	return fn(tx)
}

// Update fails: the database is read-only.
func (db *DB) Update(fn func(*Tx) error) error { return ErrDatabaseReadOnly }

// Batch fails: the database is read-only.
func (db *DB) Batch(fn func(*Tx) error) error { return ErrDatabaseReadOnly }

// Tx is a read-only transaction.
type Tx struct {
	db     *DB
	root   Bucket
	closed bool
}

func (tx *Tx) rootBucket() *Bucket {
	tx.root.tx = tx
	return &tx.root
}

// DB returns the transaction's database.
func (tx *Tx) DB() *DB { return tx.db }

// Writable is always false.
func (tx *Tx) Writable() bool { return false }

// Bucket returns the top-level bucket name, or nil.
func (tx *Tx) Bucket(name []byte) *Bucket { return tx.rootBucket().Bucket(name) }

// Cursor iterates over the top-level buckets.
func (tx *Tx) Cursor() *Cursor { return tx.rootBucket().Cursor() }

// ForEach calls fn with the name of every top-level bucket.
func (tx *Tx) ForEach(fn func(name []byte, b *Bucket) error) error {
	r := tx.rootBucket()
	return r.ForEach(func(k, _ []byte) error { return fn(k, r.Bucket(k)) })
}

// CreateBucket fails: the transaction is read-only.
func (tx *Tx) CreateBucket(name []byte) (*Bucket, error) { return nil, ErrTxNotWritable }

// CreateBucketIfNotExists fails: the transaction is read-only.
func (tx *Tx) CreateBucketIfNotExists(name []byte) (*Bucket, error) { return nil, ErrTxNotWritable }

// DeleteBucket fails: the transaction is read-only.
func (tx *Tx) DeleteBucket(name []byte) error { return ErrTxNotWritable }

// Commit fails: the transaction is read-only.
func (tx *Tx) Commit() error {
	if tx.closed {
		return ErrTxClosed
	}
	return ErrTxNotWritable
}

// Rollback ends the transaction.
func (tx *Tx) Rollback() error {
	if tx.closed {
		return ErrTxClosed
	}
	tx.closed = true
	return nil
}

// Bucket is a collection of keys, values and nested buckets.
type Bucket struct {
	// FillPercent is accepted for compatibility.
	FillPercent float64

	tx       *Tx
	rootPage uint64 // 0 for an inline bucket
	inline   []byte // the inline bucket's page
}

// Tx returns the bucket's transaction.
func (b *Bucket) Tx() *Tx { return b.tx }

// Root returns the bucket's root page (0 when inline).
func (b *Bucket) Root() uint64 { return b.rootPage }

// Writable is always false.
func (b *Bucket) Writable() bool { return false }

// Cursor iterates over the bucket in key order.
func (b *Bucket) Cursor() *Cursor { return &Cursor{b: b} }

// Bucket returns the nested bucket name, or nil.
func (b *Bucket) Bucket(name []byte) *Bucket {
	k, v, flags := b.Cursor().seek(name)
	if !bytes.Equal(k, name) || flags&bucketLeafFlag == 0 || len(v) < bucketHeaderLen {
		return nil
	}
	child := &Bucket{tx: b.tx, rootPage: le.Uint64(v)}
	if child.rootPage == 0 {
		child.inline = v[bucketHeaderLen:]
	}
	return child
}

// Get returns the value of key, or nil when there is none or key names a
// nested bucket. The slice is valid until the database is closed.
func (b *Bucket) Get(key []byte) []byte {
	k, v, flags := b.Cursor().seek(key)
	if !bytes.Equal(k, key) || flags&bucketLeafFlag != 0 {
		return nil
	}
	return v
}

// ForEach calls fn with every key and value; v is nil for nested buckets.
func (b *Bucket) ForEach(fn func(k, v []byte) error) error {
	c := b.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if err := fn(k, v); err != nil {
			return err
		}
	}
	return nil
}

// ForEachBucket calls fn with the name of every nested bucket.
func (b *Bucket) ForEachBucket(fn func(k []byte) error) error {
	c := b.Cursor()
	for k, _, flags := c.first(); k != nil; k, _, flags = c.next() {
		if flags&bucketLeafFlag != 0 {
			if err := fn(k); err != nil {
				return err
			}
		}
	}
	return nil
}

// Sequence returns the bucket's sequence number (0 here).
func (b *Bucket) Sequence() uint64 { return 0 }

// Put fails: the bucket is read-only.
func (b *Bucket) Put(key, value []byte) error { return ErrTxNotWritable }

// Delete fails: the bucket is read-only.
func (b *Bucket) Delete(key []byte) error { return ErrTxNotWritable }

// CreateBucket fails: the bucket is read-only.
func (b *Bucket) CreateBucket(key []byte) (*Bucket, error) { return nil, ErrTxNotWritable }

// CreateBucketIfNotExists fails: the bucket is read-only.
func (b *Bucket) CreateBucketIfNotExists(key []byte) (*Bucket, error) {
	return nil, ErrTxNotWritable
}

// DeleteBucket fails: the bucket is read-only.
func (b *Bucket) DeleteBucket(key []byte) error { return ErrTxNotWritable }

// NextSequence fails: the bucket is read-only.
func (b *Bucket) NextSequence() (uint64, error) { return 0, ErrTxNotWritable }

// page is one page of the file (or an inline bucket's page).
type page []byte

func (b *Bucket) page(id uint64) page {
	db := b.tx.db
	off := int(id) * db.pageSize
	if id == 0 && b.inline != nil {
		return page(b.inline)
	}
	if off < 0 || off+pageHeaderLen > len(db.data) {
		panic(fmt.Sprintf("bbolt: page %d out of range", id))
	}
	return page(db.data[off:])
}

func (p page) flags() uint16 { return le.Uint16(p[8:]) }
func (p page) count() int    { return int(le.Uint16(p[10:])) }
func (p page) isLeaf() bool  { return p.flags()&leafPageFlag != 0 }

// key returns the key of element i (branch and leaf elements keep pos and
// ksize at different offsets).
func (p page) key(i int) []byte {
	e := pageHeaderLen + i*elemLen
	if p.isLeaf() {
		pos, ks := int(le.Uint32(p[e+4:])), int(le.Uint32(p[e+8:]))
		return p[e+pos : e+pos+ks : e+pos+ks]
	}
	pos, ks := int(le.Uint32(p[e:])), int(le.Uint32(p[e+4:]))
	return p[e+pos : e+pos+ks : e+pos+ks]
}

// child returns the page id of branch element i.
func (p page) child(i int) uint64 {
	return le.Uint64(p[pageHeaderLen+i*elemLen+8:])
}

// leaf returns key, value and flags of leaf element i.
func (p page) leaf(i int) (k, v []byte, flags uint32) {
	e := pageHeaderLen + i*elemLen
	flags = le.Uint32(p[e:])
	pos, ks, vs := int(le.Uint32(p[e+4:])), int(le.Uint32(p[e+8:])), int(le.Uint32(p[e+12:]))
	k = p[e+pos : e+pos+ks : e+pos+ks]
	v = p[e+pos+ks : e+pos+ks+vs : e+pos+ks+vs]
	return k, v, flags
}

// Cursor iterates over a bucket. Keys and values it returns stay valid
// until the database is closed.
type Cursor struct {
	b     *Bucket
	stack []elemRef
}

type elemRef struct {
	p     page
	index int
}

// Bucket returns the cursor's bucket.
func (c *Cursor) Bucket() *Bucket { return c.b }

// First moves to the first key.
func (c *Cursor) First() (key, value []byte) { return kv(c.first()) }

// Last moves to the last key.
func (c *Cursor) Last() (key, value []byte) { return kv(c.last()) }

// Next moves to the next key.
func (c *Cursor) Next() (key, value []byte) { return kv(c.next()) }

// Prev moves to the previous key.
func (c *Cursor) Prev() (key, value []byte) { return kv(c.prev()) }

// Seek moves to key, or the next key after it.
func (c *Cursor) Seek(seek []byte) (key, value []byte) { return kv(c.seek(seek)) }

// Delete fails: the cursor's bucket is read-only.
func (c *Cursor) Delete() error { return ErrTxNotWritable }

// kv hides the values of nested buckets, as bbolt does.
func kv(k, v []byte, flags uint32) ([]byte, []byte) {
	if flags&bucketLeafFlag != 0 {
		return k, nil
	}
	return k, v
}

func (c *Cursor) rootPage() page {
	if c.b.rootPage == 0 {
		return page(c.b.inline)
	}
	return c.b.page(c.b.rootPage)
}

func (c *Cursor) first() ([]byte, []byte, uint32) {
	c.stack = append(c.stack[:0], elemRef{p: c.rootPage()})
	c.goFirst()
	if top := c.stack[len(c.stack)-1]; top.p.count() == 0 {
		return c.next()
	}
	return c.current()
}

func (c *Cursor) last() ([]byte, []byte, uint32) {
	root := c.rootPage()
	c.stack = append(c.stack[:0], elemRef{p: root, index: root.count() - 1})
	c.goLast()
	if top := c.stack[len(c.stack)-1]; top.p.count() == 0 {
		return c.prev()
	}
	return c.current()
}

// goFirst descends from the top of the stack to the first leaf element.
func (c *Cursor) goFirst() {
	for {
		top := c.stack[len(c.stack)-1]
		if top.p.isLeaf() || top.p.count() == 0 {
			return
		}
		c.stack = append(c.stack, elemRef{p: c.b.page(top.p.child(top.index))})
	}
}

// goLast descends from the top of the stack to the last leaf element.
func (c *Cursor) goLast() {
	for {
		top := c.stack[len(c.stack)-1]
		if top.p.isLeaf() || top.p.count() == 0 {
			return
		}
		child := c.b.page(top.p.child(top.index))
		c.stack = append(c.stack, elemRef{p: child, index: child.count() - 1})
	}
}

func (c *Cursor) next() ([]byte, []byte, uint32) {
	for {
		i := len(c.stack) - 1
		for ; i >= 0; i-- {
			if e := &c.stack[i]; e.index < e.p.count()-1 {
				e.index++
				break
			}
		}
		if i < 0 {
			// At the end; stay past the last element.
			if n := len(c.stack); n > 0 {
				c.stack[n-1].index = c.stack[n-1].p.count()
			}
			return nil, nil, 0
		}
		c.stack = c.stack[:i+1]
		c.goFirst()
		if c.stack[len(c.stack)-1].p.count() > 0 {
			return c.current()
		}
	}
}

func (c *Cursor) prev() ([]byte, []byte, uint32) {
	for {
		i := len(c.stack) - 1
		for ; i >= 0; i-- {
			if e := &c.stack[i]; e.index > 0 {
				e.index--
				break
			}
		}
		if i < 0 {
			c.stack = c.stack[:0]
			return nil, nil, 0
		}
		c.stack = c.stack[:i+1]
		c.goLast()
		if c.stack[len(c.stack)-1].p.count() > 0 {
			return c.current()
		}
	}
}

func (c *Cursor) seek(seek []byte) ([]byte, []byte, uint32) {
	p := c.rootPage()
	c.stack = c.stack[:0]
	for {
		n := p.count()
		if p.isLeaf() || n == 0 {
			i := sort.Search(n, func(i int) bool { return bytes.Compare(p.key(i), seek) >= 0 })
			c.stack = append(c.stack, elemRef{p: p, index: i})
			if i >= n {
				return c.next()
			}
			return c.current()
		}
		// The last element whose key is <= seek (or the first).
		i := sort.Search(n, func(i int) bool { return bytes.Compare(p.key(i), seek) > 0 }) - 1
		if i < 0 {
			i = 0
		}
		c.stack = append(c.stack, elemRef{p: p, index: i})
		p = c.b.page(p.child(i))
	}
}

func (c *Cursor) current() ([]byte, []byte, uint32) {
	if len(c.stack) == 0 {
		return nil, nil, 0
	}
	top := c.stack[len(c.stack)-1]
	if !top.p.isLeaf() || top.index < 0 || top.index >= top.p.count() {
		return nil, nil, 0
	}
	return top.p.leaf(top.index)
}
