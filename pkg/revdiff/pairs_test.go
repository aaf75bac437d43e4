package revdiff

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkPairs compares real pairs of versions, as a build does: each
// pair's diff is encoded and summarised. The pairs are files NAME.a (the
// version before) and NAME.b (after) in the folder named by the
// environment variable REVDIFF_PAIRS, for instance the blobs of the
// modified files of `git log --raw --no-abbrev` of a corpus; without it
// the benchmark is skipped.
func BenchmarkPairs(b *testing.B) {
	dir := os.Getenv("REVDIFF_PAIRS")
	if dir == "" {
		b.Skip("REVDIFF_PAIRS names no folder of version pairs")
	}
	pairs := readPairs(b, dir)
	b.ReportAllocs()
	for b.Loop() {
		for _, p := range pairs {
			d := CompareVersions(NewVersion(p[0]), NewVersion(p[1]), nil)
			if _, err := d.MarshalBinary(); err != nil {
				b.Fatal(err)
			}
			d.Summary()
		}
	}
}

// readPairs reads the pairs NAME.a, NAME.b of dir.
func readPairs(tb testing.TB, dir string) [][2][]byte {
	tb.Helper()
	names, err := filepath.Glob(filepath.Join(dir, "*.a"))
	if err != nil || len(names) == 0 {
		tb.Fatalf("no pairs in %s: %v", dir, err)
	}
	var pairs [][2][]byte
	for _, n := range names {
		a, err := os.ReadFile(n)
		if err != nil {
			tb.Fatal(err)
		}
		b, err := os.ReadFile(strings.TrimSuffix(n, ".a") + ".b")
		if err != nil {
			tb.Fatal(err)
		}
		pairs = append(pairs, [2][]byte{a, b})
	}
	return pairs
}
