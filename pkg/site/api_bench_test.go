package site

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/inquest-dev/inquest/pkg/internal/bench"
)

// BenchmarkAPIEntries makes every incident's part of api/incidents.json
// (apiEntry) again, one after another, for a built site. It builds the
// repository named by $INQUEST_BENCH_CORPUS once, with its history, or
// skips:
//
//	INQUEST_BENCH_CORPUS=/tmp/c1000 go test ./pkg/site -run '^$' -bench APIEntries
func BenchmarkAPIEntries(b *testing.B) {
	dir := bench.Corpus(b)
	out := filepath.Join(b.TempDir(), "public")
	_, asm, err := BuildFrom(context.Background(), BuildOptions{Dir: dir, Out: out, CacheDir: b.TempDir()}, nil)
	if err != nil {
		b.Fatal(err)
	}
	incs := asm.site.Incidents
	size := 0
	cpu := bench.CPUTime()
	for b.Loop() {
		size = 0
		for _, v := range incs {
			e, err := asm.apiEntry(v)
			if err != nil {
				b.Fatal(err)
			}
			size += len(e)
		}
	}
	b.ReportMetric(float64((bench.CPUTime()-cpu).Nanoseconds())/float64(b.N*len(incs)), "cpu-ns/incident")
	b.ReportMetric(float64(size)/float64(len(incs)), "bytes/incident")
}
