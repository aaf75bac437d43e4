// Package memseg opens scorch's zap segment files by reading them into
// memory instead of mapping them: mmap is not available in WebAssembly
// (github.com/blevesearch/mmap-go returns ENOTSUP there). Register replaces
// Bleve's zap v17 segment plugin, the one new indexes are written with, by
// one whose Open reads the file and hands the bytes to zapx's
// InitSegmentBase; building and merging still go to zapx.
package memseg

import (
	"encoding/binary"
	"fmt"
	"os"
	"sync"

	"github.com/blevesearch/bleve/v2/index/scorch"
	segment "github.com/blevesearch/scorch_segment_api/v2"
	zap "github.com/blevesearch/zapx/v17"
)

// Plugin is zap v17 with in-memory Open. It keeps every segment it has
// read, by path: a browser index arrives in shards, and each shard that
// arrives opens the index again with one segment more (see
// indexer.WriteBrowser), which must not read and decode the segments
// already there a second time. The page then forgets the files it gave.
type Plugin struct {
	zap.ZapPlugin
	mu     sync.Mutex
	loaded map[string]*zap.SegmentBase
}

// Register makes a new Plugin scorch's zap v17 plugin and the default.
func Register() {
	scorch.RegisterSegmentPlugin(&Plugin{}, true)
}

// Segment is a zap segment read into memory; Path makes scorch treat it as
// persisted, which it is.
type Segment struct {
	*zap.SegmentBase
	path string
}

// Path returns the file the segment was read from.
func (s *Segment) Path() string { return s.path }

// Close does nothing: the plugin keeps the segment for the next open of
// the index, and the memory is the garbage collector's.
func (s *Segment) Close() error { return nil }

// Open reads the segment file at path.
func (p *Plugin) Open(path string) (segment.Segment, error) {
	return p.OpenUsing(path, nil)
}

// OpenUsing reads the segment file at path, or returns the one read from
// path before.
func (p *Plugin) OpenUsing(path string, config map[string]any) (segment.Segment, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if sb, ok := p.loaded[path]; ok {
		return &Segment{SegmentBase: sb, path: path}, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	sb, err := Load(data, config)
	if err != nil {
		return nil, fmt.Errorf("zap segment %s: %w", path, err)
	}
	if p.loaded == nil {
		p.loaded = map[string]*zap.SegmentBase{}
	}
	p.loaded[path] = sb
	return &Segment{SegmentBase: sb, path: path}, nil
}

// Load opens a zap v17 segment from the bytes of its file.
//
// A zap file ends with a footer, big-endian, read backwards from the end:
// crc uint32, version uint32, chunk mode uint32, sections index offset
// uint64, stored index offset uint64, number of documents uint64, length of
// the file writer id uint32, then the id itself (empty unless the index was
// written with a file callback, which is not supported here).
func Load(data []byte, config map[string]any) (*zap.SegmentBase, error) {
	be := binary.BigEndian
	n := len(data)
	if n < zap.FooterSize {
		return nil, fmt.Errorf("file too short (%d bytes)", n)
	}
	crc := be.Uint32(data[n-4:])
	if v := be.Uint32(data[n-8:]); v != zap.Version {
		return nil, fmt.Errorf("zap version %d, this reads %d", v, zap.Version)
	}
	chunkMode := be.Uint32(data[n-12:])
	sectionsIndexOffset := be.Uint64(data[n-20:])
	storedIndexOffset := be.Uint64(data[n-28:])
	numDocs := be.Uint64(data[n-36:])
	if idLen := be.Uint32(data[n-40:]); idLen != 0 {
		return nil, fmt.Errorf("written with a file callback (id of %d bytes): not supported", idLen)
	}
	mem := data[:n-zap.FooterSize]
	return zap.InitSegmentBase(mem, crc, chunkMode, numDocs, storedIndexOffset, sectionsIndexOffset, config, &segment.Stats{})
}
