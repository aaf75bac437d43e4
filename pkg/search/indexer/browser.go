package indexer

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/inquest-dev/inquest/pkg/postmortem"
)

// ManifestPath is the one search file of a site without a content hash:
// the search page reads it to learn how to answer queries and, for wasm,
// the hashed names of everything else.
const ManifestPath = "search/manifest.json"

// Manifest is search/manifest.json. Paths are relative to the site's base
// path.
type Manifest struct {
	// Mode is wasm, catalog or server (the site's search.browser, auto
	// resolved).
	Mode string `json:"mode"`
	// API is the search API the page asks in server mode.
	API string `json:"api,omitempty"`
	// Worker, MemFS and WasmExec are scripts; Wasm (the runtime) and Index
	// (the index bundle) are gzip files the worker decompresses.
	Worker   string `json:"worker,omitempty"`
	MemFS    string `json:"memfs,omitempty"`
	WasmExec string `json:"wasm_exec,omitempty"`
	Wasm     string `json:"wasm,omitempty"`
	Index    string `json:"index,omitempty"`
	// Incidents is the number of documents in the index; Bytes is what a
	// reader downloads for the runtime and the index.
	Incidents int   `json:"incidents,omitempty"`
	Bytes     int64 `json:"bytes,omitempty"`
}

// Runtime is the WebAssembly search runtime a site ships (package wasmrt
// embeds the one inquest was built with).
type Runtime struct {
	WasmGzip []byte // gzip of inquest.wasm
	WasmExec []byte // Go's wasm_exec.js, which starts it
}

// WriteBrowser builds the browser index of incs, packs it into one bundle
// and writes it and the runtime under dir/search/, and wasm_exec.js under
// dir/assets/, with content-hashed names. It returns the manifest that
// names them; the caller sets its Mode and scripts and writes it with
// WriteManifest. ref is the build's reference time, the only time written
// into the index: two calls with the same incidents, runtime and ref write
// the same bytes.
func WriteBrowser(ctx context.Context, dir string, incs []*postmortem.Incident, rt Runtime, ref time.Time) (Manifest, error) {
	var m Manifest
	// Bleve's builder merges what it has even when cancelled: do not start.
	if err := ctx.Err(); err != nil {
		return m, err
	}
	tmp, err := os.MkdirTemp(dir, ".search-index-")
	if err != nil {
		return m, err
	}
	defer os.RemoveAll(tmp)
	idx := filepath.Join(tmp, "index")
	// Segments number their documents by id, and reproducibleIndex makes
	// the rest of the files the same on every build.
	if err := Build(ctx, idx, incs, BuildOptions{Browser: true}); err != nil {
		return m, fmt.Errorf("search index: %w", err)
	}
	if err := reproducibleIndex(idx, ref); err != nil {
		return m, fmt.Errorf("search index: %w", err)
	}
	bundle, err := packIndex(idx)
	if err != nil {
		return m, fmt.Errorf("search index: %w", err)
	}
	gz, err := gzipBytes(bundle)
	if err != nil {
		return m, err
	}
	for _, f := range []struct {
		dst        *string
		name, ext  string
		data       []byte
		downloaded bool
	}{
		{&m.Index, "search/index", ".bundle.gz", gz, true},
		{&m.Wasm, "search/inquest", ".wasm.gz", rt.WasmGzip, true},
		// Every script of the site is in assets/.
		{&m.WasmExec, "assets/wasm_exec", ".js", rt.WasmExec, false},
	} {
		*f.dst = hashedName(f.name, f.ext, f.data)
		if err := writeFile(dir, *f.dst, f.data); err != nil {
			return m, err
		}
		if f.downloaded {
			m.Bytes += int64(len(f.data))
		}
	}
	m.Incidents = len(incs)
	return m, nil
}

// WriteManifest writes m as dir/ManifestPath.
func WriteManifest(dir string, m Manifest) error {
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	return writeFile(dir, ManifestPath, append(data, '\n'))
}

// writeFile writes data to the slash path rel under dir, making its folders.
func writeFile(dir, rel string, data []byte) error {
	p := filepath.Join(dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	return os.WriteFile(p, data, 0o644)
}

// hashedName is name.HASH.ext, HASH the first 8 hex digits of the SHA-256
// of data, as for the theme's assets: a file can then be cached for ever,
// and a new build never mixes with an old one in a reader's cache.
func hashedName(name, ext string, data []byte) string {
	sum := sha256.Sum256(data)
	return name + "." + hex.EncodeToString(sum[:4]) + ext
}

// bundleFile is one entry of a bundle's table.
type bundleFile struct {
	Name   string `json:"name"`
	Offset int64  `json:"offset"`
	Size   int64  `json:"size"`
}

// packIndex packs the files of the index folder dir into one bundle: a
// line of JSON, {"files": [{name, offset, size}, …]} sorted by name, then
// the files' bytes one after the other, offsets counted from the end of
// that line. One file fetches in one request and compresses better than
// the files apart; the theme's search-worker.js unpacks it.
func packIndex(dir string) ([]byte, error) {
	var names []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if !d.Type().IsRegular() {
			return fmt.Errorf("%s: not a regular file", p)
		}
		rel, err := filepath.Rel(dir, p)
		names = append(names, filepath.ToSlash(rel))
		return err
	})
	if err != nil {
		return nil, err
	}
	slices.Sort(names)
	var table struct {
		Files []bundleFile `json:"files"`
	}
	var data bytes.Buffer
	for _, name := range names {
		b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
		if err != nil {
			return nil, err
		}
		table.Files = append(table.Files, bundleFile{Name: name, Offset: int64(data.Len()), Size: int64(len(b))})
		data.Write(b)
	}
	head, err := json.Marshal(table)
	if err != nil {
		return nil, err
	}
	return slices.Concat(head, []byte("\n"), data.Bytes()), nil
}

// UnpackBundle writes the files of an index bundle (gzipped, as
// WriteBrowser writes it, or not) into dir, where search.Open can read
// them: the inverse of the packing, as the theme's search-worker.js reads
// a bundle. A bundle cut short or naming a file outside dir is an error.
func UnpackBundle(bundle []byte, dir string) error {
	if bytes.HasPrefix(bundle, []byte{0x1f, 0x8b}) {
		zr, err := gzip.NewReader(bytes.NewReader(bundle))
		if err != nil {
			return fmt.Errorf("index bundle: %w", err)
		}
		var buf bytes.Buffer
		if _, err := buf.ReadFrom(zr); err != nil {
			return fmt.Errorf("index bundle: %w", err)
		}
		bundle = buf.Bytes()
	}
	nl := bytes.IndexByte(bundle, '\n')
	if nl < 0 {
		return errors.New("index bundle: no table")
	}
	var table struct {
		Files []bundleFile `json:"files"`
	}
	if err := json.Unmarshal(bundle[:nl], &table); err != nil {
		return fmt.Errorf("index bundle: %w", err)
	}
	data := bundle[nl+1:]
	for _, f := range table.Files {
		if f.Offset < 0 || f.Size < 0 || f.Offset > int64(len(data)) || f.Size > int64(len(data))-f.Offset {
			return fmt.Errorf("index bundle: %s is cut short", f.Name)
		}
		if !fs.ValidPath(f.Name) || strings.Contains(f.Name, "\\") {
			return fmt.Errorf("index bundle: bad name %q", f.Name)
		}
		if err := writeFile(dir, path.Clean(f.Name), data[f.Offset:f.Offset+f.Size]); err != nil {
			return err
		}
	}
	return nil
}

// gzipBytes compresses data the same way every time: no name, no time in
// the header, one fixed level.
func gzipBytes(data []byte) ([]byte, error) {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(data); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
