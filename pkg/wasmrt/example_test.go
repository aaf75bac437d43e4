package wasmrt_test

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"

	"github.com/inquest-dev/inquest/pkg/wasmrt"
)

// A site writes WasmGzip and WasmExecJS as they are; this is what the page
// gets once DecompressionStream("gzip") has run.
func ExampleWasmGzip() {
	zr, err := gzip.NewReader(bytes.NewReader(wasmrt.WasmGzip()))
	if err != nil {
		panic(err)
	}
	wasm, err := io.ReadAll(zr)
	if err != nil {
		panic(err)
	}
	fmt.Printf("%q\n", wasm[:4])
	// Output: "\x00asm"
}
