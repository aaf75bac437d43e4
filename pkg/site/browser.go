package site

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/inquest-dev/inquest/pkg/config"
	"github.com/inquest-dev/inquest/pkg/postmortem"
	"github.com/inquest-dev/inquest/pkg/search"
	"github.com/inquest-dev/inquest/pkg/wasmrt"
)

// manifestPath is the one search file without a content hash: the search
// page reads it to learn how to answer queries and, for wasm, the hashed
// names of everything else.
const manifestPath = "search/manifest.json"

// browserManifest is search/manifest.json. Paths are relative to the
// site's base path.
type browserManifest struct {
	// Mode is wasm, catalog or server (config.Search.Browser, auto
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

// browserRuntime is the WebAssembly search runtime the site ships.
type browserRuntime struct {
	wasmGzip []byte // gzip of inquest.wasm
	wasmExec []byte // Go's wasm_exec.js
}

// browserMode returns how the search page of this build answers queries.
// --search-index forces wasm whatever the size; serve's pages ask its API
// and get no files.
func browserMode(cfg config.Search, opts BuildOptions, published int) string {
	switch {
	case opts.Serve:
		return config.BrowserServer
	case opts.SearchIndex:
		return config.BrowserWasm
	}
	return cfg.BrowserMode(published)
}

// browserIndex writes, in wasm mode, an index of the published incidents
// packed for the browser, the runtime and its loader, all with
// content-hashed names, into the site folder dir, and returns the manifest
// that names them. It needs only the assembled site, so Build runs it
// beside the pages; writeBrowserManifest finishes the job.
func (b *builder) browserIndex(ctx context.Context, dir string) (browserManifest, error) {
	m := browserManifest{Mode: browserMode(b.repo.Config.Search, b.opts, len(b.site.Incidents))}
	switch m.Mode {
	case config.BrowserServer:
		m.API = "api/search"
	case config.BrowserWasm:
		// An index of exactly what this site publishes: drafts and internal
		// incidents left out of the pages must not be found in it either.
		pub := make([]*postmortem.Incident, len(b.site.Incidents))
		for i, v := range b.site.Incidents {
			pub[i] = v.Incident
		}
		rt := browserRuntime{wasmGzip: wasmrt.WasmGzip(), wasmExec: wasmrt.WasmExecJS()}
		return writeBrowserIndex(ctx, dir, pub, rt, b.site.Now)
	}
	return m, nil
}

// writeBrowserManifest writes search/manifest.json for m into dir, with the
// names of the theme's search scripts, once the pages (and assets) are
// written.
func (b *builder) writeBrowserManifest(dir string, m browserManifest) error {
	if m.Mode == config.BrowserWasm {
		m.Worker, m.MemFS = b.site.Assets["search-worker.js"], b.site.Assets["memfs.js"]
		if m.Worker == "" || m.MemFS == "" {
			return fmt.Errorf("theme: static/search-worker.js and static/memfs.js are needed for search.browser: wasm")
		}
	}
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	return writeFile(dir, manifestPath, append(data, '\n'))
}

// writeBrowserIndex builds the browser index of incs, packs it and writes
// it and the runtime under dir/search/, and wasm_exec.js under dir/assets/,
// with hashed names; ref is the build's reference time, the only time
// written into the index.
func writeBrowserIndex(ctx context.Context, dir string, incs []*postmortem.Incident, rt browserRuntime, ref time.Time) (browserManifest, error) {
	m := browserManifest{Mode: config.BrowserWasm}
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
	// search numbers the documents of a segment by id, and
	// reproducibleIndex makes the rest of the files the same on every build.
	if err := search.Build(ctx, idx, incs, search.BuildOptions{Browser: true}); err != nil {
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
		{&m.Wasm, "search/inquest", ".wasm.gz", rt.wasmGzip, true},
		// Every script of the site is in assets/.
		{&m.WasmExec, "assets/wasm_exec", ".js", rt.wasmExec, false},
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
// the files apart; search-worker.js unpacks it.
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
