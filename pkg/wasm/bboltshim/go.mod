// Module bboltshim stands in for go.etcd.io/bbolt in the wasm search
// runtime (see ../go.mod): bbolt does not compile for GOOS=js (flock, mmap),
// and the runtime only reads an index. It is inquest's own read-only reader
// of bbolt's documented on-disk format, with the API Bleve's scorch uses.
module go.etcd.io/bbolt

go 1.26.0
