package site

import (
	"crypto/sha256"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestPageManifestRoundTrip checks that a manifest reads back as written,
// and that one cut short or without its exe line reads as none.
func TestPageManifestRoundTrip(t *testing.T) {
	t.Parallel()
	m := &pageManifest{exe: "123 456", exeSum: sha256.Sum256([]byte("inquest")), pages: map[string]pageEntry{
		"incidents/A/revisions/0123abcd/index.html": {sha256.Sum256([]byte("k1")), sha256.Sum256([]byte("s1")), fileStamp{4096, 1_733_400_000_123_456_789}},
		"incidents/B/revisions/89abcdef/index.html": {sha256.Sum256([]byte("k2")), sha256.Sum256([]byte("s2")), fileStamp{0, -1}},
	}}
	data := m.encode()
	got, err := decodePageManifest(data)
	if err != nil {
		t.Fatal(err)
	}
	if got.exe != m.exe || got.exeSum != m.exeSum || len(got.pages) != len(m.pages) {
		t.Fatalf("read back %+v, want %+v", got, m)
	}
	for rel, e := range m.pages {
		if got.pages[rel] != e {
			t.Errorf("%s: read back %x, want %x", rel, got.pages[rel], e)
		}
	}
	for name, bad := range map[string][]byte{
		"cut short":   data[:len(data)-1],
		"no exe line": data[len("exe "):],
		"empty":       nil,
	} {
		if _, err := decodePageManifest(bad); err == nil {
			t.Errorf("%s: read without an error", name)
		}
	}
}

// TestPageEntryStillAt: a page is kept only while its file has the stamp
// recorded, and on a file system that keeps whole seconds only while it
// has the bytes recorded too.
func TestPageEntryStillAt(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	page := filepath.Join(dir, "index.html")
	write := func(text string, mtime time.Time) {
		t.Helper()
		if err := os.WriteFile(page, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(page, mtime, mtime); err != nil {
			t.Fatal(err)
		}
	}
	fine := time.Date(2026, 12, 5, 22, 40, 1, 123456789, time.UTC)
	whole := fine.Truncate(time.Second)
	entry := func() pageEntry {
		t.Helper()
		st, ok := stampOf(page)
		if !ok {
			t.Fatal("no stamp of a written page")
		}
		return pageEntry{sum: sha256.Sum256([]byte("<h1>A</h1>")), file: st}
	}

	write("<h1>A</h1>", fine)
	e := entry()
	if _, ok := e.stillAt(page); !ok {
		t.Error("the page as recorded is not kept")
	}
	write("<h2>A</h2>", fine.Add(time.Millisecond))
	if _, ok := e.stillAt(page); ok {
		t.Error("a page edited by hand (same size, new time) is kept")
	}

	write("<h1>A</h1>", whole)
	e = entry()
	if data, ok := e.stillAt(page); !ok || string(data) != "<h1>A</h1>" {
		t.Errorf("whole-second time, bytes as recorded: kept %v with %q", ok, data)
	}
	write("<h2>A</h2>", whole) // an edit within the same second
	if _, ok := e.stillAt(page); ok {
		t.Error("whole-second time: a page edited within its second is kept")
	}

	if err := os.Remove(page); err != nil {
		t.Fatal(err)
	}
	if _, ok := e.stillAt(page); ok {
		t.Error("a removed page is kept")
	}
}
