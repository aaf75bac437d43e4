// Module geoshim stands in for github.com/blevesearch/geo in the wasm search
// runtime (see ../go.mod). Bleve uses it for geo shape fields and queries;
// inquest's mapping has no geo field and its query language no geo query.
// The real module (S2 geometry, GeoJSON, and json-iterator, which it
// brings along) was 1.7 of the runtime's 12.6 MB. This is inquest's own
// code: the names Bleve refers to, with shapes that intersect nothing and
// indexers that produce no terms.
module github.com/blevesearch/geo

go 1.26.0

require github.com/blevesearch/bleve_index_api v1.4.1
