// Package zapshim is a scorch segment plugin that opens, builds and merges
// nothing. Plugin is generic in a type that names its zap version, so that
// each stand-in module can declare
//
//	type ZapPlugin = zapshim.Plugin[version]
//
// and scorch's &zapvNN.ZapPlugin{} registers the right version.
package zapshim

import (
	"fmt"

	"github.com/RoaringBitmap/roaring/v2"
	index "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// Version is implemented by the zero value of a type that names a zap
// segment version.
type Version interface {
	Version() uint32
}

// Plugin is a zap segment plugin of version V that supports nothing.
type Plugin[V Version] struct{}

// Type returns "zap", the segment type of every zapx version.
func (Plugin[V]) Type() string { return "zap" }

// Version returns V's version.
func (Plugin[V]) Version() uint32 {
	var v V
	return v.Version()
}

func (p Plugin[V]) err() error {
	return fmt.Errorf("zap v%d segments are not supported by the inquest wasm runtime, which reads indexes written by inquest (zap v17): build the index again", p.Version())
}

// New returns an error.
func (p Plugin[V]) New([]index.Document) (segment.Segment, uint64, error) {
	return nil, 0, p.err()
}

// NewUsing returns an error.
func (p Plugin[V]) NewUsing([]index.Document, map[string]any) (segment.Segment, uint64, error) {
	return nil, 0, p.err()
}

// Open returns an error.
func (p Plugin[V]) Open(string) (segment.Segment, error) {
	return nil, p.err()
}

// OpenUsing returns an error.
func (p Plugin[V]) OpenUsing(string, map[string]any) (segment.Segment, error) {
	return nil, p.err()
}

// Merge returns an error.
func (p Plugin[V]) Merge([]segment.Segment, []*roaring.Bitmap, string, chan struct{}, segment.StatsReporter) ([][]uint64, uint64, error) {
	return nil, 0, p.err()
}

// MergeUsing returns an error.
func (p Plugin[V]) MergeUsing([]segment.Segment, []*roaring.Bitmap, string, chan struct{}, segment.StatsReporter, map[string]any) ([][]uint64, uint64, error) {
	return nil, 0, p.err()
}
