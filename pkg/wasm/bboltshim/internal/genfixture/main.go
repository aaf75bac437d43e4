// Command genfixture writes the test fixture of the bbolt shim with the
// real go.etcd.io/bbolt: a small database (1 KiB pages, so that the trees
// are several levels deep) with nested, inline, empty and large-valued
// buckets, written over several transactions with deletions, and a dump of
// its contents as bbolt reads them. Run from ../..:
//
//	(cd internal/genfixture && go run . ../../testdata)
package main

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"

	bolt "go.etcd.io/bbolt"
)

func main() {
	dir := os.Args[1]
	tmp, err := os.MkdirTemp("", "genfixture")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	path := filepath.Join(tmp, "fixture.bolt")
	db, err := bolt.Open(path, 0o600, &bolt.Options{PageSize: 1024})
	if err != nil {
		log.Fatal(err)
	}
	must := func(err error) {
		if err != nil {
			log.Fatal(err)
		}
	}
	// Transaction 1: a big bucket and a bucket of buckets.
	must(db.Update(func(tx *bolt.Tx) error {
		big, err := tx.CreateBucket([]byte("big"))
		must(err)
		for i := 0; i < 3000; i++ {
			must(big.Put(fmt.Appendf(nil, "key%06d", i*3), fmt.Appendf(nil, "value %d", i)))
		}
		nest, err := tx.CreateBucket([]byte("nest"))
		must(err)
		in, err := nest.CreateBucket([]byte("inline")) // small: stored inline
		must(err)
		must(in.Put([]byte("a"), []byte("1")))
		must(in.Put([]byte("b"), []byte("2")))
		deep, err := nest.CreateBucket([]byte("deep"))
		must(err)
		for i := 0; i < 200; i++ {
			must(deep.Put(fmt.Appendf(nil, "d%04d", i), bytes.Repeat([]byte{byte(i)}, 40)))
		}
		deeper, err := deep.CreateBucket([]byte("deeper-inline"))
		must(err)
		must(deeper.Put([]byte("x"), []byte("y")))
		_, err = nest.CreateBucket([]byte("empty"))
		must(err)
		must(nest.Put([]byte("plain"), []byte("value beside buckets")))
		must(nest.Put([]byte("nil-ish"), []byte{}))
		large, err := tx.CreateBucket([]byte("large"))
		must(err)
		must(large.Put([]byte("overflow"), bytes.Repeat([]byte("0123456789"), 1000))) // spans pages
		return nil
	}))
	// Transaction 2: deletions and more keys, so that pages are freed and
	// both meta pages are valid.
	must(db.Update(func(tx *bolt.Tx) error {
		big := tx.Bucket([]byte("big"))
		for i := 0; i < 3000; i += 7 {
			must(big.Delete(fmt.Appendf(nil, "key%06d", i*3)))
		}
		for i := 0; i < 500; i++ {
			must(big.Put(fmt.Appendf(nil, "key%06d", i*3+1), []byte("later")))
		}
		_, err := tx.CreateBucket([]byte("after"))
		return err
	}))
	var dump strings.Builder
	must(db.View(func(tx *bolt.Tx) error {
		var walk func(b *bolt.Bucket, indent string)
		walk = func(b *bolt.Bucket, indent string) {
			c := b.Cursor()
			for k, v := c.First(); k != nil; k, v = c.Next() {
				if v == nil {
					fmt.Fprintf(&dump, "%s%q/\n", indent, k)
					walk(b.Bucket(k), indent+"  ")
				} else {
					fmt.Fprintf(&dump, "%s%q=%q\n", indent, k, v)
				}
			}
		}
		return tx.ForEach(func(name []byte, b *bolt.Bucket) error {
			fmt.Fprintf(&dump, "%q/\n", name)
			walk(b, "  ")
			return nil
		})
	}))
	must(db.Close())
	data, err := os.ReadFile(path)
	must(err)
	n := writeGzip(filepath.Join(dir, "fixture.bolt.gz"), data)
	writeGzip(filepath.Join(dir, "fixture.txt.gz"), []byte(dump.String()))
	log.Printf("%d bytes (%d gzipped), %d lines of dump", len(data), n, strings.Count(dump.String(), "\n"))
}

func writeGzip(path string, data []byte) int {
	var gz bytes.Buffer
	w, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	_, _ = w.Write(data)
	if err := w.Close(); err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(path, gz.Bytes(), 0o644); err != nil {
		log.Fatal(err)
	}
	return gz.Len()
}
