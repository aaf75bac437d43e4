package site

import (
	"context"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/inquest-dev/inquest/pkg/internal/bench"
)

// BenchmarkPackedHTMLCorpus writes the HTML of every diff the incident
// pages of a built site show (revision diffs, diffs since stale
// sign-offs), one after another: HTML, each as a string of its own, as
// PackedDiffView.HTML makes it for a theme's own partial; placed, each
// appended to one buffer kept from diff to diff, as placeDiffs writes
// them into an incident's page (whose buffer the pool keeps). It builds
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
	packed, html, longest := 0, 0, 0
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
		n := len(d.HTML())
		html += n
		longest = max(longest, n)
	}
	if len(diffs) == 0 {
		b.Fatal("no diffs")
	}
	// The build's heap, but for the diffs, is garbage: collected here, not
	// by the first collections the loop's HTML sets off (which made runs
	// of the loop differ by up to five times).
	asm = nil
	runtime.GC()
	report := func(b *testing.B, cpu time.Duration) {
		b.ReportMetric(float64((bench.CPUTime()-cpu).Nanoseconds())/float64(b.N*len(diffs)), "cpu-ns/diff")
		b.ReportMetric(float64(len(diffs)), "diffs")
		b.ReportMetric(float64(html)/float64(packed), "html/packed")
		b.ReportMetric(float64(html)/float64(len(diffs)), "html-B/diff")
	}
	b.Run("HTML", func(b *testing.B) {
		cpu := bench.CPUTime()
		for b.Loop() {
			for _, d := range diffs {
				_ = d.HTML()
			}
		}
		report(b, cpu)
	})
	b.Run("placed", func(b *testing.B) {
		buf := make([]byte, 0, 2*longest)
		cpu := bench.CPUTime()
		for b.Loop() {
			for _, d := range diffs {
				buf, _ = appendPackedHTML(buf[:0], d.packed, d.summary)
			}
		}
		report(b, cpu)
	})
}
