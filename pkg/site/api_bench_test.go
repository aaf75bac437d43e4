package site

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/inquest-dev/inquest/pkg/internal/bench"
)

// BenchmarkAPIEntries makes every incident's part of api/incidents.json
// again, one after another, for a built site: each in a buffer of its own
// (apiEntry, as an update of one incident does), and in one buffer kept
// from entry to entry (apiEntryIn, as writeAPI does). It builds the
// repository named by $INQUEST_BENCH_CORPUS once, with its history, or
// skips:
//
//	INQUEST_BENCH_CORPUS=/tmp/c1000 go test ./pkg/site -run '^$' -bench APIEntries -benchmem
func BenchmarkAPIEntries(b *testing.B) {
	dir := bench.Corpus(b)
	out := filepath.Join(b.TempDir(), "public")
	_, asm, err := BuildFrom(context.Background(), BuildOptions{Dir: dir, Out: out, CacheDir: b.TempDir()}, nil)
	if err != nil {
		b.Fatal(err)
	}
	incs := asm.site.Incidents
	var kept apiBuf
	for _, c := range []struct {
		name  string
		entry func(*Incident) ([]byte, error)
	}{
		{"fresh", asm.apiEntry},
		{"kept", func(v *Incident) ([]byte, error) { return asm.apiEntryIn(&kept, v) }},
	} {
		b.Run(c.name, func(b *testing.B) {
			size := 0
			cpu := bench.CPUTime()
			for b.Loop() {
				size = 0
				for _, v := range incs {
					e, err := c.entry(v)
					if err != nil {
						b.Fatal(err)
					}
					size += len(e)
				}
			}
			b.ReportMetric(float64((bench.CPUTime()-cpu).Nanoseconds())/float64(b.N*len(incs)), "cpu-ns/incident")
			b.ReportMetric(float64(size)/float64(len(incs)), "bytes/incident")
		})
	}
}
