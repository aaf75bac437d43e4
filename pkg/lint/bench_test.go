package lint_test

import (
	"context"
	"testing"
	"time"

	"github.com/inquest-dev/inquest/pkg/config"
	"github.com/inquest-dev/inquest/pkg/internal/bench"
	"github.com/inquest-dev/inquest/pkg/lint"
	"github.com/inquest-dev/inquest/pkg/postmortem"
)

// BenchmarkRun checks a whole parsed repository: set INQUEST_BENCH_CORPUS to
// a folder made by ../shared/bench/gencorpus.py (1,000 postmortems in
// /tmp/c1k). Parsing is outside the timed loop. Besides ns/op (wall time,
// on all cores) it reports the CPU milliseconds one run costs, which a
// shared machine disturbs less.
func BenchmarkRun(b *testing.B) {
	dir := bench.Corpus(b)
	cfg, err := config.Load(dir)
	if err != nil {
		b.Fatal(err)
	}
	set, err := postmortem.Load(context.Background(), dir, cfg)
	if err != nil {
		b.Fatal(err)
	}
	opts := lint.Options{Root: dir, Now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	var n int
	cpu0 := bench.CPUTime()
	for b.Loop() {
		n = len(lint.Run(context.Background(), cfg, set.Incidents, opts))
	}
	b.ReportMetric(float64((bench.CPUTime()-cpu0).Microseconds())/1000/float64(b.N), "cpu-ms/run")
	b.ReportMetric(float64(len(set.Incidents)), "incidents")
	b.ReportMetric(float64(n), "findings")
}
