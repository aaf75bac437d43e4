package site

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/inquest-dev/inquest/pkg/internal/bench"
)

// BenchmarkPackedHTMLCorpus writes the HTML of every diff the incident
// pages of a built site show (revision diffs, diffs since stale
// sign-offs), as their "diff" partial does, one after another. It builds
// the repository named by $INQUEST_BENCH_CORPUS once, with its history,
// or skips:
//
//	INQUEST_BENCH_CORPUS=/tmp/c1000 go test ./pkg/site -run '^$' -bench PackedHTMLCorpus
func BenchmarkPackedHTMLCorpus(b *testing.B) {
	dir := bench.Corpus(b)
	out := filepath.Join(b.TempDir(), "public")
	_, asm, err := BuildFrom(context.Background(), BuildOptions{Dir: dir, Out: out, CacheDir: b.TempDir()}, nil)
	if err != nil {
		b.Fatal(err)
	}
	var diffs []*PackedDiffView
	packed, html := 0, 0
	for _, v := range asm.site.Incidents {
		if v.audit == nil {
			continue
		}
		for _, r := range v.audit.revs {
			if r.packed != nil {
				diffs = append(diffs, &PackedDiffView{packed: r.packed, summary: r.summary})
			}
		}
		for _, s := range v.audit.since {
			diffs = append(diffs, s.Diff)
		}
	}
	for _, d := range diffs {
		packed += len(d.packed)
		html += len(d.HTML())
	}
	if len(diffs) == 0 {
		b.Fatal("no diffs")
	}
	b.ResetTimer()
	cpu := bench.CPUTime()
	for b.Loop() {
		for _, d := range diffs {
			_ = d.HTML()
		}
	}
	b.ReportMetric(float64((bench.CPUTime()-cpu).Nanoseconds())/float64(b.N*len(diffs)), "cpu-ns/diff")
	b.ReportMetric(float64(len(diffs)), "diffs")
	b.ReportMetric(float64(html)/float64(packed), "html/packed")
	b.ReportMetric(float64(html)/float64(len(diffs)), "html-B/diff")
}
