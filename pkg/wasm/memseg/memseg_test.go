package memseg

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/registry"
	index "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
	zap "github.com/blevesearch/zapx/v17"

	_ "github.com/blevesearch/bleve/v2/analysis/analyzer/standard"
)

// A segment written by zapx and read back into memory answers like the one
// zapx maps.
func TestLoadMatchesZap(t *testing.T) {
	an, err := registry.NewCache().AnalyzerNamed("standard")
	if err != nil {
		t.Fatal(err)
	}
	var docs []index.Document
	for i := range 50 {
		d := document.NewDocument(fmt.Sprintf("doc%02d", i))
		d.AddField(document.NewTextFieldCustom("text", nil, fmt.Appendf(nil, "word%d common text %d", i%7, i),
			index.IndexField|index.StoreField|index.IncludeTermVectors, an))
		d.AddIDField()
		d.VisitFields(func(f index.Field) { f.Analyze() })
		docs = append(docs, d)
	}
	var p zap.ZapPlugin
	sb, _, err := p.New(docs)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "000000000001.zap")
	if err := sb.(segment.UnpersistedSegment).Persist(path); err != nil {
		t.Fatal(err)
	}
	mapped, err := p.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer mapped.Close()
	var mine Plugin
	mem, err := mine.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer mem.Close()
	if ps, ok := mem.(segment.PersistedSegment); !ok || ps.Path() != path {
		t.Errorf("not a persisted segment at %s", path)
	}
	if mem.Count() != mapped.Count() || mem.Count() != 50 {
		t.Fatalf("count %d, zap %d", mem.Count(), mapped.Count())
	}
	for n := range uint64(50) {
		a, _ := mem.DocID(n)
		b, _ := mapped.DocID(n)
		if string(a) != string(b) {
			t.Errorf("doc %d: id %q, zap %q", n, a, b)
		}
	}
	terms := func(s segment.Segment) (out []string) {
		d, err := s.Dictionary("text")
		if err != nil {
			t.Fatal(err)
		}
		it := d.AutomatonIterator(nil, nil, nil)
		for e, err := it.Next(); e != nil && err == nil; e, err = it.Next() {
			out = append(out, fmt.Sprintf("%s:%d", e.Term, e.Count))
		}
		return out
	}
	if a, b := fmt.Sprint(terms(mem)), fmt.Sprint(terms(mapped)); a != b || a == "[]" {
		t.Errorf("terms %s, zap %s", a, b)
	}
	// Opened again, once the page has forgotten the file, it is the
	// segment read the first time, and still answers after a Close.
	if err := mem.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(path, path+".gone"); err != nil {
		t.Fatal(err)
	}
	again, err := mine.Open(path)
	if err != nil {
		t.Fatalf("open again: %v", err)
	}
	if again.(*Segment).SegmentBase != mem.(*Segment).SegmentBase || fmt.Sprint(terms(again)) != fmt.Sprint(terms(mapped)) {
		t.Error("opened again: another segment, or one that lost its terms")
	}
	var other Plugin
	if _, err := other.Open(path); err == nil {
		t.Error("another plugin opened a file that is gone")
	}
	data, _ := os.ReadFile(path + ".gone")
	if _, err := Load([]byte("short"), nil); err == nil {
		t.Error("loaded 5 bytes")
	}
	data[len(data)-8+3]++ // the version
	if _, err := Load(data, nil); err == nil {
		t.Error("loaded another zap version")
	}
}
