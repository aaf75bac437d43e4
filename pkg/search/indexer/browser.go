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
	"maps"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/inquest-dev/inquest/pkg/postmortem"
	"github.com/inquest-dev/inquest/pkg/search"
	"github.com/inquest-dev/inquest/pkg/search/internal/indexdir"
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
	// Worker, MemFS and WasmExec are scripts; Wasm (the runtime) and the
	// Shards (index bundles) are gzip files the worker decompresses.
	Worker   string `json:"worker,omitempty"`
	MemFS    string `json:"memfs,omitempty"`
	WasmExec string `json:"wasm_exec,omitempty"`
	Wasm     string `json:"wasm,omitempty"`
	// Shards are the index bundles in load order, newest incidents first.
	// Bundle k holds the segment of shard k and the files that make the
	// first k shards one index: a reader searches what has arrived and
	// refines the results as the rest does.
	Shards []Shard `json:"shards,omitempty"`
	// Incidents is the number of documents in the index; Bytes is what a
	// reader downloads for the runtime and every shard, FirstBytes for the
	// runtime and the first shard, which is all the first results need.
	Incidents  int   `json:"incidents,omitempty"`
	Bytes      int64 `json:"bytes,omitempty"`
	FirstBytes int64 `json:"first_bytes,omitempty"`
}

// Shard is one index bundle of a Manifest.
type Shard struct {
	Path string `json:"path"`
	// Incidents is the number of incidents in this shard.
	Incidents int   `json:"incidents"`
	Bytes     int64 `json:"bytes"`
}

// Runtime is the WebAssembly search runtime a site ships (package wasmrt
// embeds the one inquest was built with).
type Runtime struct {
	WasmGzip []byte // gzip of inquest.wasm
	WasmExec []byte // Go's wasm_exec.js, which starts it
}

// BrowserOptions tune WriteBrowser.
type BrowserOptions struct {
	// Ref is the build's reference time, the only time written into the
	// index.
	Ref time.Time
	// ShardSize is the number of incidents in the first shard, the one
	// the first results come from; later shards hold up to ten times as
	// many (see splitShards). 0 means DefaultShardSize.
	ShardSize int
}

// WriteBrowser builds the browser index of incs in shards (newest
// incidents first, see splitShards), packs each shard into a bundle and
// writes the bundles and the runtime under dir/search/, and wasm_exec.js
// under dir/assets/, with content-hashed names. It returns the manifest
// that names them; the caller sets its Mode and scripts and writes it with
// WriteManifest. Two calls with the same incidents, runtime and options
// write the same bytes.
//
// Each shard is an index of its own built by Bleve's offline builder; the
// bundle of shard k holds its one segment, and a root.bolt and
// fingerprints.json that list the segments of shards 1..k (composeRoot).
// Unpacking bundles 1..k into one folder, each over the last, gives one
// index of the first k shards, whose scores are those of an index of all
// their incidents: after the last bundle, those of `inquest search`.
func WriteBrowser(ctx context.Context, dir string, incs []*postmortem.Incident, rt Runtime, opts BrowserOptions) (Manifest, error) {
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
	shards := splitShards(indexable(incs), opts.ShardSize)
	var bundles [][]byte
	if len(shards) == 0 {
		// An index of nothing has no segment to shard: one bundle of it,
		// which answers every query with nothing.
		shards = [][]*postmortem.Incident{nil}
		var b []byte
		if b, err = emptyBundle(ctx, filepath.Join(tmp, "index"), opts.Ref); err == nil {
			b, err = gzipBytes(b)
		}
		bundles = [][]byte{b}
	} else {
		bundles, err = shardBundles(ctx, tmp, shards, opts.Ref)
	}
	if err != nil {
		return m, fmt.Errorf("search index: %w", err)
	}
	for i, gz := range bundles {
		sh := Shard{Path: hashedName("search/index", ".bundle.gz", gz), Incidents: len(shards[i]), Bytes: int64(len(gz))}
		if err := writeFile(dir, sh.Path, gz); err != nil {
			return m, err
		}
		m.Shards = append(m.Shards, sh)
		m.Bytes += sh.Bytes
		m.Incidents += sh.Incidents
	}
	m.Wasm = hashedName("search/inquest", ".wasm.gz", rt.WasmGzip)
	// Every script of the site is in assets/.
	m.WasmExec = hashedName("assets/wasm_exec", ".js", rt.WasmExec)
	if err := writeFile(dir, m.Wasm, rt.WasmGzip); err != nil {
		return m, err
	}
	if err := writeFile(dir, m.WasmExec, rt.WasmExec); err != nil {
		return m, err
	}
	m.Bytes += int64(len(rt.WasmGzip))
	m.FirstBytes = int64(len(rt.WasmGzip)) + m.Shards[0].Bytes
	return m, nil
}

// shardBundles builds each shard's index under tmp and returns the
// gzipped bundle of each: its segment, and the files that open shards
// 1..k as one index. Shards are built, and bundles compressed, a core each
// (the offline builder analyses on one goroutine).
func shardBundles(ctx context.Context, tmp string, shards [][]*postmortem.Incident, ref time.Time) ([][]byte, error) {
	roots := make([]shardRoot, len(shards))
	err := onCores(len(shards), func(i int) (err error) {
		roots[i], err = buildShard(ctx, shardDir(tmp, i), shards[i])
		return err
	})
	if err != nil {
		return nil, err
	}
	names := make([]string, len(shards))
	counts := make([]int, len(shards))
	for i := range shards {
		names[i] = segmentName(i)
		counts[i] = len(shards[i])
		if i > 0 {
			counts[i] += counts[i-1]
		}
	}
	bundles := make([][]byte, len(shards))
	err = onCores(len(shards), func(i int) error {
		root := filepath.Join(tmp, fmt.Sprintf("root-%d.bolt", i))
		if err := composeRoot(root, roots[:i+1], names[:i+1], ref); err != nil {
			return err
		}
		files, err := readFiles(shardDir(tmp, i), "index_meta.json", "store/"+segmentNameBuilt)
		if err != nil {
			return err
		}
		seg := files["store/"+segmentNameBuilt]
		delete(files, "store/"+segmentNameBuilt)
		files["store/"+names[i]] = seg
		if files["store/root.bolt"], err = os.ReadFile(root); err != nil {
			return err
		}
		sc, err := json.Marshal(indexdir.Sidecar{MappingVersion: search.MappingVersion, Browser: true, DocCount: counts[i]})
		if err != nil {
			return err
		}
		files[indexdir.SidecarName] = sc
		bundle, err := packFiles(files)
		if err != nil {
			return err
		}
		bundles[i], err = gzipBytes(bundle)
		return err
	})
	return bundles, err
}

// onCores calls f(0) … f(n-1), as many at once as there are cores, and
// returns their errors.
func onCores(n int, f func(i int) error) error {
	errs := make([]error, n)
	var wg sync.WaitGroup
	sem := make(chan struct{}, max(1, runtime.GOMAXPROCS(0)))
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			errs[i] = f(i)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// emptyBundle builds an index of no incidents in dir and packs it.
func emptyBundle(ctx context.Context, dir string, ref time.Time) ([]byte, error) {
	if err := Build(ctx, dir, nil, BuildOptions{Browser: true}); err != nil {
		return nil, err
	}
	if err := reproducibleIndex(dir, ref); err != nil {
		return nil, err
	}
	return packIndex(dir)
}

// segmentNameBuilt is the file name of the one segment the offline
// builder writes.
const segmentNameBuilt = "000000000002.zap"

// buildShard builds the browser index of one shard in dir, makes its
// segment reproducible and returns its root.bolt's content.
func buildShard(ctx context.Context, dir string, incs []*postmortem.Incident) (shardRoot, error) {
	if err := Build(ctx, dir, incs, BuildOptions{Browser: true}); err != nil {
		return shardRoot{}, err
	}
	// The root.bolt is composed anew; its time does not matter here.
	if err := reproducibleIndex(dir, time.Time{}); err != nil {
		return shardRoot{}, err
	}
	return readShardRoot(filepath.Join(dir, "store", "root.bolt"))
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

// packIndex packs the files of the index folder dir into one bundle (see
// packFiles).
func packIndex(dir string) ([]byte, error) {
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if !d.Type().IsRegular() {
			return fmt.Errorf("%s: not a regular file", p)
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		files[filepath.ToSlash(rel)], err = os.ReadFile(p)
		return err
	})
	if err != nil {
		return nil, err
	}
	return packFiles(files)
}

// packFiles packs files (slash path → content) into one bundle: a line of
// JSON, {"files": [{name, offset, size}, …]} sorted by name, then the
// files' bytes one after the other, offsets counted from the end of that
// line. One file fetches in one request and compresses better than the
// files apart; the theme's search-worker.js unpacks it.
func packFiles(files map[string][]byte) ([]byte, error) {
	names := slices.Sorted(maps.Keys(files))
	var table struct {
		Files []bundleFile `json:"files"`
	}
	var data bytes.Buffer
	for _, name := range names {
		b := files[name]
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

// bundleLevel is the gzip level of the index bundles. Level 9 made a
// 9.4 MB shard of the generated corpus 0.16% smaller than level 6
// (4,394,239 bytes against 4,401,146) in 2.6 times the time (2.99 s
// against 1.15 s, one run each on a shared machine): ten shards of a 10k
// site paid seconds of CPU in every build for 70 kB.
const bundleLevel = 6

// gzipBytes compresses data the same way every time: no name, no time in
// the header, one fixed level.
func gzipBytes(data []byte) ([]byte, error) {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, bundleLevel)
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
