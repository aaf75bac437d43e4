// Stand-in for github.com/blevesearch/zapx/v12 in the wasm runtime: see
// ../go.mod.
module github.com/blevesearch/zapx/v12

go 1.26.0

require github.com/inquest-dev/inquest/pkg/wasm/zapshim v0.0.0
