package indexer

import (
	"slices"
	"strings"
	"sync"

	"github.com/blevesearch/bleve/v2/index/scorch"
	bleveindex "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
	zap "github.com/blevesearch/zapx/v17"
)

// orderedZap is Bleve's zap v17 segment format with one difference: a new
// segment numbers its documents in the order of their ids. Scorch hands a
// batch's documents over in map order, so two builds of the same documents
// would otherwise number them differently, and write different bytes and
// break ties between equal scores differently. Segments are ordinary zap
// v17 files, which any reader of zap v17 (package search, the wasm
// runtime) opens; merging keeps the order of the segments merged.
type orderedZap struct {
	zap.ZapPlugin
}

// New numbers results by id.
func (p *orderedZap) New(results []bleveindex.Document) (segment.Segment, uint64, error) {
	sortByID(results)
	return p.ZapPlugin.New(results)
}

// NewUsing numbers results by id.
func (p *orderedZap) NewUsing(results []bleveindex.Document, config map[string]any) (segment.Segment, uint64, error) {
	sortByID(results)
	return p.ZapPlugin.NewUsing(results, config)
}

func sortByID(docs []bleveindex.Document) {
	slices.SortFunc(docs, func(a, b bleveindex.Document) int { return strings.Compare(a.ID(), b.ID()) })
}

// registered makes registerSegments register orderedZap once per process.
//
// It is the package's one piece of process-wide state, because what it
// guards is one: scorch chooses segment plugins from a registry of its own,
// a package-level map without a lock, which it reads whenever an index is
// created or opened. Writing that map while another goroutine opens an
// index is a data race, so the write happens once, before this package
// writes its first index, and never again.
var registered sync.Once

// registerSegments makes orderedZap scorch's plugin for zap v17 and the
// default for new segments. Build and Update call it before they write:
// only a process that writes an index changes scorch's registry, and a
// reader (package search, the wasm runtime, which registers a plugin of
// its own) is left with Bleve's.
func registerSegments() {
	registered.Do(func() { scorch.RegisterSegmentPlugin(&orderedZap{}, true) })
}
