// Module zapshim is the segment plugin behind the wasm runtime's stand-ins
// for zapx v11 to v16 (./v11 … ./v16, replaced in by ../go.mod). Bleve's
// scorch registers every zap version it has ever written, but inquest
// writes v17 only (search.Build uses scorch's default plugin), so the
// runtime carries v17 and answers the older versions with an error. The
// six older versions were 1.8 MB of the wasm binary.
module github.com/inquest-dev/inquest/pkg/wasm/zapshim

go 1.26.0

require (
	github.com/RoaringBitmap/roaring/v2 v2.14.5
	github.com/blevesearch/bleve_index_api v1.4.1
	github.com/blevesearch/scorch_segment_api/v2 v2.4.11
)

require (
	github.com/bits-and-blooms/bitset v1.24.2 // indirect
	github.com/mschoch/smat v0.2.0 // indirect
)
