package site

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/inquest-dev/inquest/pkg/internal/bench"
)

// BenchmarkAPIEntriesIn is BenchmarkAPIEntries with the entries made as
// writeAPI makes them, in a buffer kept from one entry to the next
// (apiEntryIn):
//
//	INQUEST_BENCH_CORPUS=/tmp/c1000 go test ./pkg/site -run '^$' -bench APIEntriesIn
func BenchmarkAPIEntriesIn(b *testing.B) {
	dir := bench.Corpus(b)
	out := filepath.Join(b.TempDir(), "public")
	_, asm, err := BuildFrom(context.Background(), BuildOptions{Dir: dir, Out: out, CacheDir: b.TempDir()}, nil)
	if err != nil {
		b.Fatal(err)
	}
	incs := asm.site.Incidents
	var buf apiBuf
	size := 0
	cpu := bench.CPUTime()
	for b.Loop() {
		size = 0
		for _, v := range incs {
			e, err := asm.apiEntryIn(&buf, v)
			if err != nil {
				b.Fatal(err)
			}
			size += len(e)
		}
	}
	b.ReportMetric(float64((bench.CPUTime()-cpu).Nanoseconds())/float64(b.N*len(incs)), "cpu-ns/incident")
	b.ReportMetric(float64(size)/float64(len(incs)), "bytes/incident")
}
