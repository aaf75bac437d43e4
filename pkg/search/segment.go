package search

import (
	"slices"
	"strings"

	"github.com/blevesearch/bleve/v2/index/scorch"
	index "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
	zap "github.com/blevesearch/zapx/v17"
)

// orderedZap is Bleve's zap v17 segment format with one difference: a new
// segment numbers its documents in the order of their ids. Scorch hands a
// batch's documents over in map order, so two builds of the same documents
// would otherwise number them differently, and write different bytes and
// break ties between equal scores differently. Segments are ordinary zap
// v17 files; merging keeps the order of the segments merged.
type orderedZap struct {
	zap.ZapPlugin
}

func init() {
	scorch.RegisterSegmentPlugin(&orderedZap{}, true)
}

// New numbers results by id.
func (p *orderedZap) New(results []index.Document) (segment.Segment, uint64, error) {
	sortByID(results)
	return p.ZapPlugin.New(results)
}

// NewUsing numbers results by id.
func (p *orderedZap) NewUsing(results []index.Document, config map[string]any) (segment.Segment, uint64, error) {
	sortByID(results)
	return p.ZapPlugin.NewUsing(results, config)
}

func sortByID(docs []index.Document) {
	slices.SortFunc(docs, func(a, b index.Document) int { return strings.Compare(a.ID(), b.ID()) })
}
