// Package wasmrt embeds inquest's search runtime for static sites: package
// search compiled to WebAssembly (see pkg/wasm), gzipped, and the
// wasm_exec.js of the Go toolchain that built it. A site ships both; the
// page decompresses the runtime with DecompressionStream("gzip").
//
// The files are generated and committed, so that go install and go build
// need no wasm toolchain step. Regenerate them after changing pkg/wasm or
// anything it compiles (pkg/search and what it imports):
//
//	go generate ./pkg/wasmrt
//
// CI fails when the committed files differ from a fresh build.
package wasmrt

import (
	_ "embed"
)

//go:generate go run ./internal/gen

//go:embed inquest.wasm.gz
var wasmGzip string

//go:embed wasm_exec.js
var wasmExecJS string

// WasmGzip returns the gzipped runtime. Each call returns a new copy.
func WasmGzip() []byte { return []byte(wasmGzip) }

// WasmExecJS returns the wasm_exec.js that goes with the runtime: it
// defines globalThis.Go, which starts it. Each call returns a new copy.
func WasmExecJS() []byte { return []byte(wasmExecJS) }
