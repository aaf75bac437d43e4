// Package indexer is the document-building side of search: it turns
// incidents into search.Documents and writes the indexes package search
// reads.
//
//   - Build writes a fresh index and Update keeps one in step with the
//     postmortems, writing only the incidents whose documents changed;
//     both write segments whose documents are numbered by id (see
//     registerSegments, which they call).
//   - WriteBrowser writes what a static site ships for full-text search:
//     an index of its published incidents in shards, newest first, each
//     packed into a bundle that opens with the shards before it as one
//     index (shards.go), and the WebAssembly runtime, under
//     content-hashed names, with the bytes of every index file normalised
//     so that two builds of the same postmortems write the same files
//     (reproducible.go).
//   - Relations finds related incidents as the index would score them,
//     in memory and independent of any index's history.
//
// Package search knows nothing of postmortems, so that a change to the
// domain model changes this package and not the WebAssembly runtime.
package indexer
