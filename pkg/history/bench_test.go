package history

import (
	"context"
	"os"
	"strings"
	"testing"
)

// BenchmarkLoad reads the whole history of the corpus named by
// $INQUEST_BENCH_CORPUS, a repository made by
// ../shared/bench/gencorpus.py, e.g.
//
//	INQUEST_BENCH_CORPUS=/tmp/c10k go test -run XXX -bench Load -benchtime 3x ./pkg/history/
func BenchmarkLoad(b *testing.B) {
	dir := os.Getenv("INQUEST_BENCH_CORPUS")
	if dir == "" {
		b.Skip("INQUEST_BENCH_CORPUS is not set")
	}
	opts := Options{
		Roots:   []string{"postmortems"},
		Include: func(p string) bool { return strings.HasSuffix(p, ".md") },
	}
	b.Run("cold", func(b *testing.B) {
		for b.Loop() {
			if _, _, err := Load(context.Background(), dir, opts); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("cached", func(b *testing.B) {
		opts := opts
		opts.CacheDir = b.TempDir()
		if _, _, err := Load(context.Background(), dir, opts); err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			r, _, err := Load(context.Background(), dir, opts)
			if err != nil {
				b.Fatal(err)
			}
			if !r.stats.fromCache {
				b.Fatal("cache not used")
			}
		}
	})
}
