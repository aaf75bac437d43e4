package indexer

import (
	"bytes"
	"context"
	"encoding/binary"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/inquest-dev/inquest/pkg/search"
	"github.com/inquest-dev/inquest/pkg/search/internal/searchtest"
)

// patchedFor are the versions of the modules whose files and internals
// this package was written against: reproducible.go reads and rewrites
// bbolt's pages, scorch's "timeStamp" meta key (Bleve) and zap v17's
// footer and sections index, and segment.go wraps zapx/v17's plugin. A new
// version may lay its bytes out otherwise, or write other bytes that differ
// from one build to the next; TestPatchedModules stops the upgrade until
// someone has read the new code, checked TestPatchesChangeARealIndex and
// TestWriteBrowserReproducible, and moved these versions.
var patchedFor = map[string]string{
	"github.com/blevesearch/bleve/v2":              "v2.6.3",
	"github.com/blevesearch/zapx/v17":              "v17.2.5",
	"github.com/blevesearch/scorch_segment_api/v2": "v2.4.11",
	"go.etcd.io/bbolt":                             "v1.4.0",
}

// TestPatchedModules: the modules go.mod requires (and so the binary
// links) are the versions the patches were written for, and the wasm
// runtime (pkg/wasm, a module of its own) reads indexes with the same
// Bleve and zap.
func TestPatchedModules(t *testing.T) {
	t.Parallel()
	// The test runs in pkg/search/indexer.
	main, mainReplaces := goModRequires(t, filepath.Join("..", "..", "..", "go.mod"))
	for _, r := range mainReplaces {
		if _, ok := patchedFor[r]; ok {
			t.Errorf("go.mod replaces %s, whose files the patches read", r)
		}
	}
	for path, want := range patchedFor {
		if got := main[path]; got != want {
			t.Errorf("go.mod requires %s %q; the reproducible-output patches (reproducible.go, segment.go) were written for %s: "+
				"read what changed in its file formats, then update patchedFor", path, got, want)
		}
	}
	wasm, _ := goModRequires(t, filepath.Join("..", "..", "wasm", "go.mod"))
	for _, path := range []string{"github.com/blevesearch/bleve/v2", "github.com/blevesearch/zapx/v17"} {
		if wasm[path] != main[path] {
			t.Errorf("pkg/wasm/go.mod requires %s %q, go.mod %q: the runtime would read indexes with another version than wrote them", path, wasm[path], main[path])
		}
	}
}

// goModRequires returns the versions a go.mod file requires, by module
// path, and the paths it replaces.
func goModRequires(t *testing.T, name string) (map[string]string, []string) {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	required := map[string]string{}
	var replaced []string
	block := ""
	for line := range strings.Lines(string(data)) {
		line, _, _ = strings.Cut(line, "//")
		f := strings.Fields(line)
		directive := block
		switch {
		case len(f) == 0:
			continue
		case f[0] == ")":
			block = ""
			continue
		case len(f) == 2 && f[1] == "(":
			block = f[0]
			continue
		case block == "": // a directive on one line
			directive, f = f[0], f[1:]
		}
		switch {
		case directive == "require" && len(f) == 2:
			required[f[0]] = f[1]
		case directive == "replace" && len(f) > 0:
			replaced = append(replaced, f[0])
		}
	}
	return required, replaced
}

// TestPatchesChangeARealIndex: on an index Build writes, each patch finds
// what it rewrites. The time scorch wrote is replaced by the reference
// time; every segment is zap v17 and has fields with several sections,
// whose pairs sortZapSections puts back in order after they were reversed,
// and the index still answers.
func TestPatchesChangeARealIndex(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "index")
	if err := Build(context.Background(), dir, searchtest.Incidents(t), BuildOptions{Browser: true}); err != nil {
		t.Fatal(err)
	}
	ref := time.Date(2001, 2, 3, 4, 5, 6, 0, time.UTC)
	boltPath := filepath.Join(dir, "store", "root.bolt")
	bolt, err := os.ReadFile(boltPath)
	if err != nil {
		t.Fatal(err)
	}
	if changed, err := fixBoltTime(bolt, ref); !changed || err != nil {
		t.Fatalf("fixBoltTime on scorch's root.bolt = %v, %v: the time is no longer where it was", changed, err)
	}
	if !bytes.Contains(bolt, append(slices.Clone(boltTimeKey), boltTime(ref)...)) {
		t.Fatal("root.bolt does not hold the reference time")
	}
	if err := os.WriteFile(boltPath, bolt, 0o644); err != nil {
		t.Fatal(err)
	}
	zaps, _ := filepath.Glob(filepath.Join(dir, "store", "*.zap"))
	if len(zaps) == 0 {
		t.Fatal("no zap segment in the index")
	}
	reversed := func(a, b [10]byte) int { return bytes.Compare(b[:2], a[:2]) }
	for _, z := range zaps {
		data, err := os.ReadFile(z)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := sortZapSections(data); err != nil {
			t.Fatalf("%s: %v", z, err)
		}
		sorted := slices.Clone(data)
		if changed, err := orderZapSections(data, reversed); !changed || err != nil {
			t.Fatalf("%s: reversing the sections = %v, %v: no field has several sections", z, changed, err)
		}
		if changed, err := sortZapSections(data); !changed || err != nil || !bytes.Equal(data, sorted) {
			t.Fatalf("%s: sorting the reversed sections = %v, %v, same bytes as sorted: %v", z, changed, err, bytes.Equal(data, sorted))
		}
		// The reversed order, as a writer might have left it: readers
		// load the pairs into a map and do not mind.
		if _, err := orderZapSections(data, reversed); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(z, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ix := searchtest.Open(t, dir)
	res, err := ix.Search(context.Background(), search.Request{Query: "tags:database"})
	if err != nil || res.Total == 0 {
		t.Fatalf("search after the patches: %v, %v", res, err)
	}
}

// TestSortZapSectionsOtherVersion: a segment of another zap version is an
// error, not a segment left as it is.
func TestSortZapSectionsOtherVersion(t *testing.T) {
	t.Parallel()
	idx, zap, data := browserSegment(t)
	binary.BigEndian.PutUint32(data[len(data)-8:], 16)
	if _, err := sortZapSections(data); err == nil {
		t.Fatal("a zap v16 segment: no error")
	}
	if err := os.WriteFile(zap, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := reproducibleIndex(idx, time.Now()); err == nil {
		t.Fatal("reproducibleIndex over a zap v16 segment: no error")
	}
}
