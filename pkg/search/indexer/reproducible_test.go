package indexer

import (
	"bytes"
	"context"
	"encoding/binary"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/inquest-dev/inquest/pkg/search"
	"github.com/inquest-dev/inquest/pkg/search/internal/searchtest"
)

// TestFixBoltTime: whatever text scorch wrote the time as (fewer fraction
// digits where the clock counts in microseconds or 100 ns, a zone other
// than UTC), fixBoltTime gives the same root.bolt, and bbolt still reads it.
func TestFixBoltTime(t *testing.T) {
	t.Parallel()
	idx := unpackedIndex(t, searchtest.Incidents(t))
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
	t.Parallel()
	_, _, orig := browserSegment(t)
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

// browserSegment writes the browser index of the test incidents and
// returns its folder, the path of its first zap segment and the segment.
func browserSegment(t *testing.T) (idx, path string, data []byte) {
	t.Helper()
	idx = unpackedIndex(t, searchtest.Incidents(t))
	zaps, _ := filepath.Glob(filepath.Join(idx, "store", "*.zap"))
	if len(zaps) == 0 {
		t.Fatal("no zap segment in the index")
	}
	data, err := os.ReadFile(zaps[0])
	if err != nil {
		t.Fatal(err)
	}
	return idx, zaps[0], data
}
