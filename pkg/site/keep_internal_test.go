package site

import (
	"crypto/sha256"
	"testing"
)

// TestPageManifestRoundTrip checks that a manifest reads back as written,
// and that one cut short or without its exe line reads as none.
func TestPageManifestRoundTrip(t *testing.T) {
	t.Parallel()
	m := &pageManifest{exe: "123 456", exeSum: sha256.Sum256([]byte("inquest")), pages: map[string]pageEntry{
		"incidents/A/revisions/0123abcd/index.html": {sha256.Sum256([]byte("k1")), sha256.Sum256([]byte("s1"))},
		"incidents/B/revisions/89abcdef/index.html": {sha256.Sum256([]byte("k2")), sha256.Sum256([]byte("s2"))},
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
