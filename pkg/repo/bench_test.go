package repo

import (
	"context"
	"testing"

	"github.com/inquest-dev/inquest/pkg/internal/bench"
)

// BenchmarkLoad loads the corpus named by $INQUEST_BENCH_CORPUS (made by
// ../shared/bench/gencorpus.py) with history and an empty cache each time,
// as a cold build does:
//
//	INQUEST_BENCH_CORPUS=/tmp/c10k go test -run XXX -bench Load -benchtime 3x ./pkg/repo/
func BenchmarkLoad(b *testing.B) {
	dir := bench.Corpus(b)
	for b.Loop() {
		if _, err := Load(context.Background(), dir, Options{History: true, CacheDir: b.TempDir()}); err != nil {
			b.Fatal(err)
		}
	}
}
