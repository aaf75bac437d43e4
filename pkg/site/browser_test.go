package site

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/tools/txtar"

	"github.com/inquest-dev/inquest/pkg/config"
	"github.com/inquest-dev/inquest/pkg/search"
)

func TestPackIndex(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{"index_meta.json": `{"storage":"boltdb"}`, "store/root.bolt": "bolt", "store/000000000001.zap": "zap\nwith a newline", "fingerprints.json": "{}"}
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	bundle, err := packIndex(dir)
	if err != nil {
		t.Fatal(err)
	}
	head, _, _ := bytes.Cut(bundle, []byte("\n"))
	want := `{"files":[{"name":"fingerprints.json","offset":0,"size":2},{"name":"index_meta.json","offset":2,"size":20},` +
		`{"name":"store/000000000001.zap","offset":22,"size":18},{"name":"store/root.bolt","offset":40,"size":4}]}`
	if string(head) != want {
		t.Errorf("table = %s\nwant    %s", head, want)
	}
	out := t.TempDir()
	if err := unpackIndex(bundle, out); err != nil {
		t.Fatal(err)
	}
	for name, data := range files {
		got, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(name)))
		if err != nil || string(got) != data {
			t.Errorf("%s unpacked as %q, %v; want %q", name, got, err, data)
		}
	}
	// A damaged bundle is refused, not read past its end.
	if err := unpackIndex(bundle[:len(bundle)-1], t.TempDir()); err == nil || !strings.Contains(err.Error(), "cut short") {
		t.Errorf("cut bundle: %v", err)
	}
	bad := []byte(`{"files":[{"name":"../x","offset":0,"size":0}]}` + "\n")
	if err := unpackIndex(bad, t.TempDir()); err == nil {
		t.Error("a name leaving the folder was accepted")
	}
}

func TestGzipBytesDeterministic(t *testing.T) {
	data := bytes.Repeat([]byte("inquest "), 1000)
	a, _ := gzipBytes(data)
	b, _ := gzipBytes(data)
	if !bytes.Equal(a, b) || len(a) >= len(data) {
		t.Errorf("two compressions differ or do not compress: %d and %d bytes", len(a), len(b))
	}
	// No modification time (bytes 4-7) and no name flag (byte 3).
	if a[3] != 0 || !bytes.Equal(a[4:8], []byte{0, 0, 0, 0}) {
		t.Errorf("gzip header % x", a[:10])
	}
}

func TestHashedName(t *testing.T) {
	got := hashedName("search/inquest", ".wasm.gz", []byte("x"))
	// sha256("x") = 2d711642…
	if got != "search/inquest.2d711642.wasm.gz" {
		t.Errorf("hashedName = %s", got)
	}
}

func TestBrowserMode(t *testing.T) {
	tests := []struct {
		browser string
		max, n  int
		opts    BuildOptions
		want    string
	}{
		{"auto", 0, config.DefaultBrowserMaxIncidents, BuildOptions{}, "wasm"},
		{"auto", 0, config.DefaultBrowserMaxIncidents + 1, BuildOptions{}, "catalog"},
		{"auto", 5, 6, BuildOptions{}, "catalog"},
		{"auto", 5, 6, BuildOptions{SearchIndex: true}, "wasm"},
		{"catalog", 0, 1, BuildOptions{}, "catalog"},
		{"catalog", 0, 1, BuildOptions{SearchIndex: true}, "wasm"},
		{"server", 0, 1, BuildOptions{}, "server"},
		{"wasm", 0, 1 << 20, BuildOptions{}, "wasm"},
		{"wasm", 0, 1, BuildOptions{Serve: true, SearchIndex: true}, "server"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s max %d n %d %+v", tt.browser, tt.max, tt.n, tt.opts), func(t *testing.T) {
			got := browserMode(config.Search{Browser: tt.browser, BrowserMaxIncidents: tt.max}, tt.opts, tt.n)
			if got != tt.want {
				t.Errorf("browserMode = %s, want %s", got, tt.want)
			}
		})
	}
}

// readManifest reads search/manifest.json of a built site.
func readManifest(t *testing.T, out string) browserManifest {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(manifestPath)))
	if err != nil {
		t.Fatal(err)
	}
	var m browserManifest
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatalf("%s: %v", manifestPath, err)
	}
	return m
}

// unpackIndex writes the files of a bundle into dir: the inverse of
// packIndex, as search-worker.js reads it.
func unpackIndex(bundle []byte, dir string) error {
	nl := bytes.IndexByte(bundle, '\n')
	if nl < 0 {
		return fmt.Errorf("index bundle: no table")
	}
	var table struct {
		Files []bundleFile `json:"files"`
	}
	if err := json.Unmarshal(bundle[:nl], &table); err != nil {
		return fmt.Errorf("index bundle: %w", err)
	}
	data := bundle[nl+1:]
	for _, f := range table.Files {
		if f.Offset < 0 || f.Size < 0 || f.Offset+f.Size > int64(len(data)) {
			return fmt.Errorf("index bundle: %s is cut short", f.Name)
		}
		if !fs.ValidPath(f.Name) || strings.Contains(f.Name, "\\") {
			return fmt.Errorf("index bundle: bad name %q", f.Name)
		}
		p := filepath.Join(dir, filepath.FromSlash(path.Clean(f.Name)))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, data[f.Offset:f.Offset+f.Size], 0o644); err != nil {
			return err
		}
	}
	return nil
}

// buildBasic builds testdata/basic.txtar (no Git) with a configuration
// appended to its inquest.yaml, into a new folder it returns.
func buildBasic(t *testing.T, cfg string, opts BuildOptions) string {
	t.Helper()
	t.Setenv("SOURCE_DATE_EPOCH", "1717200000")
	ar, err := txtar.ParseFile(filepath.Join("testdata", "basic.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, f := range ar.Files {
		data := f.Data
		if f.Name == config.FileName {
			data = append(slices.Clone(data), cfg...)
		}
		p := filepath.Join(dir, filepath.FromSlash(f.Name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	opts.Dir, opts.Out, opts.CacheDir = dir, filepath.Join(t.TempDir(), "public"), t.TempDir()
	if _, err := Build(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	return opts.Out
}

// TestBrowserSearchFiles: a small site gets the browser index of its
// published incidents, the runtime and the scripts, each named by its
// content, and a manifest that names them.
func TestBrowserSearchFiles(t *testing.T) {
	out := buildBasic(t, "", BuildOptions{Audience: "public"})
	m := readManifest(t, out)
	if m.Mode != "wasm" || m.Incidents != 2 {
		t.Fatalf("manifest = %+v, want wasm with the 2 public published incidents", m)
	}
	var downloaded int64
	for _, f := range []struct{ path, prefix, ext string }{
		{m.Index, "search/index.", ".bundle.gz"},
		{m.Wasm, "search/inquest.", ".wasm.gz"},
		{m.WasmExec, "assets/wasm_exec.", ".js"},
		{m.Worker, "assets/search-worker.", ".js"},
		{m.MemFS, "assets/memfs.", ".js"},
	} {
		data, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(f.path)))
		if err != nil {
			t.Errorf("manifest names %s: %v", f.path, err)
			continue
		}
		base := strings.TrimSuffix(strings.TrimPrefix(f.path, f.prefix), f.ext)
		if want := hashedName(strings.TrimSuffix(f.prefix, "."), f.ext, data); f.path != want {
			t.Errorf("%s: want the name %s from its content", f.path, want)
		}
		if len(base) != 8 {
			t.Errorf("%s: hash %q", f.path, base)
		}
		if strings.HasSuffix(f.ext, ".gz") {
			downloaded += int64(len(data))
			if data[0] != 0x1f || data[1] != 0x8b {
				t.Errorf("%s is not gzip", f.path)
			}
		}
	}
	if m.Bytes != downloaded {
		t.Errorf("manifest bytes = %d, the .gz files are %d", m.Bytes, downloaded)
	}
	if _, err := os.Stat(filepath.Join(out, "search", "index")); err == nil {
		t.Error("search/index/ is still written")
	}
	leftovers, _ := filepath.Glob(filepath.Join(out, ".search-index-*"))
	if len(leftovers) > 0 {
		t.Errorf("left behind %v", leftovers)
	}

	// The bundle is the index: only what the site publishes is found.
	ix, err := search.Open(unpackSiteIndex(t, out))
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	for q, want := range map[string]string{
		"tags:database":          "INC-2024-001",
		"id:INC-2023-002":        "", // internal: not on a public site
		`"fell behind"`:          "",
		"status:draft":           "",
		`summary:"pool ran dry"`: "INC-2024-001",
	} {
		res, err := ix.Search(context.Background(), search.Request{Query: q})
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, h := range res.Hits {
			ids = append(ids, h.ID)
		}
		if strings.Join(ids, " ") != want {
			t.Errorf("%s found %v, want %q", q, ids, want)
		}
	}

	// The search page names the manifest.
	page, _ := os.ReadFile(filepath.Join(out, "search", "index.html"))
	if !bytes.Contains(page, []byte(`data-manifest="/search/manifest.json"`)) {
		t.Error("the search page does not name search/manifest.json")
	}
}

// TestBrowserSearchModes: catalog and server write a manifest and no
// runtime; auto turns to catalog above browser_max_incidents, and
// --search-index forces wasm.
func TestBrowserSearchModes(t *testing.T) {
	tests := []struct {
		name, cfg string
		opts      BuildOptions
		want      string
	}{
		{"catalog", "search:\n  browser: catalog\n", BuildOptions{}, "catalog"},
		{"server", "search:\n  browser: server\n", BuildOptions{}, "server"},
		{"auto above the limit", "search:\n  browser_max_incidents: 2\n", BuildOptions{}, "catalog"},
		{"search-index forces wasm", "search:\n  browser_max_incidents: 2\n", BuildOptions{SearchIndex: true}, "wasm"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := buildBasic(t, tt.cfg, tt.opts)
			m := readManifest(t, out)
			if m.Mode != tt.want {
				t.Fatalf("mode = %s, want %s", m.Mode, tt.want)
			}
			runtimes, _ := filepath.Glob(filepath.Join(out, "search", "*.gz"))
			if (len(runtimes) > 0) != (tt.want == "wasm") {
				t.Errorf("mode %s wrote %v", m.Mode, runtimes)
			}
			if tt.want == "server" && m.API != "api/search" {
				t.Errorf("server mode asks %q", m.API)
			}
		})
	}
}

// TestBrowserSearchServe: pages of `inquest serve` ask its API; the build
// writes no browser search for them.
func TestBrowserSearchServe(t *testing.T) {
	out := buildBasic(t, "", BuildOptions{Serve: true})
	if _, err := os.Stat(filepath.Join(out, "search", "manifest.json")); err == nil {
		t.Error("serve build wrote search/manifest.json")
	}
	page, _ := os.ReadFile(filepath.Join(out, "search", "index.html"))
	if bytes.Contains(page, []byte("data-manifest")) {
		t.Error("the served search page names a manifest")
	}
}

// TestBrowserIndexReproducible: builds of the same input ship the same
// index bundle, whatever order Bleve met the documents in and whenever it
// wrote them (see reproducibleIndex).
func TestBrowserIndexReproducible(t *testing.T) {
	var first browserManifest
	for i := range 5 {
		m := readManifest(t, buildBasic(t, "", BuildOptions{Drafts: true}))
		if i == 0 {
			first = m
		} else if m != first {
			t.Fatalf("build %d: %+v\nbuild 1: %+v", i+1, m, first)
		}
	}
}

// unpackSiteIndex unpacks the index bundle a built site's manifest names
// into a new folder it returns.
func unpackSiteIndex(t *testing.T, out string) string {
	t.Helper()
	gz, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(readManifest(t, out).Index)))
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		t.Fatal(err)
	}
	bundle, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	idx := t.TempDir()
	if err := unpackIndex(bundle, idx); err != nil {
		t.Fatal(err)
	}
	return idx
}

// TestFixBoltTime: whatever text scorch wrote the time as (fewer fraction
// digits where the clock counts in microseconds or 100 ns, a zone other
// than UTC), fixBoltTime gives the same root.bolt, and bbolt still reads it.
func TestFixBoltTime(t *testing.T) {
	idx := unpackSiteIndex(t, buildBasic(t, "", BuildOptions{}))
	boltPath := filepath.Join(idx, "store", "root.bolt")
	orig, err := os.ReadFile(boltPath)
	if err != nil {
		t.Fatal(err)
	}
	ref := time.Date(2025, 1, 2, 3, 4, 5, 678, time.FixedZone("x", 3600))
	want := slices.Clone(orig)
	if changed, err := fixBoltTime(want, ref); !changed || err != nil {
		t.Fatalf("fixBoltTime = %v, %v", changed, err)
	}
	if !bytes.Contains(want, []byte("timeStamp2025-01-02T02:04:05.000000000Z")) {
		t.Fatal("fixBoltTime did not write the reference time in UTC")
	}
	for _, text := range []string{
		"2024-11-24T10:22:49.123456Z",             // macOS
		"2024-11-24T10:22:49.1234567+01:00",       // Windows, in Paris
		"2024-11-24T10:22:49Z",                    // the fraction all zeros
		"2024-11-24T10:22:49.123456789-05:00",     // Linux, in New York
		"2024-11-24T10:22:49.123456789012345678Z", // longer than any
	} {
		t.Run(text, func(t *testing.T) {
			b := slices.Clone(orig)
			if changed, err := setBoltTime(b, []byte(text)); !changed || err != nil {
				t.Fatalf("setBoltTime = %v, %v", changed, err)
			}
			if len(b) != len(orig) || !bytes.Contains(b, []byte("timeStamp"+text+"type")) {
				t.Fatalf("setBoltTime did not write %s in place", text)
			}
			// Keys after the time, in the meta bucket (type, version) and
			// in the snapshot (the segments), are where bbolt looks.
			if err := os.WriteFile(boltPath, b, 0o644); err != nil {
				t.Fatal(err)
			}
			ix, err := search.Open(idx)
			if err != nil {
				t.Fatalf("bbolt cannot read the file: %v", err)
			}
			res, err := ix.Search(context.Background(), search.Request{Query: "tags:database"})
			ix.Close()
			if err != nil || len(res.Hits) == 0 {
				t.Fatalf("search after setBoltTime: %v, %v", res, err)
			}
			if changed, err := fixBoltTime(b, ref); !changed || err != nil {
				t.Fatalf("fixBoltTime = %v, %v", changed, err)
			}
			if !bytes.Equal(b, want) {
				t.Error("fixBoltTime gives another file")
			}
		})
	}

	// A damaged file is an error, not a panic.
	rnd := rand.New(rand.NewPCG(1, 2))
	for range 3000 {
		b := slices.Clone(orig)
		for range 1 + rnd.IntN(4) {
			b[rnd.IntN(len(b))] = byte(rnd.Uint32())
		}
		setBoltTime(b, []byte("2024-11-24T10:22:49.123Z"))
	}
	for _, n := range []int{0, 100, 4096, 4096 + 100, len(orig) - 1} {
		setBoltTime(slices.Clone(orig[:n]), []byte("2024-11-24T10:22:49Z"))
	}
	// From the root on, branch pages whose two elements both lead to the
	// next page, 64 of them: each is visited once, not 2⁶⁴ times.
	const ps = 4096
	b := slices.Concat(orig, make([]byte, 72*ps-len(orig)))
	root := int(binary.LittleEndian.Uint64(b[boltHeader+16:])) // the newer meta page's
	for id := root; id < 72; id++ {
		page := b[id*ps:]
		binary.LittleEndian.PutUint32(page[12:], 0)
		if id == 71 {
			binary.LittleEndian.PutUint16(page[8:], boltLeafPage)
			binary.LittleEndian.PutUint16(page[10:], 0)
			break
		}
		binary.LittleEndian.PutUint16(page[8:], boltBranchPage)
		binary.LittleEndian.PutUint16(page[10:], 2)
		for e := range 2 {
			binary.LittleEndian.PutUint64(page[boltHeader+e*boltElement+8:], uint64(id+1))
		}
	}
	if _, err := setBoltTime(b, []byte("2024-11-24T10:22:49Z")); err == nil {
		t.Error("pages reached twice: no error")
	}
}

// TestSortZapSectionsDamaged: a damaged segment is an error, not a panic.
func TestSortZapSectionsDamaged(t *testing.T) {
	idx := unpackSiteIndex(t, buildBasic(t, "", BuildOptions{}))
	zaps, _ := filepath.Glob(filepath.Join(idx, "store", "*.zap"))
	if len(zaps) == 0 {
		t.Fatal("no zap segment in the index")
	}
	orig, err := os.ReadFile(zaps[0])
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sortZapSections(slices.Clone(orig)); err != nil {
		t.Fatalf("the segment as written: %v", err)
	}
	n := len(orig)
	rnd := rand.New(rand.NewPCG(3, 4))
	for range 3000 {
		b := slices.Clone(orig)
		// Most of what sortZapSections reads is near the end: the footer,
		// the sections index and the fields' sections.
		for range 1 + rnd.IntN(4) {
			at := n - 1 - rnd.IntN(min(n, 4096))
			if rnd.IntN(4) == 0 {
				at = rnd.IntN(n)
			}
			b[at] = byte(rnd.Uint32())
			if rnd.IntN(4) == 0 {
				// A varint of nine bytes or more: a huge count.
				for i := at; i < min(n, at+9); i++ {
					b[i] = 0xff
				}
			}
		}
		sortZapSections(b)
	}
	for _, size := range []int{0, 39, 40, 100, n / 2} {
		sortZapSections(slices.Clone(orig[:size]))
	}
	// A count of sections whose ten bytes each wrap around to 4.
	huge := binary.AppendUvarint(nil, (1<<64-1)/10+1)
	b := slices.Clone(orig)
	for at := max(0, n-4096); at+len(huge) <= n-zapFooter; at++ {
		copy(b[at:], huge)
		sortZapSections(b)
		copy(b[at:], orig[at:at+len(huge)])
	}
}
