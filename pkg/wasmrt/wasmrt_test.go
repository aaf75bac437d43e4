package wasmrt

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"io"
	"strings"
	"testing"
)

func decompress(t *testing.T) (*gzip.Header, []byte) {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(WasmGzip()))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return &zr.Header, raw
}

// The embedded gzip holds a wasm module of the size its trailer says, built by
// GoVersion, with a header that does not depend on when or where it was
// made.
func TestWasmGzip(t *testing.T) {
	h, raw := decompress(t)
	if !bytes.HasPrefix(raw, []byte("\x00asm\x01\x00\x00\x00")) {
		t.Fatalf("not a version 1 wasm module: starts %q", raw[:min(8, len(raw))])
	}
	// The gzip trailer records the size (modulo 2³²; the runtime is far
	// smaller).
	if size := binary.LittleEndian.Uint32([]byte(wasmGzip[len(wasmGzip)-4:])); len(raw) != int(size) {
		t.Errorf("decompressed %d bytes, the gzip trailer says %d", len(raw), size)
	}
	if h.Name != "" || !h.ModTime.IsZero() {
		t.Errorf("gzip header has name %q, time %v: want neither", h.Name, h.ModTime)
	}
	// A site ships the runtime and its index, and a 1,000-postmortem site
	// should stay within 8 MB (the index is about 4 MB); 2.7 MB today.
	// Smaller than 1 MB is a broken build.
	if n := len(WasmGzip()); n < 1e6 || n > 3.5e6 {
		t.Errorf("runtime gzip is %d bytes, want 1 to 3.5 MB: see pkg/wasm/README.md, Size", n)
	}
	if len(raw) < 2*len(WasmGzip()) {
		t.Errorf("raw %d bytes, gzip %d: compressed less than expected", len(raw), len(WasmGzip()))
	}
	// The runtime's own version string: wasm_exec.js and GoVersion must
	// come from the toolchain that built it.
	if !bytes.Contains(raw, []byte(GoVersion)) {
		t.Errorf("runtime does not contain %q", GoVersion)
	}
}

func TestWasmExecJS(t *testing.T) {
	js := string(WasmExecJS())
	if !strings.Contains(js, "globalThis.Go = class") {
		t.Errorf("wasm_exec.js (%d bytes) does not define globalThis.Go", len(js))
	}
}

// Callers may change what they get.
func TestCopies(t *testing.T) {
	b := WasmGzip()
	b[0] = 0
	if WasmGzip()[0] != 0x1f {
		t.Error("WasmGzip returned shared bytes")
	}
}
