// Package indexer is the document-building side of search: what a static
// site ships to browsers (an index of its published incidents packed into
// one bundle, with the WebAssembly runtime, under content-hashed names)
// and the byte-level normalisation that makes two builds of the same
// postmortems write the same index files. Package search is the query
// side, which reads what this package writes.
package indexer
