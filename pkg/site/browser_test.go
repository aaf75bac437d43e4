package site

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/inquest-dev/inquest/pkg/config"
	"github.com/inquest-dev/inquest/pkg/search"
	"github.com/inquest-dev/inquest/pkg/search/indexer"
)

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
func readManifest(t *testing.T, out string) indexer.Manifest {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(indexer.ManifestPath)))
	if err != nil {
		t.Fatal(err)
	}
	var m indexer.Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatalf("%s: %v", indexer.ManifestPath, err)
	}
	return m
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
	// Every file is named by its content (indexer's tests check the
	// rest): the runtime and index it wrote and the theme's scripts.
	for _, f := range []struct{ path, prefix, ext string }{
		{m.Shards[0].Path, "search/index.", ".bundle.gz"},
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
		sum := sha256.Sum256(data)
		if want := f.prefix + hex.EncodeToString(sum[:4]) + f.ext; f.path != want {
			t.Errorf("%s: want the name %s from its content", f.path, want)
		}
		if strings.HasSuffix(f.ext, ".gz") && !bytes.HasPrefix(data, []byte{0x1f, 0x8b}) {
			t.Errorf("%s is not gzip", f.path)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "search", "index")); err == nil {
		t.Error("search/index/ is still written")
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
// wrote them (see package indexer).
func TestBrowserIndexReproducible(t *testing.T) {
	var first indexer.Manifest
	for i := range 5 {
		m := readManifest(t, buildBasic(t, "", BuildOptions{Drafts: true}))
		if i == 0 {
			first = m
		} else if !reflect.DeepEqual(m, first) {
			t.Fatalf("build %d: %+v\nbuild 1: %+v", i+1, m, first)
		}
	}
}

// unpackSiteIndex unpacks the index bundles a built site's manifest names,
// in order, into a new folder it returns.
func unpackSiteIndex(t *testing.T, out string) string {
	t.Helper()
	idx := t.TempDir()
	for _, sh := range readManifest(t, out).Shards {
		gz, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(sh.Path)))
		if err != nil {
			t.Fatal(err)
		}
		if err := indexer.UnpackBundle(gz, idx); err != nil {
			t.Fatal(err)
		}
	}
	return idx
}
