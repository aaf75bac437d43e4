// Package bench is what the benchmarks that run on a generated corpus
// share: the corpus they are given, and the CPU time they report beside
// wall time (on a machine shared with other work it says more).
package bench

import (
	"os"
	"testing"
	"time"
)

// CorpusEnv names the repository the corpus benchmarks read, made by
// ../shared/bench/gencorpus.py.
const CorpusEnv = "INQUEST_BENCH_CORPUS"

// Corpus returns the repository named by $INQUEST_BENCH_CORPUS, or skips.
func Corpus(tb testing.TB) string {
	tb.Helper()
	dir := os.Getenv(CorpusEnv)
	if dir == "" {
		tb.Skip(CorpusEnv + " is not set")
	}
	return dir
}

// CPUTime returns the user and system CPU time of the process so far, all
// threads together; 0 where the system does not say.
func CPUTime() time.Duration { return cpuTime() }
