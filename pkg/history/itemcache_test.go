package history

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
)

// TestItemsCacheEncoding: the items cache reads back what it wrote, a
// version without items as an empty list, each list capped at its end;
// and refuses a payload cut short or with an index out of its table
// rather than reading part of it.
func TestItemsCacheEncoding(t *testing.T) {
	t.Parallel()
	var h1, h2, h3 plumbing.Hash
	h1[0], h2[19], h3[5] = 9, 1, 3
	in := itemsCache{
		h1: {{Key: "rotate the keys", Ticket: "ops-12", Done: true}, {Key: "page the owner"}},
		h2: {},
		h3: {{Key: "page the owner", Ticket: "ops-12"}},
	}
	data := encodeItems(in)
	out, err := decodeItems(data)
	if err != nil || !reflect.DeepEqual(out, in) {
		t.Fatalf("decodeItems = %+v, %v; want %+v", out, err, in)
	}
	if out[h2] == nil {
		t.Error("a version without items read as nil")
	}
	for h, s := range out {
		if len(s) != cap(s) {
			t.Errorf("%x: len %d, cap %d", h[:1], len(s), cap(s))
		}
	}
	if c, err := decodeItems(encodeItems(itemsCache{})); err != nil || len(c) != 0 {
		t.Errorf("empty: %v, %v", c, err)
	}
	for cut := range len(data) {
		if c, err := decodeItems(data[:cut]); err == nil {
			t.Errorf("cut at %d of %d: read %+v", cut, len(data), c)
		}
	}
	// One string, one version of one item: its key, then its ticket,
	// out of the table.
	one := func(key, tick byte) []byte {
		b := []byte{1, 1, 'a', 1, 1}
		b = append(b, make([]byte, 20)...)
		return append(b, 1, key, tick)
	}
	if c, err := decodeItems(one(0, 1)); err != nil || !reflect.DeepEqual(c, itemsCache{{}: {{Key: "a", Ticket: "a", Done: true}}}) {
		t.Errorf("one item: %+v, %v", c, err)
	}
	for _, b := range [][]byte{one(1, 0), one(0, 2)} {
		if c, err := decodeItems(b); err == nil {
			t.Errorf("an index out of the table (%v): read %+v", b, c)
		}
	}
}

// FuzzDecodeItems: any bytes read as an items cache or are refused, and
// what reads encodes back to a cache that reads the same.
func FuzzDecodeItems(f *testing.F) {
	var h plumbing.Hash
	f.Add(encodeItems(itemsCache{h: {{Key: "a b", Ticket: "t-1", Done: true}}}))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := decodeItems(data)
		if err != nil {
			return
		}
		back, err := decodeItems(encodeItems(c))
		if err != nil || !reflect.DeepEqual(back, c) {
			t.Fatalf("round trip: %v, %v; want %v", back, err, c)
		}
	})
}

// TestItemsCacheFiles: a load writes the items cache in the current
// format and removes a file of format 1, which it does not read; a cache
// file that fails its checks is read as none, and rewritten.
func TestItemsCacheFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	old := filepath.Join(dir, "items-0123456789abcdef.gob")
	if err := os.WriteFile(old, []byte("inquest history items 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var h plumbing.Hash
	r := &Repo{live: map[string]*lineage{"a.md": {revs: []rev{{blob: h}}}}}
	h[0] = 1
	r.live["a.md"].revs[0].blob = h
	in := itemsCache{h: {{Key: "k"}}}
	if err := r.writeItems(dir, "v", nil, []itemsCache{in}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(old); !os.IsNotExist(err) {
		t.Errorf("format 1's file left (%v)", err)
	}
	if got := readItemsCache(dir, "v"); !reflect.DeepEqual(got, in) {
		t.Errorf("read back %+v, want %+v", got, in)
	}
	if got := readItemsCache(dir, "w"); got != nil {
		t.Errorf("another version's: %+v", got)
	}
	rewrite(t, filepath.Join(dir, itemsName("v")), func(b []byte) []byte { b[len(b)-1] ^= 1; return b })
	if got := readItemsCache(dir, "v"); got != nil {
		t.Errorf("a damaged file read as %+v", got)
	}
}
