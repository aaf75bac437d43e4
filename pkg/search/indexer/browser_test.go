package indexer

import (
	"bytes"
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/inquest-dev/inquest/pkg/postmortem"
	"github.com/inquest-dev/inquest/pkg/search"
	"github.com/inquest-dev/inquest/pkg/search/internal/searchtest"
)

func TestPackIndex(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	files := map[string]string{"index_meta.json": `{"storage":"boltdb"}`, "store/root.bolt": "bolt", "store/000000000001.zap": "zap\nwith a newline", "fingerprints.json": "{}"}
	for name, data := range files {
		if err := writeFile(dir, name, []byte(data)); err != nil {
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
	gz, err := gzipBytes(bundle)
	if err != nil {
		t.Fatal(err)
	}
	for name, b := range map[string][]byte{"plain": bundle, "gzip": gz} {
		out := t.TempDir()
		if err := UnpackBundle(b, out); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for file, data := range files {
			got, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(file)))
			if err != nil || string(got) != data {
				t.Errorf("%s: %s unpacked as %q, %v; want %q", name, file, got, err, data)
			}
		}
	}
	// A damaged bundle is refused, not read past its end.
	if err := UnpackBundle(bundle[:len(bundle)-1], t.TempDir()); err == nil || !strings.Contains(err.Error(), "cut short") {
		t.Errorf("cut bundle: %v", err)
	}
	for _, bad := range []string{
		`{"files":[{"name":"../x","offset":0,"size":0}]}` + "\n",
		`{"files":[{"name":"x","offset":9223372036854775807,"size":9223372036854775807}]}` + "\n",
		`{"files":[]}`,
	} {
		if err := UnpackBundle([]byte(bad), t.TempDir()); err == nil {
			t.Errorf("%s: accepted", bad)
		}
	}
}

func TestGzipBytesDeterministic(t *testing.T) {
	t.Parallel()
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
	t.Parallel()
	got := hashedName("search/inquest", ".wasm.gz", []byte("x"))
	// sha256("x") = 2d711642…
	if got != "search/inquest.2d711642.wasm.gz" {
		t.Errorf("hashedName = %s", got)
	}
}

// testRuntime stands in for the WebAssembly runtime.
var testRuntime = Runtime{WasmGzip: []byte("\x1f\x8bruntime"), WasmExec: []byte("globalThis.Go = class {};")}

// writeBrowser writes the browser files of incs into a new site folder,
// in shards of size incidents (0: the default), and returns it with the
// manifest.
func writeBrowser(t *testing.T, incs []*postmortem.Incident, ref time.Time, size int) (string, Manifest) {
	t.Helper()
	site := t.TempDir()
	m, err := WriteBrowser(context.Background(), site, incs, testRuntime, BrowserOptions{Ref: ref, ShardSize: size})
	if err != nil {
		t.Fatal(err)
	}
	return site, m
}

// unpackShards unpacks the first k index bundles of a site into one new
// folder, each over the last, as search-worker.js adds each shard that
// arrives to its files, and returns the folder.
func unpackShards(t *testing.T, site string, m Manifest, k int) string {
	t.Helper()
	idx := t.TempDir()
	for _, sh := range m.Shards[:k] {
		bundle, err := os.ReadFile(filepath.Join(site, filepath.FromSlash(sh.Path)))
		if err != nil {
			t.Fatal(err)
		}
		if err := UnpackBundle(bundle, idx); err != nil {
			t.Fatal(err)
		}
	}
	return idx
}

// unpackedIndex writes the browser files of incs and unpacks all their
// shards into a new folder it returns.
func unpackedIndex(t *testing.T, incs []*postmortem.Incident) string {
	t.Helper()
	site, m := writeBrowser(t, incs, time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC), 0)
	return unpackShards(t, site, m, len(m.Shards))
}

// TestWriteBrowser: the files the manifest names are there under names
// made from their content, the bundles are an index of the incidents
// given, and nothing else is left in the site folder.
func TestWriteBrowser(t *testing.T) {
	t.Parallel()
	incs := searchtest.Incidents(t)
	site, m := writeBrowser(t, incs, time.Now(), 4)
	// Six incidents and a broken file, in shards of four.
	if m.Incidents != 6 || m.Mode != "" || len(m.Shards) != 2 || m.Shards[0].Incidents != 4 || m.Shards[1].Incidents != 2 {
		t.Errorf("manifest %+v", m)
	}
	files := []struct {
		path, name, ext string
		size            int64
	}{
		{m.Wasm, "search/inquest", ".wasm.gz", -1},
		{m.WasmExec, "assets/wasm_exec", ".js", -1},
	}
	for _, sh := range m.Shards {
		files = append(files, struct {
			path, name, ext string
			size            int64
		}{sh.Path, "search/index", ".bundle.gz", sh.Bytes})
	}
	var downloaded int64
	for _, f := range files {
		data, err := os.ReadFile(filepath.Join(site, filepath.FromSlash(f.path)))
		if err != nil {
			t.Fatalf("manifest names %s: %v", f.path, err)
		}
		if want := hashedName(f.name, f.ext, data); f.path != want {
			t.Errorf("%s: want the name %s from its content", f.path, want)
		}
		if f.size >= 0 && f.size != int64(len(data)) {
			t.Errorf("%s: manifest says %d bytes, file has %d", f.path, f.size, len(data))
		}
		if strings.HasSuffix(f.ext, ".gz") {
			downloaded += int64(len(data))
		}
	}
	if m.Bytes != downloaded || m.FirstBytes != int64(len(testRuntime.WasmGzip))+m.Shards[0].Bytes {
		t.Errorf("manifest bytes = %d, first %d; the .gz files are %d", m.Bytes, m.FirstBytes, downloaded)
	}
	if left, _ := filepath.Glob(filepath.Join(site, ".search-index-*")); len(left) > 0 {
		t.Errorf("left behind %v", left)
	}
	for k, want := range map[int]uint64{1: 1, 2: 2} {
		ix := searchtest.Open(t, unpackShards(t, site, m, k))
		// INC-2024-001 and INC-2023-007 are tagged database; the newest four
		// incidents hold only the first.
		if res := searchtest.Search(t, ix, search.Request{Query: "tags:database"}); res.Total != want {
			t.Errorf("tags:database in the first %d shards: %d hits, want %d", k, res.Total, want)
		}
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := WriteBrowser(ctx, t.TempDir(), incs, testRuntime, BrowserOptions{}); err == nil {
		t.Error("a cancelled WriteBrowser: no error")
	}
}

// TestWriteBrowserEmpty: a site of no incidents ships one bundle, which
// opens and finds nothing.
func TestWriteBrowserEmpty(t *testing.T) {
	t.Parallel()
	site, m := writeBrowser(t, nil, time.Now(), 0)
	if len(m.Shards) != 1 || m.Incidents != 0 {
		t.Fatalf("manifest %+v", m)
	}
	ix := searchtest.Open(t, unpackShards(t, site, m, 1))
	if res := searchtest.Search(t, ix, search.Request{}); res.Total != 0 {
		t.Errorf("%d hits in an empty index", res.Total)
	}
}

// TestWriteBrowserReproducible: the same incidents, in any order and at
// any time of day, give the same bundles, each of them; another reference
// time other ones.
func TestWriteBrowserReproducible(t *testing.T) {
	t.Parallel()
	incs := searchtest.Incidents(t)
	ref := time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)
	_, first := writeBrowser(t, incs, ref, 2)
	// The newest two, then the other four.
	if len(first.Shards) != 2 {
		t.Fatalf("%d shards, want 2", len(first.Shards))
	}
	rnd := rand.New(rand.NewPCG(5, 6))
	for range 3 {
		shuffled := slices.Clone(incs)
		rnd.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		if _, m := writeBrowser(t, shuffled, ref, 2); !reflect.DeepEqual(m, first) {
			t.Fatalf("manifest %+v\nfirst    %+v", m, first)
		}
	}
	_, other := writeBrowser(t, incs, ref.Add(time.Hour), 2)
	for i, sh := range other.Shards {
		if sh.Path == first.Shards[i].Path {
			t.Errorf("shard %d: another reference time gives the same bundle: is the time still written in?", i+1)
		}
	}
}
