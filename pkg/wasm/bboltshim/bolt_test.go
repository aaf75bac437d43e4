package bbolt

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The fixture was written by the real bbolt (internal/genfixture), and
// fixture.txt.gz is its contents as the real bbolt reads them.
func fixture(t *testing.T) (*DB, string) {
	t.Helper()
	read := func(name string) []byte {
		f, err := os.Open(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		r, err := gzip.NewReader(f)
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(r)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	path := filepath.Join(t.TempDir(), "fixture.bolt")
	if err := os.WriteFile(path, read("fixture.bolt.gz"), 0o600); err != nil {
		t.Fatal(err)
	}
	db, err := Open(path, 0o600, &Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db, string(read("fixture.txt.gz"))
}

func dump(tx *Tx) string {
	var out strings.Builder
	var walk func(b *Bucket, indent string)
	walk = func(b *Bucket, indent string) {
		c := b.Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			if v == nil {
				fmt.Fprintf(&out, "%s%q/\n", indent, k)
				walk(b.Bucket(k), indent+"  ")
			} else {
				fmt.Fprintf(&out, "%s%q=%q\n", indent, k, v)
			}
		}
	}
	_ = tx.ForEach(func(name []byte, b *Bucket) error {
		fmt.Fprintf(&out, "%q/\n", name)
		walk(b, "  ")
		return nil
	})
	return out.String()
}

func TestReadsWhatBboltWrote(t *testing.T) {
	db, want := fixture(t)
	if err := db.View(func(tx *Tx) error {
		if got := dump(tx); got != want {
			gl, wl := strings.Split(got, "\n"), strings.Split(want, "\n")
			for i := range min(len(gl), len(wl)) {
				if gl[i] != wl[i] {
					t.Fatalf("line %d: got %s, want %s", i+1, gl[i], wl[i])
				}
			}
			t.Fatalf("got %d lines, want %d", len(gl), len(wl))
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}

// entries lists a bucket's keys and values (nil for buckets) from First/Next.
func entries(b *Bucket) (keys, vals [][]byte) {
	c := b.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		keys, vals = append(keys, k), append(vals, v)
	}
	return keys, vals
}

func TestCursor(t *testing.T) {
	db, _ := fixture(t)
	tx, err := db.Begin(false)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	for _, path := range [][]string{{"big"}, {"nest"}, {"nest", "deep"}, {"nest", "inline"}, {"nest", "empty"}, {"large"}} {
		b := tx.Bucket([]byte(path[0]))
		for _, p := range path[1:] {
			b = b.Bucket([]byte(p))
		}
		if b == nil {
			t.Fatalf("bucket %v missing", path)
		}
		keys, vals := entries(b)
		// Backwards gives the same keys in reverse.
		c := b.Cursor()
		i := len(keys) - 1
		for k, _ := c.Last(); k != nil; k, _ = c.Prev() {
			if i < 0 || !bytes.Equal(k, keys[i]) {
				t.Fatalf("%v: Last/Prev at %d gave %q", path, i, k)
			}
			i--
		}
		if i != -1 {
			t.Fatalf("%v: Last/Prev stopped with %d keys to go", path, i+1)
		}
		// Seek finds every key, and the next key for one just before it.
		for i, k := range keys {
			if gk, gv := b.Cursor().Seek(k); !bytes.Equal(gk, k) || !bytes.Equal(gv, vals[i]) || (gv == nil) != (vals[i] == nil) {
				t.Fatalf("%v: Seek(%q) = %q, %q", path, k, gk, gv)
			}
			if vals[i] != nil && !bytes.Equal(b.Get(k), vals[i]) {
				t.Fatalf("%v: Get(%q) = %q", path, k, b.Get(k))
			}
			if vals[i] == nil && (b.Get(k) != nil || b.Bucket(k) == nil) {
				t.Fatalf("%v: %q should be a bucket", path, k)
			}
			before := append(bytes.Clone(k[:len(k)-1]), k[len(k)-1]-1, 0xff)
			if i > 0 && bytes.Compare(before, keys[i-1]) <= 0 {
				continue
			}
			if gk, _ := b.Cursor().Seek(before); !bytes.Equal(gk, k) {
				t.Fatalf("%v: Seek(%q) = %q, want %q", path, before, gk, k)
			}
		}
		if gk, _ := b.Cursor().Seek([]byte{0xff, 0xff}); gk != nil {
			t.Fatalf("%v: Seek past the end = %q", path, gk)
		}
		// Next after the end stays at the end; Prev then gives the last key.
		if len(keys) > 0 {
			c := b.Cursor()
			c.Last()
			if k, _ := c.Next(); k != nil {
				t.Fatalf("%v: Next after Last = %q", path, k)
			}
			if k, _ := c.Prev(); !bytes.Equal(k, keys[len(keys)-1]) {
				t.Fatalf("%v: Prev after the end = %q", path, k)
			}
		}
	}
	if got := len(tx.Bucket([]byte("large")).Get([]byte("overflow"))); got != 10000 {
		t.Errorf("overflow value is %d bytes, want 10000", got)
	}
	if tx.Bucket([]byte("missing")) != nil || tx.Bucket([]byte("big")).Bucket([]byte("key000003")) != nil {
		t.Error("a missing bucket or a plain key opened as a bucket")
	}
}

func TestReadOnly(t *testing.T) {
	db, _ := fixture(t)
	if _, err := db.Begin(true); !errors.Is(err, ErrDatabaseReadOnly) {
		t.Errorf("Begin(true) = %v", err)
	}
	if err := db.Update(func(*Tx) error { return nil }); !errors.Is(err, ErrDatabaseReadOnly) {
		t.Errorf("Update = %v", err)
	}
	_ = db.View(func(tx *Tx) error {
		if _, err := tx.CreateBucketIfNotExists([]byte("x")); !errors.Is(err, ErrTxNotWritable) {
			t.Errorf("CreateBucketIfNotExists = %v", err)
		}
		if err := tx.Bucket([]byte("big")).Put([]byte("k"), []byte("v")); !errors.Is(err, ErrTxNotWritable) {
			t.Errorf("Put = %v", err)
		}
		return nil
	})
}

func TestDamaged(t *testing.T) {
	if _, err := load(make([]byte, 4096)); !errors.Is(err, ErrInvalid) {
		t.Errorf("zeros: %v", err)
	}
	if _, err := Open(filepath.Join(t.TempDir(), "missing"), 0o600, nil); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
}

// A damaged current meta page falls back to the previous transaction, as
// bbolt does after a torn write.
func TestDamagedMetaFallsBack(t *testing.T) {
	db, _ := fixture(t)
	data := bytes.Clone(db.data)
	ps := int(le.Uint32(data[pageHeaderLen+8:]))
	tx0, tx1 := le.Uint64(data[pageHeaderLen+48:]), le.Uint64(data[ps+pageHeaderLen+48:])
	newer := 0
	if tx1 > tx0 {
		newer = ps
	}
	data[newer+pageHeaderLen+56] ^= 0xff // the checksum
	old, err := load(data)
	if err != nil {
		t.Fatal(err)
	}
	_ = old.View(func(tx *Tx) error {
		if tx.Bucket([]byte("after")) != nil || tx.Bucket([]byte("big")) == nil {
			t.Error("did not read the previous transaction")
		}
		return nil
	})
}
